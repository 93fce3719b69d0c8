//! duijie as an HTTP service over its SQLite store, for the provincial systems that call it
//! (`duijie serve`).
//!
//! JSON over HTTP under `/v1`. Reads — health, version, parties, a party's recommendations with
//! their reasons, the explanation of a pair, runs, a run's matches, the diff of two runs, jobs,
//! agreements and their log — are answered from a snapshot of the ledger held in memory (read
//! once from the store, scored once, replaced after an import) or from the store, so they never
//! wait for a writer. Writes — importing a ledger, starting a run (a job with progress),
//! recording or withdrawing an agreement — need a write token, run one at a time (a second gets
//! `409 busy` at once), and are recorded in the store with who made them and when.
//!
//! Security: the server binds to loopback unless told otherwise; tokens come from a file of
//! SHA-256 hashes with roles ([`auth`]); bodies are limited in size and requests in time; no
//! CORS header is sent unless origins are given ([`Options::cors`]). Errors are JSON
//! `{"error": {"kind", "message"}}` with the kinds of the CLI's errors; a store failure is
//! reported without its path. On shutdown the write in progress ends before [`serve`] returns.

pub mod auth;
mod error;
mod handlers;
mod jobs;
mod rounds;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

pub use auth::{Caller, Role, Tokens};
pub use error::ApiError;

/// How a server is started.
#[derive(Clone, Debug)]
pub struct Options {
    /// The store.
    pub db: PathBuf,
    /// Where to listen (default `127.0.0.1:8080`: loopback only).
    pub addr: SocketAddr,
    /// The tokens file; without one every caller may read and nobody may write.
    pub tokens: Option<PathBuf>,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
    /// The longest a request may take before it is answered `503`.
    pub timeout: Duration,
    /// How pairs are scored (`duijie match --weights` and `--top-k` give the same).
    pub cfg: duijie::ScoreConfig,
    /// Web origins whose pages may call the service from a browser (CORS), such as
    /// `https://platform.example.gov.cn`; none by default, so no CORS header is sent.
    pub cors: Vec<String>,
}

impl Options {
    /// Defaults for `db`: loopback port 8080, no tokens, 16 MiB bodies, 60 s per request, the
    /// default scoring.
    pub fn new(db: PathBuf) -> Options {
        Options {
            db,
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            tokens: None,
            max_body: 16 << 20,
            timeout: Duration::from_secs(60),
            cfg: duijie::ScoreConfig::default(),
            cors: Vec::new(),
        }
    }
}

/// A ledger and the configuration it is scored with: what a [`Scored`] owns.
pub(crate) struct Scoring {
    pub(crate) ledger: duijie::Ledger,
    pub(crate) cfg: duijie::ScoreConfig,
}

type ScorerOf<'a> = duijie::Scorer<'a>;

self_cell::self_cell!(
    /// A ledger with its scorer, built once (the scorer's text index takes a province's ledger
    /// tens of milliseconds to build, too long to build per request).
    pub(crate) struct Scored {
        owner: Scoring,
        #[covariant]
        dependent: ScorerOf,
    }
);

/// The ledger as last read from the store (at start and after each import), scored: what
/// reads are answered from.
pub(crate) struct Snapshot {
    pub(crate) scored: Scored,
    pub(crate) instances: Vec<duijie::policy::MarketInstance>,
    /// Each party's candidate pairs, so that a party's recommendations read only its own.
    pub(crate) index: duijie::programme::RecommendIndex,
    pub(crate) hash: String,
}

impl Snapshot {
    fn read(db: &std::path::Path, cfg: &duijie::ScoreConfig) -> Result<Snapshot, ApiError> {
        let store = duijie_store::Db::open_read_only(db).map_err(ApiError::store)?;
        let hash = store.ledger_hash().map_err(ApiError::store)?;
        let loaded = store.read().map_err(ApiError::store)?.validate();
        let scored = Scored::new(
            Scoring {
                ledger: loaded.ledger,
                cfg: cfg.clone(),
            },
            |s| duijie::Scorer::new(&s.cfg, &s.ledger),
        );
        let instances = duijie::policy::MarketInstance::every_market(
            scored.borrow_dependent(),
            scored.borrow_owner().cfg.top_k,
        );
        let index =
            duijie::programme::RecommendIndex::new(&scored.borrow_owner().ledger, &instances);
        Ok(Snapshot {
            scored,
            instances,
            index,
            hash,
        })
    }

    /// The ledger.
    pub(crate) fn ledger(&self) -> &duijie::Ledger {
        &self.scored.borrow_owner().ledger
    }

    /// The scoring configuration.
    pub(crate) fn cfg(&self) -> &duijie::ScoreConfig {
        &self.scored.borrow_owner().cfg
    }

    /// The scorer of the ledger.
    pub(crate) fn scorer(&self) -> &duijie::Scorer<'_> {
        self.scored.borrow_dependent()
    }
}

