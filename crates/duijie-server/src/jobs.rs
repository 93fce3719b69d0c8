//! Runs started through the API, as jobs: each has a number, its progress by steps (the
//! scorer prepared; each market scored, solved and measured; the run recorded), and, once it
//! ends, the run it recorded or the error that stopped it. `GET /v1/jobs/{id}` reads one. The
//! last [`KEPT`] jobs are kept in memory; a job outlives the request that started it, and the
//! server finishes it before it shuts down.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use duijie::pipeline::Step;
use serde_json::{Value, json};

use crate::ApiError;

/// How many jobs are kept for `GET /v1/jobs/{id}`, the newest.
pub(crate) const KEPT: usize = 100;

/// The steps of a run: the scorer prepared, then each market scored, solved and measured,
/// then the run recorded in the store.
pub(crate) const STEPS: usize = 1 + 3 * duijie::Market::ALL.len() + 1;

/// How a job ended.
enum End {
    /// The run it recorded, and what the answer to its request says.
    Done(Value),
    /// The error that stopped it.
    Failed(ApiError),
}

/// One run in progress or ended.
pub(crate) struct Job {
    id: u64,
    policy: String,
    year: Option<u16>,
    by: String,
    done: AtomicUsize,
    stage: Mutex<(String, String)>,
    end: Mutex<Option<End>>,
}

impl Job {
    /// The job's number.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// The year of the run's round, if it is one year's.
    pub(crate) fn year(&self) -> Option<u16> {
        self.year
    }

    /// Counts step `step` as ended.
    pub(crate) fn step(&self, step: Step) {
        let (en, zh) = match step {
            Step::Prepared => ("scorer prepared".to_owned(), "评分准备完成".to_owned()),
            Step::Scored { market, .. } => (
                format!("{} market scored", market.name()),
                format!("{}市场已评分", market.name_zh()),
            ),
            Step::Solved { market } => (
                format!("{} market solved", market.name()),
                format!("{}市场已求解", market.name_zh()),
            ),
            Step::Allocated { market, .. } => (
                format!("{} market measured", market.name()),
                format!("{}市场已度量", market.name_zh()),
            ),
        };
        self.advance(en, zh);
    }

    fn advance(&self, en: String, zh: String) {
        self.done.fetch_add(1, Ordering::Relaxed);
        let mut stage = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        // Markets run side by side: the stage is the last step ended, in words.
        *stage = (en, zh);
    }

    /// Records the end of the job: the run's answer or the error.
    pub(crate) fn finish(&self, end: Result<Value, ApiError>) {
        if end.is_ok() {
            self.advance("run recorded".into(), "运行已记录".into());
        }
        *self.end.lock().unwrap_or_else(PoisonError::into_inner) = Some(match end {
            Ok(v) => End::Done(v),
            Err(e) => End::Failed(e),
        });
    }

    /// The job as `GET /v1/jobs/{id}` answers it.
    pub(crate) fn json(&self) -> Value {
        let stage = self.stage.lock().unwrap_or_else(PoisonError::into_inner);
        let end = self.end.lock().unwrap_or_else(PoisonError::into_inner);
        let (state, result, error) = match &*end {
            None => ("running", Value::Null, Value::Null),
            Some(End::Done(v)) => ("done", v.clone(), Value::Null),
            Some(End::Failed(e)) => (
                "failed",
                Value::Null,
                json!({"kind": e.kind, "message": e.message, "status": e.status.as_u16()}),
            ),
        };
        json!({
            "job": self.id,
            "state": state,
            "policy": self.policy,
            "year": self.year,
            "started_by": self.by,
            "progress": {
                "done": self.done.load(Ordering::Relaxed).min(STEPS),
                "total": STEPS,
                "stage": stage.0,
                "stage_zh": stage.1,
            },
            "run": result.get("run").cloned().unwrap_or(Value::Null),
            "result": result,
            "error": error,
        })
    }
}

/// The jobs of a server.
#[derive(Default)]
pub(crate) struct Jobs {
    next: AtomicU64,
    kept: Mutex<VecDeque<Arc<Job>>>,
}

impl Jobs {
    /// A new job for a run of `policy` (for `year`) started by `by`.
    pub(crate) fn start(&self, policy: &str, year: Option<u16>, by: &str) -> Arc<Job> {
        let job = Arc::new(Job {
            id: self.next.fetch_add(1, Ordering::Relaxed) + 1,
            policy: policy.into(),
            year,
            by: by.into(),
            done: AtomicUsize::new(0),
            stage: Mutex::new(("started".into(), "已开始".into())),
            end: Mutex::new(None),
        });
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.len() == KEPT {
            kept.pop_front();
        }
        kept.push_back(Arc::clone(&job));
        job
    }

    /// The jobs kept, newest first, as `GET /v1/jobs` answers them.
    pub(crate) fn list(&self) -> Vec<Value> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().rev().map(|j| j.json()).collect()
    }

    /// Job `id`, if it is kept.
    pub(crate) fn get(&self, id: u64) -> Option<Arc<Job>> {
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        kept.iter().find(|j| j.id == id).cloned()
    }
}
