/*
 * Every sigstore-conformance verification case (../shared/vectors/conformance, see its
 * SOURCE.md) through the C ABI, in both forms: the artifact's bytes (sigverify_verify) and its
 * sha256 digest (sigverify_verify_digest). A case whose name ends in `_fail` must be rejected
 * with a verification or input code (100-299) and a message; every other case must verify, and
 * its accessors must report the expected signer.
 *
 * Known exceptions are read from tests/conformance-exceptions.json (the same file as the CLI's
 * suite): a listed case is expected to behave the other way, and fails if it does not.
 */
#include "harness.h"

static int compare_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  return n >= m && strcmp(s + n - m, suffix) == 0;
}

static char *exceptions_json;

static int is_exception(const char *name) {
  if (exceptions_json == NULL) {
    return 0;
  }
  char quoted[512];
  snprintf(quoted, sizeof quoted, "\"%s\"", name);
  return strstr(exceptions_json, quoted) != NULL;
}

/* Verifies one case in one form. Returns the result; on success checks the accessors. */
static sigverify_result run_case(const char *dir, const char *name, int digest_form,
                                 const char **stage) {
  sigverify_result rc;
  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  sigverify_policy *policy = NULL;
  sigverify_verification *v = NULL;
  uint8_t *bundle = NULL, *artifact = NULL, *root_json = NULL, *key = NULL;
  char *identity = NULL, *issuer = NULL;
  size_t bundle_len = 0, artifact_len = 0, root_len = 0, key_len = 0;

  bundle = must_read(path3(dir, name, "bundle.sigstore.json"), &bundle_len);
  artifact = read_file(path3(dir, name, "artifact"), &artifact_len);
  if (artifact == NULL) {
    artifact = must_read(path3(dir, "a.txt", NULL), &artifact_len);
  }

  *stage = "trusted root";
  root_json = read_file(path3(dir, name, "trusted_root.json"), &root_len);
  rc = root_json != NULL ? sigverify_trusted_root_from_json(root_json, root_len, &root)
                         : sigverify_trusted_root_public_good(&root);
  if (rc != SIGVERIFY_RESULT_OK) {
    goto done;
  }
  *stage = "verifier";
  rc = sigverify_verifier_new(root, &verifier);
  if (rc != SIGVERIFY_RESULT_OK) {
    goto done;
  }
  *stage = "policy";
  key = read_file(path3(dir, name, "key.pub"), &key_len);
  identity = read_text(path3(dir, name, "identity"));
  issuer = read_text(path3(dir, name, "issuer"));
  rc = key != NULL ? sigverify_policy_key(key, key_len, &policy)
                   : sigverify_policy_identity(identity ? identity : DEFAULT_IDENTITY,
                                               issuer ? issuer : DEFAULT_ISSUER, &policy);
  if (rc != SIGVERIFY_RESULT_OK) {
    goto done;
  }
  *stage = "verify";
  v = (sigverify_verification *)(void *)&rc; /* a sentinel: must be untouched on failure */
  if (digest_form) {
    char digest[72];
    sha256_digest_string(artifact, artifact_len, digest);
    rc = sigverify_verify_digest(verifier, bundle, bundle_len, digest, policy, &v);
  } else {
    rc = sigverify_verify(verifier, bundle, bundle_len, artifact, artifact_len, policy, &v);
  }
  if (rc != SIGVERIFY_RESULT_OK) {
    CHECK(v == (sigverify_verification *)(void *)&rc, "%s: out written on failure", name);
    v = NULL;
    goto done;
  }

  /* Verified: the accessors agree with what the policy demanded. */
  char buf[1024];
  size_t n = 0;
  if (key != NULL) {
    CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n),
             SIGVERIFY_RESULT_NOT_AVAILABLE);
  } else {
    const char *want_id = identity ? identity : DEFAULT_IDENTITY;
    const char *want_iss = issuer ? issuer : DEFAULT_ISSUER;
    CHECK_RC(sigverify_verification_identity(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
    CHECK(strcmp(buf, want_id) == 0, "%s: identity %s", name, buf);
    CHECK_RC(sigverify_verification_issuer(v, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
    CHECK(strcmp(buf, want_iss) == 0, "%s: issuer %s", name, buf);
  }
  int64_t t = 0;
  CHECK_RC(sigverify_verification_earliest_time(v, &t), SIGVERIFY_RESULT_OK);
  CHECK(t > 1500000000, "%s: earliest time %lld", name, (long long)t);
  size_t need = 0;
  CHECK_RC(sigverify_verification_json(v, NULL, 0, &need), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
  char *json = malloc(need);
  if (json == NULL) {
    die("out of memory");
  }
  CHECK_RC(sigverify_verification_json(v, json, need, &n), SIGVERIFY_RESULT_OK);
  CHECK(n + 1 == need && strstr(json, "\"verified\":true") != NULL, "%s: json", name);
  free(json);

done:
  sigverify_verification_free(v);
  sigverify_policy_free(policy);
  sigverify_verifier_free(verifier);
  sigverify_trusted_root_free(root);
  free(bundle);
  free(artifact);
  free(root_json);
  free(key);
  free(identity);
  free(issuer);
  return rc;
}

int main(void) {
  const char *dir = conformance_dir();
  size_t exc_len = 0;
  uint8_t *exc = read_file("tests/conformance-exceptions.json", &exc_len);
  if (exc != NULL) {
    exceptions_json = malloc(exc_len + 1);
    if (exceptions_json == NULL) {
      die("out of memory");
    }
    memcpy(exceptions_json, exc, exc_len);
    exceptions_json[exc_len] = '\0';
    free(exc);
  }

  DIR *d = opendir(dir);
  if (d == NULL) {
    die("cannot open %s", dir);
  }
  char *names[512];
  size_t count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && count < 512) {
    if (e->d_name[0] == '.' || !file_exists(path3(dir, e->d_name, "bundle.sigstore.json"))) {
      continue;
    }
    names[count] = malloc(strlen(e->d_name) + 1);
    if (names[count] == NULL) {
      die("out of memory");
    }
    strcpy(names[count], e->d_name);
    count++;
  }
  closedir(d);
  if (count == 0) {
    die("CONFORMANCE SUITE DID NOT RUN: no cases in %s", dir);
  }
  qsort(names, count, sizeof names[0], compare_names);

  size_t good = 0, bad = 0;
  for (size_t i = 0; i < count; i++) {
    const char *name = names[i];
    int should_fail = ends_with(name, "_fail");
    if (is_exception(name)) {
      should_fail = !should_fail;
    }
    for (int form = 0; form < 2; form++) {
      const char *stage = "";
      sigverify_result rc = run_case(dir, name, form, &stage);
      const char *form_name = form ? "digest" : "artifact";
      if (should_fail) {
        char msg[2048];
        size_t n = 0;
        sigverify_result mrc = sigverify_last_error_message(msg, sizeof msg, &n);
        CHECK(rc >= 100 && rc < 300, "%s [%s]: rejected with %u %s", name, form_name,
              (unsigned)rc, sigverify_result_name(rc));
        CHECK(mrc == SIGVERIFY_RESULT_OK && n > 0 && sigverify_last_error_code() == rc,
              "%s [%s]: no message for the rejection", name, form_name);
        printf("rejected %-58s [%-8s] at %-12s %-24s %s\n", name, form_name, stage,
               sigverify_result_name(rc), mrc == SIGVERIFY_RESULT_OK ? msg : "");
        bad++;
      } else {
        CHECK(rc == SIGVERIFY_RESULT_OK, "%s [%s]: %s at %s: %s", name, form_name,
              sigverify_result_name(rc), stage, last_message());
        good++;
      }
    }
    free(names[i]);
  }
  free(exceptions_json);
  printf("conformance: %zu cases from %s (%zu verifications expected to pass, %zu to fail)\n",
         count, dir, good, bad);
  return finish("test_conformance");
}
