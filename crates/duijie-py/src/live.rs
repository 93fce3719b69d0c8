//! A market of the analyst's own kept live between rounds (`_duijie.LiveMarket`): its welfare
//! allocation re-solved from the last optimal basis after each round's changes.

use duijie::policy::LiveWelfare;
use duijie_store::market::Ids;
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{InvalidInputError, allocate_error};
use crate::ledger::{allocation_columns, json, market_of, measured};

/// The welfare allocation of a market instance, kept live between rounds
/// ([`duijie::policy::LiveWelfare`]), with the ids of its needs and offers.
#[pyclass(name = "LiveMarket", module = "duijie._duijie")]
pub struct PyLiveMarket {
    live: LiveWelfare,
    need_ids: Ids,
    offer_ids: Ids,
}

#[pymethods]
impl PyLiveMarket {
    /// Keeps the market of `instance_json` (the shape of a `.json` instance file, or the
    /// `MarketArrays` read from its tables) live.
    #[new]
    fn new(py: Python<'_>, instance_json: &Bound<'_, PyAny>) -> PyResult<Self> {
        let file = market_of(instance_json)?;
        let live = py
            .detach(|| LiveWelfare::new(file.instance))
            .map_err(|e| allocate_error(py, &e))?;
        Ok(PyLiveMarket {
            live,
            need_ids: Ids::new(file.need_ids),
            offer_ids: Ids::new(file.offer_ids),
        })
    }

    /// Applies one round's changes (JSON: `offers`, `needs`, `pairs`, `withdraw`, as
    /// `duijie_store::market::parse_market_changes` reads them): all of them, or none when
    /// any is wrong.
    fn change(&mut self, py: Python<'_>, changes_json: &str) -> PyResult<()> {
        let c = duijie_store::market::parse_market_changes(
            "changes",
            changes_json,
            &self.need_ids,
            &self.offer_ids,
            self.live.instance(),
        )
        .map_err(|e| InvalidInputError::new_err(e.to_string()))?;
        let live = &mut self.live;
        let (need_ids, offer_ids) = (&mut self.need_ids, &mut self.offer_ids);
        let applied = py.detach(|| c.apply(live, need_ids, offer_ids));
        applied.map_err(|e| {
            InvalidInputError::new_err(format!("{e} (the changes listed before it were applied)"))
        })
    }

    /// The welfare allocation of the market as it now stands, re-solved from the last basis
    /// and certificate checked: the columns of `allocation.csv` and the metrics as JSON, as
    /// `market_allocate` gives them.
    fn allocate<'py>(&mut self, py: Python<'py>) -> PyResult<(Bound<'py, PyTuple>, String)> {
        let live = &mut self.live;
        let (a, (views, metrics)) = py
            .detach(|| {
                let a = live.allocate()?;
                let measured = measured(live.instance(), &a);
                Ok((a, measured))
            })
            .map_err(|e| allocate_error(py, &e))?;
        Ok((
            allocation_columns(
                py,
                self.need_ids.names(),
                self.offer_ids.names(),
                &a,
                &views,
            )?,
            json(&metrics)?,
        ))
    }

    /// Pivots the last allocation took.
    #[getter]
    fn pivots(&self) -> u64 {
        self.live.pivots()
    }

    /// Needs and offers in the market now.
    fn counts(&self) -> (usize, usize) {
        (self.need_ids.len(), self.offer_ids.len())
    }
}
