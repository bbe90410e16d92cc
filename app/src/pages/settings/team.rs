//! Settings → Team: who works in the helpdesk with which role, pending invitations, and
//! inviting someone. Only owners change owners (`Role::may_change`); nobody changes
//! their own role or deactivates themselves.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use protocol::settings::{PendingInvite, Role, Team, TeamMember};

use super::{
    focus_first, invalid, Controls, CopyField, FieldMessage, FormFeedback, Now, Outcome,
    ReadOnlyNote, SettingsBody, SettingsHead,
};
use crate::api::{
    get_team, invite_agent, revoke_invite, set_agent_active, set_agent_role, AgentProfile,
    ApiError, InviteLink,
};
use crate::time::LocalTime;

#[component]
pub fn TeamSettings() -> impl IntoView {
    let team = Resource::new(|| (), |_| get_team());
    view! {
        <Title text="Team" />
        <SettingsHead
            title="Team"
            intro="Everyone who answers shoppers in the helpdesk. Owners and admins manage settings and the team; agents work tickets."
        />
        <SettingsBody data=team form=move |me, team| {
            view! { <TeamManager team me /> }
        } />
    }
}

/// A change made from the members or invitations lists.
#[derive(Debug, Clone)]
enum Change {
    Role { id: String, role: Role },
    Active { id: String, active: bool },
    Revoke { id: String },
}

/// What the rows share.
#[derive(Clone, Copy)]
struct Members {
    team: RwSignal<Team>,
    /// The member whose deactivation waits for a confirmation.
    confirming: RwSignal<Option<String>>,
    change: Action<Change, Result<&'static str, ApiError>>,
    my_role: Role,
    my_id: StoredValue<String>,
}

const ROLES: [Role; 3] = [Role::Owner, Role::Admin, Role::Agent];

#[component]
fn TeamManager(team: Team, me: AgentProfile) -> impl IntoView {
    let team = RwSignal::new(team);
    let confirming = RwSignal::new(None::<String>);
    let change = Action::new(move |change: &Change| {
        let change = change.clone();
        async move {
            let (done, focus) = match change {
                Change::Role { id, role } => {
                    set_agent_role(id.clone(), role).await?;
                    ("Role changed.", vec![format!("role-{id}")])
                }
                Change::Active { id, active } => {
                    set_agent_active(id.clone(), active).await?;
                    confirming.set(None);
                    let done = if active {
                        "Reactivated."
                    } else {
                        "Deactivated."
                    };
                    (done, vec![format!("active-{id}"), format!("role-{id}")])
                }
                Change::Revoke { id } => {
                    revoke_invite(id).await?;
                    ("Invitation revoked.", vec!["invite-email".to_owned()])
                }
            };
            team.set(get_team().await?);
            focus_first(focus);
            Ok(done)
        }
    });
    let members = Members {
        team,
        confirming,
        change,
        my_role: me.role(),
        my_id: StoredValue::new(me.id.clone()),
    };
    let can_edit = me.role().manages();
    let result = change.value();
    let error = move || {
        result.with(|value| {
            value
                .as_ref()
                .and_then(|r| r.as_ref().err().map(ToString::to_string))
        })
    };
    let done = move || result.with(|value| value.as_ref().and_then(|r| r.as_ref().ok().copied()));

    view! {
        <ReadOnlyNote can_edit />
        <section class="card" aria-labelledby="members-title">
            <h2 id="members-title">"Members"</h2>
            <p class="form-error" role="alert">{error}</p>
            <p class="saved" role="status">{done}</p>
            <div class="table-wrap">
                <table class="team-table">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || team.with(|team| team.members.clone())
                            key=|member| (member.id.clone(), member.role.as_str(), member.active, member.name.clone())
                            let:member
                        >
                            <MemberRow members member />
                        </For>
                    </tbody>
                </table>
            </div>
        </section>
        <section class="card" aria-labelledby="invites-title">
            <h2 id="invites-title">"Pending invitations"</h2>
            <Show
                when=move || team.with(|team| !team.invites.is_empty())
                fallback=|| view! { <p class="muted">"No pending invitations."</p> }
            >
                <ul class="invites">
                    <For
                        each=move || team.with(|team| team.invites.clone())
                        key=|invite| invite.id.clone()
                        let:invite
                    >
                        <InviteRow members invite can_edit />
                    </For>
                </ul>
            </Show>
        </section>
        <InviteForm members can_edit />
    }
}

