/*
 * The ecosystem functions of the C ABI over the real samples of ../shared/vectors/ecosystems
 * (see its SOURCE.md; each case's `digest` file is what was signed): every sample verifies
 * and reports its signer, and a near miss of each (another file name, digest, publisher,
 * package or repository) fails with a verification code and a message. NULL arguments give
 * SIGVERIFY_RESULT_NULL_PARAMETER.
 */
#include "harness.h"

static char eco_dir[4096];

static uint8_t *eco_read(const char *name, const char *file, size_t *len) {
  return must_read(path3(eco_dir, name, file), len);
}

static char *eco_text(const char *name, const char *file) {
  char *s = read_text(path3(eco_dir, name, file));
  if (s == NULL) {
    die("cannot read %s", path3(eco_dir, name, file));
  }
  return s;
}

/* The verification's identity equals the case's `identity` file. */
static void check_identity(sigverify_verification *v, const char *name) {
  char buf[1024];
  size_t n = 0;
  char *want = eco_text(name, "identity");
  CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, want) == 0, "%s: identity %s, expected %s", name, buf, want);
  free(want);
}

/* A failure: a verification or input code (100-299) and a message. */
#define CHECK_REJECTED(expr, what)                                                             \
  do {                                                                                         \
    sigverify_result r_ = (expr);                                                              \
    CHECK(r_ >= 100 && r_ < 300, "%s: returned %u %s", what, (unsigned)r_,                    \
          sigverify_result_name(r_));                                                          \
    CHECK(strlen(last_message()) > 0, "%s: no message", what);                                \
  } while (0)

#define PROV "pypi-attestations-0.0.19-provenance-object"
#define GL "pypi-gitlab-oidc-project-0.0.3-publish-pep740"
#define NPM "npm-sigstore-1.0.0-provenance"
#define GH_DEMO "github-attest-demo-python-wheel"
#define GH_REUSE "github-reusable-workflow-attestation"
#define ZERO_SHA256 "sha256:0000000000000000000000000000000000000000000000000000000000000000"

static void test_pypi(const sigverify_verifier *verifier) {
  size_t len = 0;
  sigverify_verification *v = NULL;

  /* A PEP 740 attestation from a GitLab Trusted Publisher. */
  uint8_t *att = eco_read(GL, "gitlab_oidc_project-0.0.3.tar.gz.publish.attestation", &len);
  char *digest = eco_text(GL, "digest");
  const char *file = "gitlab_oidc_project-0.0.3.tar.gz";
  const char *publisher = "gitlab:facutuesca/gitlab-oidc-project/.gitlab-ci.yml";
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, file, digest, publisher, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    check_identity(v, GL);
  }
  sigverify_verification_free(v);
  v = NULL;
  CHECK_REJECTED(sigverify_pypi_verify_attestation(verifier, att, len, "gitlab_oidc_project-0.0.4.tar.gz",
                                                   digest, publisher, &v),
                 "pypi attestation, another file name");
  CHECK_REJECTED(sigverify_pypi_verify_attestation(verifier, att, len, file, ZERO_SHA256,
                                                   publisher, &v),
                 "pypi attestation, another digest");
  CHECK_REJECTED(sigverify_pypi_verify_attestation(verifier, att, len, file, digest,
                                                   "gitlab:facutuesca/other-project/.gitlab-ci.yml", &v),
                 "pypi attestation, another publisher");
  CHECK(v == NULL, "out written on failure");
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, file, digest, "bitbucket:x", &v),
           SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK_RC(sigverify_pypi_verify_attestation(NULL, att, len, file, digest, publisher, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, NULL, len, file, digest, publisher, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, NULL, digest, publisher, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, file, NULL, publisher, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, file, digest, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_attestation(verifier, att, len, file, digest, publisher, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(v == NULL, "out written on failure");
  free(att);
  free(digest);

  /* An Integrity API provenance object: its own publisher, then an explicit one. */
  uint8_t *prov = eco_read(PROV, "pypi_attestations-0.0.19.tar.gz.provenance", &len);
  digest = eco_text(PROV, "digest");
  file = "pypi_attestations-0.0.19.tar.gz";
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, file, digest, NULL, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    check_identity(v, PROV);
  }
  sigverify_verification_free(v);
  v = NULL;
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, "Pypi.Attestations-0.0.19.tar.gz",
                                            digest, "github:trailofbits/pypi-attestations/release.yml",
                                            &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  v = NULL;
  CHECK_REJECTED(sigverify_pypi_verify_provenance(verifier, prov, len, file, digest,
                                                  "github:trailofbits/pypi-attestations/other.yml", &v),
                 "pypi provenance, another workflow");
  CHECK_REJECTED(sigverify_pypi_verify_provenance(verifier, prov, len, "pypi_attestations-0.0.18.tar.gz",
                                                  digest, NULL, &v),
                 "pypi provenance, another file name");
  CHECK_REJECTED(sigverify_pypi_verify_provenance(verifier, prov, len, file, ZERO_SHA256, NULL, &v),
                 "pypi provenance, another digest");
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, file,
                                            "sha512:00", NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_pypi_verify_provenance(NULL, prov, len, file, digest, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, NULL, len, file, digest, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, NULL, digest, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, file, NULL, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_pypi_verify_provenance(verifier, prov, len, file, digest, NULL, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(v == NULL, "out written on failure");
  free(prov);
  free(digest);
}

static void test_npm(const sigverify_verifier *verifier) {
  size_t len = 0;
  sigverify_verification *prov = NULL, *publish = NULL;
  uint8_t *resp = eco_read(NPM, "valid-sigstore-attestations.json", &len);
  char *digest = eco_text(NPM, "digest");

  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", digest, NULL, &prov,
                                &publish),
           SIGVERIFY_RESULT_OK);
  CHECK(prov != NULL && publish != NULL, "both attestations");
  if (prov != NULL) {
    check_identity(prov, NPM);
  }
  if (publish != NULL) {
    char buf[256];
    size_t n = 0;
    /* Signed by a registry key: no certificate identity. */
    CHECK_RC(sigverify_verification_identity(publish, buf, sizeof buf, &n),
             SIGVERIFY_RESULT_NOT_AVAILABLE);
  }
  sigverify_verification_free(prov);
  sigverify_verification_free(publish);
  prov = publish = NULL;

  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", digest,
                                "sigstore/sigstore-js", &prov, &publish),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(prov);
  sigverify_verification_free(publish);
  prov = publish = NULL;

  /* The same digest in the dist.integrity form, sha512-BASE64. */
  const char *integrity =
      "sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==";
  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", integrity, NULL, &prov,
                                &publish),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(prov);
  sigverify_verification_free(publish);
  prov = publish = NULL;

  CHECK_REJECTED(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", digest,
                                      "sigstore/sigstore-go", &prov, &publish),
                 "npm, another repository");
  CHECK_REJECTED(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.1", digest, NULL, &prov,
                                      &publish),
                 "npm, another version");
  CHECK_REJECTED(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0",
                                      "sha512:0000000000000000000000000000000000000000000000000000000000000000"
                                      "0000000000000000000000000000000000000000000000000000000000000000",
                                      NULL, &prov, &publish),
                 "npm, another digest");
  CHECK(prov == NULL && publish == NULL, "outs written on failure");
  CHECK_RC(sigverify_npm_verify(NULL, resp, len, "sigstore@1.0.0", digest, NULL, &prov, &publish),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_npm_verify(verifier, NULL, len, "sigstore@1.0.0", digest, NULL, &prov,
                                &publish),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_npm_verify(verifier, resp, len, NULL, digest, NULL, &prov, &publish),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", NULL, NULL, &prov,
                                &publish),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", digest, NULL, NULL,
                                &publish),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_npm_verify(verifier, resp, len, "sigstore@1.0.0", digest, NULL, &prov, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(prov == NULL && publish == NULL, "outs written on failure");
  free(resp);
  free(digest);
}

