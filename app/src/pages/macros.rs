//! The composer's macro picker: a searchable list of the team's canned replies.
//! Arrow keys move through the matches, Enter inserts, Esc closes.

use leptos::{ev::KeyboardEvent, html, prelude::*};
use protocol::profile::Macro;

use crate::{
    api::{list_macros, ApiError},
    mounted::Mounted,
};

/// Macros whose name or text contains every word of `filter` (case-insensitive).
pub fn matching(macros: &[Macro], filter: &str) -> Vec<Macro> {
    let words: Vec<String> = filter.split_whitespace().map(str::to_lowercase).collect();
    macros
        .iter()
        .filter(|candidate| {
            let text = format!("{} {}", candidate.name, candidate.body).to_lowercase();
            words.iter().all(|word| text.contains(word.as_str()))
        })
        .cloned()
        .collect()
}

#[component]
pub fn MacroPicker(on_pick: impl Fn(Macro) + Copy + Send + Sync + 'static) -> impl IntoView {
    let open = RwSignal::new(false);
    let filter = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    // A plain signal, not a resource: a resource read here would suspend the ticket
    // view around it (and drop the focus) every time the list is fetched again.
    let macros = RwSignal::new(None::<Result<Vec<Macro>, ApiError>>);
    let input = NodeRef::<html::Input>::new();
    let button = NodeRef::<html::Button>::new();
    let shown = Memo::new(move |_| {
        let all = macros.with(|loaded| match loaded {
            Some(Ok(all)) => all.clone(),
            _ => Vec::new(),
        });
        filter.with(|filter| matching(&all, filter))
    });
    let close = move || {
        open.set(false);
        filter.set(String::new());
        active.set(0);
    };
    let pick = move |chosen: Macro| {
        close();
        on_pick(chosen);
    };
    let mounted = Mounted::new();
    let show = move || {
        // Fresh from the server each time: an admin may have just added one.
        mounted.spawn(list_macros(), move |listed| macros.set(Some(listed)));
        open.set(true);
    };
    let on_key = move |event: KeyboardEvent| {
        let count = shown.with(Vec::len);
        match event.key().as_str() {
            "ArrowDown" if count > 0 => {
                event.prevent_default();
                active.update(|index| *index = (*index + 1) % count);
            }
            "ArrowUp" if count > 0 => {
                event.prevent_default();
                active.update(|index| *index = (*index + count - 1) % count);
            }
            "Enter" => {
                event.prevent_default();
                if let Some(chosen) = shown.with(|list| list.get(active.get_untracked()).cloned()) {
                    pick(chosen);
                }
            }
            "Escape" => {
                event.prevent_default();
                event.stop_propagation();
                close();
                if let Some(button) = button.get_untracked() {
                    let _ = button.focus();
                }
            }
            _ => {}
        }
    };
    view! {
        <button
            type="button"
            id="macros"
            class="secondary small"
            node_ref=button
            aria-haspopup="listbox"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| if open.get_untracked() { close() } else { show() }
        >"Macros"</button>
        <Show when=move || open.get()>
            <FocusOnMount target=input />
            <div class="macro-picker">
                <label for="macro-search" class="sr-only">"Search macros"</label>
                <input
                    id="macro-search"
                    type="search"
                    placeholder="Search macros…"
                    autocomplete="off"
                    role="combobox"
                    aria-expanded="true"
                    aria-controls="macro-list"
                    aria-activedescendant=move || shown.with(|list| {
                        list.get(active.get()).map(|m| format!("macro-{}", m.id))
                    })
                    node_ref=input
                    prop:value=filter
                    on:input=move |event| {
                        filter.set(event_target_value(&event));
                        active.set(0);
                    }
                    on:keydown=on_key
                />
                <ul id="macro-list" role="listbox" aria-label="Macros">
                    {move || {
                        let list = shown.get();
                        if list.is_empty() {
                            let text = match macros.get() {
                                None => "Loading macros…",
                                Some(Err(_)) => "Macros could not be loaded.",
                                Some(Ok(all)) if all.is_empty() => "No macros yet. Owners and admins add them in Settings → Macros.",
                                Some(Ok(_)) => "No macro matches.",
                            };
                            return view! { <li class="muted empty-option">{text}</li> }.into_any();
                        }
                        list.into_iter().enumerate().map(|(index, candidate)| {
                            let chosen = candidate.clone();
                            view! {
                                <li
                                    id=format!("macro-{}", candidate.id)
                                    role="option"
                                    class="macro-option"
                                    class:active=move || active.get() == index
                                    aria-selected=move || (active.get() == index).to_string()
                                    on:mousedown=move |event| {
                                        // Keep focus in the search field until the pick is made.
                                        event.prevent_default();
                                        pick(chosen.clone());
                                    }
                                >
                                    <span class="macro-name">{candidate.name}</span>
                                    <span class="macro-body">{candidate.body}</span>
                                </li>
                            }
                        }).collect_view().into_any()
                    }}
                </ul>
            </div>
        </Show>
    }
}

/// Focuses `target` once it is on the page (for popups that open on a click).
#[component]
fn FocusOnMount(target: NodeRef<html::Input>) -> impl IntoView {
    Effect::new(move |_| {
        if let Some(element) = target.get() {
            let _ = element.focus();
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_match_name_or_text() {
        let macros = vec![
            Macro {
                id: "1".into(),
                name: "Shipping times".into(),
                body: "Orders ship in 2 days".into(),
            },
            Macro {
                id: "2".into(),
                name: "Refund".into(),
                body: "Your refund is on its way".into(),
            },
        ];
        let names = |filter| {
            matching(&macros, filter)
                .into_iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names(""), ["Shipping times", "Refund"]);
        assert_eq!(names("ship DAYS"), ["Shipping times"]);
        assert_eq!(names("way"), ["Refund"]);
        assert!(names("ship refund").is_empty());
    }
}
