//! Building and running the application: bind the listeners, open the store, wire the
//! routes. Tests build it on port 0 and read the port back.

use std::{future::Future, net::SocketAddr, sync::Arc};

use app::{api::ssr::SharedBackend, shell, App};
use axum::{
    extract::DefaultBodyLimit,
    http::{header, Method},
    middleware,
    response::Redirect,
    routing::{get, post},
    Router,
};
use leptos::{config::LeptosOptions, prelude::provide_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::{net::TcpListener, sync::watch};
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{
    agent_auth,
    ai::{agent::AiAgent, generator::Generator},
    assets,
    config::{parse_origin, Config, Secret},
    demo::{self, DemoState},
    events_api,
    fanout::{CrossNodeFeed, Fanout},
    hub::Hub,
    indexer,
    limits::Limiters,
    listener::{NoDelayListener, PeerAddr},
    mailer::{MailError, Mailer},
    ops, pages,
    settings::Settings,
    shopify,
    sms::{self, SmsSender},
    state::{AppState, WebSettings},
    store::{Store, StoreError},
    telemetry, uploads, widget_api,
    worker::Worker,
    ws,
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Mail(#[from] MailError),
    #[error("server stopped with an error: {0}")]
    Serve(std::io::Error),
}

pub struct Application {
    listener: TcpListener,
    demo_listener: Option<TcpListener>,
    state: AppState,
    shutdown: watch::Sender<bool>,
    site_root: std::path::PathBuf,
    feed: Option<CrossNodeFeed>,
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

fn origin_of(addr: SocketAddr) -> String {
    format!("http://{addr}")
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let listener = bind(config.addr).await?;
        let local = listener.local_addr().map_err(StartError::Serve)?;
        let demo_listener = match config.demo_addr {
            Some(addr) => Some(bind(addr).await?),
            None => None,
        };

        let store = Store::open_configured(
            config.database_url.as_ref().map(Secret::expose),
            &config.data_dir,
        )
        .await?;
        store
            .ensure_shop(
                &config.store_name,
                config
                    .identity_secret
                    .as_ref()
                    .map(|secret| secret.expose()),
            )
            .await?;

        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| origin_of(local));
        if demo_listener.is_some() {
            demo::seed_profiles(&store).await?;
        }
        let mut allowed_origins = config.allowed_origins.clone();
        if allowed_origins.is_empty() {
            // Out of the box the demo storefront is the one allowed storefront.
            if let Some(demo) = demo_listener.as_ref().and_then(|l| l.local_addr().ok()) {
                allowed_origins.push(origin_of(demo));
                if let Ok(localhost) =
                    parse_origin("demo", &format!("http://localhost:{}", demo.port()))
                {
                    allowed_origins.push(localhost);
                }
            }
        }
        let mailer = match (&config.smtp_url, &config.smtp_from) {
            (Some(url), Some(from)) => Some(Mailer::new(url, from)?),
            _ => None,
        };
        let web = WebSettings {
            secure_cookies: public_url.starts_with("https://"),
            metrics_token: config.metrics_token.clone(),
            identity_secret_configured: config.identity_secret.is_some(),
            shopify_webhook_secret: config.shopify_webhook_secret.clone(),
            sms: config.sms.clone(),
            client_ip_header: config.client_ip_header.clone(),
            public_url,
            allowed_origins,
        };
        let leptos = LeptosOptions::builder()
            .output_name("helpdesk")
            .site_root(config.site_root.display().to_string())
            .site_pkg_dir("pkg")
            .env(leptos::config::Env::PROD)
            .site_addr(local)
            .build();
        telemetry::handle();
        let (shutdown, shutdown_rx) = watch::channel(false);
        let settings = Settings::load(store.clone()).await?;
        let fanout = Fanout::new(Hub::new(), store.clone(), settings.clone());
        let sms = config
            .sms
            .clone()
            .map(|sms| SmsSender::new(sms, &web.public_url));
        let worker = Worker::new(
            store.clone(),
            fanout.clone(),
            mailer,
            sms,
            web.public_url.clone(),
        );
        let ai = AiAgent::new(
            store.clone(),
            fanout.clone(),
            settings.clone(),
            // For the AI model and the Zendesk or Gorgias handoffs.
            reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
            config
                .ai_model
                .as_ref()
                .map(|model| Generator::new(&model.url, &model.model, model.api_key.clone())),
            config.handoff_urls.clone(),
            worker.waker(),
        );
        let worker = worker.with_ai(ai.clone());
        let feed = fanout
            .join_cluster(config.database_url.as_ref().map(Secret::expose))
            .await
            .map_err(StoreError::from)?;
        let state = AppState {
            fanout,
            store,
            web: Arc::new(web),
            settings,
            worker,
            ai,
            leptos,
            shutdown: shutdown_rx,
            limits: Limiters::new(config.limits.clone()),
        };
        Ok(Application {
            listener,
            demo_listener,
            state,
            shutdown,
            site_root: config.site_root,
            feed,
        })
    }

    pub fn port(&self) -> u16 {
        self.listener
            .local_addr()
            .map(|addr| addr.port())
            .unwrap_or(0)
    }

    pub fn demo_port(&self) -> Option<u16> {
        self.demo_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
            .map(|addr| addr.port())
    }

    pub fn public_url(&self) -> &str {
        &self.state.web.public_url
    }

    pub fn demo_url(&self) -> Option<String> {
        self.demo_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
            .map(origin_of)
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Serves until `stop` completes, then closes sockets (telling clients to
    /// reconnect), finishes requests in flight and closes the database.
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), StartError> {
        let router = routes(&self.state, &self.site_root);
        if let Some(feed) = self.feed {
            self.state
                .fanout
                .spawn_feed(feed, self.state.shutdown.clone());
        }
        self.state.worker.spawn(self.state.shutdown.clone());
        indexer::spawn(self.state.store.clone(), self.state.shutdown.clone());
        let shutdown = self.shutdown;
        let mut stopped = self.state.shutdown.clone();
        let service = router.into_make_service_with_connect_info::<PeerAddr>();
        let main = axum::serve(NoDelayListener::new(self.listener), service)
            .with_graceful_shutdown(async move {
                stop.await;
                let _ = shutdown.send(true);
            });
        let demo = self.demo_listener.map(|listener| {
            let demo_router = demo::router(DemoState {
                store: self.state.store.clone(),
                chat_url: self.state.web.public_url.clone(),
            });
            tokio::spawn(async move {
                let _ = axum::serve(NoDelayListener::new(listener), demo_router)
                    .with_graceful_shutdown(async move {
                        let _ = stopped.wait_for(|stopping| *stopping).await;
                    })
                    .await;
            })
        });
        let result = main.await.map_err(StartError::Serve);
        if let Some(demo) = demo {
            let _ = demo.await;
        }
        self.state.store.close().await;
        result
    }
}

/// The one route table.
fn routes(state: &AppState, site_root: &std::path::Path) -> Router {
    let backend: SharedBackend = Arc::new(state.clone());
    let leptos_options = state.leptos.clone();
    // What every page render has in context: the backend, and its response's policy.
    let page_context = move || {
        provide_context(backend.clone());
        pages::provide_policy();
    };
    let helpdesk = Router::new()
        .route("/", get(|| async { Redirect::to("/inbox") }))
        .route("/ws/agent", get(ws::agent_socket))
        .route(
            "/api/uploads",
            post(uploads::agent_upload).layer(DefaultBodyLimit::max(uploads::UPLOAD_BODY_LIMIT)),
        )
        .leptos_routes_with_context(
            state,
            generate_route_list(App),
            page_context.clone(),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(page_context, shell))
        .layer(middleware::from_fn(pages::render_to_end))
        .layer(middleware::from_fn(agent_auth::check_origin))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            agent_auth::guard_pages,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            agent_auth::load_agent,
        ))
        .layer(middleware::from_fn(pages::helpdesk_headers));

    let cors_state = state.clone();
    let storefront_cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            origin
                .to_str()
                .is_ok_and(|origin| cors_state.allows_storefront(origin))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
        .max_age(std::time::Duration::from_secs(600));
    let widget = Router::new()
        .route(
            "/api/widget/session",
            post(widget_api::create_widget_session),
        )
        .route("/api/widget/config", get(widget_api::get_launcher_settings))
        .route("/api/widget/faq-events", post(widget_api::record_faq_event))
        .route("/api/widget/history", get(widget_api::list_past_chats))
        .route("/api/widget/history/{id}", get(widget_api::get_past_chat))
        .route("/api/widget/orders", get(widget_api::list_orders))
        .route(
            "/api/widget/uploads",
            post(uploads::shopper_upload).layer(DefaultBodyLimit::max(uploads::UPLOAD_BODY_LIMIT)),
        )
        .route("/ws/widget", get(ws::widget_socket))
        .layer(storefront_cors);

    // Server to server: no CORS, no cookies; the signature is the authentication.
    let integrations = Router::new()
        .route("/api/shopify/webhooks", post(shopify::receive_webhook))
        .route("/api/events", post(events_api::record_event))
        .route(sms::INBOUND_PATH, post(sms::receive_sms))
        .route(sms::STATUS_PATH, post(sms::receive_status));

    let ops = Router::new()
        .route("/healthz", get(ops::get_health))
        .route("/readyz", get(ops::get_readiness))
        .route("/metrics", get(telemetry::get_metrics))
        .route("/files/{id}", get(uploads::serve_file));

    Router::new()
        .merge(ops)
        .merge(helpdesk)
        .merge(widget)
        .merge(integrations)
        .merge(assets::routes(site_root))
        .with_state(state.clone())
}
