//! The endpoints of rounds: starting a run (a job with progress), reading a job, and the
//! agreements every run respects (sign, refuse, pause, withdraw, and their log).

use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use duijie::history;
use duijie::policy::agreements::{AgreementRow, AgreementStatus};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::handlers::{blocking, body, one_writer, open_store, write, writer};
use crate::jobs::Job;
use crate::{ApiError, App, Snapshot};

/// `POST /v1/runs` body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartRun {
    /// A policy name (`duijie compare --help` lists them); `welfare` by default.
    policy: Option<String>,
    /// The year of the round; every year of the ledger when absent.
    year: Option<u16>,
    /// Answer when the run is recorded (`201` with the run) instead of at once (`202` with
    /// the job to poll).
    #[serde(default)]
    wait: bool,
}

/// An agreement that does not fit the ledger: `422 invalid_agreement`.
fn invalid_agreement(message: String) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_agreement",
        message,
    )
}

/// What a run needs besides its policy: the round's ledger when it is one year's, and the
/// stored agreements resolved for it.
type Prepared = (Option<duijie::Ledger>, Vec<Vec<duijie::policy::Agreement>>);

/// The year's ledger and the stored agreements, checked before a job starts, so that a run
/// that cannot start is answered at once.
fn prepare(app: &App, s: &Snapshot, year: Option<u16>) -> Result<Prepared, ApiError> {
    let owned = year
        .map(|y| s.ledger().year(y))
        .transpose()
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    let stored = open_store(app)?.agreements().map_err(ApiError::store)?;
    let round = owned.as_ref().unwrap_or(s.ledger());
    let agreements = duijie_store::round_agreements(s.ledger(), round, &stored)
        .map_err(|e| invalid_agreement(format!("{e} (GET /v1/agreements lists them)")))?;
    Ok((owned, agreements))
}

/// The run of `job`: matched on the snapshot's ledger (or the year's) with the agreements,
/// each step counted, recorded with its partnerships and who started it.
fn run_job(
    app: &App,
    s: &Snapshot,
    (owned, agreements): Prepared,
    policy: &dyn duijie::Policy,
    job: &Job,
    command: &str,
) -> Result<Value, ApiError> {
    let ledger = owned.as_ref().unwrap_or(s.ledger());
    let round = duijie::pipeline::Round {
        agreements,
        ..duijie::pipeline::Round::default()
    };
    let observe = |step| job.step(step);
    let outcome = duijie::pipeline::run_round(ledger, s.cfg(), policy, &round, Some(&observe))
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "allocate", e.to_string()))?;
    let rows = history::run_matches(ledger, &outcome)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", e.to_string()))?;
    let mut db = duijie_store::Db::open_existing(&app.db).map_err(ApiError::store)?;
    let summary = duijie_export::summary_json(&outcome);
    let year = job.year();
    let record = duijie_store::RunRecord::for_ledger(
        command,
        ledger,
        serde_json::to_string(s.cfg()).unwrap_or_default(),
        (None, year),
        summary.clone(),
        db.ledger_hash().map_err(ApiError::store)?,
    );
    let id = db
        .record_run_with_matches(&record, &rows)
        .map_err(ApiError::store)?;
    let summary: Value = serde_json::from_str(&summary).unwrap_or(Value::Null);
    Ok(json!({
        "run": id,
        "job": job.id(),
        "policy": policy.name(),
        "year": year,
        "partnerships": rows.len(),
        "agreements": round.agreements.iter().map(Vec::len).sum::<usize>(),
        "summary": summary,
    }))
}

/// Starts a run with a policy (a write), one at a time, as a job: `202` with the job to poll
/// at `/v1/jobs/{id}`, or with `"wait": true`, `201` with the run once it is recorded. The run
/// respects the stored agreements and is recorded with its partnerships and the caller's name.
pub(crate) async fn start_run(
    State(app): State<Arc<App>>,
    axum::Extension(caller): axum::Extension<Caller>,
    parsed: Result<Json<StartRun>, JsonRejection>,
) -> Result<Response, ApiError> {
    writer(&app, &caller)?;
    let req = body(parsed)?;
    let name = req.policy.unwrap_or_else(|| "welfare".into());
    let policy = duijie::policy::by_name(&name)
        .ok_or_else(|| ApiError::invalid(format!("unknown policy {name:?}")))?;
    let guard = one_writer(&app)?;
    let s = app.snapshot();
    let prepared = blocking({
        let (app, s) = (Arc::clone(&app), Arc::clone(&s));
        move || prepare(&app, &s, req.year)
    })
    .await?;
    let job = app.jobs.start(&name, req.year, &caller.name);
    let command = format!("api match {name} by {}", caller.name);
    let handle = tokio::task::spawn_blocking({
        let (app, job) = (Arc::clone(&app), Arc::clone(&job));
        move || {
            let _held = guard;
            let end = run_job(&app, &s, prepared, policy.as_ref(), &job, &command);
            job.finish(end.clone());
            end
        }
    });
    if !req.wait {
        let mut r = (StatusCode::ACCEPTED, Json(job.json())).into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("/v1/jobs/{}", job.id())) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return Ok(r);
    }
    let done = handle.await.map_err(|e| {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("a worker failed: {e}"),
        )
    })??;
    let mut r = (StatusCode::CREATED, Json(done.clone())).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/v1/runs/{}/matches", done["run"])) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