#[component]
fn MemberRow(members: Members, member: TeamMember) -> impl IntoView {
    let is_me = members.my_id.with_value(|id| *id == member.id);
    let my_role = members.my_role;
    let choices: Vec<Role> = ROLES
        .into_iter()
        .filter(|role| *role == member.role || my_role.may_change(member.role, Some(*role)))
        .collect();
    let pending = members.change.pending();
    let controls = Controls::new(my_role.manages());
    let fixed_role = is_me || choices.len() < 2;
    let role_id = format!("role-{}", member.id);
    let active_id = format!("active-{}", member.id);
    let may_toggle = !is_me && my_role.may_change(member.role, None);
    let current = member.role;
    let on_role = {
        let id = member.id.clone();
        move |event| {
            let chosen = Role::parse(&event_target_value(&event));
            if let Some(role) = chosen.filter(|role| *role != current) {
                members.change.dispatch(Change::Role {
                    id: id.clone(),
                    role,
                });
            }
        }
    };
    let confirming = {
        let id = member.id.clone();
        move || {
            members
                .confirming
                .with(|held| held.as_deref() == Some(id.as_str()))
        }
    };
    let toggle = {
        let id = member.id.clone();
        let active = member.active;
        move |_| {
            if active {
                members.confirming.set(Some(id.clone()));
                focus_first(vec![format!("deactivate-{id}-confirm")]);
            } else {
                members.change.dispatch(Change::Active {
                    id: id.clone(),
                    active: true,
                });
            }
        }
    };
    let confirm = {
        let id = member.id.clone();
        move |_| {
            members.change.dispatch(Change::Active {
                id: id.clone(),
                active: false,
            });
        }
    };
    let cancel = {
        let id = active_id.clone();
        move |_| {
            members.confirming.set(None);
            focus_first(vec![id.clone()]);
        }
    };
    let confirm_id = format!("deactivate-{}-confirm", member.id);
    let question_id = format!("deactivate-{}-question", member.id);
    let name = member.name.clone();

    view! {
        <tr class:inactive=!member.active>
            <td>
                <span class="member-name">{member.name.clone()}</span>
                {is_me.then(|| view! { " " <span class="pill you">"You"</span> })}
            </td>
            <td class="muted">{member.email.clone()}</td>
            <td>
                <label for=role_id.clone() class="sr-only">{format!("Role of {}", member.name)}</label>
                <select
                    id=role_id
                    // Back to the stored role after each change (a refused one included).
                    prop:value=move || {
                        members.change.version().track();
                        current.as_str()
                    }
                    on:change=on_role
                    disabled=move || fixed_role || controls.locked() || pending.get()
                >
                    {choices
                        .into_iter()
                        .map(|role| view! {
                            <option value=role.as_str() selected=role == current>{role.label()}</option>
                        })
                        .collect_view()}
                </select>
            </td>
            <td>
                {if member.active {
                    view! { <span class="pill published">"Active"</span> }.into_any()
                } else {
                    view! { <span class="pill draft">"Deactivated"</span> }.into_any()
                }}
            </td>
            <td class="actions">
                {may_toggle.then(|| view! {
                    <button
                        type="button"
                        class="secondary small"
                        id=active_id.clone()
                        on:click=toggle.clone()
                        disabled=move || controls.locked() || pending.get()
                    >
                        {if member.active { "Deactivate" } else { "Reactivate" }}
                    </button>
                })}
                <Show when=confirming.clone()>
                    <div class="confirm" role="group" aria-labelledby=question_id.clone()>
                        <p id=question_id.clone()>
                            {format!("Deactivate {name}? They are logged out and cannot log in until reactivated.")}
                        </p>
                        <button
                            type="button"
                            class="danger small"
                            id=confirm_id.clone()
                            on:click=confirm.clone()
                            disabled=move || controls.locked() || pending.get()
                        >
                            "Deactivate"
                        </button>
                        <button type="button" class="secondary small" on:click=cancel.clone()>"Cancel"</button>
                    </div>
                </Show>
            </td>
        </tr>
    }
}

