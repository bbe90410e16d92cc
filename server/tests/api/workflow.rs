//! The inbox workflow through the real server: views and counts per agent, assignment
//! (by reply and from the picker), snoozing and waking (by the job and by the shopper),
//! closing for good (by an agent or the shopper), unread per agent, waiting timers,
//! paging, and who may do any of it.

use protocol::{
    inbox::{InboxPage, TicketEventKind},
    ClientFrame, RejectReason, ServerFrame, TicketStatus, TicketSummary, TicketThread,
};
use serde_json::{json, Value};
use server::store::{NewMessage, Sender};

use crate::helpers::{spawn_app, TestApp};

fn view(status: &str, scope: &str, sort: &str) -> Value {
    json!({ "status": status, "scope": scope, "sort": sort })
}

fn ids(page: &InboxPage) -> Vec<String> {
    page.tickets
        .iter()
        .map(|t| t.customer_name.clone())
        .collect()
}

async fn load(app: &TestApp, cookie: &str, id: &str) -> TicketThread {
    app.server_fn(Some(cookie), "load_ticket", &[("id", id)])
        .await
        .json()
        .await
        .expect("thread json")
}

async fn me(app: &TestApp, cookie: &str) -> String {
    let agent: Value = app
        .server_fn(Some(cookie), "current_agent", &[])
        .await
        .json()
        .await
        .expect("agent");
    agent["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn views_split_tickets_by_status_and_assignee_with_counts_per_agent() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let ben = app.invited_cookie(&olga, "ben@shop.example", "agent").await;
    let mut ana_widget = app.connected_shopper("7001", "Ana").await;
    let mut carl_widget = app.connected_shopper("7002", "Carl").await;
    ana_widget.send_text(None, "a1", "Where is my order?").await;
    let ana = ana_widget.ack("a1").await.conversation_id;
    carl_widget
        .send_text(None, "c1", "Do you ship to Lisbon?")
        .await;
    carl_widget.ack("c1").await;

    // Olga replies to Ana: the ticket becomes hers, and the thread says so.
    let mut olga_socket = app.agent_socket(&olga).await;
    olga_socket.send_text(Some(&ana), "o1", "Today!").await;
    olga_socket.ack("o1").await;
    let event = olga_socket
        .next_matching(|frame| matches!(frame, ServerFrame::TicketEvent { .. }))
        .await;
    let ServerFrame::TicketEvent { event } = event else {
        unreachable!()
    };
    assert_eq!(
        event.kind,
        TicketEventKind::Assigned {
            assignee_name: "Olga Agent".into(),
            by_reply: true
        }
    );

    let mine = app.inbox(&olga, view("open", "mine", "activity")).await;
    assert_eq!(ids(&mine), ["Ana"]);
    let unassigned = app
        .inbox(&olga, view("open", "unassigned", "activity"))
        .await;
    assert_eq!(ids(&unassigned), ["Carl"]);
    let all = app.inbox(&olga, view("open", "all", "activity")).await;
    assert_eq!(
        ids(&all),
        ["Ana", "Carl"],
        "latest activity (Olga's reply) first"
    );
    assert_eq!(
        (
            all.counts.open.mine,
            all.counts.open.unassigned,
            all.counts.open.all
        ),
        (1, 1, 2)
    );
    // Replying is not reading: both tickets are still unread, for both agents.
    assert_eq!(all.counts.unread, 2);

    let bens = app.inbox(&ben, view("open", "mine", "activity")).await;
    assert!(bens.tickets.is_empty());
    assert_eq!(bens.counts.open.mine, 0);
    load(&app, &ben, &ana).await;
    let bens = app.inbox(&ben, view("open", "all", "activity")).await;
    assert_eq!(bens.counts.unread, 1, "reading is per agent");
    let olgas = app.inbox(&olga, view("open", "all", "activity")).await;
    assert_eq!(olgas.counts.unread, 2);
    app.stop().await;
}

#[tokio::test]
async fn tickets_are_assigned_and_unassigned_from_the_picker() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let ben = app.invited_cookie(&olga, "ben@shop.example", "agent").await;
    let ben_id = me(&app, &ben).await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;
    let mut olga_socket = app.agent_socket(&olga).await;

    app.call_ok::<()>(
        &olga,
        "inbox/assign",
        json!({"id": ticket, "assignee_id": ben_id}),
    )
    .await;
    let frame = olga_socket
        .next_matching(|frame| matches!(frame, ServerFrame::TicketEvent { .. }))
        .await;
    assert!(matches!(frame, ServerFrame::TicketEvent { event }
        if event.describe() == "Olga Agent assigned the ticket to Ivy Invited"));
    let frame = olga_socket
        .next_matching(|frame| matches!(frame, ServerFrame::Ticket { .. }))
        .await;
    assert!(matches!(frame, ServerFrame::Ticket { ticket }
        if ticket.assignee_id.as_deref() == Some(ben_id.as_str())));
    let bens = app.inbox(&ben, view("open", "mine", "activity")).await;
    assert_eq!(ids(&bens), ["Ana"]);

    // Nobody outside the team; nothing changes.
    let refused = app
        .call(
            &olga,
            "inbox/assign",
            json!({"id": ticket, "assignee_id": "nobody"}),
        )
        .await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        ids(&app.inbox(&ben, view("open", "mine", "activity")).await),
        ["Ana"]
    );
    let missing = app
        .call(
            &olga,
            "inbox/assign",
            json!({"id": "no-such-ticket", "assignee_id": null}),
        )
        .await;
    assert_eq!(missing.status(), 404);

    app.call_ok::<()>(
        &ben,
        "inbox/assign",
        json!({"id": ticket, "assignee_id": null}),
    )
    .await;
    let unassigned = app
        .inbox(&olga, view("open", "unassigned", "activity"))
        .await;
    assert_eq!(ids(&unassigned), ["Ana"]);
    let thread = load(&app, &olga, &ticket).await;
    let kinds: Vec<_> = thread.events.iter().map(|e| e.kind.clone()).collect();
    assert!(matches!(
        kinds.as_slice(),
        [
            TicketEventKind::Assigned { .. },
            TicketEventKind::Unassigned
        ]
    ));
    app.stop().await;
}

