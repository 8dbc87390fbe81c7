/*
 * sigverify_tuf_update_from_dirs over the public-good TUF repository mirrored in
 * ../shared/vectors/tuf/public-good, starting from its first root
 * (metadata/root_history/1.root.json) and walking every root version: as of 2026-08-01 the
 * update succeeds and its trusted root verifies the conformance vector happy-path-v0.3; as of
 * 2026-09-01 the metadata has expired and the update fails with
 * SIGVERIFY_RESULT_TIME_OUTSIDE_VALIDITY, unless SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE is
 * set. Also: the saved state and newest root feed a second update, and NULL arguments.
 */
#include "harness.h"

#define AUG_2026 1785542400 /* 2026-08-01T00:00:00Z */
#define SEP_2026 1788220800 /* 2026-09-01T00:00:00Z */

static char meta_dir[4096], targets_dir[4096];

/* The trusted root verifies happy-path-v0.3 against the conformance identity. */
static void check_root_verifies(const sigverify_tuf_update *u) {
  const char *conf = conformance_dir();
  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  sigverify_policy *policy = NULL;
  sigverify_verification *v = NULL;
  size_t bundle_len = 0, artifact_len = 0;
  uint8_t *bundle = must_read(path3(conf, "happy-path-v0.3", "bundle.sigstore.json"), &bundle_len);
  uint8_t *artifact = must_read(path3(conf, "a.txt", NULL), &artifact_len);

  CHECK_RC(sigverify_tuf_update_trusted_root(u, &root), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verifier_new(root, &verifier), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, policy, &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  sigverify_policy_free(policy);
  sigverify_verifier_free(verifier);
  sigverify_trusted_root_free(root);
  free(bundle);
  free(artifact);
}

int main(void) {
  const char *conf = conformance_dir();
  snprintf(meta_dir, sizeof meta_dir, "%s/../tuf/public-good/metadata", conf);
  snprintf(targets_dir, sizeof targets_dir, "%s/../tuf/public-good/targets", conf);
  size_t root_len = 0;
  uint8_t *root1 = read_file(path3(meta_dir, "root_history", "1.root.json"), &root_len);
  if (root1 == NULL) {
    die("TUF VECTORS MISSING: %s", path3(meta_dir, "root_history", "1.root.json"));
  }

  /* 2026-08-01: fresh. */
  sigverify_tuf_update *u = NULL;
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 0, AUG_2026, 0, &u),
           SIGVERIFY_RESULT_OK);
  if (u != NULL) {
    check_root_verifies(u);

    /* The state, asked for its size first. */
    size_t need = 0, n = 0;
    CHECK_RC(sigverify_tuf_update_state_json(u, NULL, 0, &need), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
    char *state = malloc(need > 0 ? need : 1);
    if (state == NULL) {
      die("out of memory");
    }
    CHECK_RC(sigverify_tuf_update_state_json(u, state, need, &n), SIGVERIFY_RESULT_OK);
    CHECK(n + 1 == need && strstr(state, "\"root_version\":") != NULL, "state %s", state);

    /* The newest root and the state start the next update. */
    CHECK_RC(sigverify_tuf_update_root_json(u, NULL, 0, &need), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
    char *newest = malloc(need > 0 ? need : 1);
    if (newest == NULL) {
      die("out of memory");
    }
    CHECK_RC(sigverify_tuf_update_root_json(u, newest, need, &n), SIGVERIFY_RESULT_OK);
    sigverify_tuf_update *again = NULL;
    CHECK_RC(sigverify_tuf_update_from_dirs((const uint8_t *)newest, n, meta_dir, targets_dir,
                                  (const uint8_t *)state, strlen(state), AUG_2026, 0, &again),
             SIGVERIFY_RESULT_OK);
    sigverify_tuf_update_free(again);
    again = NULL;
    /* The embedded public-good root (NULL) reaches the same repository. */
    CHECK_RC(sigverify_tuf_update_from_dirs(NULL, 0, meta_dir, targets_dir, (const uint8_t *)state,
                                  strlen(state), AUG_2026, 0, &again),
             SIGVERIFY_RESULT_OK);
    sigverify_tuf_update_free(again);
    again = NULL;
    /* A state that has seen newer timestamp and snapshot versions (under the same final root):
     * the repository's are a rollback. */
    unsigned long root_version = 0;
    const char *at = strstr(state, "\"root_version\":");
    CHECK(at != NULL && sscanf(at, "\"root_version\":%lu", &root_version) == 1, "state %s", state);
    char future[256];
    snprintf(future, sizeof future,
             "{\"format\":1,\"root_version\":%lu,\"snapshot_version\":999999,"
             "\"targets_versions\":{},\"timestamp_version\":999999}",
             root_version);
    sigverify_result rc = sigverify_tuf_update_from_dirs(
        root1, root_len, meta_dir, targets_dir, (const uint8_t *)future, strlen(future), AUG_2026,
        0, &again);
    CHECK(rc >= 100 && rc < 300, "rollback: returned %u %s", (unsigned)rc, sigverify_result_name(rc));
    CHECK(again == NULL, "out written on failure");
    sigverify_tuf_update_free(again);
    again = NULL;
    /* A state that is not one. */
    CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir,
                                            (const uint8_t *)"{}", 2, AUG_2026, 0, &again),
             SIGVERIFY_RESULT_INVALID_TRUSTED_ROOT);
    sigverify_tuf_update_free(again);
    again = NULL;
    free(newest);
    free(state);
  }
  sigverify_tuf_update_free(u);
  u = NULL;

  /* 2026-09-01: expired, refused... */
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 0, SEP_2026, 0, &u),
           SIGVERIFY_RESULT_TIME_OUTSIDE_VALIDITY);
  CHECK(u == NULL, "out written on failure");
  CHECK(strstr(last_message(), "expire") != NULL, "message: %s", last_message());
  /* ...unless explicitly accepted. */
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 0, SEP_2026,
                                SIGVERIFY_TUF_ACCEPT_EXPIRED_METADATA_UNSAFE, &u),
           SIGVERIFY_RESULT_OK);
  if (u != NULL) {
    check_root_verifies(u);
  }
  sigverify_tuf_update_free(u);
  u = NULL;

  /* Bad arguments. */
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 0, AUG_2026, 2, &u),
           SIGVERIFY_RESULT_INVALID_PARAMETER);
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, NULL, targets_dir, NULL, 0, AUG_2026, 0, &u),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, NULL, NULL, 0, AUG_2026, 0, &u),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 0, AUG_2026, 0, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  /* NULL with a length is a missing buffer, not an absent one. */
  CHECK_RC(sigverify_tuf_update_from_dirs(root1, root_len, meta_dir, targets_dir, NULL, 5, AUG_2026, 0, &u),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_tuf_update_from_dirs(NULL, 5, meta_dir, targets_dir, NULL, 0, AUG_2026, 0, &u),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(u == NULL, "out written on failure");
  /* An empty folder has no timestamp.json. */
  sigverify_result rc = sigverify_tuf_update_from_dirs(root1, root_len, targets_dir, targets_dir, NULL, 0,
                                             AUG_2026, 0, &u);
  CHECK(rc >= 100 && rc < 300, "no metadata: returned %u %s", (unsigned)rc, sigverify_result_name(rc));
  CHECK(u == NULL, "out written on failure");
  size_t n = 0;
  sigverify_trusted_root *tr = NULL;
  char buf[8];
  CHECK_RC(sigverify_tuf_update_trusted_root(NULL, &tr), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_tuf_update_state_json(NULL, buf, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_tuf_update_root_json(NULL, buf, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);
  sigverify_tuf_update_free(NULL);
  free(root1);
  return finish("tuf");
}
