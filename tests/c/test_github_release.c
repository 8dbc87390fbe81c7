/*
 * sigverify_github_release_verify over the real GitHub immutable-release attestation of
 * ../shared/vectors/ecosystems/github-immutable-release-jdx-communique: the release and an
 * asset verify; another repository, tag, asset name or digest fails with its code; the
 * argument rules give the codes every face gives; NULL pointers that must be given give
 * SIGVERIFY_RESULT_NULL_PARAMETER, and `out` is written only on success.
 */
#include "harness.h"

#define CASE "github-immutable-release-jdx-communique"
#define ASSET "communique-aarch64-apple-darwin.tar.gz"
#define DIGEST "sha256:76f1fe8593bf227cca2c089e3c16dc95014a8d3e89c5dd220530469ca043c428"
#define OTHER_DIGEST "sha256:b958c6046bab52febf958c94974e1ffcc450bff78c28d7233e179bfd73828912"

int main(void) {
  size_t len = 0;
  uint8_t *b = must_read(path3(conformance_dir(), "../ecosystems/" CASE, "bundle.json"), &len);
  sigverify_verification *v = NULL;

  /* gh release verify: the release alone. */
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", NULL, NULL, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    char buf[256];
    size_t n = 0;
    CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
    CHECK(strcmp(buf, "https://dotcom.releases.github.com") == 0, "identity %s", buf);
  }
  sigverify_verification_free(v);
  v = NULL;

  /* gh release verify-asset: an asset by digest and file name. */
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", DIGEST, ASSET, &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  v = NULL;

  /* Near misses, each failing its own check. */
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/other", "v0.1.9", NULL, NULL, &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.8", NULL, NULL, &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", DIGEST,
                                           "communique-evil.tar.gz", &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", OTHER_DIGEST, ASSET,
                                           &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);

  /* Argument rules (the host's, as in every face). */
  CHECK_RC(sigverify_github_release_verify(b, len, NULL, "v0.1.9", NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "", NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", DIGEST, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx", "v0.1.9", NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", "sha512:00", ASSET,
                                           &v),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_github_release_verify(NULL, len, "jdx/communique", "v0.1.9", NULL, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_github_release_verify(b, len, "jdx/communique", "v0.1.9", NULL, NULL, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(v == NULL, "out written on failure");
  free(b);
  return finish("github_release");
}
