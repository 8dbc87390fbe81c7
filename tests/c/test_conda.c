/*
 * sigverify_conda_verify over the real conda sample of ../shared/vectors/ecosystems (prefix.dev's
 * sigstore-example): as one bundle and as a .v0.sigs sidecar, with a repository or an identity,
 * with and without the channel; a near miss of each check (another file, digest, channel,
 * repository, workflow, a sidecar where one bundle fails) fails with its code; missing and
 * conflicting arguments give the same codes as in Python and Node.
 */
#include "harness.h"

#define CASE "conda-signed-package-2.1.0-attestation"
#define FILE_NAME "signed-package-2.1.0-hb0f4dca_0.conda"
#define CHANNEL "https://prefix.dev/sigstore-example"
#define REPO "prefix-dev/sigstore-example"
#define ZERO_SHA256 "sha256:0000000000000000000000000000000000000000000000000000000000000000"

static char eco_dir[4096];

/* "[" a "," b "]": a sidecar of two bundles. */
static uint8_t *sidecar(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, size_t *len) {
  *len = alen + blen + 3;
  uint8_t *out = malloc(*len);
  if (out == NULL) {
    die("out of memory");
  }
  out[0] = '[';
  memcpy(out + 1, a, alen);
  out[1 + alen] = ',';
  memcpy(out + 2 + alen, b, blen);
  out[*len - 1] = ']';
  return out;
}

/* A copy of the bundle with one character of its DSSE signature changed. */
static uint8_t *tampered(const uint8_t *bundle, size_t len) {
  uint8_t *out = malloc(len + 1);
  if (out == NULL) {
    die("out of memory");
  }
  memcpy(out, bundle, len);
  out[len] = '\0';
  char *sig = strstr((char *)out, "\"sig\"");
  if (sig == NULL) {
    die("no DSSE signature in the sample");
  }
  char *value = strchr(sig + 5, '"');
  if (value == NULL || strlen(value) < 30) {
    die("a short DSSE signature in the sample");
  }
  value[21] = value[21] == 'A' ? 'B' : 'A';
  return out;
}

int main(void) {
  snprintf(eco_dir, sizeof eco_dir, "%s/../ecosystems", conformance_dir());
  if (!file_exists(path3(eco_dir, CASE, "meta.json"))) {
    die("ECOSYSTEM VECTORS MISSING: %s/%s", eco_dir, CASE);
  }
  sigverify_trusted_root *root = NULL;
  sigverify_verifier *vr = NULL;
  CHECK_RC(sigverify_trusted_root_public_good(&root), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verifier_new(root, &vr), SIGVERIFY_RESULT_OK);
  if (vr == NULL) {
    return finish("conda");
  }
  size_t len = 0, slen = 0, mlen = 0;
  uint8_t *bundle = must_read(path3(eco_dir, CASE, "conda-attestation.sigstore.json"), &len);
  char *digest = read_text(path3(eco_dir, CASE, "digest"));
  char *identity = read_text(path3(eco_dir, CASE, "identity"));
  char *issuer = read_text(path3(eco_dir, CASE, "issuer"));
  if (digest == NULL || identity == NULL || issuer == NULL) {
    die("cannot read the sample's digest, identity or issuer");
  }
  uint8_t *bad = tampered(bundle, len);
  uint8_t *sigs = sidecar(bundle, len, bundle, len, &slen);
  uint8_t *mixed = sidecar(bundle, len, bad, len, &mlen);
  sigverify_verification *v = NULL;
  char buf[1024];
  size_t n = 0;

  /* One bundle, the repository and its workflow, the channel. */
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, "action.yaml", NULL,
                                  NULL, CHANNEL, &v),
           SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, identity) == 0, "identity %s, expected %s", buf, identity);
  sigverify_verification_free(v);
  v = NULL;
  /* The sidecar (every bundle verifies), by identity and issuer. */
  CHECK_RC(sigverify_conda_verify(vr, NULL, 0, sigs, slen, FILE_NAME, digest, NULL, NULL, identity, issuer,
                                  NULL, &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  v = NULL;

  /* Near misses, one check each. */
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, "signed-package-2.1.1-hb0f4dca_0.conda", digest,
                                  REPO, NULL, NULL, NULL, NULL, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, ZERO_SHA256, REPO, NULL, NULL, NULL,
                                  NULL, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL,
                                  "https://prefix.dev/conda-forge", &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK(strstr(last_message(), CHANNEL) != NULL, "the message names the attested channel: %s",
        last_message());
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, "prefix-dev/other", NULL,
                                  NULL, NULL, NULL, &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, "release.yml", NULL,
                                  NULL, NULL, &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(sigverify_conda_verify(vr, NULL, 0, mixed, mlen, FILE_NAME, digest, REPO, NULL, NULL, NULL, NULL,
                                  &v),
           SIGVERIFY_RESULT_SIGNATURE_INVALID);
  CHECK(v == NULL, "a failed call leaves *out untouched");

  /* Arguments: both or neither document, the signer forms, values the core refuses. */
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, sigs, slen, FILE_NAME, digest, REPO, NULL, NULL, NULL,
                                  NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, NULL, 0, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, NULL, NULL, NULL, NULL, NULL,
                                  &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, NULL, identity, issuer,
                                  NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, NULL, "action.yaml", identity,
                                  issuer, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, NULL, NULL, identity, NULL,
                                  NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, "signed-package.whl", digest, REPO, NULL, NULL,
                                  NULL, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL,
                                  "prefix.dev/sigstore-example", &v),
           SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK_RC(sigverify_conda_verify(vr, NULL, 0, bundle, len, FILE_NAME, digest, REPO, NULL, NULL, NULL, NULL,
                                  &v),
           SIGVERIFY_RESULT_INVALID_JSON);
  CHECK_RC(sigverify_conda_verify(vr, sigs, slen, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL, NULL,
                                  &v),
           SIGVERIFY_RESULT_INVALID_JSON);
  /* NULL where a value is required. */
  CHECK_RC(sigverify_conda_verify(NULL, bundle, len, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL,
                                  NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, NULL, digest, REPO, NULL, NULL, NULL, NULL, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, NULL, REPO, NULL, NULL, NULL, NULL,
                                  &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_conda_verify(vr, bundle, len, NULL, 0, FILE_NAME, digest, REPO, NULL, NULL, NULL, NULL,
                                  NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);

  free(bundle);
  free(bad);
  free(sigs);
  free(mixed);
  free(digest);
  free(identity);
  free(issuer);
  sigverify_verifier_free(vr);
  sigverify_trusted_root_free(root);
  return finish("conda");
}
