//! `quanzi-server`: the reference backend and the built app on one port.

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Serves the Quanzi JSON API (/api/v1) from SQLite, and the built app from --dist.
#[derive(Debug, Parser)]
#[command(name = "quanzi-server", version, about)]
struct Cli {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    addr: IpAddr,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// SQLite database file; created and filled with the demo store when missing.
    #[arg(long, default_value = "data/quanzi.sqlite")]
    db: PathBuf,
    /// Trunk's output directory with index.html and the hashed assets.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// Where the app should call the API, if not /api/v1 here: a /path or an http(s) URL.
    #[arg(long)]
    api_base: Option<String>,
    /// Directory for members' uploaded photos (uploads/ inside it); default: the --db
    /// file's directory.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The site is served over HTTPS (behind a TLS proxy): Secure, __Host- session cookie.
    #[arg(long)]
    secure_cookies: bool,
    /// A reverse proxy in front of this server (repeat for several): from it, the client
    /// address the rate limits count is the right-most X-Forwarded-For entry that is not a
    /// trusted proxy. From any other peer X-Forwarded-For is ignored. A proxy on this
    /// machine must be named too (e.g. 127.0.0.1), or all its clients count as one.
    #[arg(long = "trusted-proxy", value_name = "IP")]
    trusted_proxies: Vec<IpAddr>,
    /// Sign-ups allowed per client address in any hour (the e2e journeys, which all sign
    /// up from 127.0.0.1, raise it).
    #[arg(long, value_name = "N", default_value_t = quanzi_server::ratelimit::MAX_SIGN_UPS_PER_ADDRESS)]
    sign_ups_per_hour: usize,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        // Colour codes only for people at a terminal, not in CI logs or files.
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let config = quanzi_server::Config {
        db_path: cli.db,
        dist_dir: cli.dist,
        api_base: cli.api_base,
        data_dir: cli.data_dir,
        secure_cookies: cli.secure_cookies,
        trusted_proxies: cli.trusted_proxies,
        sign_ups_per_hour: cli.sign_ups_per_hour,
    };
    let app = quanzi_server::app(&config).await?;
    let addr = SocketAddr::new(cli.addr, cli.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    // The one line on stdout; people (and scripts) read it.
    println!("Quanzi is ready on http://{local}");
    // The peer address feeds the rate limiters' per-address counts.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; in-flight requests then finish before exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
