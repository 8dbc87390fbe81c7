//! The Bazel Central Registry: `attestations.json` of modules published with
//! bazel-contrib/publish-to-bcr. Issue 19.
