//! The server's shared state: the engine, a small pool of store connections (one SQLite
//! connection per blocking thread), the group-committing observation writer, the login limiter,
//! planned walks kept for download, and the settings.

use crate::auth::{LoginLimiter, LoginLimits};
use crate::engine::Engine;
use crate::error::{ApiError, ApiResult};
use crate::routes::day::DayPlanOut;
use feltkart_store::batch::{BatchHandle, BatchWriter, BatchWriterConfig};
use feltkart_store::{Store, StoreConfig, StoreError, TeamId};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Server settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Address to listen on (default 127.0.0.1:8080).
    pub listen: SocketAddr,
    /// The viewer's static files.
    pub web_dir: PathBuf,
    /// Largest request body, bytes (default 1 MiB).
    pub body_limit: usize,
    /// Time a request may take before it is answered 408/503 (default 30 s).
    pub timeout: Duration,
    /// Requests served at once; more are shed with 503 (default 64).
    pub concurrency: usize,
    /// How long a login token lives (default 12 h, one working day).
    pub token_ttl: Duration,
    /// Failed-login limits.
    pub login_limits: LoginLimits,
    /// Allow cross-origin requests from any origin (default off).
    pub cors_any: bool,
    /// The municipality's UTC offset (default +01:00).
    pub utc_offset: chrono::FixedOffset,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            web_dir: PathBuf::from("web"),
            body_limit: 1 << 20,
            timeout: Duration::from_secs(30),
            concurrency: 64,
            token_ttl: Duration::from_secs(12 * 3600),
            login_limits: LoginLimits::default(),
            cors_any: false,
            utc_offset: chrono::FixedOffset::east_opt(3600)
                .unwrap_or_else(|| chrono::Offset::fix(&chrono::Utc)),
        }
    }
}

/// A pool of store connections used from blocking threads.
#[derive(Debug)]
pub struct StorePool {
    path: PathBuf,
    config: StoreConfig,
    idle: Mutex<Vec<Store>>,
}

impl StorePool {
    /// A pool for the store file at `path` (opened once here to create and migrate it).
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be opened.
    pub fn open(path: PathBuf, config: StoreConfig) -> Result<Self, StoreError> {
        let first = Store::open(&path, config.clone())?;
        Ok(Self {
            path,
            config,
            idle: Mutex::new(vec![first]),
        })
    }

    /// The store file.
    #[must_use]
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The store settings.
    #[must_use]
    pub fn config(&self) -> &StoreConfig {
        &self.config
    }

    fn take(&self) -> Result<Store, StoreError> {
        let pooled = self.idle.lock().ok().and_then(|mut v| v.pop());
        match pooled {
            Some(s) => Ok(s),
            None => Store::open(&self.path, self.config.clone()),
        }
    }

    fn put(&self, s: Store) {
        if let Ok(mut v) = self.idle.lock()
            && v.len() < 16
        {
            v.push(s);
        }
    }
}

/// A handle on the pool that runs store calls on tokio's blocking threads.
#[derive(Clone, Debug)]
pub struct StoreRunner(Arc<StorePool>);

impl StoreRunner {
    /// Run `f` with a store connection on a blocking thread.
    ///
    /// # Errors
    /// What `f` returns, or an internal error if the thread fails.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> ApiResult<T> + Send + 'static,
    ) -> ApiResult<T> {
        let pool = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let mut s = pool.take()?;
            let r = f(&mut s);
            pool.put(s);
            r
        })
        .await?
    }
}

/// A planned walk kept for its GPX download.
#[derive(Clone, Debug)]
pub struct StoredWalkPlan {
    /// The team it was planned for, if any (field users of that team may download it).
    pub team: Option<TeamId>,
    /// GPX per walk.
    pub gpx: Vec<String>,
    /// Per walk: its edges in order and its minutes (for marking it done).
    pub walks: Vec<(Vec<petgraph::graph::EdgeIndex>, f64)>,
    /// Local start time.
    pub at: chrono::NaiveDateTime,
}

/// A planned day kept for its team: what `today` answers, its GPX, and what "done" logs.
#[derive(Clone, Debug)]
pub struct StoredDayPlan {
    /// What `POST /api/plan/day` answered.
    pub out: DayPlanOut,
    /// GPX 1.1 of the day's track (legs, waits and visits), the stops as waypoints.
    pub gpx: String,
    /// The track's edges in walking order (for marking it done).
    pub edges: Vec<petgraph::graph::EdgeIndex>,
    /// Seconds of walking on those edges.
    pub walk_s: f64,
    /// The shift's start, local time.
    pub start: chrono::NaiveDateTime,
    /// Whether a field user has marked it done (it is logged once).
    pub done: bool,
}

/// How many planned walks are kept for download.
const KEPT_PLANS: usize = 512;

