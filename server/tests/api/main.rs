//! Integration tests: the real server on a random loopback port, a fresh SQLite
//! database per test, and real HTTP and WebSocket clients. One binary, so the server
//! crate is linked once.

mod headers;
mod helpers;
#[path = "../support/smtp.rs"]
mod smtp;

mod agents;
mod ai_chat;
mod ai_services;
mod assets;
mod chat;
mod events;
mod hub;
mod isolation;
mod limits;
mod notifications;
mod presence;
mod profiles;
mod rendering;
mod search;
mod settings;
mod shopify;
mod sms;
mod team;
mod uploads;
mod widget_session;
mod workflow;