#[tokio::test]
async fn a_snoozed_ticket_leaves_open_and_wakes_when_the_shopper_writes() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;
    let now = server::ids::now_ms();

    let too_soon = app
        .call(
            &olga,
            "inbox/snooze",
            json!({"id": ticket, "until": now + 1_000}),
        )
        .await;
    assert_eq!(too_soon.status(), 400);
    let too_late = app
        .call(
            &olga,
            "inbox/snooze",
            json!({"id": ticket, "until": now + 400 * 86_400_000_i64}),
        )
        .await;
    assert_eq!(too_late.status(), 400);
    assert_eq!(
        app.open_tickets(&olga).await.len(),
        1,
        "refused snoozes change nothing"
    );

    let until = now + 3_600_000;
    app.call_ok::<()>(&olga, "inbox/snooze", json!({"id": ticket, "until": until}))
        .await;
    assert!(app.open_tickets(&olga).await.is_empty());
    let snoozed = app.inbox(&olga, view("snoozed", "all", "activity")).await;
    assert_eq!(snoozed.tickets[0].snoozed_until, Some(until));
    assert_eq!(snoozed.counts.snoozed.all, 1);
    assert_eq!(snoozed.counts.open.all, 0);

    let mut olga_socket = app.agent_socket(&olga).await;
    widget.send_text(Some(&ticket), "a2", "Any news?").await;
    widget.ack("a2").await;
    let woke = olga_socket
        .next_matching(|frame| matches!(frame, ServerFrame::TicketEvent { .. }))
        .await;
    assert!(matches!(woke, ServerFrame::TicketEvent { event }
        if event.kind == TicketEventKind::Woken { by_shopper: true }));
    let open = app.open_tickets(&olga).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].snoozed_until, None);
    app.stop().await;
}

#[tokio::test]
async fn the_wake_up_job_reopens_a_snoozed_ticket_when_its_time_comes() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Hello").await;
    let ticket = widget.ack("a1").await.conversation_id;
    let mut olga_socket = app.agent_socket(&olga).await;

    // Straight to the store, to snooze for less than the helpdesk's one-minute minimum.
    let until = server::ids::now_ms() + 300;
    app.store
        .snooze_ticket(&ticket, "Olga Agent", until)
        .await
        .expect("snoozed");
    let woke = olga_socket
        .next_matching(|frame| {
            matches!(frame, ServerFrame::Ticket { ticket } if ticket.status == TicketStatus::Open)
        })
        .await;
    assert!(matches!(woke, ServerFrame::Ticket { .. }));
    let thread = load(&app, &olga, &ticket).await;
    assert_eq!(
        thread.events.last().map(|e| e.kind.clone()),
        Some(TicketEventKind::Woken { by_shopper: false })
    );

    // A stale wake-up (the ticket was snoozed again to a later time) does nothing.
    let later = server::ids::now_ms() + 3_600_000;
    app.store
        .snooze_ticket(&ticket, "Olga Agent", later)
        .await
        .expect("snoozed");
    let stale = app
        .store
        .wake_ticket(&ticket, None, Some(until))
        .await
        .expect("wake");
    assert!(stale.is_none());
    app.stop().await;
}

