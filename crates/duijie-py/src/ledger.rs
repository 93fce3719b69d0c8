//! The ledger pipeline and the policies: a ledger read as the CLI reads it, matched, compared
//! and explained; market instances of an analyst's own scores under any policy. Tables cross
//! to Python as the CSV and JSON texts the CLI writes, so every column is the CLI's.

use duijie::policy::{self, Policy};
use duijie::score::{self, Lang, Market, ScoreConfig};
use duijie_store::{Loaded, Source};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::errors::{InvalidInputError, LedgerError, allocate_error};

/// A scoring configuration from JSON (every field optional, as in a `--weights` file), or the
/// defaults.
fn config(weights: Option<&str>) -> PyResult<ScoreConfig> {
    let Some(text) = weights else {
        return Ok(ScoreConfig::default());
    };
    let cfg: ScoreConfig = serde_json::from_str(text).map_err(|e| {
        InvalidInputError::new_err(format!(
            "weights: {}",
            duijie::message::plain_parser_message(&e.to_string())
        ))
    })?;
    cfg.validate()
        .map_err(|e| InvalidInputError::new_err(format!("weights: {e}")))?;
    Ok(cfg)
}

fn policies(list: &str) -> PyResult<Vec<Box<dyn Policy>>> {
    policy::parse_list(list).map_err(|e| InvalidInputError::new_err(e.to_string()))
}

fn one_policy(name: &str) -> PyResult<Box<dyn Policy>> {
    let mut chosen = policies(name)?;
    match chosen.len() {
        1 => Ok(chosen.remove(0)),
        _ => Err(InvalidInputError::new_err(format!(
            "name one policy, not {name:?}"
        ))),
    }
}

pub(crate) fn json<T: serde::Serialize + ?Sized>(v: &T) -> PyResult<String> {
    serde_json::to_string(v).map_err(|e| InvalidInputError::new_err(e.to_string()))
}

/// A ledger as read and validated, with every problem found (`_duijie.Ledger`).
#[pyclass(name = "Ledger", module = "duijie._duijie", frozen)]
pub struct PyLedger {
    loaded: Loaded,
}

impl PyLedger {
    /// The ledger, or a `LedgerError` listing its errors.
    fn usable(&self) -> PyResult<&duijie::Ledger> {
        let r = &self.loaded.report;
        if r.has_errors() {
            let err = LedgerError::new_err(format!(
                "the ledger has {} errors: fix them (validate() lists them, as `duijie validate` does)\n{}",
                r.error_count(),
                r.render(Lang::En)
            ));
            return Err(err);
        }
        Ok(&self.loaded.ledger)
    }
}

#[pymethods]
impl PyLedger {
    /// Reads ledger files or folders (CSV, JSON, XLSX, or a duijie SQLite database).
    #[staticmethod]
    fn from_paths(py: Python<'_>, paths: Vec<String>) -> PyResult<Self> {
        let loaded = py
            .detach(|| duijie_store::load_paths(&paths))
            .map_err(|e| LedgerError::new_err(e.to_string()))?;
        Ok(PyLedger { loaded })
    }

    /// Reads named files' bytes (`("talent_needs.csv", b"...")`), as if from a folder.
    #[staticmethod]
    fn from_sources(py: Python<'_>, sources: Vec<(String, Vec<u8>)>) -> Self {
        let sources: Vec<Source> = sources
            .into_iter()
            .map(|(n, b)| Source::new(n, b))
            .collect();
        let loaded = py.detach(|| duijie_store::load_sources(sources));
        PyLedger { loaded }
    }

    /// The bundled sample ledger (datasets/sample).
    #[staticmethod]
    fn sample(py: Python<'_>) -> Self {
        let loaded = py.detach(|| duijie_store::load_sources(duijie_store::sample_sources()));
        PyLedger { loaded }
    }

    /// A generated ledger: `sample`, `province` or `nation` scale, from `seed`.
    #[staticmethod]
    fn generated(py: Python<'_>, scale: &str, seed: u64) -> PyResult<Self> {
        let scale = duijie::synth::Scale::parse(scale).ok_or_else(|| {
            InvalidInputError::new_err(format!(
                "scale {scale:?}: expected sample, province or nation"
            ))
        })?;
        let loaded = py.detach(|| duijie_store::read_generated(scale, seed).validate());
        Ok(PyLedger { loaded })
    }

