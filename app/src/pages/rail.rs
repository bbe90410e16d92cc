//! The main navigation rail, shared by the inbox and the settings: the brand, the
//! Helpdesk and Settings items, and the logged-in agent with Log out.

use leptos::prelude::*;

use super::icons::{GearIcon, InboxIcon};
use crate::api::{AgentProfile, ApiError, LogOut};
use crate::components::people::initials;

/// Which part of the helpdesk the page belongs to (its rail item is marked current).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Helpdesk,
    Settings,
}

#[component]
pub fn Rail(
    active: Section,
    /// The logged-in agent, loaded once by the layout (its pages may need it too).
    agent: Resource<Result<AgentProfile, ApiError>>,
    /// The live unread count beside Helpdesk; only the inbox keeps one.
    #[prop(optional, into)]
    unread: Option<Signal<usize>>,
) -> impl IntoView {
    let logout = ServerAction::<LogOut>::new();
    let current = move |section: Section| (active == section).then_some("page");
    view! {
        <nav class="rail" aria-label="Main">
            <a class="brand" href="/inbox">"Shopdesk"</a>
            <a
                class="nav-item"
                class:active=active == Section::Helpdesk
                href="/inbox"
                aria-current=current(Section::Helpdesk)
            >
                <InboxIcon />
                <span class="nav-label">"Helpdesk"</span>
                {unread.map(|unread| view! {
                    <Show when=move || { unread.get() > 0 }>
                        <span class="badge" aria-label=move || format!("{} unread tickets", unread.get())>
                            {move || unread.get()}
                        </span>
                    </Show>
                })}
            </a>
            <a
                class="nav-item"
                class:active=active == Section::Settings
                href="/settings"
                aria-current=current(Section::Settings)
            >
                <GearIcon />
                <span class="nav-label">"Settings"</span>
            </a>
            <div class="rail-foot">
                <Suspense>
                    {move || Suspend::new(async move {
                        agent.await.ok().map(|agent| view! {
                            <span class="me" title=agent.email.clone()>
                                <span class="avatar" aria-hidden="true">{initials(&agent.name)}</span>
                                <span class="me-name">{agent.name}</span>
                            </span>
                        })
                    })}
                </Suspense>
                <ActionForm action=logout>
                    <button type="submit" class="link">"Log out"</button>
                </ActionForm>
            </div>
        </nav>
    }
}