#[tokio::test]
async fn closing_is_final_and_the_shoppers_next_message_opens_a_new_ticket() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Thanks!").await;
    let ticket = widget.ack("a1").await.conversation_id;

    app.call_ok::<()>(&olga, "inbox/close", json!({"id": ticket}))
        .await;
    let ended = widget
        .next_matching(|frame| matches!(frame, ServerFrame::Ended { .. }))
        .await;
    assert_eq!(
        ended,
        ServerFrame::Ended {
            conversation_id: ticket.clone()
        }
    );
    // Closing twice is fine; nothing else can change a closed ticket.
    app.call_ok::<()>(&olga, "inbox/close", json!({"id": ticket}))
        .await;
    let until = server::ids::now_ms() + 3_600_000;
    let snooze = app
        .call(&olga, "inbox/snooze", json!({"id": ticket, "until": until}))
        .await;
    assert_eq!(snooze.status(), 400);
    let assign = app
        .call(
            &olga,
            "inbox/assign",
            json!({"id": ticket, "assignee_id": null}),
        )
        .await;
    assert_eq!(assign.status(), 400);

    widget
        .send_text(Some(&ticket), "a2", "One more thing")
        .await;
    assert!(matches!(
        widget
            .next_matching(|f| matches!(f, ServerFrame::Rejected { .. }))
            .await,
        ServerFrame::Rejected {
            reason: RejectReason::Closed,
            ..
        }
    ));
    widget.send_text(None, "a3", "One more thing").await;
    let next = widget.ack("a3").await;
    assert_ne!(next.conversation_id, ticket);
    let closed = app.inbox(&olga, view("closed", "all", "activity")).await;
    assert_eq!(closed.tickets.len(), 1);
    assert_eq!(closed.tickets[0].id, ticket);
    app.stop().await;
}