/// A running service's state.
pub struct App {
    pub(crate) db: PathBuf,
    pub(crate) cfg: duijie::ScoreConfig,
    pub(crate) tokens: Tokens,
    pub(crate) snapshot: RwLock<Arc<Snapshot>>,
    /// Held by the one write in progress.
    pub(crate) writer: Arc<tokio::sync::Mutex<()>>,
    /// Runs started through the API.
    pub(crate) jobs: jobs::Jobs,
    /// Origins allowed to call from a browser.
    pub(crate) cors: Vec<String>,
}

impl App {
    /// The service over `db` with `tokens`: the ledger read and scored once, under `cfg`.
    ///
    /// # Errors
    /// The store cannot be opened or read.
    pub fn open(db: PathBuf, tokens: Tokens, cfg: duijie::ScoreConfig) -> Result<App, ApiError> {
        let snapshot = Snapshot::read(&db, &cfg)?;
        Ok(App {
            db,
            cfg,
            tokens,
            snapshot: RwLock::new(Arc::new(snapshot)),
            writer: Arc::new(tokio::sync::Mutex::new(())),
            jobs: jobs::Jobs::default(),
            cors: Vec::new(),
        })
    }

    /// The service, also answering browsers' calls from the pages of `origins` (CORS).
    #[must_use]
    pub fn allowing_origins(mut self, origins: Vec<String>) -> App {
        self.cors = origins;
        self
    }

    /// Waits for the write in progress, if any, to end (an import committed or rolled back, a
    /// run recorded).
    pub async fn writes_ended(&self) {
        drop(self.writer.lock().await);
    }

    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Reads and scores the store again after an import; reads go on being answered from the
    /// old snapshot until the new one replaces it.
    pub(crate) fn refresh(&self) -> Result<(), ApiError> {
        let fresh = Arc::new(Snapshot::read(&self.db, &self.cfg)?);
        match self.snapshot.write() {
            Ok(mut s) => *s = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}

/// The routes, with the body limit and the caller check; `timeout` bounds every request.
pub fn router(app: Arc<App>, max_body: usize, timeout: Duration) -> Router {
    Router::new()
        .route("/", get(handlers::page))
        .route("/v1/health", get(handlers::health))
        .route("/v1/version", get(handlers::version))
        .route("/v1/parties", get(handlers::parties))
        .route("/v1/parties/{id}", get(handlers::party))
        .route(
            "/v1/parties/{id}/recommendations",
            get(handlers::recommendations),
        )
        .route("/v1/explain", get(handlers::explain))
        .route("/v1/runs", get(handlers::runs).post(rounds::start_run))
        .route("/v1/jobs", get(rounds::jobs))
        .route("/v1/jobs/{id}", get(rounds::job))
        .route(
            "/v1/agreements",
            get(rounds::agreements)
                .post(rounds::set_agreement)
                .delete(rounds::withdraw_agreement),
        )
        .route("/v1/agreements/log", get(rounds::agreement_log))
        .route("/v1/runs/{id}/matches", get(handlers::run_matches))
        .route("/v1/diff", get(handlers::diff))
        .route("/v1/ledger", axum::routing::post(handlers::import_ledger))
        .route("/v1/openapi.json", get(handlers::openapi))
        .fallback(handlers::not_found)
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            handlers::authenticate,
        ))
        .layer(axum::middleware::from_fn_with_state(
            timeout,
            handlers::time_limit,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            handlers::cors,
        ))
        .with_state(app)
}

/// Serves `app` on `listener` until `shutdown` completes; requests in flight are answered, and
/// the write in progress (an import, a run's job) ends before this returns.
///
/// # Errors
/// The listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    (max_body, timeout): (usize, Duration),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let served = axum::serve(listener, router(Arc::clone(&app), max_body, timeout))
        .with_graceful_shutdown(shutdown)
        .await;
    app.writes_ended().await;
    served
}

/// Runs a server until Ctrl-C or SIGTERM: reads the tokens and the store, binds `opts.addr`,
/// calls `ready` with the bound address, and serves.
///
/// # Errors
/// A tokens file that cannot be used, a store that cannot be read, an address that cannot be
/// bound.
pub fn run(
    opts: &Options,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), Box<dyn std::error::Error>> {
    let tokens = match &opts.tokens {
        Some(p) => Tokens::read(p)?,
        None => Tokens::default(),
    };
    let app = Arc::new(
        App::open(opts.db.clone(), tokens, opts.cfg.clone())?.allowing_origins(opts.cors.clone()),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(opts.addr).await?;
        ready(listener.local_addr()?);
        serve(listener, app, (opts.max_body, opts.timeout), shutdown()).await
    })?;
    Ok(())
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what a service manager sends).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
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
        () = ctrl_c => {},
        () = term => {},
    }
}
