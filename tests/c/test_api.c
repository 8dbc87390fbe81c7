/*
 * The C ABI's contract, function by function: result codes and their names, NULL for every
 * pointer argument, truncated buffers, invalid JSON and UTF-8, the thread's last error,
 * out-parameters untouched on failure, policies, trusted roots and verifier options.
 */
#include "harness.h"

/* A pointer value no sigverify function returns: out-parameters must keep it on failure. */
static int sentinel_storage;
#define SENTINEL(type) ((type *)(void *)&sentinel_storage)

static const char *dir;
static uint8_t *bundle, *artifact, *key_bundle, *key_pem;
static size_t bundle_len, artifact_len, key_bundle_len, key_pem_len;
static char artifact_digest[72];

/* ---- result codes ---- */

static void test_result_codes(void) {
  static const struct {
    sigverify_result code;
    unsigned number;
    const char *name;
  } codes[] = {
      /* The numbers are ABI: this table pins them. */
      {SIGVERIFY_RESULT_OK, 0, "ok"},
      {SIGVERIFY_RESULT_NULL_PARAMETER, 1, "null-parameter"},
      {SIGVERIFY_RESULT_BUFFER_TOO_SMALL, 2, "buffer-too-small"},
      {SIGVERIFY_RESULT_INVALID_UTF8, 3, "invalid-utf8"},
      {SIGVERIFY_RESULT_PANIC, 4, "internal-error"},
      {SIGVERIFY_RESULT_NOT_AVAILABLE, 5, "not-available"},
      {SIGVERIFY_RESULT_INVALID_PARAMETER, 6, "invalid-parameter"},
      {SIGVERIFY_RESULT_UNKNOWN_ERROR, 7, "unknown-error"},
      /* From 100 on: the core's Error::code() strings, one to one. */
      {SIGVERIFY_RESULT_INVALID_JSON, 100, "invalid-json"},
      {SIGVERIFY_RESULT_UNSUPPORTED_MEDIA_TYPE, 101, "unsupported-media-type"},
      {SIGVERIFY_RESULT_INVALID_TRUSTED_ROOT, 102, "invalid-trusted-root"},
      {SIGVERIFY_RESULT_LIMIT_EXCEEDED, 103, "limit-exceeded"},
      {SIGVERIFY_RESULT_INVALID_ARTIFACT, 104, "invalid-artifact"},
      {SIGVERIFY_RESULT_INVALID_POLICY, 105, "invalid-policy"},
      {SIGVERIFY_RESULT_INVALID_OPTIONS, 106, "invalid-options"},
      {SIGVERIFY_RESULT_INVALID_BUNDLE, 200, "invalid-bundle"},
      {SIGVERIFY_RESULT_INVALID_ENCODING, 201, "invalid-encoding"},
      {SIGVERIFY_RESULT_INVALID_CERTIFICATE, 202, "invalid-certificate"},
      {SIGVERIFY_RESULT_UNSUPPORTED_ALGORITHM, 203, "unsupported-algorithm"},
      {SIGVERIFY_RESULT_ARTIFACT_MISMATCH, 204, "artifact-mismatch"},
      {SIGVERIFY_RESULT_SIGNATURE_INVALID, 205, "signature-invalid"},
      {SIGVERIFY_RESULT_CERTIFICATE_CHAIN, 206, "certificate-chain"},
      {SIGVERIFY_RESULT_TIME_OUTSIDE_VALIDITY, 207, "time-outside-validity"},
      {SIGVERIFY_RESULT_CERTIFICATE_TRANSPARENCY, 208, "certificate-transparency"},
      {SIGVERIFY_RESULT_TIMESTAMP, 209, "timestamp"},
      {SIGVERIFY_RESULT_VERIFIED_TIME, 210, "verified-time"},
      {SIGVERIFY_RESULT_TRANSPARENCY_LOG, 211, "transparency-log"},
      {SIGVERIFY_RESULT_STATEMENT, 212, "statement"},
      {SIGVERIFY_RESULT_POLICY_MISMATCH, 213, "policy-mismatch"},
  };
  CHECK(sizeof(sigverify_result) == 4, "sigverify_result is %zu bytes", sizeof(sigverify_result));
  for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
    CHECK((unsigned)codes[i].code == codes[i].number, "%s", codes[i].name);
    CHECK(strcmp(sigverify_result_name(codes[i].code), codes[i].name) == 0, "%u is named %s",
          codes[i].number, sigverify_result_name(codes[i].code));
    char buf[256];
    size_t n = 0;
    CHECK_RC(sigverify_result_message(codes[i].code, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
    CHECK(n > 0 && n == strlen(buf), "message of %s: %zu '%s'", codes[i].name, n, buf);
  }
  CHECK(strcmp(sigverify_result_name((sigverify_result)4242), "unknown") == 0, "");
  CHECK(strcmp(sigverify_result_name((sigverify_result)99), "unknown") == 0, "");
  char buf[64];
  size_t n = 0;
  CHECK_RC(sigverify_result_message((sigverify_result)4242, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, "unknown result 4242") == 0, "'%s'", buf);

  const char *v = sigverify_version();
  CHECK(v != NULL && v[0] >= '0' && v[0] <= '9' && strchr(v, '.') != NULL, "version '%s'",
        v ? v : "(null)");
}

/* ---- the signatures the ABI promises (issue 5): a changed one fails to compile (-Werror) ---- */

static void test_signatures(void) {
  sigverify_result (*root_public_good)(sigverify_trusted_root **) =
      sigverify_trusted_root_public_good;
  sigverify_result (*root_staging)(sigverify_trusted_root **) = sigverify_trusted_root_staging;
  sigverify_result (*root_github)(sigverify_trusted_root **) = sigverify_trusted_root_github;
  sigverify_result (*root_from_json)(const uint8_t *, size_t, sigverify_trusted_root **) =
      sigverify_trusted_root_from_json;
  void (*root_free)(sigverify_trusted_root *) = sigverify_trusted_root_free;
  sigverify_result (*verifier_new)(const sigverify_trusted_root *, sigverify_verifier **) =
      sigverify_verifier_new;
  sigverify_result (*verifier_new_with_options)(const sigverify_trusted_root *, size_t, size_t,
                                                size_t, sigverify_verifier **) =
      sigverify_verifier_new_with_options;
  void (*verifier_free)(sigverify_verifier *) = sigverify_verifier_free;
  sigverify_result (*policy_identity)(const char *, const char *, sigverify_policy **) =
      sigverify_policy_identity;
  sigverify_result (*policy_key)(const uint8_t *, size_t, sigverify_policy **) =
      sigverify_policy_key;
  sigverify_result (*policy_from_json)(const uint8_t *, size_t, sigverify_policy **) =
      sigverify_policy_from_json;
  void (*policy_free)(sigverify_policy *) = sigverify_policy_free;
  sigverify_result (*verify)(const sigverify_verifier *, const uint8_t *, size_t, const uint8_t *,
                             size_t, const sigverify_policy *, sigverify_verification **) =
      sigverify_verify;
  sigverify_result (*verify_digest)(const sigverify_verifier *, const uint8_t *, size_t,
                                    const char *, const sigverify_policy *,
                                    sigverify_verification **) = sigverify_verify_digest;
  sigverify_result (*verification_json)(const sigverify_verification *, char *, size_t,
                                        size_t *) = sigverify_verification_json;
  sigverify_result (*verification_identity)(const sigverify_verification *, char *, size_t,
                                            size_t *) = sigverify_verification_identity;
  sigverify_result (*verification_issuer)(const sigverify_verification *, char *, size_t,
                                          size_t *) = sigverify_verification_issuer;
  void (*verification_free)(sigverify_verification *) = sigverify_verification_free;
  sigverify_result (*result_message)(sigverify_result, char *, size_t, size_t *) =
      sigverify_result_message;
  sigverify_result (*last_error_message)(char *, size_t, size_t *) = sigverify_last_error_message;
  const char *(*version)(void) = sigverify_version;
  const void *all[] = {
      (const void *)(uintptr_t)root_public_good,   (const void *)(uintptr_t)root_staging,
      (const void *)(uintptr_t)root_github,        (const void *)(uintptr_t)root_from_json,
      (const void *)(uintptr_t)root_free,          (const void *)(uintptr_t)verifier_new,
      (const void *)(uintptr_t)verifier_new_with_options,
      (const void *)(uintptr_t)verifier_free,      (const void *)(uintptr_t)policy_identity,
      (const void *)(uintptr_t)policy_key,         (const void *)(uintptr_t)policy_from_json,
      (const void *)(uintptr_t)policy_free,        (const void *)(uintptr_t)verify,
      (const void *)(uintptr_t)verify_digest,      (const void *)(uintptr_t)verification_json,
      (const void *)(uintptr_t)verification_identity,
      (const void *)(uintptr_t)verification_issuer, (const void *)(uintptr_t)verification_free,
      (const void *)(uintptr_t)result_message,     (const void *)(uintptr_t)last_error_message,
      (const void *)(uintptr_t)version,
  };
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
    CHECK(all[i] != NULL, "function %zu", i);
  }
}