    /// Every problem found, as JSON (a list of objects with the fields of `duijie validate
    /// --json`).
    fn problems_json(&self) -> PyResult<String> {
        json(&self.loaded.report.problems)
    }

    /// What each file held, as JSON.
    fn files_json(&self) -> PyResult<String> {
        json(&self.loaded.files)
    }

    /// Whether any problem is an error (the ledger then cannot be matched).
    fn has_errors(&self) -> bool {
        self.loaded.report.has_errors()
    }

    /// The years its needs and offers are for, in order.
    fn years(&self) -> Vec<u16> {
        self.loaded.ledger.years()
    }

    /// The ledger of one year: every party, that year's needs and offers only (the round of
    /// that year, as `duijie match --year`); the problems and files are the whole ledger's.
    fn of_year(&self, year: u16) -> PyResult<Self> {
        let ledger = self
            .loaded
            .ledger
            .year(year)
            .map_err(|e| InvalidInputError::new_err(e.to_string()))?;
        let mut loaded = self.loaded.clone();
        loaded.ledger = ledger;
        Ok(PyLedger { loaded })
    }

    /// The number of records of each table.
    fn counts<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (kind, n) in self.loaded.ledger.counts() {
            d.set_item(kind.to_string(), n)?;
        }
        Ok(d)
    }

    /// Every market allocated under `policy`: the texts of `matches.csv` and `unmet.csv` and
    /// the summary JSON, as `duijie match` writes them. `agreements` are `(need, offer, units,
    /// status)` rows, as `duijie match --agreements` reads them: signed units are kept, refused
    /// and paused pairs left out.
    #[pyo3(signature = (policy = "welfare", weights = None, agreements = None))]
    fn match_tables(
        &self,
        py: Python<'_>,
        policy: &str,
        weights: Option<&str>,
        agreements: Option<Vec<(String, String, u32, String)>>,
    ) -> PyResult<(String, String, String)> {
        use duijie::policy::agreements::{AgreementRow, AgreementStatus, resolve};
        let l = self.usable()?;
        let cfg = config(weights)?;
        let p = one_policy(policy)?;
        let rows = agreements
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(k, (need, offer, units, status))| {
                let parsed = AgreementStatus::from_name(&status).ok_or_else(|| {
                    InvalidInputError::new_err(format!(
                        "agreement {}: status {status:?} of need {need:?} and offer {offer:?}: write signed (已签约), refused (已拒绝) or paused (暂停)",
                        k + 1
                    ))
                })?;
                Ok(AgreementRow {
                    need,
                    offer,
                    units,
                    status: parsed,
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let round = duijie::pipeline::Round {
            agreements: resolve(l, &rows).map_err(|(k, e)| {
                InvalidInputError::new_err(format!("agreement {}: {e}", k + 1))
            })?,
            ..duijie::pipeline::Round::default()
        };
        let outcome = py
            .detach(|| duijie::pipeline::run_round(l, &cfg, p.as_ref(), &round, None))
            .map_err(|e| allocate_error(py, &e))?;
        Ok(py.detach(|| {
            (
                duijie_export::matches_csv(l, &outcome),
                duijie_export::unmet_csv(l, &outcome),
                duijie_export::summary_json(&outcome),
            )
        }))
    }

    /// Policies compared on the ledger's markets: the text of `duijie compare --out`.
    #[pyo3(signature = (policies = "all", weights = None, markets = None))]
    fn compare_csv(
        &self,
        py: Python<'_>,
        policies: &str,
        weights: Option<&str>,
        markets: Option<Vec<String>>,
    ) -> PyResult<String> {
        let l = self.usable()?;
        let cfg = config(weights)?;
        let chosen = self::policies(policies)?;
        let markets: Vec<Market> = match markets {
            None => Market::ALL.to_vec(),
            Some(names) => names
                .iter()
                .map(|n| Market::from_name(n))
                .collect::<Result<_, _>>()
                .map_err(InvalidInputError::new_err)?,
        };
        let rows = py
            .detach(|| {
                duijie::experiment::compare(l, "ledger", None, &cfg, &chosen, &markets, None, None)
            })
            .map_err(|e| allocate_error(py, &e))?;
        Ok(duijie_export::comparison_csv(&rows, false))
    }

    /// Why a need–offer pair scores what it does, as `duijie explain` shows it.
    #[pyo3(signature = (need, offer, market = None, weights = None, lang = "zh"))]
    fn explain<'py>(
        &self,
        py: Python<'py>,
        need: &str,
        offer: &str,
        market: Option<&str>,
        weights: Option<&str>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let l = self.usable()?;
        let cfg = config(weights)?;
        let lang = Lang::from_name(lang).map_err(InvalidInputError::new_err)?;
        let market = market
            .map(Market::from_name)
            .transpose()
            .map_err(InvalidInputError::new_err)?;
        let (m, i, j) =
            score::find_pair(l, need, offer, market).map_err(InvalidInputError::new_err)?;
        let s = score::score_pair_with(&cfg, l, m, i, j);
        let d = PyDict::new(py);
        d.set_item("market", m.name())?;
        d.set_item("need", need)?;
        d.set_item("offer", offer)?;
        d.set_item("candidate", s.is_some())?;
        d.set_item("score", s.as_ref().map(|s| s.total))?;
        d.set_item("score_fixed", s.as_ref().map(score::Score::fixed))?;
        d.set_item(
            "components_json",
            s.as_ref().map(|s| json(&s.components)).transpose()?,
        )?;
        d.set_item("table", s.as_ref().map(|s| s.table(lang)))?;
        d.set_item("sentence", s.as_ref().map(|s| s.sentence(lang)))?;
        Ok(d)
    }
}

/// A market instance from the JSON of its needs, offers and pairs, as `duijie` reads a `.json`
/// instance file.
pub(crate) fn market(instance_json: &str) -> PyResult<duijie_store::market::MarketFile> {
    duijie_store::market::parse_market_json("instance", instance_json, Market::Talent)
        .map_err(|e| InvalidInputError::new_err(e.to_string()))
}

/// A market instance read from arrays ([`market_from_arrays`]), to be handed once to
/// `market_allocate`, `market_compare_csv` or `LiveMarket` in place of the instance's JSON.
#[pyclass(name = "MarketArrays", module = "duijie._duijie")]
pub struct PyMarketArrays {
    file: Option<duijie_store::market::MarketFile>,
}

/// A market instance from the arrays of its tables (`duijie_store::market::market_from_arrays`:
/// ids as lists of text, quantities and the pairs' positions as int64 arrays, scores as
/// float64 arrays, an offer score NaN where none is given), or `None` when they are not well
/// formed: the caller then sends the tables as JSON, whose reader names the entry at fault.
#[pyfunction]
#[pyo3(signature = (need_ids, demand, offer_ids, capacity, pair_need, pair_offer, need_score, offer_score = None))]
#[allow(clippy::too_many_arguments)]
pub fn market_from_arrays(
    py: Python<'_>,
    need_ids: Vec<String>,
    demand: PyReadonlyArray1<'_, i64>,
    offer_ids: Vec<String>,
    capacity: PyReadonlyArray1<'_, i64>,
    pair_need: PyReadonlyArray1<'_, i64>,
    pair_offer: PyReadonlyArray1<'_, i64>,
    need_score: PyReadonlyArray1<'_, f64>,
    offer_score: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<Option<PyMarketArrays>> {
    let arrays = duijie_store::market::MarketArrays {
        need_ids: &need_ids,
        demand: contiguous("demand", demand.as_slice())?,
        offer_ids: &offer_ids,
        capacity: contiguous("capacity", capacity.as_slice())?,
        pair_need: contiguous("pair_need", pair_need.as_slice())?,
        pair_offer: contiguous("pair_offer", pair_offer.as_slice())?,
        need_score: contiguous("need_score", need_score.as_slice())?,
        offer_score: match &offer_score {
            Some(v) => Some(contiguous("offer_score", v.as_slice())?),
            None => None,
        },
    };
    let file = py.detach(|| duijie_store::market::market_from_arrays(&arrays, Market::Talent));
    Ok(file.map(|f| PyMarketArrays { file: Some(f) }))
}

/// An array's values in place, or an error naming it when they are not one block.
fn contiguous<'a, T, E>(name: &str, values: Result<&'a [T], E>) -> PyResult<&'a [T]> {
    values.map_err(|_| InvalidInputError::new_err(format!("{name}: not a contiguous array")))
}

