//! `quanzi-server`: the reference backend and the built app on one port.

use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use tracing_subscriber::EnvFilter;

/// Serves the Quanzi JSON API (/api/v1) from SQLite or PostgreSQL, and the built app from
/// --dist.
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
    /// A PostgreSQL database instead of the SQLite file, e.g.
    /// postgres://quanzi:secret@db.internal/quanzi: migrated at start (and filled with the
    /// demo store when empty). Several servers may share it; give them one --data-dir.
    #[arg(
        long,
        env = "QUANZI_DATABASE_URL",
        value_name = "URL",
        conflicts_with = "db",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// Database connections this server keeps at most.
    #[arg(long, value_name = "N", default_value_t = quanzi_server::storage::db::PoolSettings::default().size,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(quanzi_server::config::MAX_POOL_SIZE)))]
    db_pool_size: u32,
    /// PostgreSQL cancels a statement that runs longer than N seconds.
    #[arg(long, value_name = "N", default_value_t = quanzi_server::storage::db::PoolSettings::default().statement_timeout.as_secs(),
          value_parser = clap::value_parser!(u64).range(1..=quanzi_server::config::MAX_STATEMENT_TIMEOUT_SECS))]
    db_statement_timeout_secs: u64,
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
    #[arg(long, value_name = "N", default_value_t = quanzi_server::members::limits::MAX_SIGN_UPS_PER_ADDRESS)]
    sign_ups_per_hour: usize,
    /// Where people reach the site, e.g. https://shop.example (an http(s) origin, no path).
    /// Share links and link previews' absolute URLs use it, never the Host header. Default:
    /// http:// and the address this server listens on.
    #[arg(long, value_name = "URL", value_parser = public_origin)]
    public_origin: Option<String>,
    /// A host page allowed to embed the store in a frame or webview, e.g.
    /// https://host.example (an http(s) origin, no path; repeat for several). Without it
    /// only the site itself may frame the store.
    #[arg(long = "embed-origin", value_name = "ORIGIN", value_parser = embed_origin)]
    embed_origins: Vec<String>,
    /// Serve the host example page (a partner page framing the store and logging the
    /// bridge's events) at /dev/embed-host/: for developers, never in production.
    #[arg(long)]
    embed_example: bool,
    /// Days a referral cookie credits the member whose link a visitor followed.
    #[arg(long, value_name = "N", default_value_t = quanzi_server::referral::DEFAULT_REFERRAL_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(quanzi_server::referral::MAX_REFERRAL_DAYS)))]
    referral_days: u32,
    /// Seconds an unpaid order holds its stock and group seat before it is cancelled.
    #[arg(long, value_name = "N", default_value_t = quanzi_server::commerce::context::DEFAULT_SEAT_HOLD_SECS,
          value_parser = clap::value_parser!(u64).range(1..=quanzi_server::config::MAX_SEAT_HOLD_SECS))]
    seat_hold_secs: u64,
    /// For tests: new groups run for N seconds instead of their product's window (hours).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=quanzi_server::config::MAX_GROUP_WINDOW_SECS))]
    group_window_secs: Option<u64>,
    /// Days after shipping that a delivery order completes by itself unless its shopper
    /// confirms receipt first.
    #[arg(long, value_name = "N", default_value_t = quanzi_api::staff::AUTO_COMPLETE_DAYS,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(quanzi_server::config::MAX_AUTO_COMPLETE_DAYS)))]
    auto_complete_days: u32,
    /// Days after an order completes before the commission on it settles (the return
    /// window).
    #[arg(long, value_name = "N", default_value_t = quanzi_api::earning::RETURN_WINDOW_DAYS,
          value_parser = clap::value_parser!(u32).range(0..=i64::from(quanzi_server::config::MAX_AUTO_COMPLETE_DAYS)))]
    return_window_days: u32,
    /// For tests: commissions settle N seconds after their orders complete, instead of the
    /// return window's days.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(0..=quanzi_server::config::MAX_GROUP_WINDOW_SECS))]
    return_window_secs: Option<u64>,
    /// Seconds the test payment provider takes to approve a "slow" payment.
    #[arg(long, value_name = "N", default_value_t = quanzi_server::config::DEFAULT_TEST_PAYMENT_DELAY_SECS,
          value_parser = clap::value_parser!(u64).range(0..=quanzi_server::config::MAX_TEST_PAYMENT_DELAY_SECS))]
    test_payment_delay_secs: u64,
}

/// Checks `--public-origin` as the command line is read, so a typo stops the server before
/// it touches anything.
fn public_origin(raw: &str) -> Result<String, String> {
    quanzi_server::site::shell::parse_public_origin(raw).map_err(|err| format!("{err:#}"))
}

/// Checks each `--embed-origin` likewise.
fn embed_origin(raw: &str) -> Result<String, String> {
    quanzi_server::site::shell::parse_embed_origin(raw).map_err(|err| format!("{err:#}"))
}

/// The origin of the address the server listens on: where it is reached when nothing else
/// says so. A wildcard address is no place to send people; loopback stands in for it.
fn derived_origin(local: SocketAddr) -> String {
    let ip = match local.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, local.port()))
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

    // Bound first: with --port 0 only the listener knows the port the default public
    // origin needs.
    let addr = SocketAddr::new(cli.addr, cli.port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    let public_origin = match cli.public_origin {
        Some(origin) => origin,
        None => {
            if cli.secure_cookies {
                tracing::warn!(
                    "--secure-cookies without --public-origin: share links will point at \
                     http://{local}; name the site's https:// origin"
                );
            }
            derived_origin(local)
        }
    };
    let config = quanzi_server::Config {
        db_path: cli.db,
        database_url: cli.database_url,
        pool: quanzi_server::storage::db::PoolSettings {
            size: cli.db_pool_size,
            statement_timeout: std::time::Duration::from_secs(cli.db_statement_timeout_secs),
        },
        dist_dir: cli.dist,
        api_base: cli.api_base,
        data_dir: cli.data_dir,
        secure_cookies: cli.secure_cookies,
        trusted_proxies: cli.trusted_proxies,
        sign_ups_per_hour: cli.sign_ups_per_hour,
        public_origin: Some(public_origin),
        embed_origins: cli.embed_origins,
        embed_example: cli.embed_example,
        referral_days: cli.referral_days,
        seat_hold_secs: cli.seat_hold_secs,
        group_window_secs: cli.group_window_secs,
        auto_complete_days: cli.auto_complete_days,
        return_window_days: cli.return_window_days,
        return_window_secs: cli.return_window_secs,
        test_payment_delay_secs: cli.test_payment_delay_secs,
        expiry_sweep: Some(quanzi_server::commerce::expiry::DEFAULT_SWEEP_EVERY),
    };
    let state = quanzi_server::state(&config).await?;
    let db = state.db.clone();
    let app = quanzi_server::router(state);
    // The one line on stdout; people (and scripts) read it.
    println!("Quanzi is ready on http://{local}");
    // The peer address feeds the rate limiters' per-address counts.
    axum::serve(
        quanzi_server::http::listener::no_delay(listener),
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    // Every request has finished: the connections are closed cleanly (the background
    // sweep, whose router is gone, takes nothing new; a transaction it had open when the
    // process ends is rolled back by the database and its job is due again for the others).
    db.pool().close().await;
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