/// Everything the handlers share.
pub struct Shared {
    /// The engine.
    pub engine: Arc<Engine>,
    /// Store connections.
    pub store: StoreRunner,
    /// The group-committing writer's queue (taken at shutdown, so the writer can drain it).
    pub batch: Mutex<Option<BatchHandle>>,
    /// The writer itself, shut down (drained) when the server stops.
    pub writer: Mutex<Option<BatchWriter>>,
    /// Failed-login limiter.
    pub limiter: LoginLimiter,
    /// Settings.
    pub config: ServerConfig,
    /// Planned walks by plan id (the newest [`KEPT_PLANS`]).
    pub walk_plans: Mutex<BTreeMap<i64, StoredWalkPlan>>,
    /// Planned days by plan id (the newest [`KEPT_PLANS`]).
    pub day_plans: Mutex<BTreeMap<i64, StoredDayPlan>>,
}

/// The state handed to [`crate::app`].
#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

impl AppState {
    /// State for an engine and a store file.
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot be opened or its writer started.
    pub fn new(
        engine: Arc<Engine>,
        store_path: PathBuf,
        store_config: StoreConfig,
        config: ServerConfig,
    ) -> Result<Self, StoreError> {
        let pool = StorePool::open(store_path.clone(), store_config.clone())?;
        let codes = feltkart_store::CodeList::builtin().map_err(|e| StoreError::Invalid {
            what: "data/signs.toml",
            value: e.to_string(),
            why: "the shipped code list is broken",
        })?;
        if let Ok(mut idle) = pool.idle.lock()
            && let Some(s) = idle.first_mut()
        {
            s.set_sign_codes(feltkart_store::Actor::System, &codes.sign_codes())?;
        }
        let writer = BatchWriter::spawn(&store_path, store_config, BatchWriterConfig::default())?;
        let batch = writer.handle().ok_or(StoreError::WriterGone {
            path: store_path.clone(),
        })?;
        Ok(Self(Arc::new(Shared {
            engine,
            store: StoreRunner(Arc::new(pool)),
            batch: Mutex::new(Some(batch)),
            writer: Mutex::new(Some(writer)),
            limiter: LoginLimiter::new(config.login_limits),
            config,
            walk_plans: Mutex::new(BTreeMap::new()),
            day_plans: Mutex::new(BTreeMap::new()),
        })))
    }

    /// The store runner.
    #[must_use]
    pub fn store(&self) -> &StoreRunner {
        &self.0.store
    }

    /// The engine.
    #[must_use]
    pub fn engine(&self) -> &Engine {
        &self.0.engine
    }

    /// Keep a planned walk for download.
    pub fn keep_walk_plan(&self, id: i64, plan: StoredWalkPlan) {
        if let Ok(mut m) = self.0.walk_plans.lock() {
            m.insert(id, plan);
            while m.len() > KEPT_PLANS {
                m.pop_first();
            }
        }
    }

    /// A kept planned walk.
    ///
    /// # Errors
    /// 404 when it is not (or no longer) kept.
    pub fn walk_plan(&self, id: i64) -> ApiResult<StoredWalkPlan> {
        self.0
            .walk_plans
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
            .ok_or_else(|| ApiError::not_found(format!("walk plan {id} is not kept; plan again")))
    }

    /// Keep a planned day for its team's field users.
    pub fn keep_day_plan(&self, plan: StoredDayPlan) {
        if let Ok(mut m) = self.0.day_plans.lock() {
            m.insert(plan.out.id, plan);
            while m.len() > KEPT_PLANS {
                m.pop_first();
            }
        }
    }

    /// The newest day plan for `team` on `date`.
    #[must_use]
    pub fn day_plan(&self, team: u32, date: &str) -> Option<DayPlanOut> {
        let m = self.0.day_plans.lock().ok()?;
        m.values()
            .rev()
            .find(|p| p.out.team == team && p.out.date == date)
            .map(|p| p.out.clone())
    }

    /// A kept planned day.
    ///
    /// # Errors
    /// 404 when it is not (or no longer) kept.
    pub fn day_plan_by_id(&self, id: i64) -> ApiResult<StoredDayPlan> {
        self.0
            .day_plans
            .lock()
            .ok()
            .and_then(|m| m.get(&id).cloned())
            .ok_or_else(|| ApiError::not_found(format!("day plan {id} is not kept; plan again")))
    }

    /// Set whether day plan `id` is done; the value it had (`None` when it is not kept).
    pub fn set_day_done(&self, id: i64, done: bool) -> Option<bool> {
        let mut m = self.0.day_plans.lock().ok()?;
        m.get_mut(&id).map(|p| std::mem::replace(&mut p.done, done))
    }

    /// A handle on the observation writer.
    ///
    /// # Errors
    /// 503 once the server is stopping.
    pub fn batch(&self) -> ApiResult<BatchHandle> {
        self.0
            .batch
            .lock()
            .ok()
            .and_then(|b| b.clone())
            .ok_or_else(|| {
                ApiError::new(
                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                    "stopping",
                    "the server is stopping; try again shortly",
                )
            })
    }

    /// Stop the writer after the last request: every queued observation is committed first.
    pub fn shutdown(&self) {
        if let Ok(mut b) = self.0.batch.lock() {
            b.take();
        }
        let writer = self.0.writer.lock().ok().and_then(|mut w| w.take());
        if let Some(w) = writer {
            let stats = w.shutdown();
            tracing::info!(
                requests = stats.requests,
                commits = stats.commits,
                "store writer stopped"
            );
        }
    }
}