#[tokio::test]
async fn a_shopper_ends_their_own_chat_and_no_one_elses() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut ana = app.connected_shopper("7001", "Ana").await;
    let mut carl = app.connected_shopper("7002", "Carl").await;
    ana.send_text(None, "a1", "Hi").await;
    let anas = ana.ack("a1").await.conversation_id;

    carl.send(&ClientFrame::EndChat {
        conversation_id: anas.clone(),
    })
    .await;
    assert_eq!(
        carl.next_frame().await,
        ServerFrame::ResumeRefused {
            conversation_id: anas.clone()
        }
    );
    assert_eq!(app.open_tickets(&olga).await.len(), 1);

    let mut olga_socket = app.agent_socket(&olga).await;
    ana.send(&ClientFrame::EndChat {
        conversation_id: anas.clone(),
    })
    .await;
    assert_eq!(
        ana.next_matching(|f| matches!(f, ServerFrame::Ended { .. }))
            .await,
        ServerFrame::Ended {
            conversation_id: anas.clone()
        }
    );
    let event = olga_socket
        .next_matching(|frame| matches!(frame, ServerFrame::TicketEvent { .. }))
        .await;
    assert!(matches!(event, ServerFrame::TicketEvent { event }
        if event.describe() == "The shopper ended the chat"));
    assert!(app.open_tickets(&olga).await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn mark_unread_brings_the_dot_back_for_that_agent_only() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Hi").await;
    widget.send_text(None, "a2", "Anyone?").await;
    widget.ack("a1").await;
    let ticket = widget.ack("a2").await.conversation_id;
    assert!(!load(&app, &olga, &ticket).await.ticket.is_unread());
    assert_eq!(
        app.inbox(&olga, view("open", "all", "activity"))
            .await
            .counts
            .unread,
        0
    );

    app.call_ok::<()>(&olga, "inbox/mark_unread", json!({"id": ticket}))
        .await;
    let page = app.inbox(&olga, view("open", "all", "activity")).await;
    assert!(page.tickets[0].is_unread());
    assert_eq!(page.tickets[0].read_seq, Some(1));
    assert_eq!(page.counts.unread, 1);
    let missing = app
        .call(&olga, "inbox/mark_unread", json!({"id": "nope"}))
        .await;
    assert_eq!(missing.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn waiting_runs_from_the_first_unanswered_message_until_a_reply() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    let mut ana = app.connected_shopper("7001", "Ana").await;
    let mut carl = app.connected_shopper("7002", "Carl").await;
    ana.send_text(None, "a1", "First").await;
    let first = ana.ack("a1").await;
    carl.send_text(None, "c1", "Second").await;
    carl.ack("c1").await;
    ana.send_text(None, "a2", "Still there?").await;
    ana.ack("a2").await;

    let by_wait = app.inbox(&olga, view("open", "all", "waiting")).await;
    assert_eq!(ids(&by_wait), ["Ana", "Carl"], "Ana has waited longest");
    assert_eq!(by_wait.tickets[0].waiting_since, Some(first.created_at));
    let by_activity = app.inbox(&olga, view("open", "all", "activity")).await;
    assert_eq!(ids(&by_activity), ["Ana", "Carl"]);

    let mut olga_socket = app.agent_socket(&olga).await;
    olga_socket
        .send_text(Some(&first.conversation_id), "o1", "Here!")
        .await;
    olga_socket.ack("o1").await;
    let by_wait = app.inbox(&olga, view("open", "all", "waiting")).await;
    assert_eq!(ids(&by_wait), ["Carl", "Ana"], "answered tickets go last");
    assert_eq!(by_wait.tickets[1].waiting_since, None);
    assert_eq!(by_wait.waiting_alerts.warn_minutes, 3);
    assert_eq!(by_wait.waiting_alerts.alert_minutes, 5);
    app.stop().await;
}

#[tokio::test]
async fn long_views_come_in_pages_without_gaps_or_repeats() {
    let (app, _database) = spawn_app().await;
    let olga = app.owner_cookie().await;
    for index in 0..57 {
        let customer = app
            .store
            .upsert_customer(&format!("c{index}"), &format!("Shopper {index}"), "")
            .await
            .expect("customer");
        app.store
            .append_message(NewMessage {
                sender: Sender::Shopper {
                    customer_id: customer.id,
                    name: format!("Shopper {index}"),
                    channel: protocol::Channel::Chat,
                },
                conversation_id: None,
                client_id: "first".into(),
                body: "Hello".into(),
                back_at: None,
                attachments: Vec::new(),
                ai_first: false,
            })
            .await
            .expect("stored");
    }
    for sort in ["activity", "waiting"] {
        let first = app.inbox(&olga, view("open", "all", sort)).await;
        assert_eq!(first.tickets.len(), 50);
        let cursor = first.next.clone().expect("a second page");
        let second: InboxPage = app
            .call_ok(
                &olga,
                "inbox/tickets",
                json!({"view": view("open", "all", sort), "after": cursor}),
            )
            .await;
        assert_eq!(second.tickets.len(), 7);
        assert!(second.next.is_none());
        let mut seen: Vec<&TicketSummary> = first.tickets.iter().chain(&second.tickets).collect();
        let in_order = seen.windows(2).all(|pair| match sort {
            "activity" => pair[0].last_activity_at >= pair[1].last_activity_at,
            _ => pair[0].waiting_since <= pair[1].waiting_since,
        });
        assert!(in_order, "{sort}: pages continue the order");
        seen.sort_by_key(|t| t.id.clone());
        seen.dedup_by_key(|t| t.id.clone());
        assert_eq!(seen.len(), 57, "{sort}: every ticket once");
    }
    app.stop().await;
}

#[tokio::test]
async fn ticket_actions_need_a_logged_in_agent() {
    let (app, _database) = spawn_app().await;
    app.owner_cookie().await;
    let mut widget = app.connected_shopper("7001", "Ana").await;
    widget.send_text(None, "a1", "Hi").await;
    let ticket = widget.ack("a1").await.conversation_id;
    for (name, body) in [
        ("inbox/assign", json!({"id": ticket, "assignee_id": null})),
        (
            "inbox/snooze",
            json!({"id": ticket, "until": server::ids::now_ms() + 3_600_000}),
        ),
        ("inbox/wake", json!({"id": ticket})),
        ("inbox/close", json!({"id": ticket})),
        ("inbox/mark_unread", json!({"id": ticket})),
        ("inbox/counts", json!({})),
        ("inbox/assignees", json!({})),
    ] {
        let response = app.call("shopdesk_session=forged", name, body).await;
        assert_eq!(response.status(), 401, "{name}");
    }
    // And none of it happened.
    assert_eq!(app.live_ticket_count().await, 1);
    let counts = app.store.view_counts("").await.expect("counts");
    assert_eq!(counts.open.unassigned, 1);
    app.stop().await;
}