static void test_github(void) {
  size_t len = 0;
  sigverify_verification *v = NULL;

  /* GitHub's own instance (timestamp, no log), JSON lines. */
  uint8_t *jsonl = eco_read(GH_DEMO, "github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl", &len);
  char *digest = eco_text(GH_DEMO, "digest");
  CHECK_RC(sigverify_github_verify(jsonl, len, digest, "actions/attest-demo", NULL, NULL, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    check_identity(v, GH_DEMO);
  }
  sigverify_verification_free(v);
  v = NULL;
  CHECK_RC(sigverify_github_verify(jsonl, len, digest, NULL, "actions",
                                   "actions/attest-demo/.github/workflows/build-python.yml", &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  v = NULL;
  CHECK_REJECTED(sigverify_github_verify(jsonl, len, digest, "actions/attest-demo2", NULL, NULL, &v),
                 "github, another repository");
  CHECK_REJECTED(sigverify_github_verify(jsonl, len, ZERO_SHA256, "actions/attest-demo", NULL, NULL, &v),
                 "github, another digest");
  /* Neither a repository nor an owner: a missing argument, as in every face. */
  CHECK_RC(sigverify_github_verify(jsonl, len, digest, NULL, NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_github_verify(NULL, len, digest, "actions/attest-demo", NULL, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_github_verify(jsonl, len, NULL, "actions/attest-demo", NULL, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_github_verify(jsonl, len, digest, "actions/attest-demo", NULL, NULL, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(v == NULL, "out written on failure");
  free(jsonl);
  free(digest);

  /* Public-good, signed by a reusable workflow. */
  uint8_t *bundle = eco_read(GH_REUSE, "reusable-workflow-attestation.sigstore.json", &len);
  digest = eco_text(GH_REUSE, "digest");
  const char *workflow = "github/artifact-attestations-workflows/.github/workflows/attest.yml";
  CHECK_RC(sigverify_github_verify(bundle, len, digest, "malancas/attest-demo", NULL, workflow, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    check_identity(v, GH_REUSE);
  }
  sigverify_verification_free(v);
  v = NULL;
  CHECK_REJECTED(sigverify_github_verify(bundle, len, digest, "malancas/attest-demo", NULL,
                                         "malancas/attest-demo/.github/workflows/attest.yml", &v),
                 "github, another signer workflow");
  CHECK(v == NULL, "out written on failure");
  free(bundle);
  free(digest);
}

int main(void) {
  snprintf(eco_dir, sizeof eco_dir, "%s/../ecosystems", conformance_dir());
  if (!file_exists(path3(eco_dir, "SOURCE.md", NULL))) {
    die("ECOSYSTEM VECTORS MISSING: %s", eco_dir);
  }
  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  CHECK_RC(sigverify_trusted_root_public_good(&root), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verifier_new(root, &verifier), SIGVERIFY_RESULT_OK);
  if (verifier != NULL) {
    test_pypi(verifier);
    test_npm(verifier);
  }
  test_github();
  sigverify_verifier_free(verifier);
  sigverify_trusted_root_free(root);
  return finish("ecosystems");
}
