//! The endpoints, and the middleware that checks callers and bounds request time.

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duijie::history;
use duijie::model::Party;
use duijie::score::{Lang, Market};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Caller, Role};
use crate::{ApiError, App};

type Answer = Result<Json<Value>, ApiError>;

/// Every request but `/v1/health` needs a known token when the server has tokens; the caller
/// goes into the request's extensions.
pub(crate) async fn authenticate(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Response {
    let header = req
        .headers()
        .get(axum::http::header::AUTHORIZATION)
        .map(axum::http::HeaderValue::as_bytes);
    match app.tokens.caller(header) {
        Some(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        // The page is static (it asks for a token and sends it with its own requests) and
        // health says only that the server is up.
        None if matches!(req.uri().path(), "/" | "/v1/health") => next.run(req).await,
        None => {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "a valid bearer token is needed (Authorization: Bearer TOKEN)",
            )
            .into_response();
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            r
        }
    }
}

/// Cross-origin calls from browsers (CORS): only from the origins the server was given. A
/// preflight (`OPTIONS` with `Access-Control-Request-Method`) from one of them is answered
/// here, before the token check (browsers send no token with it); other requests from one of
/// them get `Access-Control-Allow-Origin` on their answer. Without origins, nothing is added,
/// so browsers keep other sites' pages from reading the answers.
pub(crate) async fn cors(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    use axum::http::{HeaderValue, Method, header};
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .filter(|o| app.cors.iter().any(|a| a.as_bytes() == o.as_bytes()))
        .cloned();
    let Some(origin) = origin else {
        return next.run(req).await;
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut r = if preflight {
        let mut r = StatusCode::NO_CONTENT.into_response();
        let h = r.headers_mut();
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("GET, POST, DELETE"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("authorization, content-type"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
        r
    } else {
        next.run(req).await
    };
    let h = r.headers_mut();
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    h.insert(header::VARY, HeaderValue::from_static("origin"));
    r
}

/// A request that takes longer than the server's limit is answered `503 timeout`.
pub(crate) async fn time_limit(
    State(limit): State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            format!("the request took longer than {} s", limit.as_secs()),
        )
        .into_response(),
    }
}

/// Runs blocking work (store access, scoring, solving) off the async threads.
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("a worker failed: {e}"),
        )
    })?
}

pub(crate) fn open_store(app: &App) -> Result<duijie_store::Db, ApiError> {
    duijie_store::Db::open_read_only(&app.db).map_err(ApiError::store)
}

/// A run number the store does not have is `404`; other store failures are `500`.
fn run_error(e: duijie_store::DbError) -> ApiError {
    match e {
        duijie_store::DbError::NoRun { run, .. } => {
            ApiError::not_found(format!("no run {run} (GET /v1/runs lists them)"))
        }
        e => ApiError::store(e),
    }
}

pub(crate) async fn not_found(req: Request) -> ApiError {
    ApiError::not_found(format!(
        "no endpoint {} {} (GET /v1/openapi.json lists them)",
        req.method(),
        req.uri().path()
    ))
}

pub(crate) async fn health(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({"status": "ok", "ledger_sha256": app.snapshot().hash}))
}

pub(crate) async fn version() -> Json<Value> {
    Json(json!({"version": env!("CARGO_PKG_VERSION"), "api": "v1"}))
}

/// The page for a 对接会: search a party, see its recommended partners with the reasons, its
/// alliance, the current run's matches and the changes since the run before (all through the
/// endpoints above; no CDN, Chinese first).
pub(crate) async fn page() -> Response {
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'",
            ),
        ],
        include_str!("../page.html"),
    )
        .into_response()
}

pub(crate) async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
        .into_response()
}

/// The English name of a kind of party, as the `kind` query parameter takes it.
fn kind_name(k: duijie::model::PartyKind) -> &'static str {
    use duijie::model::PartyKind as K;
    match k {
        K::School => "school",
        K::Institute => "institute",
        K::Enterprise => "enterprise",
        K::Authority => "authority",
    }
}

