//! The helpdesk's inbox: which tickets a view shows, their counts, and the ticket
//! events (assigned, snoozed, closed ...) shown inline in a thread.
//!
//! A view is a status crossed with a scope; [`InboxView::shows`] is the one definition
//! of membership, used by the server's query and by the helpdesk to place live updates.

use serde::{Deserialize, Serialize};

use crate::{settings::WaitingAlerts, TicketStatus, TicketSummary};

/// Whose tickets a view shows.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Assigned to the agent looking.
    Mine,
    Unassigned,
    #[default]
    All,
}

/// How a view's tickets are ordered.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Latest activity first.
    #[default]
    Activity,
    /// The shopper waiting longest for a reply first; tickets nobody waits on last.
    Waiting,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::Mine, Scope::Unassigned, Scope::All];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::Unassigned => "unassigned",
            Scope::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            Scope::Mine => "Mine",
            Scope::Unassigned => "Unassigned",
            Scope::All => "All",
        }
    }
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Activity => "activity",
            SortOrder::Waiting => "waiting",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [SortOrder::Activity, SortOrder::Waiting]
            .into_iter()
            .find(|sort| sort.as_str() == text)
    }
}

/// Tickets per page of a view.
pub const PAGE_SIZE: usize = 50;

/// One view of the inbox.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InboxView {
    pub status: TicketStatus,
    pub scope: Scope,
    pub sort: SortOrder,
}

impl Default for InboxView {
    fn default() -> Self {
        InboxView {
            status: TicketStatus::Open,
            scope: Scope::All,
            sort: SortOrder::Activity,
        }
    }
}

impl InboxView {
    /// Whether `ticket` belongs in this view for agent `agent_id`.
    pub fn shows(&self, ticket: &TicketSummary, agent_id: &str) -> bool {
        ticket.status == self.status
            && match self.scope {
                Scope::Mine => ticket.assignee_id.as_deref() == Some(agent_id),
                Scope::Unassigned => ticket.assignee_id.is_none(),
                Scope::All => true,
            }
    }

    /// Where `ticket` sorts in this view: smaller keys come first. Ties break on the id.
    pub fn sort_key(&self, ticket: &TicketSummary) -> (i64, String) {
        let primary = match self.sort {
            SortOrder::Activity => -ticket.last_activity_at,
            SortOrder::Waiting => ticket.waiting_since.unwrap_or(i64::MAX),
        };
        (primary, ticket.id.clone())
    }

    /// The view as URL query pairs (`status=open&scope=mine&sort=waiting`).
    pub fn to_query(&self) -> String {
        format!(
            "status={}&scope={}&sort={}",
            self.status.as_str(),
            self.scope.as_str(),
            self.sort.as_str()
        )
    }
}

/// Where the next page of a view starts: after this ticket's sort key.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PageCursor {
    pub key: i64,
    pub id: String,
}

/// Tickets per scope of one status.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ScopeCounts {
    pub mine: i64,
    pub unassigned: i64,
    pub all: i64,
}

impl ScopeCounts {
    pub fn get(&self, scope: Scope) -> i64 {
        match scope {
            Scope::Mine => self.mine,
            Scope::Unassigned => self.unassigned,
            Scope::All => self.all,
        }
    }
}

/// The inbox's counts for one agent. Closed tickets are not counted: they only grow.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ViewCounts {
    pub open: ScopeCounts,
    pub snoozed: ScopeCounts,
    /// Open or snoozed tickets with shopper messages this agent has not read (the badge).
    pub unread: i64,
    /// Chats the AI agent is answering (nobody's, and never unread: nobody need read them).
    #[serde(default)]
    pub ai: i64,
}

impl ViewCounts {
    /// Adds (`sign` 1) or takes away (-1) what one ticket counts for agent `agent_id`,
    /// by the same rules as the server's counts: open and snoozed tickets per scope, and
    /// the unread ones among them.
    pub fn count(&mut self, ticket: &TicketSummary, agent_id: &str, sign: i64) {
        let scopes = match ticket.status {
            TicketStatus::Open => &mut self.open,
            TicketStatus::Snoozed => &mut self.snoozed,
            TicketStatus::Ai => {
                self.ai += sign;
                return;
            }
            TicketStatus::Closed => return,
        };
        scopes.all += sign;
        match ticket.assignee_id.as_deref() {
            None => scopes.unassigned += sign,
            Some(assignee) if assignee == agent_id => scopes.mine += sign,
            Some(_) => {}
        }
        if ticket.is_unread() {
            self.unread += sign;
        }
    }

