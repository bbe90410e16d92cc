//! The two WebSocket endpoints and the loop that serves one connection.
//!
//! Each connection subscribes to its hub topic first, then serves, in one `select!`:
//! frames from the client (send, resume), events from the hub, a keep-alive ping, and
//! server shutdown. A message is acknowledged only after `chat::post_message` returns,
//! that is after its transaction committed.

use std::time::Duration;

use app::api::ssr::CurrentAgent;
use axum::{
    extract::{
        ws::{CloseFrame, Message as WsMessage, Utf8Bytes, WebSocket, WebSocketUpgrade},
        ConnectInfo, Query, State,
    },
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Extension,
};
use futures_util::{SinkExt, StreamExt};
use protocol::{ClientFrame, RejectReason, ServerFrame};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use crate::{
    agent_auth::is_same_origin,
    chat::{self, Peer},
    hub::{Event, Topic},
    limits::{Bucket, Rate, SocketPermit, TooFast},
    listener::PeerAddr,
    presence::{self, Throttle},
    state::AppState,
    store::{Closer, FeedbackError, WorkflowError},
    telemetry::SocketGauge,
    workflow,
};

/// Per-socket read buffer, allocated up front and grown only while a larger frame is read.
/// axum's default (128 KiB) made an idle socket cost ~134 KB; chat frames are mostly well
/// under 1 KiB, and 1 KiB instead of 4 brought `idle_socket_bytes` from 12.8 to 8.8 KB.
const READ_BUFFER_BYTES: usize = 1024;
/// Largest frame a client may send (a 5,000-character message fits many times over).
const MAX_FRAME_BYTES: usize = 64 * 1024;
/// Keeps idle connections alive through proxies that drop silent ones.
const PING_EVERY: Duration = Duration::from_secs(25);
/// WebSocket close code "service restart": clients reconnect (to another node).
const CLOSE_RESTARTING: u16 = 1012;

#[derive(Deserialize)]
pub struct WidgetSocketQuery {
    token: String,
    /// The settings version the widget holds; other than the current one (or absent),
    /// the socket starts by sending the current settings.
    settings_version: Option<i64>,
}

