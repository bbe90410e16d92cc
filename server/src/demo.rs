//! The demo storefront: a shop-like page on its own origin (another port) that embeds
//! the widget exactly as a Shopify theme would, with a signed demo customer. It plays
//! the theme's part: it knows the identity secret and signs the customer id.

use axum::{
    extract::{Query, State},
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::get,
    Router,
};
use serde::Deserialize;

use crate::{
    identity,
    ids::now_ms,
    store::{NewProfileEvent, PlacedOrder, ProfileDetails, Store, StoreError},
};

#[derive(Clone)]
pub struct DemoState {
    pub store: Store,
    /// Where the chat server is reached (`https://chat.example`).
    pub chat_url: String,
}

/// The demo's customers, as a store's customer accounts would be.
const CUSTOMERS: [DemoCustomer; 3] = [
    DemoCustomer {
        key: "ana",
        id: "demo-1001",
        name: "Ana Souza",
        email: "ana@example.com",
    },
    DemoCustomer {
        key: "ben",
        id: "demo-1002",
        name: "Ben Carter",
        email: "ben@example.com",
    },
    // A new customer: no orders, no chats yet.
    DemoCustomer {
        key: "cleo",
        id: "demo-1003",
        name: "Cleo Lima",
        email: "cleo@example.com",
    },
];