    pub fn of(&self, status: TicketStatus, scope: Scope) -> Option<i64> {
        match status {
            TicketStatus::Open => Some(self.open.get(scope)),
            TicketStatus::Snoozed => Some(self.snoozed.get(scope)),
            // Nobody's: the AI agent answers them.
            TicketStatus::Ai => Some(if scope == Scope::Mine { 0 } else { self.ai }),
            TicketStatus::Closed => None,
        }
    }
}

/// One page of a view.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct InboxPage {
    pub tickets: Vec<TicketSummary>,
    pub counts: ViewCounts,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<PageCursor>,
    /// When waits turn amber and red (Settings → General).
    pub waiting_alerts: WaitingAlerts,
}

/// Something that happened to a ticket, shown inline in its thread (agents only).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TicketEvent {
    pub id: String,
    pub conversation_id: String,
    /// The agent who did it; `None` when the product or the shopper did.
    pub actor_name: Option<String>,
    pub kind: TicketEventKind,
    pub at: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TicketEventKind {
    /// Assigned to an agent; `by_reply` when replying did it.
    Assigned {
        assignee_name: String,
        by_reply: bool,
    },
    Unassigned,
    Snoozed {
        until: i64,
    },
    /// Back in Open: the snooze ran out, or the shopper wrote.
    Woken {
        by_shopper: bool,
    },
    /// Ended for good, by an agent or by the shopper.
    Closed {
        by_shopper: bool,
    },
    /// The AI agent passed the conversation on: to the team here (`to` "Helpdesk"), to
    /// Zendesk or Gorgias (with their ticket id), or ended it with the merchant's message.
    HandedOff {
        to: String,
        reason: String,
        #[serde(default)]
        external_id: Option<String>,
    },
    /// A handoff to another service failed for good; the ticket came here instead.
    HandoffFailed {
        to: String,
        error: String,
    },
    /// The shopper's verdict on an AI answer.
    AiFeedback {
        helpful: bool,
    },
}