/// `GET /ws/widget?token=...`: a shopper's socket, from an allowed storefront origin.
pub async fn widget_socket(
    upgrade: WebSocketUpgrade,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<PeerAddr>,
    Query(query): Query<WidgetSocketQuery>,
    headers: HeaderMap,
) -> Response {
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok());
    if origin.is_some_and(|origin| !state.allows_storefront(origin)) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    // Held for the socket's life: the place goes back when it closes.
    let Some(permit) = state.limits.sockets.admit(state.client_of(peer, &headers)) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "too many chat windows open from this address",
        )
            .into_response();
    };
    let customer = match state.store.customer_for_widget_token(&query.token).await {
        Ok(Some(customer)) => customer,
        Ok(None) => return (StatusCode::UNAUTHORIZED, "invalid or expired token").into_response(),
        Err(error) => {
            tracing::error!(error = %error, "widget token lookup failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let stale_settings = query.settings_version != Some(state.settings.current().shop.version);
    let limits = SocketLimits {
        messages: state.limits.socket_bucket(),
        _permit: Some(permit),
    };
    upgrade_socket(
        upgrade,
        state,
        Peer::Shopper(customer),
        stale_settings,
        limits,
    )
}

/// What one socket may still send, and its place among its address's sockets.
struct SocketLimits {
    /// This socket's message bucket (`None`: unlimited, as for agents).
    messages: Option<(Rate, Bucket)>,
    _permit: Option<SocketPermit>,
}

impl SocketLimits {
    /// Whether a message from `peer` may be stored now: within this socket's rate, then
    /// within the shopper's over all their sockets. Agents are not limited.
    fn allow_message(&mut self, state: &AppState, peer: &Peer) -> Result<(), TooFast> {
        let Peer::Shopper(customer) = peer else {
            return Ok(());
        };
        if let Some((rate, bucket)) = &mut self.messages {
            bucket.take(rate, std::time::Instant::now())?;
        }
        state.limits.shopper_messages.check(&customer.id)
    }
}

/// `GET /ws/agent`: an agent's socket, authenticated by the session cookie, from our
/// own pages only (cross-site WebSocket hijacking would otherwise ride the cookie).
pub async fn agent_socket(
    upgrade: WebSocketUpgrade,
    State(state): State<AppState>,
    Extension(current): Extension<CurrentAgent>,
    headers: HeaderMap,
) -> Response {
    if !is_same_origin(&headers) {
        return (StatusCode::FORBIDDEN, "origin not allowed").into_response();
    }
    let Some(agent) = current.agent else {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    };
    let limits = SocketLimits {
        messages: None,
        _permit: None,
    };
    upgrade_socket(upgrade, state, Peer::Agent(agent.into()), false, limits)
}

fn upgrade_socket(
    upgrade: WebSocketUpgrade,
    state: AppState,
    peer: Peer,
    send_settings: bool,
    limits: SocketLimits,
) -> Response {
    upgrade
        .read_buffer_size(READ_BUFFER_BYTES)
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| serve_socket(socket, state, peer, send_settings, limits))
}

fn topic_of(peer: &Peer) -> Topic {
    match peer {
        Peer::Shopper(customer) => Topic::Shopper(customer.id.clone()),
        Peer::Agent(_) => Topic::Inbox,
    }
}

async fn serve_socket(
    socket: WebSocket,
    state: AppState,
    peer: Peer,
    send_settings: bool,
    mut limits: SocketLimits,
) {
    let _gauge = SocketGauge::open(peer.kind());
    let mut events = state.fanout.hub().subscribe(topic_of(&peer));
    let mut shutdown = state.shutdown.clone();
    let (mut sink, mut stream) = socket.split();
    let mut ping = tokio::time::interval(PING_EVERY);
    ping.tick().await;
    let mut throttle = Throttle::default();
    if send_settings {
        // The settings changed since this widget loaded them: start it from the current ones.
        let settings = state.settings.now_widget_settings();
        if let Ok(text) = serde_json::to_string(&ServerFrame::Settings { settings }) {
            if sink.send(WsMessage::Text(text.into())).await.is_err() {
                return;
            }
        }
    }

    loop {
        let outgoing: Vec<ServerFrame> = tokio::select! {
            incoming = stream.next() => match incoming {
                // Boxed: an idle socket's task then does not carry the (much larger) state
                // of posting a message, only a pointer to it while a frame is handled.
                Some(Ok(WsMessage::Text(text))) => {
                    Box::pin(handle_frame(&state, &peer, &text, &mut throttle, &mut limits)).await
                }
                Some(Ok(WsMessage::Binary(_))) => vec![invalid_frame("frames must be JSON text")],
                Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => Vec::new(),
                Some(Ok(WsMessage::Close(_)) | Err(_)) | None => break,
            },
            event = events.recv() => match event {
                Ok(event) => frame_for(&event).into_iter().collect(),
                Err(RecvError::Lagged(_)) => vec![ServerFrame::Resync],
                Err(RecvError::Closed) => break,
            },
            _ = ping.tick() => {
                if sink.send(WsMessage::Ping(Default::default())).await.is_err() {
                    break;
                }
                Vec::new()
            }
            // The flag only ever changes to `true` (or its sender goes away): stop.
            _ = shutdown.changed() => {
                let _ = sink
                    .send(WsMessage::Close(Some(CloseFrame {
                        code: CLOSE_RESTARTING,
                        reason: Utf8Bytes::from_static("server restarting"),
                    })))
                    .await;
                break;
            }
        };
        for frame in outgoing {
            let Ok(text) = serde_json::to_string(&frame) else {
                continue;
            };
            if sink.send(WsMessage::Text(text.into())).await.is_err() {
                return;
            }
        }
    }
}

/// What a hub event looks like on the wire. Topics already decided who gets it.
fn frame_for(event: &Event) -> Option<ServerFrame> {
    match event {
        Event::Message { message, .. } => Some(ServerFrame::Message {
            message: message.clone(),
        }),
        Event::Ticket(ticket) => Some(ServerFrame::Ticket {
            ticket: ticket.clone(),
        }),
        Event::TicketEvent(event) => Some(ServerFrame::TicketEvent {
            event: event.clone(),
        }),
        Event::Ended {
            conversation_id, ..
        } => Some(ServerFrame::Ended {
            conversation_id: conversation_id.clone(),
        }),
        Event::Live { frame, .. } => Some(frame.clone()),
        Event::Resync => Some(ServerFrame::Resync),
        Event::Settings(settings) => Some(ServerFrame::Settings {
            settings: settings.clone(),
        }),
    }
}

fn invalid_frame(detail: &str) -> ServerFrame {
    ServerFrame::Rejected {
        client_id: String::new(),
        reason: RejectReason::Invalid,
        detail: detail.to_owned(),
    }
}

async fn handle_frame(
    state: &AppState,
    peer: &Peer,
    text: &str,
    throttle: &mut Throttle,
    limits: &mut SocketLimits,
) -> Vec<ServerFrame> {
    let frame = match serde_json::from_str::<ClientFrame>(text) {
        Ok(frame) => frame,
        Err(_) => return vec![invalid_frame("unrecognised frame")],
    };
    match frame {
        ClientFrame::Send {
            conversation_id,
            client_id,
            body,
            attachments,
        } => {
            if let Err(wait) = limits.allow_message(state, peer) {
                // Refused before anything is stored: the client keeps it and sends it again.
                return vec![ServerFrame::Rejected {
                    client_id,
                    reason: RejectReason::RateLimited {
                        retry_after_ms: wait.millis(),
                    },
                    detail: format!(
                        "You're sending messages too fast; try again in {} s.",
                        wait.seconds()
                    ),
                }];
            }
            let posted = chat::post_message(
                state,
                peer,
                conversation_id.as_deref(),
                &client_id,
                &body,
                &attachments,
            )
            .await;
            match posted {
                Ok(message) => vec![ServerFrame::Ack { client_id, message }],
                Err(error) => {
                    if let chat::PostError::Store(inner) = &error {
                        tracing::error!(error = %inner, "message could not be stored");
                    }
                    vec![ServerFrame::Rejected {
                        client_id,
                        reason: error.reason(),
                        detail: error.public_detail(),
                    }]
                }
            }
        }
        ClientFrame::Resume {
            conversation_id,
            after_seq,
        } => match chat::catch_up(&state.store, peer, &conversation_id, after_seq).await {
            Ok(messages) => messages
                .into_iter()
                .map(|message| ServerFrame::Message { message })
                .collect(),
            Err(chat::PostError::Store(error)) => {
                // Nothing to send: the client asks again on its next gap or reconnect.
                tracing::error!(error = %error, "catch-up failed");
                Vec::new()
            }
            Err(_) => vec![ServerFrame::ResumeRefused { conversation_id }],
        },
        ClientFrame::EndChat { conversation_id } => {
            let Peer::Shopper(customer) = peer else {
                return vec![invalid_frame("agents close tickets from the helpdesk")];
            };
            let closer = Closer::Shopper {
                customer_id: customer.id.clone(),
            };
            match workflow::close(state, &conversation_id, &closer).await {
                // The shopper's other tabs hear it through the hub (repeats are harmless).
                Ok(()) => vec![ServerFrame::Ended { conversation_id }],
                Err(WorkflowError::NotFound) => {
                    vec![ServerFrame::ResumeRefused { conversation_id }]
                }
                Err(error) => {
                    tracing::error!(error = %error, "ending a chat failed");
                    vec![invalid_frame("the chat could not be ended; try again")]
                }
            }
        }
        ClientFrame::AiFeedback {
            message_id,
            helpful,
        } => {
            let Peer::Shopper(customer) = peer else {
                return vec![invalid_frame("only shoppers rate answers")];
            };
            match state.ai.feedback(&customer.id, &message_id, helpful).await {
                Ok(()) => Vec::new(),
                Err(FeedbackError::Store(error)) => {
                    tracing::error!(error = %error, "recording feedback failed");
                    vec![invalid_frame("your answer could not be saved; try again")]
                }
                Err(error) => vec![invalid_frame(&error.to_string())],
            }
        }
        ClientFrame::TalkToPerson { conversation_id } => {
            let Peer::Shopper(customer) = peer else {
                return vec![invalid_frame("agents reply in the ticket")];
            };
            match state
                .ai
                .talk_to_person(&customer.id, &conversation_id)
                .await
            {
                Ok(true) => Vec::new(),
                Ok(false) => vec![ServerFrame::ResumeRefused { conversation_id }],
                Err(error) => {
                    tracing::error!(error = %error, "handing off failed");
                    vec![invalid_frame("we could not reach the team; try again")]
                }
            }
        }
        ClientFrame::Typing { conversation_id } => {
            if throttle.allow_typing() {
                if let Err(error) = presence::typing(state, peer, conversation_id.as_deref()).await
                {
                    tracing::warn!(error = %error, "typing signal dropped");
                }
            }
            Vec::new()
        }
        ClientFrame::Viewing { conversation_id } => {
            // Leaving always passes: only the heartbeat is throttled.
            if conversation_id.is_none() || throttle.allow_viewing() {
                presence::viewing(state, peer, conversation_id).await;
            }
            Vec::new()
        }
        ClientFrame::Delivered {
            conversation_id,
            seq,
        } => {
            if let Err(error) = presence::receipt(state, peer, &conversation_id, seq, 0).await {
                tracing::warn!(error = %error, "delivery receipt dropped");
            }
            Vec::new()
        }
        ClientFrame::Seen {
            conversation_id,
            seq,
        } => {
            if let Err(error) = presence::receipt(state, peer, &conversation_id, seq, seq).await {
                tracing::warn!(error = %error, "read receipt dropped");
            }
            Vec::new()
        }
    }
}