struct DemoCustomer {
    key: &'static str,
    id: &'static str,
    name: &'static str,
    email: &'static str,
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// One entry of a demo shopper's history: days ago, and what happened.
enum DemoEvent {
    Order {
        number: &'static str,
        items: i64,
        total_minor: i64,
    },
    Other {
        metric: &'static str,
        summary: &'static str,
    },
}

/// A demo shopper's details and history (days ago, event).
struct DemoHistory {
    customer: &'static DemoCustomer,
    phone: &'static str,
    location: &'static str,
    since_days: i64,
    events: Vec<(i64, DemoEvent)>,
}

/// Gives the demo shoppers a store history (details, orders, emails, browsing), through
/// the same store functions the Shopify webhooks and the events API use. Runs at every
/// start; the events' unique ids make repeats change nothing.
pub async fn seed_profiles(store: &Store) -> Result<(), StoreError> {
    use DemoEvent::{Order, Other};
    let now = now_ms();
    let histories = [
        DemoHistory {
            customer: &CUSTOMERS[0],
            phone: "+351 912 345 678",
            location: "Lisbon, Portugal",
            since_days: 620,
            events: vec![
                (
                    410,
                    Order {
                        number: "#1001",
                        items: 2,
                        total_minor: 8_400,
                    },
                ),
                (
                    407,
                    Other {
                        metric: "Fulfilled Order",
                        summary: "Order #1001 was fulfilled (2 items)",
                    },
                ),
                (
                    40,
                    Other {
                        metric: "Received Email",
                        summary: "Received email “Autumn glazes are here”",
                    },
                ),
                (
                    39,
                    Other {
                        metric: "Opened Email",
                        summary: "Opened email “Autumn glazes are here”",
                    },
                ),
                (
                    38,
                    Other {
                        metric: "Viewed Product",
                        summary: "Viewed Speckled mug",
                    },
                ),
                (
                    37,
                    Order {
                        number: "#1024",
                        items: 1,
                        total_minor: 2_800,
                    },
                ),
                (
                    2,
                    Other {
                        metric: "Fulfilled Order",
                        summary: "Order #1024 was fulfilled (1 item)",
                    },
                ),
                (
                    2,
                    Other {
                        metric: "Received Email",
                        summary: "Received email “Your order #1024 is on its way”",
                    },
                ),
            ],
        },
        DemoHistory {
            customer: &CUSTOMERS[1],
            phone: "+1 512 555 0142",
            location: "Austin, United States",
            since_days: 95,
            events: vec![
                (
                    90,
                    Other {
                        metric: "Received Email",
                        summary: "Received email “Welcome to Clay & Kiln”",
                    },
                ),
                (
                    60,
                    Other {
                        metric: "Viewed Product",
                        summary: "Viewed Sage serving bowl",
                    },
                ),
                (
                    12,
                    Order {
                        number: "#1019",
                        items: 3,
                        total_minor: 12_600,
                    },
                ),
                (
                    1,
                    Other {
                        metric: "Received Email",
                        summary: "Received email “Your order #1019 has shipped”",
                    },
                ),
            ],
        },
    ];
    for DemoHistory {
        customer,
        phone,
        location,
        since_days,
        events,
    } in histories
    {
        let record = store
            .upsert_customer(customer.id, customer.name, customer.email)
            .await?;
        let details = ProfileDetails {
            phone: Some(phone.to_owned()),
            location: Some(location.to_owned()),
            customer_since: Some(now - since_days * DAY_MS),
        };
        store.update_profile_details(&record.id, &details).await?;
        for (index, (days_ago, event)) in events.into_iter().enumerate() {
            let at = now - days_ago * DAY_MS + index as i64 * 60_000;
            let mut event = match event {
                Order {
                    number,
                    items,
                    total_minor,
                } => {
                    let order = PlacedOrder {
                        number: number.to_owned(),
                        total_minor,
                        currency: "USD".to_owned(),
                    };
                    NewProfileEvent::placed_order(order, items, at, "demo")
                }
                Other { metric, summary } => NewProfileEvent {
                    metric: metric.to_owned(),
                    summary: summary.to_owned(),
                    properties: serde_json::json!({}),
                    occurred_at: at,
                    source: "demo".to_owned(),
                    unique_id: None,
                    order: None,
                },
            };
            event.unique_id = Some(format!("demo-{}-{index}", customer.key));
            store.record_profile_event(&record.id, &event).await?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
pub struct DemoQuery {
    /// `ana` (default), `ben`, or `guest` for a visitor who is not logged in.
    #[serde(rename = "as")]
    viewer: Option<String>,
    /// The storefront's locale (`pt-BR`), as Shopify's `request.locale` would pass it.
    lang: Option<String>,
    /// `hostile`: a theme whose CSS attacks everything (`* { ... !important }`, odd
    /// fonts, `z-index` wars), to show the widget does not change.
    theme: Option<String>,
}

/// The theme CSS of `?theme=hostile`.
const HOSTILE_CSS: &str = "<style>
  * { font-family: 'Comic Sans MS', cursive !important; color: #f0f !important; letter-spacing: .3em !important;
      line-height: 3 !important; text-transform: uppercase !important; box-sizing: content-box !important;
      border: 2px dashed lime !important; margin: 4px !important; }
  div, button, section, ol, li, p { position: relative !important; z-index: 2147483647 !important;
      background: yellow !important; padding: 9px !important; display: block !important; }
  svg { width: 300px !important; height: 300px !important; }
  :root { font-size: 30px !important; }
</style>";

pub fn router(state: DemoState) -> Router {
    Router::new()
        .route("/", get(storefront_page))
        .route("/account/login", get(login_page))
        .with_state(state)
}

async fn storefront_page(
    State(state): State<DemoState>,
    Query(query): Query<DemoQuery>,
) -> Response {
    let viewer = query.viewer.as_deref().unwrap_or("ana");
    let customer = CUSTOMERS.iter().find(|customer| customer.key == viewer);
    let secret = match state.store.shop().await {
        Ok(shop) => shop.identity_secret,
        Err(error) => {
            tracing::error!(error = %error, "demo storefront cannot read the shop");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let identity = match customer {
        Some(customer) => format!(
            r#" data-customer-id="{id}" data-customer-name="{name}" data-customer-email="{email}" data-signature="{signature}""#,
            id = customer.id,
            name = customer.name,
            email = customer.email,
            // As the theme's Liquid signs it: the id, email and name together.
            signature = identity::identity_string(customer.id, customer.email, customer.name)
                .map(|identity| identity::sign(&secret, &identity))
                .unwrap_or_default(),
        ),
        None => String::new(),
    };
    let who = customer.map_or("a guest (not logged in)", |customer| customer.name);
    let switcher = ["ana", "ben", "cleo", "guest"]
        .iter()
        .map(|key| {
            let label = match *key {
                "ana" => "Ana",
                "ben" => "Ben",
                "cleo" => "Cleo",
                _ => "Guest",
            };
            let current = if *key == viewer || (customer.is_none() && *key == "guest") {
                r#" aria-current="page""#
            } else {
                ""
            };
            format!(r#"<a href="/?as={key}"{current}>{label}</a>"#)
        })
        .collect::<Vec<_>>()
        .join("");
    // Only a plain language tag goes into the page.
    let lang = query
        .lang
        .as_deref()
        .filter(|lang| {
            lang.len() <= 12 && lang.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .unwrap_or("en");
    let hostile = if query.theme.as_deref() == Some("hostile") {
        HOSTILE_CSS
    } else {
        ""
    };
    let page = PAGE
        .replace("{{LANG}}", lang)
        .replace("{{HOSTILE}}", hostile)
        .replace("{{WHO}}", who)
        .replace("{{SWITCHER}}", &switcher)
        .replace("{{CHAT_URL}}", &state.chat_url)
        .replace("{{IDENTITY}}", &identity);
    ([(header::CACHE_CONTROL, "no-store")], Html(page)).into_response()
}

async fn login_page() -> Html<&'static str> {
    Html(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Log in · Demo Store</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body style="font-family: Georgia, serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Customer login</h1><p>This demo store has no real accounts. Pick a demo customer:</p>
<p><a href="/?as=ana">Log in as Ana Souza</a> · <a href="/?as=ben">Log in as Ben Carter</a></p>
</body></html>"#,
    )
}

/// The storefront, styled like a small theme. Its deliberately broad CSS (`button`,
/// `*`) shows that the widget's Shadow DOM keeps theme styles out.
const PAGE: &str = r#"<!doctype html>
<html lang="{{LANG}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Demo Store · Handmade ceramics</title>
<style>
  * { box-sizing: border-box; }
  body { margin: 0; font-family: Georgia, "Times New Roman", serif; color: #2b2420; background: #faf6f1; }
  a { color: inherit; }
  button { font-family: inherit; text-transform: uppercase; letter-spacing: .2em; border-radius: 0; }
  .bar { background: #2b2420; color: #faf6f1; font-size: 13px; padding: 8px 24px; display: flex; gap: 12px; justify-content: space-between; flex-wrap: wrap; }
  .bar nav a { margin-left: 10px; color: #f3d9b1; }
  .bar nav a[aria-current] { font-weight: bold; text-decoration: none; color: #fff; }
  header.site { display: flex; align-items: center; justify-content: space-between; padding: 20px 24px; border-bottom: 1px solid #e6dccf; }
  header.site .logo { font-size: 26px; letter-spacing: .08em; }
  header.site nav a { margin-left: 20px; text-decoration: none; }
  .hero { padding: 56px 24px; text-align: center; background: linear-gradient(120deg, #efe3d3, #f7efe6); }
  .hero h1 { font-size: clamp(28px, 5vw, 46px); margin: 0 0 12px; font-weight: normal; }
  .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 24px; padding: 32px 24px; max-width: 1100px; margin: 0 auto; }
  .card { background: #fff; border: 1px solid #e6dccf; padding: 0 0 16px; }
  .card .img { height: 180px; }
  .card h2 { font-size: 18px; font-weight: normal; margin: 14px 14px 4px; }
  .card p { margin: 0 14px 12px; color: #7a6a5d; }
  .card button { margin: 0 14px; padding: 10px 14px; background: #2b2420; color: #fff; border: 0; cursor: pointer; }
  footer { padding: 32px 24px 120px; text-align: center; color: #7a6a5d; font-size: 14px; }
</style>
</head>
<body>
<div class="bar"><span>Demo storefront, on its own origin. Viewing as <strong>{{WHO}}</strong>.</span>
<nav aria-label="Demo customer">Switch: {{SWITCHER}}</nav></div>
<header class="site"><span class="logo">Clay &amp; Kiln</span>
<nav><a href="/">Shop</a><a href="/">About</a><a href="/account/login">Account</a></nav></header>
<section class="hero"><h1>Handmade ceramics for slow mornings</h1><p>Free shipping over $60 · 30-day returns</p></section>
<main class="grid">
  <article class="card"><div class="img" style="background:linear-gradient(135deg,#d9b99b,#a9846a)"></div><h2>Speckled mug</h2><p>$28.00</p><button>Add to cart</button></article>
  <article class="card"><div class="img" style="background:linear-gradient(135deg,#c7d3c0,#8ea58a)"></div><h2>Sage serving bowl</h2><p>$64.00</p><button>Add to cart</button></article>
  <article class="card"><div class="img" style="background:linear-gradient(135deg,#e8d5c4,#c49a7a)"></div><h2>Pour-over set</h2><p>$52.00</p><button>Add to cart</button></article>
  <article class="card"><div class="img" style="background:linear-gradient(135deg,#d5d9e0,#8c96a8)"></div><h2>Slate dinner plate</h2><p>$34.00</p><button>Add to cart</button></article>
</main>
<footer>Questions? Open the chat in the corner.</footer>
{{HOSTILE}}
<script src="{{CHAT_URL}}/widget.js" data-locale="{{LANG}}" data-login-url="/account/login"{{IDENTITY}} async></script>
</body>
</html>
"#;
