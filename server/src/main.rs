//! `shopdesk`: runs the server (helpdesk, widget API, demo storefront) until Ctrl-C or
//! SIGTERM. `shopdesk identity-secret` prints the shop's identity secret (for the theme).

use std::process::ExitCode;

use server::{Application, Config};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    one_malloc_arena();
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(serve()),
        Err(error) => {
            eprintln!("cannot start the runtime: {error}");
            ExitCode::FAILURE
        }
    }
}

/// glibc gives each thread that contends for the heap an arena of its own, and keeps
/// what is freed in each for reuse there: a socket's memory allocated on one worker and
/// freed on another stayed resident, about 500 bytes for every shopper who had come and
/// gone (the bench's `retained_bytes_per_departed_shopper`), without end. With one arena
/// (threads still keep small blocks in their own caches) it is about 10 bytes, and
/// latency and throughput are unchanged. Set before any thread starts.
fn one_malloc_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before other threads exist.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}

async fn serve() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn")),
        )
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    if std::env::args().nth(1).as_deref() == Some("identity-secret") {
        return print_identity_secret(&config).await;
    }
    let database = match &config.database_url {
        Some(_) => "PostgreSQL (DATABASE_URL)".to_owned(),
        None => format!("SQLite in {}", config.data_dir.display()),
    };
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(error) => {
            eprintln!("cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("Shopdesk is running.");
    println!("  Helpdesk (agents):   {}/", app.public_url());
    if let Some(demo) = app.demo_url() {
        println!("  Demo storefront:     {demo}/");
    }
    println!("  Database:            {database}");
    println!("Press Ctrl-C to stop.");
    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

/// Prints the identity secret the theme signs customer ids with (creating it on first use).
async fn print_identity_secret(config: &Config) -> ExitCode {
    let database_url = config.database_url.as_ref().map(|url| url.expose());
    let shop = match server::store::Store::open_configured(database_url, &config.data_dir).await {
        Ok(store) => {
            let secret = config
                .identity_secret
                .as_ref()
                .map(|secret| secret.expose());
            store.ensure_shop(&config.store_name, secret).await
        }
        Err(error) => Err(error),
    };
    match shop {
        Ok(shop) => {
            println!("{}", shop.identity_secret);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("cannot read the shop: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
