//! Group commit for many concurrent clients.
//!
//! A single acknowledged write costs an fsync of the WAL (`synchronous=FULL`), a few
//! milliseconds on real disks. When 64 phones log at once, one transaction per request would
//! queue 64 fsyncs behind SQLite's single writer lock. The server instead sends every write to
//! one [`BatchWriter`]: a thread that owns the only writing connection, takes the first waiting
//! request, drains whatever else is queued (up to [`BatchWriterConfig::max_group`]), writes
//! them all in **one** transaction — each inside its own `SAVEPOINT`, so an invalid request is
//! rolled back alone and reported to its own caller — commits once, and only then answers every
//! caller. Each caller is acknowledged after the `COMMIT` that made its write durable; the fsync
//! is shared by the whole group, so latency stays near one fsync however many clients wait.
//! Readers keep their own connections (WAL lets them read while the writer writes).

use crate::error::{Result, StoreError};
use crate::types::{Actor, BatchId, WalkId, WalkLog};
use crate::write::{insert_observations_tx, log_walk_tx, merge_walk};
use crate::{Store, StoreConfig};
use feltkart_model::Observation;
use feltkart_model::TeamId;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::thread::JoinHandle;

/// Settings of a [`BatchWriter`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchWriterConfig {
    /// Most requests committed in one transaction (default 256).
    pub max_group: usize,
    /// Requests that may wait in the queue before callers block (default 1024).
    pub queue: usize,
}

impl Default for BatchWriterConfig {
    fn default() -> Self {
        Self {
            max_group: 256,
            queue: 1024,
        }
    }
}

/// Counters of a [`BatchWriter`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchStats {
    /// Requests answered.
    pub requests: u64,
    /// Transactions committed (or failed).
    pub commits: u64,
}

/// A write the batch writer can carry.
enum Job {
    Observations {
        team: TeamId,
        observations: Vec<Observation>,
        reply: SyncSender<Result<BatchId>>,
    },
    Walk {
        walk: WalkLog,
        reply: SyncSender<Result<WalkId>>,
    },
}

struct Request {
    actor: Actor,
    job: Job,
}

/// The result of one job inside the group transaction.
enum Done {
    Batch(Result<BatchId>),
    Walk(Result<WalkId>),
}

impl Done {
    fn is_ok(&self) -> bool {
        matches!(self, Self::Batch(Ok(_)) | Self::Walk(Ok(_)))
    }
}

#[derive(Default)]
struct Counters {
    requests: AtomicU64,
    commits: AtomicU64,
}

/// A cloneable handle to submit writes to a [`BatchWriter`] from any thread.
#[derive(Clone)]
pub struct BatchHandle {
    queue: SyncSender<Request>,
    path: PathBuf,
}

impl BatchHandle {
    /// Insert a batch of observations; returns once the group it was committed in is durable.
    /// Nothing of this batch is written if it is invalid; other callers' batches are not
    /// affected.
    ///
    /// # Errors
    /// The errors of [`Store::insert_observations`], or [`StoreError::WriterGone`].
    pub fn insert_observations(
        &self,
        actor: Actor,
        team: TeamId,
        observations: Vec<Observation>,
    ) -> Result<BatchId> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.submit(Request {
            actor,
            job: Job::Observations {
                team,
                observations,
                reply,
            },
        })?;
        answer.recv().map_err(|_| self.gone())?
    }

    /// Log a walk's coverage; returns once the group it was committed in is durable.
    ///
    /// # Errors
    /// The errors of [`Store::log_walk`], or [`StoreError::WriterGone`].
    pub fn log_walk(&self, actor: Actor, walk: WalkLog) -> Result<WalkId> {
        let (reply, answer) = mpsc::sync_channel(1);
        self.submit(Request {
            actor,
            job: Job::Walk { walk, reply },
        })?;
        answer.recv().map_err(|_| self.gone())?
    }

    fn gone(&self) -> StoreError {
        StoreError::WriterGone {
            path: self.path.clone(),
        }
    }

    fn submit(&self, req: Request) -> Result<()> {
        match self.queue.try_send(req) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(req)) => self.queue.send(req).map_err(|_| self.gone()),
            Err(TrySendError::Disconnected(_)) => Err(self.gone()),
        }
    }
}

