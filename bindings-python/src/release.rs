//! The Python face of `sigverify_host::ecosystems::github_release`: GitHub immutable releases,
//! `sigverify.github.verify_release` (`sigverify._native.github_verify_release`). Issue 19.
//! Arguments are converted and the request validated with the GIL held; files are hashed and
//! the attestation verified after it is released, behind the panic boundary.

use std::sync::Arc;

use pyo3::prelude::*;

use sigverify_host::ecosystems::github_release::{Asset, Request};

use crate::errors::{guard, opt, Arg, Failure, IntoPyResult};
use crate::inputs;
use crate::result::VerificationResult;
use crate::verifier::{now, Verifier};

/// Verifies a GitHub immutable release's attestation (`gh release verify`) and, with assets or
/// a digest and file name, that each asset is in the release (`gh release verify-asset`).
#[pyfunction]
#[pyo3(name = "verify_release", signature = (bundles, assets=None, *, repository=None, tag=None, digest=None, filename=None, github_instance=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn github_verify_release(
    py: Python<'_>,
    bundles: &Bound<'_, PyAny>,
    assets: Option<&Bound<'_, PyAny>>,
    repository: Option<&Bound<'_, PyAny>>,
    tag: Option<&Bound<'_, PyAny>>,
    digest: Option<&Bound<'_, PyAny>>,
    filename: Option<&Bound<'_, PyAny>>,
    github_instance: Option<Arg<PyRef<'_, Verifier>>>,
) -> PyResult<VerificationResult> {
    let github_instance = opt(github_instance);
    let doc = inputs::json_input(bundles, "bundles").or_raise(py)?;
    let sources = (|| {
        let Some(list) = inputs::given(assets) else {
            return Ok(Vec::new());
        };
        if list.is_instance_of::<pyo3::types::PyString>()
            || list.is_instance_of::<pyo3::types::PyBytes>()
        {
            return Err(Failure::argument(
                "assets: expected a list of files (os.PathLike), not one value",
            ));
        }
        let mut out = Vec::new();
        for item in list
            .try_iter()
            .map_err(|_| Failure::argument("assets: expected a list of files (os.PathLike)"))?
        {
            let item = item.map_err(|e| Failure::argument(format!("assets: {e}")))?;
            if let Some(s) = inputs::artifact_data(Some(&item), "assets")? {
                out.push(s);
            }
        }
        Ok(out)
    })()
    .or_raise(py)?;
    let job = (|| {
        Request {
            document: doc.data(),
            repository: inputs::string(repository, "repository", "OWNER/REPO")?,
            tag: inputs::string(tag, "tag", "the release tag")?,
            assets: sources
                .iter()
                .map(|s| Asset {
                    data: s.data(),
                    name: None,
                })
                .collect(),
            digest: inputs::string(digest, "digest", "sha256:HEX")?,
            filename: inputs::string(filename, "filename", "the asset's file name")?,
            github_instance: github_instance.as_ref().map(|v| Arc::clone(&v.inner)),
        }
        .validate()
    })()
    .or_raise(py)?;
    let now = now();
    py.detach(|| guard(|| job.run(now)))
        .map(|r| VerificationResult::new(r.result))
        .or_raise(py)
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add(
        "github_verify_release",
        wrap_pyfunction!(github_verify_release, m)?,
    )?;
    Ok(())
}
