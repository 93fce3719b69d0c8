//! duijie from Python: the native module `duijie._duijie` behind the `duijie` package.
//!
//! It is a thin face over the workspace's crates — no matching logic lives here. The solvers
//! take numpy arrays without copying where the layout allows and release the GIL while they
//! run; every answer is checked against its certificate before it is returned. Ledgers are read
//! by `duijie-store` and tables written by `duijie-export`, exactly as the CLI does, and cross
//! to Python as the CSV and JSON texts the CLI writes (the package's `__init__.py` turns them
//! into pandas frames); an allocation of a market instance, the table a live round returns,
//! crosses as the columns of its `allocation.csv` instead (`ledger::allocation_columns`: the
//! same cells, without formatting and parsing the text). Errors are the exception classes of
//! `errors.rs`, with the CLI's messages.
//!
//! Built with maturin (`pyproject.toml` beside this crate); `cargo test` does not run it — the
//! tests are Python (`tests/`), run by `.ci/run`.

mod errors;
mod games;
mod ledger;
mod live;
mod scratch;
mod solvers;

use pyo3::prelude::*;

/// The version of the crates this module was built from.
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// The native module.
#[pymodule]
fn _duijie(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(solvers::solve_dense, m)?)?;
    m.add_function(wrap_pyfunction!(solvers::solve_sparse, m)?)?;
    m.add_function(wrap_pyfunction!(solvers::min_cost_flow, m)?)?;
    m.add_function(wrap_pyfunction!(games::solve_game_json, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::market_compare_csv, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::market_allocate, m)?)?;
    m.add_function(wrap_pyfunction!(ledger::market_from_arrays, m)?)?;
    m.add_class::<ledger::PyMarketArrays>()?;
    m.add_class::<ledger::PyLedger>()?;
    m.add_class::<live::PyLiveMarket>()?;
    Ok(())
}
