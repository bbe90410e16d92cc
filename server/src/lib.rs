//! Shopdesk's server: storefront web chat and the agents' helpdesk.
//!
//! `startup` wires everything; `store` owns the database; `chat` holds the message
//! rules; `hub` fans live events out; `ws` serves sockets; `agent_auth` and
//! `widget_api` authenticate the two kinds of user; `settings` holds the merchant's
//! settings in memory; `worker` runs background jobs; `demo` is the demo storefront.

#![recursion_limit = "512"]

pub mod agent_auth;
pub mod ai;
pub mod ai_settings;
pub mod assets;
pub mod backend;
pub mod chat;
pub mod config;
pub mod demo;
pub mod error;
pub mod events_api;
pub mod fanout;
pub mod hours;
pub mod hub;
pub mod identity;
pub mod ids;
pub mod images;
pub mod indexer;
pub mod limits;
pub mod listener;
pub mod mailer;
pub mod ops;
pub mod pages;
pub mod presence;
pub mod settings;
pub mod settings_api;
pub mod shopify;
pub mod sms;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod uploads;
pub mod widget_api;
pub mod worker;
pub mod workflow;
pub mod ws;

pub use config::Config;
pub use startup::{Application, StartError};
