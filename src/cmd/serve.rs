//! `feltkart serve`: the HTTP API and the viewer for one atlas and one store.

use anyhow::Context;
use feltkart_server::{AppState, Engine, ServerConfig};
use feltkart_store::StoreConfig;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `feltkart serve`.
#[derive(clap::Args)]
pub struct Args {
    /// The atlas (from `feltkart ingest`).
    #[arg(long)]
    pub atlas: PathBuf,
    /// The store (created if missing).
    #[arg(long, default_value = "feltkart.db")]
    pub db: PathBuf,
    /// Address to listen on (loopback by default; put a TLS proxy in front for a network).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The viewer's files (default: `web/` of the source tree, else `./web`).
    #[arg(long)]
    pub web: Option<PathBuf>,
    /// H3 resolution of the cells (8–11).
    #[arg(long, default_value_t = feltkart_cells::DEFAULT_RESOLUTION)]
    pub resolution: u8,
    /// Requests served at once; more are answered 503 at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds a request may take before it is answered 503.
    #[arg(long, default_value_t = 30)]
    pub timeout_secs: u64,
    /// Largest request body in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    pub body_limit: usize,
    /// Allow cross-origin requests from any origin (off by default).
    #[arg(long)]
    pub cors_any: bool,
    /// Create demo users of every role (printing their passwords) before serving.
    #[arg(long)]
    pub demo_users: bool,
}

/// The viewer's directory: `web/` of the source tree if it exists, else `./web`.
pub fn default_web() -> PathBuf {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    if src.is_dir() {
        src
    } else {
        PathBuf::from("web")
    }
}

/// Load the engine and open the store: the state `feltkart serve` (and the demo) serve.
pub fn state(a: &Args) -> anyhow::Result<AppState> {
    let engine = Engine::load(&a.atlas, a.resolution)?;
    let config = ServerConfig {
        listen: a.listen,
        web_dir: a.web.clone().unwrap_or_else(default_web),
        body_limit: a.body_limit,
        timeout: Duration::from_secs(a.timeout_secs),
        concurrency: a.concurrency,
        cors_any: a.cors_any,
        ..ServerConfig::default()
    };
    AppState::new(
        Arc::new(engine),
        a.db.clone(),
        StoreConfig::default(),
        config,
    )
    .with_context(|| format!("{}: cannot open the store", a.db.display()))
}

/// Print demo users of every role with their passwords.
pub fn print_demo_users(db: &std::path::Path) -> anyhow::Result<()> {
    let mut store = feltkart_store::Store::open(db, StoreConfig::default())?;
    let users = feltkart_server::demo::demo_users(&mut store)
        .map_err(|e| anyhow::anyhow!("{}: demo users: {}", db.display(), e.message))?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "demo users (login / password / role / team):")?;
    for u in users {
        writeln!(
            out,
            "  {:<10} {}  {:<7} {}",
            u.login,
            u.password,
            u.role.as_str(),
            u.team.unwrap_or_else(|| "-".into())
        )?;
    }
    Ok(())
}

/// Run `feltkart serve` until SIGTERM or SIGINT.
pub fn run(a: &Args) -> anyhow::Result<()> {
    if a.demo_users {
        print_demo_users(&a.db)?;
    }
    let state = state(a)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .with_context(|| format!("cannot listen on {}", a.listen))?;
        let addr = listener.local_addr()?;
        {
            let mut out = std::io::stdout().lock();
            writeln!(
                out,
                "feltkart serving {} on http://{addr}/ (API under /api; Ctrl-C or SIGTERM stops)",
                a.atlas.display()
            )?;
            out.flush()?;
        }
        feltkart_server::serve(listener, state, std::future::pending()).await?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "stopped: in-flight requests answered, accepted observations committed"
        )?;
        anyhow::Ok(())
    })
}