fn party_json(p: &Party) -> Value {
    let city = p
        .city
        .map(|c| duijie::catalogue::Catalogues::get().city(c).name);
    json!({
        "id": p.external_id,
        "name": p.name,
        "kind": kind_name(p.kind()),
        "kind_zh": p.kind().name_zh(),
        "city": city,
        "out_of_province": p.out_of_province,
        "alliance": duijie::programme::enterprise_alliance(p, duijie::programme::Grouping::Domain),
    })
}

fn find_party<'l>(l: &'l duijie::Ledger, id: &str) -> Result<&'l Party, ApiError> {
    l.party_by_external_id(id).ok_or_else(|| {
        let ids = l.parties.iter().map(|p| p.external_id.as_str());
        ApiError::not_found(format!(
            "no party with id {id:?}; the closest ids are: {}",
            duijie::catalogue::closest(id, ids, 0.0, 5).join(", ")
        ))
    })
}

fn lang(name: Option<&str>) -> Result<Lang, ApiError> {
    name.map_or(Ok(Lang::Zh), |n| {
        Lang::from_name(n).map_err(ApiError::invalid)
    })
}

fn market(name: Option<&str>) -> Result<Option<Market>, ApiError> {
    name.map(Market::from_name)
        .transpose()
        .map_err(ApiError::invalid)
}

/// `GET /v1/parties` query.
#[derive(Deserialize)]
pub(crate) struct PartyQuery {
    q: Option<String>,
    city: Option<String>,
    kind: Option<String>,
    limit: Option<usize>,
}

pub(crate) async fn parties(State(app): State<Arc<App>>, Query(q): Query<PartyQuery>) -> Answer {
    let s = app.snapshot();
    let limit = q.limit.unwrap_or(20).min(500);
    let text = q.q.as_deref().map(str::to_lowercase);
    let found: Vec<Value> = s
        .ledger()
        .parties
        .iter()
        .filter(|p| {
            text.as_ref().is_none_or(|t| {
                p.external_id.to_lowercase().contains(t) || p.name.to_lowercase().contains(t)
            })
        })
        .filter(|p| {
            q.kind
                .as_deref()
                .is_none_or(|k| kind_name(p.kind()) == k || p.kind().name_zh() == k)
        })
        .filter(|p| {
            q.city.as_deref().is_none_or(|c| {
                p.city
                    .is_some_and(|id| duijie::catalogue::Catalogues::get().city(id).name == c)
            })
        })
        .take(limit)
        .map(party_json)
        .collect();
    Ok(Json(json!({"parties": found})))
}

pub(crate) async fn party(State(app): State<Arc<App>>, Path(id): Path<String>) -> Answer {
    let s = app.snapshot();
    Ok(Json(party_json(find_party(s.ledger(), &id)?)))
}

/// `GET /v1/parties/{id}/recommendations` query.
#[derive(Deserialize)]
pub(crate) struct RecommendQuery {
    k: Option<usize>,
    market: Option<String>,
    lang: Option<String>,
}