/* ---- the string-out convention, on any function that returns a string ---- */

typedef sigverify_result (*string_fn)(const void *obj, char *buf, size_t len, size_t *written);

static sigverify_result call_result_message(const void *obj, char *buf, size_t len,
                                            size_t *written) {
  (void)obj;
  return sigverify_result_message(SIGVERIFY_RESULT_POLICY_MISMATCH, buf, len, written);
}
static sigverify_result call_last_error(const void *obj, char *buf, size_t len, size_t *written) {
  (void)obj;
  return sigverify_last_error_message(buf, len, written);
}
static sigverify_result call_json(const void *obj, char *buf, size_t len, size_t *written) {
  return sigverify_verification_json(obj, buf, len, written);
}
static sigverify_result call_identity(const void *obj, char *buf, size_t len, size_t *written) {
  return sigverify_verification_identity(obj, buf, len, written);
}
static sigverify_result call_issuer(const void *obj, char *buf, size_t len, size_t *written) {
  return sigverify_verification_issuer(obj, buf, len, written);
}

/* Truncated buffers: every length below the size needed gives BUFFER_TOO_SMALL, the size needed
 * in *written and a buffer left as it was; the exact size works. Returns the string (malloc). */
static char *check_string_out(const char *what, string_fn fn, const void *obj) {
  size_t need = 0;
  CHECK_RC(fn(obj, NULL, 0, &need), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
  CHECK(need > 1, "%s: needs %zu bytes", what, need);
  if (need <= 1) {
    return NULL;
  }
  char *buf = malloc(need + 16);
  if (buf == NULL) {
    die("out of memory");
  }
  size_t lens[] = {1, need / 2, need - 1};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    memset(buf, 'X', need + 16);
    size_t written = 12345;
    CHECK_RC(fn(obj, buf, lens[i], &written), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
    CHECK(written == need, "%s: len %zu: *written %zu, need %zu", what, lens[i], written, need);
    int untouched = 1;
    for (size_t j = 0; j < need + 16; j++) {
      untouched &= buf[j] == 'X';
    }
    CHECK(untouched, "%s: len %zu: the buffer was written to", what, lens[i]);
  }
  /* (NULL, n > 0) is a NULL buffer, not a size query. */
  size_t written = 777;
  CHECK_RC(fn(obj, NULL, need, &written), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(written == 777, "%s: *written changed on NULL buf", what);
  CHECK_RC(fn(obj, buf, need, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  memset(buf, 'X', need + 16);
  CHECK_RC(fn(obj, buf, need, &written), SIGVERIFY_RESULT_OK);
  CHECK(written == need - 1 && strlen(buf) == written, "%s: wrote %zu, strlen %zu, need %zu",
        what, written, strlen(buf), need);
  CHECK(buf[need] == 'X', "%s: wrote past the NUL", what);
  return buf;
}

/* ---- the last error ---- */

static void test_last_error_before_any_failure(void) {
  /* Runs first: this thread has had no failure yet. */
  char buf[16];
  size_t n = 99;
  CHECK_RC(sigverify_last_error_message(buf, sizeof buf, &n), SIGVERIFY_RESULT_NOT_AVAILABLE);
  CHECK(n == 99, "*written changed");
  CHECK(sigverify_last_error_code() == SIGVERIFY_RESULT_OK, "");
  CHECK(sigverify_last_error_check() == NULL, "");
}

static int last_error_contains(const char *needle) {
  const char *m = last_message();
  int ok = strstr(m, needle) != NULL;
  if (!ok) {
    fprintf(stderr, "  last error: %s\n  (expected to contain: %s)\n", m, needle);
  }
  return ok;
}

/* ---- NULL for every pointer argument of every function ---- */

static void test_null_arguments(sigverify_trusted_root *root, sigverify_verifier *verifier,
                                sigverify_policy *policy, sigverify_verification *v) {
  sigverify_trusted_root *r = SENTINEL(sigverify_trusted_root);
  sigverify_verifier *ver = SENTINEL(sigverify_verifier);
  sigverify_policy *p = SENTINEL(sigverify_policy);
  sigverify_verification *out = SENTINEL(sigverify_verification);
  char buf[64];
  size_t n = 0;
  int64_t t = 0;
  static const uint8_t json[] = "{}";

  CHECK_RC(sigverify_trusted_root_public_good(NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`out`"), "");
  CHECK(sigverify_last_error_check() == NULL, "an ABI error names no check");
  CHECK_RC(sigverify_trusted_root_staging(NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_trusted_root_github(NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_trusted_root_from_json(NULL, 2, &r), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("sigverify_trusted_root_from_json: the argument `json` is NULL"), "");
  CHECK_RC(sigverify_trusted_root_from_json(json, 2, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(r == SENTINEL(sigverify_trusted_root), "out written on failure");

  CHECK_RC(sigverify_verifier_new(NULL, &ver), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`root`"), "");
  CHECK_RC(sigverify_verifier_new(root, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verifier_new_with_options(NULL, 1, 1, 0, &ver),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verifier_new_with_options(root, 1, 1, 0, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(ver == SENTINEL(sigverify_verifier), "out written on failure");

  CHECK_RC(sigverify_policy_identity(NULL, DEFAULT_ISSUER, &p), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`identity`"), "");
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, NULL, &p), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`issuer`"), "");
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_policy_key(NULL, key_pem_len, &p), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_policy_key(key_pem, key_pem_len, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_policy_from_json(NULL, 2, &p), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_policy_from_json(json, 2, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_policy_without_identity_unsafe(NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(p == SENTINEL(sigverify_policy), "out written on failure");

  CHECK_RC(sigverify_verify(NULL, bundle, bundle_len, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("sigverify_verify: the argument `verifier` is NULL"), "");
  CHECK_RC(sigverify_verify(verifier, NULL, bundle_len, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`bundle`"), "");
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, NULL, artifact_len, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`artifact`"), "");
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, NULL, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`policy`"), "");
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, policy, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`out`"), "");

  CHECK_RC(sigverify_verify_digest(NULL, bundle, bundle_len, artifact_digest, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verify_digest(verifier, NULL, bundle_len, artifact_digest, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, NULL, policy, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`digest`"), "");
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, artifact_digest, NULL, &out),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, artifact_digest, policy, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(out == SENTINEL(sigverify_verification), "out written on failure");

  CHECK_RC(sigverify_verification_json(NULL, buf, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(last_error_contains("`v`"), "");
  CHECK_RC(sigverify_verification_json(v, buf, sizeof buf, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_json(v, NULL, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_identity(NULL, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_identity(v, NULL, sizeof buf, &n),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_issuer(NULL, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_issuer(v, buf, sizeof buf, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_issuer(v, NULL, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_earliest_time(NULL, &t), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_verification_earliest_time(v, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);

  CHECK_RC(sigverify_result_message(SIGVERIFY_RESULT_OK, buf, sizeof buf, NULL),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_result_message(SIGVERIFY_RESULT_OK, NULL, sizeof buf, &n),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_last_error_message(buf, sizeof buf, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_last_error_message(NULL, sizeof buf, &n), SIGVERIFY_RESULT_NULL_PARAMETER);

  /* Every _free accepts NULL. */
  sigverify_trusted_root_free(NULL);
  sigverify_verifier_free(NULL);
  sigverify_policy_free(NULL);
  sigverify_verification_free(NULL);
  CHECK(1, "the _free functions accept NULL");
}

/* ---- unusable input ---- */

static void test_invalid_input(sigverify_verifier *verifier, sigverify_policy *policy) {
  sigverify_trusted_root *r = SENTINEL(sigverify_trusted_root);
  sigverify_policy *p = SENTINEL(sigverify_policy);
  sigverify_verification *out = SENTINEL(sigverify_verification);

  static const uint8_t truncated[] = "{\"mediaType\": ";
  CHECK_RC(sigverify_trusted_root_from_json(truncated, sizeof truncated - 1, &r),
           SIGVERIFY_RESULT_INVALID_JSON);
  CHECK(last_error_contains("trusted root"), "");
  CHECK(sigverify_last_error_check() != NULL &&
            strcmp(sigverify_last_error_check(), "trusted-root") == 0,
        "check %s", sigverify_last_error_check() ? sigverify_last_error_check() : "(null)");
  static const uint8_t wrong_root[] = "{\"mediaType\": \"text/plain\"}";
  CHECK_RC(sigverify_trusted_root_from_json(wrong_root, sizeof wrong_root - 1, &r),
           SIGVERIFY_RESULT_INVALID_TRUSTED_ROOT);
  CHECK_RC(sigverify_trusted_root_from_json(NULL, 0, &r), SIGVERIFY_RESULT_INVALID_JSON);
  CHECK(r == SENTINEL(sigverify_trusted_root), "out written on failure");

  static const uint8_t not_json[] = "this is not json";
  CHECK_RC(sigverify_verify(verifier, not_json, sizeof not_json - 1, artifact, artifact_len,
                            policy, &out),
           SIGVERIFY_RESULT_INVALID_JSON);
  CHECK(sigverify_last_error_code() == SIGVERIFY_RESULT_INVALID_JSON, "");
  CHECK(sigverify_last_error_check() != NULL &&
            strcmp(sigverify_last_error_check(), "bundle-format") == 0,
        "");
  CHECK(last_error_contains("bundle"), "");
  /* (NULL, 0) is an empty buffer, not a NULL argument. */
  CHECK_RC(sigverify_verify(verifier, NULL, 0, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_INVALID_JSON);
  /* The bundle cut short: every prefix is rejected as JSON, never a crash. */
  size_t json_len = bundle_len;
  while (json_len > 0 && (bundle[json_len - 1] == '\n' || bundle[json_len - 1] == ' ')) {
    json_len--;
  }
  size_t cuts[] = {1, json_len / 3, json_len - 1};
  for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
    CHECK_RC(sigverify_verify(verifier, bundle, cuts[i], artifact, artifact_len, policy, &out),
             SIGVERIFY_RESULT_INVALID_JSON);
  }
  static const uint8_t media[] = "{\"mediaType\": \"application/vnd.dev.sigstore.bundle+json;"
                                 "version=9.9\", \"verificationMaterial\": {}, "
                                 "\"messageSignature\": {}}";
  CHECK_RC(sigverify_verify(verifier, media, sizeof media - 1, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_UNSUPPORTED_MEDIA_TYPE);
  CHECK(last_error_contains("version=9.9"), "");
  CHECK(out == SENTINEL(sigverify_verification), "out written on failure");

  /* Over the size limit (16 MiB) and the nesting limit: refused before parsing. */
  size_t huge_len = 16 * 1024 * 1024 + 1;
  uint8_t *huge = malloc(huge_len);
  if (huge == NULL) {
    die("out of memory");
  }
  memset(huge, ' ', huge_len);
  CHECK_RC(sigverify_verify(verifier, huge, huge_len, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_LIMIT_EXCEEDED);
  CHECK(last_error_contains("limit"), "");
  size_t deep_len = 0;
  for (int i = 0; i < 200; i++) {
    huge[deep_len++] = '[';
  }
  for (int i = 0; i < 200; i++) {
    huge[deep_len++] = ']';
  }
  CHECK_RC(sigverify_verify(verifier, huge, deep_len, artifact, artifact_len, policy, &out),
           SIGVERIFY_RESULT_LIMIT_EXCEEDED);
  free(huge);

  static const uint8_t bad_policy[] = "{";
  CHECK_RC(sigverify_policy_from_json(bad_policy, 1, &p), SIGVERIFY_RESULT_INVALID_JSON);
  static const uint8_t array_policy[] = "[]";
  CHECK_RC(sigverify_policy_from_json(array_policy, 2, &p), SIGVERIFY_RESULT_INVALID_POLICY);
  static const uint8_t unknown_field[] =
      "{\"version\": 1, \"identity\": \"a\", \"issuer\": \"b\", \"idenity\": \"c\"}";
  CHECK_RC(sigverify_policy_from_json(unknown_field, sizeof unknown_field - 1, &p),
           SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK(last_error_contains("$.idenity"), "");
  CHECK_RC(sigverify_policy_identity("", DEFAULT_ISSUER, &p), SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK(last_error_contains("identity: must not be empty"), "");
  CHECK(sigverify_last_error_check() != NULL && strcmp(sigverify_last_error_check(), "policy") == 0,
        "");
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, "", &p), SIGVERIFY_RESULT_INVALID_POLICY);
  /* Issue 16: a policy that names no signer is refused, whatever else it requires. */
  static const char *const unpinned[] = {
      "{\"version\": 1, \"github\": {\"sourceRef\": \"refs/heads/main\"}}",
      "{\"version\": 1, \"github\": {\"denySelfHostedRunners\": true}}",
      "{\"version\": 1, \"issuer\": \"b\", \"claims\": {\"sourceRepositoryRef\": \"x\"}}",
      "{\"version\": 1, \"issuer\": \"b\", \"identity\": {\"regex\": \".*\"}}",
      "{\"version\": 1, \"issuer\": \"b\", \"claims\": {\"buildSignerURI\": {\"glob\": \"**\"}}}",
  };
  for (size_t i = 0; i < sizeof unpinned / sizeof unpinned[0]; i++) {
    CHECK_RC(sigverify_policy_from_json((const uint8_t *)unpinned[i], strlen(unpinned[i]), &p),
             SIGVERIFY_RESULT_INVALID_POLICY);
    CHECK(last_error_contains("does not name who signed"), "an unpinned policy document");
  }
  CHECK_RC(sigverify_policy_identity("https://example.com/\xff", DEFAULT_ISSUER, &p),
           SIGVERIFY_RESULT_INVALID_UTF8);
  CHECK(last_error_contains("`identity` is not valid UTF-8"), "");
  static const uint8_t not_base64[] =
      "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n";
  CHECK_RC(sigverify_policy_key(not_base64, sizeof not_base64 - 1, &p),
           SIGVERIFY_RESULT_INVALID_ENCODING);
  static const uint8_t not_a_key[] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
  CHECK_RC(sigverify_policy_key(not_a_key, sizeof not_a_key - 1, &p),
           SIGVERIFY_RESULT_INVALID_CERTIFICATE);
  static const uint8_t not_pem[] = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI";
  sigverify_result prc = sigverify_policy_key(not_pem, sizeof not_pem - 1, &p);
  CHECK(prc == SIGVERIFY_RESULT_INVALID_CERTIFICATE || prc == SIGVERIFY_RESULT_INVALID_ENCODING,
        "not PEM: %s (%s)", sigverify_result_name(prc), last_message());
  CHECK(p == SENTINEL(sigverify_policy), "out written on failure");

  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, "md5:abcd", policy, &out),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, "sha256:zz", policy, &out),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, "sha256", policy, &out),
           SIGVERIFY_RESULT_INVALID_ARTIFACT);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, "sha256:\xff", policy, &out),
           SIGVERIFY_RESULT_INVALID_UTF8);
  CHECK(out == SENTINEL(sigverify_verification), "out written on failure");
}

/* ---- verification that fails, and the message that says why ---- */

static void test_verification_failures(sigverify_verifier *verifier) {
  sigverify_verification *out = SENTINEL(sigverify_verification);
  sigverify_policy *other = NULL;
  CHECK_RC(sigverify_policy_identity("https://example.com/other", DEFAULT_ISSUER, &other),
           SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, other, &out),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  /* The message names the check, the expected and the found value. */
  CHECK(last_error_contains("policy check failed"), "");
  CHECK(last_error_contains("expected \"https://example.com/other\""), "");
  CHECK(last_error_contains("found \"" DEFAULT_IDENTITY "\""), "");
  CHECK(sigverify_last_error_check() != NULL &&
            strcmp(sigverify_last_error_check(), "policy") == 0,
        "");

  /* Truncating the message keeps it: the accessor never replaces the error it reports. */
  char *msg = check_string_out("last error", call_last_error, NULL);
  CHECK(msg != NULL && strstr(msg, "https://example.com/other") != NULL, "");
  CHECK(sigverify_last_error_code() == SIGVERIFY_RESULT_POLICY_MISMATCH, "");
  free(msg);

  sigverify_policy *wrong_issuer = NULL;
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, "https://accounts.example.com",
                                     &wrong_issuer),
           SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, wrong_issuer,
                            &out),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK(last_error_contains("issuer"), "");
  CHECK(last_error_contains("https://accounts.example.com"), "");

  /* Another artifact. */
  static const uint8_t other_artifact[] = "not the signed file\n";
  sigverify_policy *good = NULL;
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &good), SIGVERIFY_RESULT_OK);
  sigverify_result rc = sigverify_verify(verifier, bundle, bundle_len, other_artifact,
                                         sizeof other_artifact - 1, good, &out);
  CHECK(rc == SIGVERIFY_RESULT_ARTIFACT_MISMATCH, "other artifact: %s (%s)",
        sigverify_result_name(rc), last_message());
  /* The empty artifact, as (NULL, 0). */
  rc = sigverify_verify(verifier, bundle, bundle_len, NULL, 0, good, &out);
  CHECK(rc == SIGVERIFY_RESULT_ARTIFACT_MISMATCH, "empty artifact: %s (%s)",
        sigverify_result_name(rc), last_message());
  char digest[72];
  sha256_digest_string(other_artifact, sizeof other_artifact - 1, digest);
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, digest, good, &out),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(last_error_contains(digest + 7), "");

  /* A keyless bundle against a key policy. */
  sigverify_policy *key = NULL;
  CHECK_RC(sigverify_policy_key(key_pem, key_pem_len, &key), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, key, &out),
           SIGVERIFY_RESULT_POLICY_MISMATCH);

  /* errno semantics: a success leaves the last error as it was. */
  sigverify_verification *v = NULL;
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, good, &v),
           SIGVERIFY_RESULT_OK);
  CHECK(sigverify_last_error_code() == SIGVERIFY_RESULT_POLICY_MISMATCH, "");
  sigverify_verification_free(v);

  CHECK(out == SENTINEL(sigverify_verification), "out written on failure");
  sigverify_policy_free(other);
  sigverify_policy_free(wrong_issuer);
  sigverify_policy_free(good);
  sigverify_policy_free(key);
}

/* ---- a verification and its accessors ---- */

static void test_accessors(sigverify_verification *v) {
  char *json = check_string_out("json", call_json, v);
  CHECK(json != NULL && strstr(json, "\"verified\":true") != NULL, "json: %s", json ? json : "(null)");
  CHECK(json != NULL && strstr(json, "\"identity\":\"" DEFAULT_IDENTITY "\"") != NULL, "");
  free(json);
  char *id = check_string_out("identity", call_identity, v);
  CHECK(id != NULL && strcmp(id, DEFAULT_IDENTITY) == 0, "identity %s", id ? id : "(null)");
  free(id);
  char *iss = check_string_out("issuer", call_issuer, v);
  CHECK(iss != NULL && strcmp(iss, DEFAULT_ISSUER) == 0, "issuer %s", iss ? iss : "(null)");
  free(iss);
  char *m = check_string_out("result message", call_result_message, NULL);
  free(m);
  int64_t t = 0;
  CHECK_RC(sigverify_verification_earliest_time(v, &t), SIGVERIFY_RESULT_OK);
  /* happy-path-v0.3 was logged at 2024-03-19T17:26:26Z. */
  CHECK(t == 1710869186, "earliest time %lld", (long long)t);
}

static void test_key_policy(sigverify_verifier *verifier) {
  sigverify_policy *key = NULL;
  CHECK_RC(sigverify_policy_key(key_pem, key_pem_len, &key), SIGVERIFY_RESULT_OK);
  sigverify_verification *v = NULL;
  CHECK_RC(sigverify_verify(verifier, key_bundle, key_bundle_len, artifact, artifact_len, key, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    char buf[256];
    size_t n = 42;
    CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n),
             SIGVERIFY_RESULT_NOT_AVAILABLE);
    CHECK(n == 42, "*written changed");
    CHECK_RC(sigverify_verification_issuer(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_NOT_AVAILABLE);
    char *json = check_string_out("json (key)", call_json, v);
    CHECK(json != NULL && strstr(json, "\"type\":\"key\"") != NULL, "json %s", json ? json : "(null)");
    free(json);
  }
  sigverify_verification_free(v);
  sigverify_policy_free(key);
}

static void test_policies_and_roots(sigverify_trusted_root *root) {
  /* A verifier outlives the root it was made from. */
  sigverify_trusted_root *own = NULL;
  CHECK_RC(sigverify_trusted_root_public_good(&own), SIGVERIFY_RESULT_OK);
  sigverify_verifier *verifier = NULL;
  CHECK_RC(sigverify_verifier_new_with_options(own, 1, 1, 0, &verifier), SIGVERIFY_RESULT_OK);
  sigverify_trusted_root_free(own);

  static const char doc[] = "{\"version\": 1, \"identity\": \"" DEFAULT_IDENTITY
                            "\", \"issuer\": {\"exact\": \"" DEFAULT_ISSUER "\"}}";
  sigverify_policy *from_doc = NULL;
  CHECK_RC(sigverify_policy_from_json((const uint8_t *)doc, sizeof doc - 1, &from_doc),
           SIGVERIFY_RESULT_OK);
  sigverify_verification *v = NULL;
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, from_doc, &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);
  v = NULL;
  CHECK_RC(sigverify_verify_digest(verifier, bundle, bundle_len, artifact_digest, from_doc, &v),
           SIGVERIFY_RESULT_OK);
  sigverify_verification_free(v);

  /* Any identity: verifies, and the caller reads the identity itself. */
  sigverify_policy *any = NULL;
  CHECK_RC(sigverify_policy_without_identity_unsafe(&any), SIGVERIFY_RESULT_OK);
  v = NULL;
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, any, &v),
           SIGVERIFY_RESULT_OK);
  char buf[512];
  size_t n = 0;
  CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, DEFAULT_IDENTITY) == 0, "identity %s", buf);
  sigverify_verification_free(v);

  /* A log threshold of 2: one log entry is not enough. */
  sigverify_verifier *strict = NULL;
  CHECK_RC(sigverify_verifier_new_with_options(root, 2, 1, 0, &strict), SIGVERIFY_RESULT_OK);
  v = SENTINEL(sigverify_verification);
  CHECK_RC(sigverify_verify(strict, bundle, bundle_len, artifact, artifact_len, any, &v),
           SIGVERIFY_RESULT_TRANSPARENCY_LOG);
  CHECK(last_error_contains("at least 2"), "");
  /* A timestamp threshold of 1: this bundle has no RFC 3161 timestamp. */
  sigverify_verifier *ts = NULL;
  CHECK_RC(sigverify_verifier_new_with_options(root, 1, 1, 1, &ts), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(ts, bundle, bundle_len, artifact, artifact_len, any, &v),
           SIGVERIFY_RESULT_TIMESTAMP);
  CHECK(v == SENTINEL(sigverify_verification), "out written on failure");

  /* Staging and GitHub's instance load; a public-good bundle does not verify under GitHub's. */
  sigverify_trusted_root *staging = NULL, *github = NULL;
  CHECK_RC(sigverify_trusted_root_staging(&staging), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_trusted_root_github(&github), SIGVERIFY_RESULT_OK);
  sigverify_verifier *gh = SENTINEL(sigverify_verifier);
  /* GitHub's root has no transparency log and no CT log: sigverify_verifier_new starts from
     GitHub's thresholds (0, 0, 1) as every face does; explicit thresholds it can never meet are
     refused when the verifier is built, as are a threshold above 1024 or a timestamp threshold
     with no timestamp authority. */
  CHECK_RC(sigverify_verifier_new(github, &gh), SIGVERIFY_RESULT_OK);
  sigverify_verifier_free(gh);
  gh = SENTINEL(sigverify_verifier);
  CHECK_RC(sigverify_verifier_new_with_options(github, 1, 0, 1, &gh),
           SIGVERIFY_RESULT_INVALID_OPTIONS);
  CHECK(last_error_contains("tlog_threshold"), "names the option");
  CHECK(gh == SENTINEL(sigverify_verifier), "out written on failure");
  CHECK_RC(sigverify_verifier_new_with_options(staging, 1, 1, 1025, &gh),
           SIGVERIFY_RESULT_INVALID_OPTIONS);
  gh = NULL;
  CHECK_RC(sigverify_verifier_new_with_options(github, 0, 0, 1, &gh), SIGVERIFY_RESULT_OK);
  sigverify_result rc = sigverify_verify(gh, bundle, bundle_len, artifact, artifact_len, any, &v);
  CHECK(rc >= 200 && rc < 300, "public-good bundle under GitHub's root: %s (%s)",
        sigverify_result_name(rc), last_message());
  CHECK(v == SENTINEL(sigverify_verification), "out written on failure");
  sigverify_verifier *stg = NULL;
  CHECK_RC(sigverify_verifier_new(staging, &stg), SIGVERIFY_RESULT_OK);
  rc = sigverify_verify(stg, bundle, bundle_len, artifact, artifact_len, any, &v);
  CHECK(rc >= 200 && rc < 300, "public-good bundle under staging: %s (%s)",
        sigverify_result_name(rc), last_message());

  sigverify_verifier_free(stg);
  sigverify_verifier_free(gh);
  sigverify_trusted_root_free(staging);
  sigverify_trusted_root_free(github);
  sigverify_verifier_free(ts);
  sigverify_verifier_free(strict);
  sigverify_policy_free(any);
  sigverify_policy_free(from_doc);
  sigverify_verifier_free(verifier);
}

int main(void) {
  test_last_error_before_any_failure();

  dir = conformance_dir();
  bundle = must_read(path3(dir, "happy-path-v0.3", "bundle.sigstore.json"), &bundle_len);
  artifact = must_read(path3(dir, "a.txt", NULL), &artifact_len);
  key_bundle = must_read(path3(dir, "managed-key-happy-path", "bundle.sigstore.json"),
                         &key_bundle_len);
  key_pem = must_read(path3(dir, "managed-key-happy-path", "key.pub"), &key_pem_len);
  sha256_digest_string(artifact, artifact_len, artifact_digest);

  test_signatures();
  test_result_codes();

  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  sigverify_policy *policy = NULL;
  sigverify_verification *v = NULL;
  CHECK_RC(sigverify_trusted_root_public_good(&root), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verifier_new(root, &verifier), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy),
           SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, policy, &v),
           SIGVERIFY_RESULT_OK);
  if (root == NULL || verifier == NULL || policy == NULL || v == NULL) {
    die("cannot verify happy-path-v0.3: %s", last_message());
  }

  test_accessors(v);
  test_null_arguments(root, verifier, policy, v);
  test_invalid_input(verifier, policy);
  test_verification_failures(verifier);
  test_key_policy(verifier);
  test_policies_and_roots(root);

  sigverify_verification_free(v);
  sigverify_policy_free(policy);
  sigverify_verifier_free(verifier);
  sigverify_trusted_root_free(root);
  free(bundle);
  free(artifact);
  free(key_bundle);
  free(key_pem);
  return finish("test_api");
}