/// The market instance `instance` gives: a [`PyMarketArrays`] (taken: it is handed once) or
/// the instance's JSON text.
pub(crate) fn market_of(instance: &Bound<'_, PyAny>) -> PyResult<duijie_store::market::MarketFile> {
    if let Ok(mut arrays) = instance.extract::<PyRefMut<'_, PyMarketArrays>>() {
        return arrays.file.take().ok_or_else(|| {
            InvalidInputError::new_err("these market arrays were handed over already")
        });
    }
    market(&instance.extract::<String>()?)
}

/// Policies compared on a market instance: the text of `duijie compare --instance --out`.
#[pyfunction]
#[pyo3(signature = (instance_json, policies = "all"))]
pub fn market_compare_csv(
    py: Python<'_>,
    instance_json: &Bound<'_, PyAny>,
    policies: &str,
) -> PyResult<String> {
    let file = market_of(instance_json)?;
    let chosen = self::policies(policies)?;
    let rows = py
        .detach(|| duijie::experiment::compare_market("instance", &file.instance, &chosen, None))
        .map_err(|e| allocate_error(py, &e))?;
    Ok(duijie_export::comparison_csv(&rows, false))
}

/// An allocation's rows as the columns of `allocation.csv` (`need, offer, units, need_score,
/// offer_score`), each a Python list: the ids as text, the units, and each score as the double
/// nearest its six-decimal value in the CSV (the fixed-point score over [`score::SCALE`], one
/// correctly rounded division). A DataFrame is built from them without writing and parsing the
/// CSV (on a province talent market's 22,642 matches, 8-10 ms of parsing and about as much
/// formatting).
/// `views` are each match's ([`policy::MarketInstance::views_of`]), found once for these
/// columns and the metrics ([`measured`]).
pub(crate) fn allocation_columns<'py>(
    py: Python<'py>,
    need_ids: &[String],
    offer_ids: &[String],
    a: &policy::Allocation,
    views: &[(i64, i64)],
) -> PyResult<Bound<'py, PyTuple>> {
    #[allow(clippy::cast_precision_loss)]
    let decimal = |x: i64| x as f64 / score::SCALE as f64;
    let m = &a.matches;
    (
        PyList::new(py, m.iter().map(|m| need_ids[m.need as usize].as_str()))?,
        PyList::new(py, m.iter().map(|m| offer_ids[m.offer as usize].as_str()))?,
        PyList::new(py, m.iter().map(|m| m.units))?,
        PyList::new(py, views.iter().map(|v| decimal(v.0)))?,
        PyList::new(py, views.iter().map(|v| decimal(v.1)))?,
    )
        .into_pyobject(py)
}

