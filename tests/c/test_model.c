/*
 * sigverify_model_verify over the real OpenSSF model signatures of ../shared/vectors/ecosystems
 * (model-signing-v1.0.1-sigstore: keyless, public-good; model-signing-v1.1.0-elliptic-key: a
 * P-384 key) and a tampered copy of the key sample: a changed byte, an added file and a removed
 * one each fail with SIGVERIFY_RESULT_ARTIFACT_MISMATCH naming the file; no method or two
 * methods are SIGVERIFY_RESULT_INVALID_ARGUMENT, as in every face.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

static char eco_dir[4096];

/* A pointer value no sigverify function returns: out-parameters must keep it on failure. */
static int sentinel_storage;
#define SENTINEL(type) ((type *)(void *)&sentinel_storage)

static int last_error_contains(const char *needle) {
  return strstr(last_message(), needle) != NULL;
}

#define KEYLESS "model-signing-v1.0.1-sigstore"
#define KEYED "model-signing-v1.1.0-elliptic-key"

static void write_file(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
    die("cannot write %s", path);
  }
}

static void copy_file(const char *from, const char *to) {
  size_t len = 0;
  uint8_t *data = must_read(from, &len);
  write_file(to, data, len);
  free(data);
}

/* The JSON of a model verification. */
static char *json_of(const sigverify_model_verification *v) {
  size_t need = 0;
  CHECK_RC(sigverify_model_verification_json(v, NULL, 0, &need),
           SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
  char *buf = malloc(need);
  size_t n = 0;
  CHECK_RC(sigverify_model_verification_json(v, buf, need, &n), SIGVERIFY_RESULT_OK);
  return buf;
}

static void test_keyless(void) {
  char model[2048], sig[4096];
  snprintf(model, sizeof model, "%s", path3(eco_dir, KEYLESS, "model"));
  snprintf(sig, sizeof sig, "%s/model.sig", model);
  char *id = read_text(path3(eco_dir, KEYLESS, "identity"));
  char *iss = read_text(path3(eco_dir, KEYLESS, "issuer"));
  if (id == NULL || iss == NULL) {
    die("cannot read the identity of %s", KEYLESS);
  }
  id[strcspn(id, "\n")] = 0;
  iss[strcspn(iss, "\n")] = 0;
  const char *ignore[] = {"ignore-me"};
  sigverify_model_verification *v = NULL;
  CHECK_RC(sigverify_model_verify(model, sig, id, iss, NULL, NULL, 0, NULL, 0, ignore, 1, 0, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    char *json = json_of(v);
    CHECK(strstr(json, "\"method\":\"sigstore\"") != NULL, "signer method: %s", json);
    CHECK(strstr(json, id) != NULL, "the identity is in the result: %s", json);
    free(json);
  }
  sigverify_model_verification_free(v);
  v = SENTINEL(sigverify_model_verification);
  /* Without the ignore path the unsigned file is named. */
  CHECK_RC(sigverify_model_verify(model, sig, id, iss, NULL, NULL, 0, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(last_error_contains("ignore-me"), "names the file: %s", last_message());
  CHECK_RC(sigverify_model_verify(model, sig, "someone@example.com", iss, NULL, NULL, 0, NULL, 0,
                                  ignore, 1, 0, &v),
           SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK(v == SENTINEL(sigverify_model_verification), "out written on failure");
  free(id);
  free(iss);
}

static void test_key(void) {
  char dir[] = "/tmp/sigverify-c-model-XXXXXX";
  if (mkdtemp(dir) == NULL) {
    die("mkdtemp failed");
  }
  char model[2048], sig[4096], file[4096];
  snprintf(model, sizeof model, "%s/model", dir);
  snprintf(sig, sizeof sig, "%s/model.sig", dir);
  mkdir(model, 0700);
  const char *names[] = {"signme-1", "signme-2", "ignore-me"};
  for (size_t i = 0; i < 3; i++) {
    char from[4096];
    snprintf(from, sizeof from, "%s/%s", path3(eco_dir, KEYED, "model"), names[i]);
    snprintf(file, sizeof file, "%s/%s", model, names[i]);
    copy_file(from, file);
  }
  copy_file(path3(eco_dir, KEYED, "model.sig"), sig);
  size_t key_len = 0;
  uint8_t *key = must_read(path3(eco_dir, KEYED, "public_key.pem"), &key_len);

  sigverify_model_verification *v = NULL;
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_OK);
  if (v != NULL) {
    char *json = json_of(v);
    CHECK(strstr(json, "\"method\":\"key\"") != NULL, "signer method: %s", json);
    free(json);
  }
  sigverify_model_verification_free(v);
  v = SENTINEL(sigverify_model_verification);

  /* A changed byte, an added file, a removed file: each named. */
  snprintf(file, sizeof file, "%s/signme-1", model);
  size_t len = 0;
  uint8_t *orig = must_read(file, &len);
  uint8_t *changed = malloc(len);
  memcpy(changed, orig, len);
  changed[0] ^= 1;
  write_file(file, changed, len);
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(last_error_contains("signme-1"), "names the changed file: %s", last_message());
  write_file(file, orig, len);
  char extra[4096];
  snprintf(extra, sizeof extra, "%s/extra.bin", model);
  write_file(extra, (const uint8_t *)"x", 1);
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(last_error_contains("extra.bin"), "names the added file: %s", last_message());
  unlink(extra);
  unlink(file);
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(last_error_contains("signme-1"), "names the removed file: %s", last_message());
  write_file(file, orig, len);

  /* Arguments: no method, two methods, NULL model, unknown flags, a missing signature. */
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_model_verify(model, sig, "a", "b", NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_model_verify(model, sig, "a", NULL, NULL, NULL, 0, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_model_verify(NULL, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 8, &v),
           SIGVERIFY_RESULT_INVALID_PARAMETER);
  CHECK_RC(sigverify_model_verify(model, NULL, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 0, 0, &v),
           SIGVERIFY_RESULT_IO_ERROR);
  CHECK_RC(sigverify_model_verify(model, sig, NULL, NULL, NULL, key, key_len, NULL, 0, NULL, 1, 0, &v),
           SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK(v == SENTINEL(sigverify_model_verification), "out written on failure");

  free(orig);
  free(changed);
  free(key);
  for (size_t i = 0; i < 3; i++) {
    snprintf(file, sizeof file, "%s/%s", model, names[i]);
    unlink(file);
  }
  unlink(sig);
  rmdir(model);
  rmdir(dir);
}

int main(void) {
  snprintf(eco_dir, sizeof eco_dir, "%s/../ecosystems", conformance_dir());
  if (!file_exists(path3(eco_dir, "SOURCE.md", NULL))) {
    die("ECOSYSTEM VECTORS MISSING: %s", eco_dir);
  }
  test_keyless();
  test_key();
  return finish("model");
}
