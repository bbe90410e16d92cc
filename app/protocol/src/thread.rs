//! Client-side bookkeeping shared by the helpdesk and the widget: merging live
//! messages into a thread without duplicates, spotting gaps, and keeping the inbox
//! list sorted. Pure functions over plain vectors, so both front-ends use one tested copy.

use crate::{inbox::InboxView, Message, TicketSummary};

/// What happened when a message was offered to a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Merge {
    /// It was new and is now in place.
    Added,
    /// It was already there (a repeat from catch-up or an ack after the broadcast).
    Duplicate,
    /// Messages between the last one held and this one are missing: catch up from
    /// `after_seq`. The message was still added, so nothing is shown twice later.
    Gap { after_seq: i64 },
}

/// Inserts `message` into `thread` (kept sorted by seq, no two with the same seq).
pub fn merge_message(thread: &mut Vec<Message>, message: Message) -> Merge {
    let last_seq = thread.last().map_or(0, |last| last.seq);
    match thread.binary_search_by_key(&message.seq, |held| held.seq) {
        Ok(_) => Merge::Duplicate,
        Err(index) => {
            let gap = message.seq > last_seq + 1;
            thread.insert(index, message);
            if gap {
                Merge::Gap {
                    after_seq: last_seq,
                }
            } else {
                Merge::Added
            }
        }
    }
}

/// Milliseconds to wait before reconnect attempt `attempt` (0-based): 0.5 s doubling
/// to 15 s, plus `jitter_ms` so a restarted server is not hit by every client at once.
pub fn reconnect_delay_ms(attempt: u32, jitter_ms: u64) -> u64 {
    (500u64 << attempt.min(5)).min(15_000) + jitter_ms
}

/// Puts `ticket` into the inbox list of `view` (replacing its older version, or
/// dropping it when it no longer belongs there) and keeps the list in the view's order.
/// A live update carries no read state: the known one is kept.
pub fn merge_ticket(
    list: &mut Vec<TicketSummary>,
    mut ticket: TicketSummary,
    view: &InboxView,
    agent_id: &str,
) {
    if let Some(index) = list.iter().position(|held| held.id == ticket.id) {
        let held = list.remove(index);
        if ticket.read_seq.is_none() {
            ticket.read_seq = held.read_seq;
        }
    }
    if !view.shows(&ticket, agent_id) {
        return;
    }
    let key = view.sort_key(&ticket);
    let index = list
        .iter()
        .position(|held| view.sort_key(held) > key)
        .unwrap_or(list.len());
    list.insert(index, ticket);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AuthorKind, Channel, TicketStatus};

    fn message(seq: i64) -> Message {
        Message {
            id: format!("m{seq}"),
            conversation_id: "c".into(),
            seq,
            client_id: format!("k{seq}"),
            author_kind: AuthorKind::Shopper,
            author_name: "Ana".into(),
            body: "hi".into(),
            created_at: seq,
            back_at: None,
            attachments: Vec::new(),
            delivery_status: None,
            ai: None,
        }
    }

    fn ticket(id: &str, at: i64, read_seq: Option<i64>) -> TicketSummary {
        TicketSummary {
            id: id.into(),
            customer_name: "Ana".into(),
            customer_email: String::new(),
            customer_verified: true,
            channel: Channel::Chat,
            status: TicketStatus::Open,
            assignee_id: None,
            assignee_name: None,
            preview: String::new(),
            last_activity_at: at,
            last_seq: 1,
            last_shopper_seq: 1,
            read_seq,
            waiting_since: None,
            snoozed_until: None,
            shopper_delivered_seq: 0,
            shopper_seen_seq: 0,
        }
    }

    #[test]
    fn repeats_are_dropped_and_order_is_by_seq() {
        let mut thread = vec![message(1), message(2)];
        assert_eq!(merge_message(&mut thread, message(2)), Merge::Duplicate);
        assert_eq!(merge_message(&mut thread, message(3)), Merge::Added);
        assert_eq!(thread.iter().map(|m| m.seq).collect::<Vec<_>>(), [1, 2, 3]);
    }

    #[test]
    fn a_jump_in_seq_asks_for_catch_up_from_the_last_held() {
        let mut thread = vec![message(1)];
        assert_eq!(
            merge_message(&mut thread, message(4)),
            Merge::Gap { after_seq: 1 }
        );
        // The catch-up then fills the hole in order.
        assert_eq!(merge_message(&mut thread, message(2)), Merge::Added);
        assert_eq!(merge_message(&mut thread, message(3)), Merge::Added);
        assert_eq!(merge_message(&mut thread, message(4)), Merge::Duplicate);
        assert_eq!(
            thread.iter().map(|m| m.seq).collect::<Vec<_>>(),
            [1, 2, 3, 4]
        );
    }

    #[test]
    fn reconnect_backoff_doubles_then_caps() {
        assert_eq!(reconnect_delay_ms(0, 0), 500);
        assert_eq!(reconnect_delay_ms(1, 0), 1000);
        assert_eq!(reconnect_delay_ms(5, 0), 15_000);
        assert_eq!(reconnect_delay_ms(40, 7), 15_007);
    }

    #[test]
    fn tickets_move_to_the_top_and_keep_known_read_state() {
        let view = InboxView::default();
        let mut list = vec![ticket("a", 30, Some(1)), ticket("b", 20, Some(1))];
        merge_ticket(&mut list, ticket("b", 40, None), &view, "olga");
        assert_eq!(list[0].id, "b");
        assert_eq!(list[0].read_seq, Some(1));
        merge_ticket(&mut list, ticket("c", 10, None), &view, "olga");
        assert_eq!(
            list.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["b", "a", "c"]
        );
    }

    #[test]
    fn a_ticket_that_leaves_the_view_leaves_the_list() {
        let view = InboxView::default();
        let mut list = vec![ticket("a", 30, Some(1)), ticket("b", 20, Some(1))];
        let mut closed = ticket("a", 50, None);
        closed.status = TicketStatus::Closed;
        merge_ticket(&mut list, closed, &view, "olga");
        assert_eq!(
            list.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
            ["b"]
        );
    }
}
