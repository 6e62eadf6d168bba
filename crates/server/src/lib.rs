//! Feltkart's HTTP API (issue 8): the engine served to planners, field pairs and leaders.
//!
//! - [`app`] is the whole server as an axum [`Router`]: the JSON API under `/api` (documented
//!   by [`openapi::openapi_json_text`], OpenAPI 3.1) and the viewer's static files at `/`.
//! - [`serve`] listens (127.0.0.1 by default), shuts down gracefully on SIGTERM/SIGINT
//!   (in-flight requests finish; queued observations are committed) and returns.
//! - No business logic lives here: handlers check the role, parse and validate input, and call
//!   `feltkart-cells`, `feltkart-plan` and `feltkart-store`.
//!
//! Roles: `field` (own team's day route, revisits, walks, observations), `planner` (profiles,
//! scores, districts, plans and rota for their team, or every team with no team set), `leader`
//! (thresholded coverage aggregates and team figures only), `admin` (users and teams).

pub mod auth;
pub mod demo;
pub mod engine;
pub mod error;
pub mod extract;
pub mod layers;
pub mod openapi;
pub mod routes;
pub mod state;

pub use engine::Engine;
pub use state::{AppState, ServerConfig};

use axum::Router;
use std::net::SocketAddr;
use tower_http::services::ServeDir;

/// The server: API routes, the viewer's files, and the layers.
pub fn app(state: AppState) -> Router {
    let (api, _) = openapi::api_router().split_for_parts();
    let config = state.0.config.clone();
    let api = api.route(
        "/api/{*rest}",
        axum::routing::any(|| async {
            error::ApiError::not_found("no such API endpoint; see /api/openapi.json")
        }),
    );
    let web = ServeDir::new(&config.web_dir);
    let router = Router::new()
        .merge(api)
        .nest_service("/web", web.clone())
        .fallback_service(web)
        .with_state(state);
    layers::wrap(router, &config)
}

/// Serve `state` on `listener` until SIGTERM or SIGINT (or `stop` resolves), then finish the
/// in-flight requests and stop the store writer.
///
/// # Errors
/// The listener's I/O errors.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state.clone());
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        tokio::select! {
            () = signal() => {}
            () = stop => {}
        }
        tracing::info!("shutting down: finishing in-flight requests");
    })
    .await?;
    tokio::task::spawn_blocking(move || state.shutdown())
        .await
        .map_err(std::io::Error::other)?;
    Ok(())
}

/// SIGTERM or SIGINT.
async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