/// `GET /v1/jobs`: the runs started through the API that the server keeps, newest first (a
/// caller whose `wait` outlasted the request's time limit finds its job here).
pub(crate) async fn jobs(State(app): State<Arc<App>>) -> Json<Value> {
    Json(json!({"jobs": app.jobs.list()}))
}

/// `GET /v1/jobs/{id}`: a run's progress, and its run or error once it ends.
pub(crate) async fn job(
    State(app): State<Arc<App>>,
    Path(id): Path<u64>,
) -> Result<Json<Value>, ApiError> {
    app.jobs.get(id).map(|j| Json(j.json())).ok_or_else(|| {
        ApiError::not_found(format!(
            "no job {id} (a server keeps its last {} jobs, until it stops)",
            crate::jobs::KEPT
        ))
    })
}

/// `GET /v1/agreements`: the agreements every run respects, each with its market and the
/// parties of its need and offer as the ledger has them (`null` for an id the ledger lacks).
pub(crate) async fn agreements(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    let s = app.snapshot();
    blocking(move || {
        let now = open_store(&app)?.agreements().map_err(ApiError::store)?;
        let l = s.ledger();
        let listed: Vec<Value> = now
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap_or(Value::Null);
                let found = duijie::score::find_pair(l, &a.need, &a.offer, None).ok();
                let party = |p: duijie::id::PartyId| l.party(p).external_id.clone();
                v["market"] = json!(found.map(|(m, ..)| m.name()));
                v["need_party"] =
                    json!(found.map(|(m, i, _)| party(duijie::score::need_owner(l, m, i))));
                v["offer_party"] =
                    json!(found.map(|(m, _, j)| party(duijie::score::offer_owner(l, m, j))));
                v
            })
            .collect();
        Ok(Json(json!({"agreements": listed})))
    })
    .await
}

/// `GET /v1/agreements/log`: every change of the agreements, with who made it and when.
pub(crate) async fn agreement_log(State(app): State<Arc<App>>) -> Result<Json<Value>, ApiError> {
    blocking(move || {
        let log = open_store(&app)?.agreement_log().map_err(ApiError::store)?;
        Ok(Json(json!({"changes": log})))
    })
    .await
}

/// `POST /v1/agreements` body: one agreement.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgreementBody {
    need: String,
    offer: String,
    /// `signed` / 已签约, `refused` / 已拒绝, `paused` / 暂停.
    status: String,
    /// Units, for a signed agreement.
    #[serde(default)]
    units: u32,
}

/// Records an agreement (a write): signed units are fixed in every later run, refused and
/// paused pairs are left out. Checked against the ledger with the stored agreements (an id it
/// lacks, signed units beyond a need or an offer: `422 invalid_agreement`), recorded with the
/// caller's name and the time, and logged.
pub(crate) async fn set_agreement(
    State(app): State<Arc<App>>,
    axum::Extension(caller): axum::Extension<Caller>,
    parsed: Result<Json<AgreementBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    writer(&app, &caller)?;
    let req = body(parsed)?;
    let status = AgreementStatus::from_name(&req.status).ok_or_else(|| {
        ApiError::invalid(format!(
            "status {:?}: write signed (已签约), refused (已拒绝) or paused (暂停)",
            req.status
        ))
    })?;
    if status == AgreementStatus::Signed && req.units == 0 {
        return Err(ApiError::invalid(
            "a signed agreement needs its units (1 or more)",
        ));
    }
    let row = AgreementRow {
        need: req.need,
        offer: req.offer,
        units: req.units,
        status,
    };
    let s = app.snapshot();
    write(&app, move |_, db| {
        let stored = db.agreements().map_err(ApiError::store)?;
        duijie_store::check_agreements(s.ledger(), &stored, std::slice::from_ref(&row))
            .map_err(invalid_agreement)?;
        let kept = db
            .set_agreement(&row, &caller.name)
            .map_err(ApiError::store)?;
        Ok((StatusCode::CREATED, Json(json!({"agreement": kept}))).into_response())
    })
    .await
}

/// `DELETE /v1/agreements` query: the pair whose agreement to withdraw.
#[derive(Deserialize)]
pub(crate) struct PairQuery {
    need: String,
    offer: String,
}

/// Withdraws an agreement (a write), logged with the caller's name; `404` when the pair has
/// none.
pub(crate) async fn withdraw_agreement(
    State(app): State<Arc<App>>,
    axum::Extension(caller): axum::Extension<Caller>,
    Query(q): Query<PairQuery>,
) -> Result<Json<Value>, ApiError> {
    writer(&app, &caller)?;
    write(&app, move |_, db| {
        if !db
            .withdraw_agreement(&q.need, &q.offer, &caller.name)
            .map_err(ApiError::store)?
        {
            return Err(ApiError::not_found(format!(
                "no agreement of need {:?} and offer {:?} (GET /v1/agreements lists them)",
                q.need, q.offer
            )));
        }
        Ok(Json(
            json!({"withdrawn": {"need": q.need, "offer": q.offer}}),
        ))
    })
    .await
}