pub(crate) async fn recommendations(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(q): Query<RecommendQuery>,
) -> Result<Response, ApiError> {
    let s = app.snapshot();
    let k = q.k.unwrap_or(10).clamp(1, 100);
    let (m, lang) = (market(q.market.as_deref())?, lang(q.lang.as_deref())?);
    let party = find_party(s.ledger(), &id)?.id;
    blocking(move || {
        let l = s.ledger();
        let mut recs = s.index.of(l, &s.instances, party, k);
        recs.retain(|r| m.is_none_or(|m| r.market == m));
        let explained = duijie_export::explain_recommendations(s.scorer(), &recs, lang);
        let body = serde_json::to_vec(&duijie_export::recommendations_json(
            l,
            l.party(party),
            k,
            &explained,
        ))
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
        Ok((
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response())
    })
    .await
}

/// `GET /v1/explain` query.
#[derive(Deserialize)]
pub(crate) struct ExplainQuery {
    need: String,
    offer: String,
    market: Option<String>,
    lang: Option<String>,
}

pub(crate) async fn explain(State(app): State<Arc<App>>, Query(q): Query<ExplainQuery>) -> Answer {
    let s = app.snapshot();
    let (m, lang) = (market(q.market.as_deref())?, lang(q.lang.as_deref())?);
    let (m, i, j) =
        duijie::score::find_pair(s.ledger(), &q.need, &q.offer, m).map_err(ApiError::not_found)?;
    let score = s.scorer().score(m, i, j);
    Ok(Json(json!({
        "market": m.name(),
        "need": q.need,
        "offer": q.offer,
        "candidate": score.is_some(),
        "score": score.as_ref().map(|s| s.total),
        "components": score.as_ref().map(|s| &s.components),
        "sentence": score.as_ref().map(|s| s.sentence(lang)),
    })))
}

pub(crate) async fn runs(State(app): State<Arc<App>>) -> Answer {
    blocking(move || {
        let runs = open_store(&app)?.run_summaries().map_err(ApiError::store)?;
        Ok(Json(json!({"runs": runs})))
    })
    .await
}

/// `GET /v1/runs/{id}/matches` query.
#[derive(Deserialize)]
pub(crate) struct MatchesQuery {
    party: Option<String>,
    market: Option<String>,
    page: Option<usize>,
    per_page: Option<usize>,
}

pub(crate) async fn run_matches(
    State(app): State<Arc<App>>,
    Path(run): Path<i64>,
    Query(q): Query<MatchesQuery>,
) -> Answer {
    let m = market(q.market.as_deref())?;
    let per_page = q.per_page.unwrap_or(100).clamp(1, 1000);
    let page = q.page.unwrap_or(1).max(1);
    blocking(move || {
        let store = open_store(&app)?;
        store.run(run).map_err(run_error)?;
        let rows: Vec<history::RunMatch> = store
            .run_matches(run)
            .map_err(run_error)?
            .into_iter()
            .filter(|r| m.is_none_or(|m| r.market == m))
            .filter(|r| {
                q.party
                    .as_deref()
                    .is_none_or(|p| r.need_party == p || r.offer_party == p)
            })
            .collect();
        let total = rows.len();
        let shown: Vec<&history::RunMatch> = rows
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        Ok(Json(json!({
            "run": run,
            "total": total,
            "page": page,
            "per_page": per_page,
            "matches": shown,
        })))
    })
    .await
}

/// `GET /v1/diff` query.
#[derive(Deserialize)]
pub(crate) struct DiffQuery {
    from: i64,
    to: i64,
    #[serde(default)]
    parties: bool,
}

pub(crate) async fn diff(State(app): State<Arc<App>>, Query(q): Query<DiffQuery>) -> Answer {
    let s = app.snapshot();
    blocking(move || {
        let store = open_store(&app)?;
        store.run(q.from).map_err(run_error)?;
        store.run(q.to).map_err(run_error)?;
        let (mut a, mut b) = (
            store.run_matches(q.from).map_err(run_error)?,
            store.run_matches(q.to).map_err(run_error)?,
        );
        if q.parties {
            (a, b) = (history::between_parties(&a), history::between_parties(&b));
        }
        let d = history::diff(&a, &b);
        let alliances = history::by_alliance(s.ledger(), &d, duijie::programme::Grouping::Domain);
        let units: Vec<Value> = d
            .units_by_market()
            .iter()
            .map(|(m, u)| json!({"market": m.name(), "units": u}))
            .collect();
        Ok(Json(json!({
            "from": q.from,
            "to": q.to,
            "parties": q.parties,
            "added": d.added,
            "removed": d.removed,
            "changed": d.changed,
            "units_by_market": units,
            "by_alliance": alliances,
        })))
    })
    .await
}

pub(crate) fn body<T>(parsed: Result<Json<T>, JsonRejection>) -> Result<T, ApiError> {
    match parsed {
        Ok(Json(v)) => Ok(v),
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "the request body is larger than the server accepts",
        )),
        Err(e) => Err(ApiError::invalid(format!(
            "the request body: {}",
            e.body_text()
        ))),
    }
}

/// `POST /v1/ledger` body: the files of a ledger, as `duijie import` reads them from a folder.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportBody {
    /// Each file's name (`talent_needs.csv`, `ledger.json`, …) and text.
    files: Vec<ImportFile>,
    /// Replace the stored ledger even when the new one lacks tables it has.
    #[serde(default)]
    replace: bool,
}

/// One file of an import: its text (CSV, JSON) or, for a workbook (`.xlsx`), its bytes in
/// base64.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportFile {
    name: String,
    text: Option<String>,
    base64: Option<String>,
}

