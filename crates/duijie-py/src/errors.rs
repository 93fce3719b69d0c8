//! The Python exceptions: one class per kind of failure, all under `DuijieError` (itself a
//! `ValueError`, as scipy raises for an infeasible cost matrix), each carrying its witness.

use duijie::AllocateError;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::{PyErr, create_exception};

create_exception!(
    duijie,
    DuijieError,
    PyValueError,
    "Every error duijie raises (a ValueError)."
);
create_exception!(
    duijie,
    InvalidInputError,
    DuijieError,
    "The input cannot be used: a NaN, a wrong dtype or shape, ragged lists, an unknown id."
);
create_exception!(
    duijie,
    InfeasibleError,
    DuijieError,
    "No solution exists; `witness` proves it (assignment: rows violating Hall's condition; flow: the nodes of a cut)."
);
create_exception!(
    duijie,
    UnbalancedError,
    DuijieError,
    "Supplies and demands do not balance; `supply` and `demand` are the two totals."
);
create_exception!(
    duijie,
    NumericRangeError,
    DuijieError,
    "A value is too large for exact arithmetic at this size; `max_weight` and `limit` say by how much."
);
create_exception!(
    duijie,
    LedgerError,
    DuijieError,
    "A ledger cannot be used: it has errors (`problems`), or a file cannot be read."
);
create_exception!(
    duijie,
    NoSuperStableError,
    DuijieError,
    "The lists have ties and no super-stable matching exists; the message names the parties."
);

/// `err` with the attributes `attrs` set on its value.
fn with_attrs<'py, V: IntoPyObject<'py> + Clone>(
    py: Python<'py>,
    err: PyErr,
    attrs: &[(&str, V)],
) -> PyErr {
    for (name, value) in attrs {
        if let Err(e) = err.value(py).setattr(*name, value.clone()) {
            return e;
        }
    }
    err
}

/// The Python exception for an allocation error: its kind decides the class (through a
/// policy's wrapper to the error inside), its text is the CLI's.
pub fn allocate_error(py: Python<'_>, e: &AllocateError) -> PyErr {
    let message = e.to_string();
    let mut inner = e;
    while let AllocateError::Policy { source, .. } = inner {
        inner = source;
    }
    match inner {
        AllocateError::InvalidInstance { .. } | AllocateError::InvalidParameter { .. } => {
            InvalidInputError::new_err(message)
        }
        AllocateError::Config(_) => InvalidInputError::new_err(message),
        AllocateError::Infeasible { witness, .. } => with_attrs(
            py,
            InfeasibleError::new_err(message),
            &[("witness", witness.clone())],
        ),
        AllocateError::Unbalanced { supply, demand } => with_attrs(
            py,
            UnbalancedError::new_err(message),
            &[("supply", *supply), ("demand", *demand)],
        ),
        AllocateError::NumericRange { max_weight, limit } => with_attrs(
            py,
            NumericRangeError::new_err(message),
            &[("max_weight", *max_weight), ("limit", *limit)],
        ),
        _ => DuijieError::new_err(message),
    }
}

/// Registers the exception classes on the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("DuijieError", py.get_type::<DuijieError>())?;
    m.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    m.add("InfeasibleError", py.get_type::<InfeasibleError>())?;
    m.add("UnbalancedError", py.get_type::<UnbalancedError>())?;
    m.add("NumericRangeError", py.get_type::<NumericRangeError>())?;
    m.add("LedgerError", py.get_type::<LedgerError>())?;
    m.add("NoSuperStableError", py.get_type::<NoSuperStableError>())?;
    Ok(())
}