/// One policy on a market instance: the columns of `allocation.csv`
/// ([`allocation_columns`]) and the metrics as JSON, as `duijie allocate --instance` writes
/// and prints them.
#[pyfunction]
pub fn market_allocate<'py>(
    py: Python<'py>,
    instance_json: &Bound<'py, PyAny>,
    policy: &str,
) -> PyResult<(Bound<'py, PyTuple>, String)> {
    let file = market_of(instance_json)?;
    let p = one_policy(policy)?;
    let inst = &file.instance;
    let a = py
        .detach(|| p.allocate(inst))
        .map_err(|e| allocate_error(py, &e))?;
    let (views, metrics) = py.detach(|| measured(inst, &a));
    Ok((
        allocation_columns(py, &file.need_ids, &file.offer_ids, &a, &views)?,
        json(&metrics)?,
    ))
}

/// Each match's views ([`policy::MarketInstance::views_of`]) and the metrics measured with
/// them: the views read once for the metrics and the allocation's columns.
pub(crate) fn measured(
    inst: &policy::MarketInstance,
    a: &policy::Allocation,
) -> (Vec<(i64, i64)>, policy::PolicyMetrics) {
    let views = inst.views_of(&a.matches);
    let metrics = policy::measure_with_views(inst, a, &views);
    (views, metrics)
}