impl TicketEvent {
    /// The sentence the thread shows (times are rendered by the caller, in the reader's zone).
    pub fn describe(&self) -> String {
        let actor = self.actor_name.as_deref().unwrap_or("Someone");
        match &self.kind {
            TicketEventKind::Assigned {
                assignee_name,
                by_reply: true,
            } => format!("{assignee_name} replied and was assigned"),
            TicketEventKind::Assigned { assignee_name, .. }
                if Some(assignee_name.as_str()) == self.actor_name.as_deref() =>
            {
                format!("{actor} took the ticket")
            }
            TicketEventKind::Assigned { assignee_name, .. } => {
                format!("{actor} assigned the ticket to {assignee_name}")
            }
            TicketEventKind::Unassigned => format!("{actor} unassigned the ticket"),
            TicketEventKind::Snoozed { .. } => format!("{actor} snoozed the ticket until"),
            TicketEventKind::Woken { by_shopper: true } => {
                "The shopper wrote, so the ticket woke up".to_owned()
            }
            TicketEventKind::Woken { by_shopper: false } => {
                "The snooze ended, so the ticket is open again".to_owned()
            }
            TicketEventKind::Closed { by_shopper: true } => "The shopper ended the chat".to_owned(),
            TicketEventKind::Closed { by_shopper: false } => format!("{actor} closed the ticket"),
            TicketEventKind::HandedOff {
                to,
                reason,
                external_id: Some(id),
            } => format!("The AI agent handed off to {to} (ticket {id}): {reason}"),
            TicketEventKind::HandedOff { to, reason, .. } if to == "Helpdesk" => {
                format!("The AI agent handed off to the team: {reason}")
            }
            TicketEventKind::HandedOff { to, reason, .. } => {
                format!("The AI agent ended the chat with {to}: {reason}")
            }
            TicketEventKind::HandoffFailed { to, error } => {
                format!("The handoff to {to} failed, so the ticket came here: {error}")
            }
            TicketEventKind::AiFeedback { helpful: true } => {
                "The shopper said the AI answer helped".to_owned()
            }
            TicketEventKind::AiFeedback { helpful: false } => {
                "The shopper said the AI answer did not help".to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Channel;

    fn ticket(id: &str, assignee: Option<&str>, at: i64, waiting: Option<i64>) -> TicketSummary {
        TicketSummary {
            id: id.into(),
            customer_name: "Ana".into(),
            customer_email: String::new(),
            customer_verified: true,
            channel: Channel::Chat,
            status: TicketStatus::Open,
            assignee_id: assignee.map(str::to_owned),
            assignee_name: None,
            preview: String::new(),
            last_activity_at: at,
            last_seq: 1,
            last_shopper_seq: 1,
            read_seq: None,
            waiting_since: waiting,
            snoozed_until: None,
            shopper_delivered_seq: 0,
            shopper_seen_seq: 0,
        }
    }

    #[test]
    fn a_ticket_counts_in_its_status_scopes_and_unread() {
        let mut counts = ViewCounts::default();
        let new = ticket("a", None, 1, Some(1));
        counts.count(&new, "olga", 1);
        assert_eq!(counts.open.all, 1);
        assert_eq!(counts.open.unassigned, 1);
        assert_eq!(counts.unread, 1);
        // Olga takes it and reads it: one change, counted as before and after.
        let taken = TicketSummary {
            assignee_id: Some("olga".into()),
            read_seq: Some(1),
            ..new.clone()
        };
        counts.count(&new, "olga", -1);
        counts.count(&taken, "olga", 1);
        assert_eq!(
            counts,
            ViewCounts {
                open: ScopeCounts {
                    mine: 1,
                    unassigned: 0,
                    all: 1
                },
                snoozed: ScopeCounts::default(),
                unread: 0,
                ai: 0,
            }
        );
        // Closed tickets count nowhere.
        let closed = TicketSummary {
            status: TicketStatus::Closed,
            ..taken.clone()
        };
        counts.count(&taken, "olga", -1);
        counts.count(&closed, "olga", 1);
        assert_eq!(counts, ViewCounts::default());
    }

    #[test]
    fn scopes_pick_by_assignee_and_status_must_match() {
        let mine = InboxView {
            scope: Scope::Mine,
            ..InboxView::default()
        };
        let unassigned = InboxView {
            scope: Scope::Unassigned,
            ..InboxView::default()
        };
        let olgas = ticket("a", Some("olga"), 1, None);
        let nobodys = ticket("b", None, 1, None);
        assert!(mine.shows(&olgas, "olga"));
        assert!(!mine.shows(&olgas, "ben"));
        assert!(!mine.shows(&nobodys, "olga"));
        assert!(unassigned.shows(&nobodys, "olga"));
        assert!(!unassigned.shows(&olgas, "olga"));
        let mut closed = nobodys.clone();
        closed.status = TicketStatus::Closed;
        assert!(!InboxView::default().shows(&closed, "olga"));
    }

    #[test]
    fn waiting_sort_puts_the_longest_wait_first_and_nobody_waiting_last() {
        let view = InboxView {
            sort: SortOrder::Waiting,
            ..InboxView::default()
        };
        let mut list = [
            ticket("answered", None, 50, None),
            ticket("recent", None, 40, Some(30)),
            ticket("long", None, 10, Some(5)),
        ];
        list.sort_by_key(|t| view.sort_key(t));
        let order: Vec<_> = list.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(order, ["long", "recent", "answered"]);
        list.sort_by_key(|t| InboxView::default().sort_key(t));
        let order: Vec<_> = list.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(order, ["answered", "recent", "long"]);
    }

    #[test]
    fn events_read_as_sentences() {
        let event = |actor: Option<&str>, kind| TicketEvent {
            id: "e".into(),
            conversation_id: "c".into(),
            actor_name: actor.map(str::to_owned),
            kind,
            at: 0,
        };
        let assigned = |name: &str, by_reply| TicketEventKind::Assigned {
            assignee_name: name.into(),
            by_reply,
        };
        assert_eq!(
            event(Some("Olga"), assigned("Ben", false)).describe(),
            "Olga assigned the ticket to Ben"
        );
        assert_eq!(
            event(Some("Olga"), assigned("Olga", false)).describe(),
            "Olga took the ticket"
        );
        assert_eq!(
            event(Some("Olga"), assigned("Olga", true)).describe(),
            "Olga replied and was assigned"
        );
        assert_eq!(
            event(None, TicketEventKind::Closed { by_shopper: true }).describe(),
            "The shopper ended the chat"
        );
    }
}