impl ImportFile {
    /// The file as a source to read.
    fn source(self) -> Result<duijie_store::Source, ApiError> {
        use base64::Engine;
        let bytes = match (self.text, self.base64) {
            (Some(t), None) => t.into_bytes(),
            (None, Some(b)) => base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .map_err(|e| {
                    ApiError::invalid(format!(
                        "file {:?}: its base64 does not decode: {e}",
                        self.name
                    ))
                })?,
            _ => {
                return Err(ApiError::invalid(format!(
                    "file {:?}: give its \"text\" (CSV, JSON) or its \"base64\" (a workbook), one of the two",
                    self.name
                )));
            }
        };
        Ok(duijie_store::Source::new(self.name, bytes))
    }
}

/// The caller's write permission, or the answer that it has none.
pub(crate) fn writer(app: &App, caller: &Caller) -> Result<(), ApiError> {
    if caller.role >= Role::Write {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        if app.tokens.is_open() {
            "this server has no tokens file, so it takes no writes"
        } else {
            "this token may only read"
        },
    ))
}

/// The one write in progress, or `409 busy`.
pub(crate) fn one_writer(app: &App) -> Result<tokio::sync::OwnedMutexGuard<()>, ApiError> {
    Arc::clone(&app.writer).try_lock_owned().map_err(|_| {
        ApiError::new(
            StatusCode::CONFLICT,
            "busy",
            "another write is in progress: try again when it ends",
        )
    })
}

/// A write, once the caller's write permission is checked: the one writer's lock taken (or
/// `409 busy` at once), then `f` run off the async threads on the store opened for writing,
/// the lock held until it ends.
pub(crate) async fn write<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce(&App, &mut duijie_store::Db) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let guard = one_writer(app)?;
    let app = Arc::clone(app);
    blocking(move || {
        let _held = guard;
        let mut db = duijie_store::Db::open_existing(&app.db).map_err(ApiError::store)?;
        f(&app, &mut db)
    })
    .await
}

/// Imports a ledger (a write): validated, stored all or nothing and recorded as a run with the
/// caller's name in one transaction; the answer is the validation report. A ledger with errors is refused (`422`) with its
/// problems, and the store is unchanged.
pub(crate) async fn import_ledger(
    State(app): State<Arc<App>>,
    axum::Extension(caller): axum::Extension<Caller>,
    parsed: Result<Json<ImportBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    writer(&app, &caller)?;
    let req = body(parsed)?;
    write(&app, move |app, db| {
        let sources = req
            .files
            .into_iter()
            .map(ImportFile::source)
            .collect::<Result<Vec<_>, _>>()?;
        let read = duijie_store::read_sources(sources);
        let who = format!("api import by {}", caller.name);
        let imported = db.import_as(read, req.replace, &who);
        let loaded = match imported {
            Ok(l) => l,
            Err(duijie_store::DbError::Refused { report, .. }) => {
                let body = json!({
                    "error": {
                        "kind": "invalid_ledger",
                        "message": format!("the ledger has {} errors, so nothing was imported", report.error_count()),
                    },
                    "problems": report.problems,
                });
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response());
            }
            Err(duijie_store::DbError::NothingToImport { read, .. }) => {
                return Err(ApiError::invalid(format!(
                    "nothing to import: {read} (files are named after their tables, such as talent_needs.csv or ledger.json)"
                )));
            }
            Err(duijie_store::DbError::WouldDropTables { tables, .. }) => {
                let list: Vec<String> =
                    tables.iter().map(|(t, n)| format!("{t} ({n} records)")).collect();
                return Err(ApiError::invalid(format!(
                    "the stored ledger has tables this one lacks: {}; send \"replace\": true to drop them",
                    list.join(", ")
                )));
            }
            Err(e) => return Err(ApiError::store(e)),
        };
        let hash = db.ledger_hash().map_err(ApiError::store)?;
        let records: usize = loaded.files.iter().map(|f| f.records).sum();
        app.refresh()?;
        Ok(Json(json!({
            "imported": true,
            "records": records,
            "ledger_sha256": hash,
            "files": loaded.files,
            "problems": loaded.report.problems,
        }))
        .into_response())
    })
    .await
}