/// The group-committing writer thread (see the module docs).
pub struct BatchWriter {
    handle: Option<BatchHandle>,
    thread: Option<JoinHandle<()>>,
    counters: Arc<Counters>,
}

impl BatchWriter {
    /// Open the store at `path` and start the writer thread.
    ///
    /// # Errors
    /// The errors of [`Store::open`].
    pub fn spawn(
        path: impl AsRef<Path>,
        store: StoreConfig,
        config: BatchWriterConfig,
    ) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let store = Store::open(&path, store)?;
        let (queue, rx) = mpsc::sync_channel(config.queue.max(1));
        let counters = Arc::new(Counters::default());
        let c = Arc::clone(&counters);
        let max_group = config.max_group.max(1);
        let thread = std::thread::Builder::new()
            .name("feltkart-store-writer".into())
            .spawn(move || run(store, &rx, max_group, &c))
            .map_err(|source| StoreError::Thread {
                path: path.clone(),
                source,
            })?;
        Ok(Self {
            handle: Some(BatchHandle { queue, path }),
            thread: Some(thread),
            counters,
        })
    }

    /// A handle for submitting writes.
    #[must_use]
    pub fn handle(&self) -> Option<BatchHandle> {
        self.handle.clone()
    }

    /// Counters so far.
    #[must_use]
    pub fn stats(&self) -> BatchStats {
        BatchStats {
            requests: self.counters.requests.load(Ordering::Relaxed),
            commits: self.counters.commits.load(Ordering::Relaxed),
        }
    }

    /// Stop accepting requests, finish the queued ones and join the thread. Handles still held
    /// elsewhere keep the thread alive until they are dropped.
    pub fn shutdown(mut self) -> BatchStats {
        self.stop();
        self.stats()
    }

    fn stop(&mut self) {
        self.handle = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BatchWriter {
    fn drop(&mut self) {
        self.stop();
    }
}

fn run(mut store: Store, rx: &Receiver<Request>, max_group: usize, counters: &Counters) {
    while let Ok(first) = rx.recv() {
        let mut group = vec![first];
        while group.len() < max_group {
            match rx.try_recv() {
                Ok(r) => group.push(r),
                Err(_) => break,
            }
        }
        let outcome = store.write("group commit", |tx| {
            let mut results = Vec::with_capacity(group.len());
            for r in &group {
                tx.execute_batch("SAVEPOINT request")
                    .map_err(crate::sq("savepoint"))?;
                let done = match &r.job {
                    Job::Observations {
                        team, observations, ..
                    } => Done::Batch(insert_observations_tx(tx, r.actor, *team, observations)),
                    Job::Walk { walk, .. } => Done::Walk(
                        merge_walk(walk).and_then(|m| log_walk_tx(tx, r.actor, walk, &m)),
                    ),
                };
                let end = if done.is_ok() {
                    "RELEASE request"
                } else {
                    "ROLLBACK TO request; RELEASE request"
                };
                tx.execute_batch(end).map_err(crate::sq("savepoint"))?;
                results.push(done);
            }
            Ok(results)
        });
        counters.commits.fetch_add(1, Ordering::Relaxed);
        counters.requests.fetch_add(
            u64::try_from(group.len()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        match outcome {
            Ok(results) => {
                for (r, done) in group.into_iter().zip(results) {
                    match (r.job, done) {
                        (Job::Observations { reply, .. }, Done::Batch(res)) => {
                            let _ = reply.send(res);
                        }
                        (Job::Walk { reply, .. }, Done::Walk(res)) => {
                            let _ = reply.send(res);
                        }
                        // Results are made from their own jobs, in order.
                        _ => {}
                    }
                }
            }
            Err(e) => {
                let failed = || StoreError::GroupFailed {
                    path: store.path().to_path_buf(),
                    cause: e.to_string(),
                };
                for r in group {
                    match r.job {
                        Job::Observations { reply, .. } => {
                            let _ = reply.send(Err(failed()));
                        }
                        Job::Walk { reply, .. } => {
                            let _ = reply.send(Err(failed()));
                        }
                    }
                }
            }
        }
    }
}
