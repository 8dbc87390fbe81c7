//! The Python face of `sigverify_host::ecosystems::bcr`. Issue 19.

use pyo3::prelude::*;

pub(crate) fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