#[component]
fn InviteRow(members: Members, invite: PendingInvite, can_edit: bool) -> impl IntoView {
    let now = expect_context::<Now>().0;
    let pending = members.change.pending();
    let controls = Controls::new(can_edit);
    let expires_at = invite.expires_at;
    let revoke = {
        let id = invite.id.clone();
        move |_| {
            members.change.dispatch(Change::Revoke { id: id.clone() });
        }
    };
    view! {
        <li class="invite">
            <span class="invite-email">{invite.email.clone()}</span>
            <span class="pill">{invite.role.label()}</span>
            <span class="muted">
                {move || {
                    if expires_at <= now.get() {
                        view! { "Expired" }.into_any()
                    } else {
                        view! { "Expires " <LocalTime at=expires_at /> }.into_any()
                    }
                }}
            </span>
            <button
                type="button"
                class="secondary small"
                on:click=revoke
                disabled=move || controls.locked() || pending.get()
                aria-label=format!("Revoke the invitation for {}", invite.email)
            >
                "Revoke"
            </button>
        </li>
    }
}

#[component]
fn InviteForm(members: Members, can_edit: bool) -> impl IntoView {
    let my_role = members.my_role;
    let roles: Vec<Role> = [Role::Admin, Role::Agent]
        .into_iter()
        .filter(|role| my_role.may_change(*role, Some(*role)))
        .collect();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Agent);
    let invite = Action::new(move |input: &(String, Role)| {
        let (address, role) = input.clone();
        async move {
            let link = invite_agent(address, role).await?;
            email.set(String::new());
            if let Ok(team) = get_team().await {
                members.team.set(team);
            }
            focus_first(vec!["invite-link".to_owned()]);
            Ok::<InviteLink, ApiError>(link)
        }
    });
    // Whom the last invitation went to, for "Emailed to …".
    let sent_to = RwSignal::new(String::new());
    let outcome = Outcome::of(invite);
    let controls = Controls::new(can_edit);
    let email_error = outcome.field("email");
    let role_error = outcome.field("role");
    let submit = move |event: SubmitEvent| {
        event.prevent_default();
        if can_edit {
            let address = email.get_untracked().trim().to_owned();
            sent_to.set(address.clone());
            invite.dispatch((address, role.get_untracked()));
        }
    };
    let link = move || {
        invite
            .value()
            .with(|value| value.as_ref().and_then(|r| r.as_ref().ok().cloned()))
    };

    view! {
        <section class="card" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite a teammate"</h2>
            <form class="invite-form" novalidate on:submit=submit>
                <div class="field grow">
                    <label for="invite-email">"Email"</label>
                    <input
                        id="invite-email"
                        type="email"
                        autocomplete="off"
                        prop:value=email
                        on:input=move |event| email.set(event_target_value(&event))
                        disabled=move || controls.locked()
                        aria-invalid=invalid(email_error)
                        aria-describedby=move || email_error.with(Option::is_some).then_some("invite-email-error")
                    />
                    <FieldMessage id="invite-email-error" message=email_error />
                </div>
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select
                        id="invite-role"
                        on:change=move |event| {
                            if let Some(chosen) = Role::parse(&event_target_value(&event)) {
                                role.set(chosen);
                            }
                        }
                        disabled=move || controls.locked()
                        aria-invalid=invalid(role_error)
                        aria-describedby=move || role_error.with(Option::is_some).then_some("invite-role-error")
                    >
                        {roles
                            .into_iter()
                            .map(|choice| view! {
                                <option value=choice.as_str() selected=choice == Role::Agent>{choice.label()}</option>
                            })
                            .collect_view()}
                    </select>
                    <FieldMessage id="invite-role-error" message=role_error />
                </div>
                <div class="form-actions">
                    <button type="submit" class="primary" disabled=move || controls.locked() || outcome.pending.get()>
                        {move || if outcome.pending.get() { "Inviting…" } else { "Send invitation" }}
                    </button>
                </div>
            </form>
            <FormFeedback outcome saved_text="Invitation created." />
            {move || link().map(|link| view! {
                <div class="invite-result">
                    <CopyField id="invite-link" label="Invitation link" value=link.link.clone() />
                    <p class="hint">"The link works once. Whoever opens it can join with this email address."</p>
                    {if link.emailed {
                        view! { <p class="note">{format!("Emailed to {}.", sent_to.get_untracked())}</p> }.into_any()
                    } else {
                        view! {
                            <p class="warning">"Email is not set up on this server: share this link yourself."</p>
                        }
                        .into_any()
                    }}
                </div>
            })}
        </section>
    }
}
