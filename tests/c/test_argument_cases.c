/*
 * The table of argument cases (tests/argument-cases.json), run through the C ABI: each case is
 * one call with one wrong argument, and must return the result whose sigverify_result_name is
 * the case's code, the same code Python and Node give (issue 17); the thread's last error must
 * say the same. ffi/test.sh turns the table into argument_cases.h first
 * (tests/c/argument_cases.py); a case that C cannot express names `c` in its not_in, with the
 * reason, and is skipped here (and counted).
 */
#include "harness.h"

#include "argument_cases.h"

static const struct arg *get(const struct argcase *c, const char *name) {
  for (const struct arg *a = c->args; a->kind != ARG_END; a++) {
    if (strcmp(a->name, name) == 0) {
      return a;
    }
  }
  return NULL;
}

/* A document of exactly n bytes: {"padding":"aaa...a"} (the table's `oversized`). */
static uint8_t *oversized(size_t n, size_t *len) {
  static const char head[] = "{\"padding\":\"", tail[] = "\"}";
  uint8_t *b = malloc(n);
  if (b == NULL) {
    die("out of memory");
  }
  memset(b, 'a', n);
  memcpy(b, head, sizeof head - 1);
  memcpy(b + n - (sizeof tail - 1), tail, sizeof tail - 1);
  *len = n;
  return b;
}

/* A buffer argument (owned by the caller, free()): NULL with length 0 when absent or null. */
static uint8_t *buffer(const struct arg *a, size_t *len) {
  *len = 0;
  if (a == NULL || a->kind == ARG_NULL) {
    return NULL;
  }
  switch (a->kind) {
  case ARG_STR: {
    uint8_t *b = malloc(a->n > 0 ? a->n : 1);
    if (b == NULL) {
      die("out of memory");
    }
    memcpy(b, a->s, a->n);
    *len = a->n;
    return b;
  }
  case ARG_FILE:
    return must_read(a->s, len);
  case ARG_OVERSIZED:
    return oversized(a->n, len);
  default:
    die("argument %s: not a document (kind %d)", a->name, (int)a->kind);
  }
}

/* A string argument (borrowed from the table): NULL when absent or null. */
static const char *string(const struct arg *a) {
  if (a == NULL || a->kind == ARG_NULL) {
    return NULL;
  }
  if (a->kind != ARG_STR && a->kind != ARG_FILE && a->kind != ARG_DIR) {
    die("argument %s: not a string (kind %d)", a->name, (int)a->kind);
  }
  return a->s;
}

static size_t count(const struct arg *a, size_t fallback) {
  if (a == NULL) {
    return fallback;
  }
  if (a->kind != ARG_INT || a->i < 0) {
    die("argument %s: not a count", a->name);
  }
  return (size_t)a->i;
}

static sigverify_verifier *g_public_good = NULL;

/* The verifier of verify and the ecosystem calls: the embedded public-good root's, made once. */
static sigverify_verifier *public_good_verifier(void) {
  if (g_public_good == NULL) {
    sigverify_trusted_root *root = NULL;
    if (sigverify_trusted_root_public_good(&root) != SIGVERIFY_RESULT_OK ||
        sigverify_verifier_new(root, &g_public_good) != SIGVERIFY_RESULT_OK) {
      die("the public-good verifier: %s", last_message());
    }
    sigverify_trusted_root_free(root);
  }
  return g_public_good;
}

static sigverify_result root_of(const struct arg *a, sigverify_trusted_root **out) {
  if (a != NULL && a->kind == ARG_EMBEDDED) {
    if (strcmp(a->s, "public-good") == 0) return sigverify_trusted_root_public_good(out);
    if (strcmp(a->s, "staging") == 0) return sigverify_trusted_root_staging(out);
    if (strcmp(a->s, "github") == 0) return sigverify_trusted_root_github(out);
    die("no embedded root %s", a->s);
  }
  size_t len = 0;
  uint8_t *json = buffer(a, &len);
  sigverify_result rc = sigverify_trusted_root_from_json(json, len, out);
  free(json);
  return rc;
}

/* Makes the case's call; returns what it returned, and frees whatever it made. */
static sigverify_result run(const struct argcase *c) {
  sigverify_result rc;
  size_t len = 0;
  uint8_t *doc = NULL;
  sigverify_verification *v = NULL, *v2 = NULL;
  if (strcmp(c->call, "trusted_root.from_json") == 0) {
    sigverify_trusted_root *root = NULL;
    rc = root_of(get(c, "json"), &root);
    sigverify_trusted_root_free(root);
  } else if (strcmp(c->call, "policy.identity") == 0) {
    sigverify_policy *p = NULL;
    rc = sigverify_policy_identity(string(get(c, "identity")), string(get(c, "issuer")), &p);
    sigverify_policy_free(p);
  } else if (strcmp(c->call, "policy.from_json") == 0 || strcmp(c->call, "policy.key") == 0) {
    sigverify_policy *p = NULL;
    int key = strcmp(c->call, "policy.key") == 0;
    doc = buffer(get(c, key ? "pem" : "json"), &len);
    rc = key ? sigverify_policy_key(doc, len, &p) : sigverify_policy_from_json(doc, len, &p);
    sigverify_policy_free(p);
  } else if (strcmp(c->call, "verifier.new") == 0) {
    sigverify_trusted_root *root = NULL;
    sigverify_verifier *verifier = NULL;
    const struct arg *t = get(c, "tlog_threshold"), *s = get(c, "sct_threshold"),
                     *ts = get(c, "timestamp_threshold");
    rc = root_of(get(c, "root"), &root);
    if (rc == SIGVERIFY_RESULT_OK) {
      rc = (t == NULL && s == NULL && ts == NULL)
               ? sigverify_verifier_new(root, &verifier)
               : sigverify_verifier_new_with_options(root, count(t, 1), count(s, 1), count(ts, 0),
                                                     &verifier);
    }
    sigverify_verifier_free(verifier);
    sigverify_trusted_root_free(root);
  } else if (strcmp(c->call, "verify") == 0) {
    const struct arg *pa = get(c, "policy"), *artifact = get(c, "artifact"), *digest = get(c, "digest");
    sigverify_policy *policy = NULL;
    if (pa != NULL && pa->kind == ARG_POLICY &&
        sigverify_policy_identity(pa->s, pa->s2, &policy) != SIGVERIFY_RESULT_OK) {
      die("%s: the policy: %s", c->id, last_message());
    }
    doc = buffer(get(c, "bundle"), &len);
    if ((artifact == NULL) == (digest == NULL)) {
      die("%s: C takes an artifact or a digest, exactly one", c->id);
    }
    if (artifact != NULL) {
      size_t alen = 0;
      uint8_t *bytes = buffer(artifact, &alen);
      rc = sigverify_verify(public_good_verifier(), doc, len, bytes, alen, policy, &v);
      free(bytes);
    } else {
      rc = sigverify_verify_digest(public_good_verifier(), doc, len, string(digest), policy, &v);
    }
    sigverify_policy_free(policy);
  } else if (strcmp(c->call, "pypi.verify_attestation") == 0) {
    doc = buffer(get(c, "attestation"), &len);
    rc = sigverify_pypi_verify_attestation(public_good_verifier(), doc, len, string(get(c, "filename")),
                                           string(get(c, "digest")), string(get(c, "publisher")), &v);
  } else if (strcmp(c->call, "pypi.verify_provenance") == 0) {
    doc = buffer(get(c, "provenance"), &len);
    rc = sigverify_pypi_verify_provenance(public_good_verifier(), doc, len, string(get(c, "filename")),
                                          string(get(c, "digest")), string(get(c, "publisher")), &v);
  } else if (strcmp(c->call, "npm.verify") == 0) {
    /* One parameter takes the digest in either form (sha512:HEX or the integrity sha512-BASE64). */
    const struct arg *digest = get(c, "digest"), *integrity = get(c, "integrity");
    if (digest != NULL && integrity != NULL) {
      die("%s: C has one digest parameter", c->id);
    }
    doc = buffer(get(c, "attestations"), &len);
    rc = sigverify_npm_verify(public_good_verifier(), doc, len, string(get(c, "package")),
                              string(digest != NULL ? digest : integrity), string(get(c, "repository")),
                              &v, &v2);
  } else if (strcmp(c->call, "github.verify") == 0) {
    doc = buffer(get(c, "bundles"), &len);
    rc = sigverify_github_verify(doc, len, string(get(c, "digest")), string(get(c, "repository")),
                                 string(get(c, "owner")), string(get(c, "signer_workflow")), &v);
  } else if (strcmp(c->call, "github.verify_release") == 0) {
    doc = buffer(get(c, "bundles"), &len);
    rc = sigverify_github_release_verify(doc, len, string(get(c, "repository")), string(get(c, "tag")),
                                         string(get(c, "digest")), string(get(c, "filename")), &v);
  } else if (strcmp(c->call, "tuf.update") == 0) {
    size_t state_len = 0;
    const struct arg *now = get(c, "now");
    uint8_t *state = buffer(get(c, "state"), &state_len);
    sigverify_tuf_update *u = NULL;
    doc = buffer(get(c, "root"), &len);
    rc = sigverify_tuf_update_from_dirs(doc, len, string(get(c, "metadata")), string(get(c, "targets")),
                                        state, state_len, now != NULL ? (int64_t)now->i : 0, 0, &u);
    sigverify_tuf_update_free(u);
    free(state);
  } else if (strcmp(c->call, "model.verify") == 0) {
    sigverify_model_verification *mv = NULL;
    doc = buffer(get(c, "key"), &len);
    rc = sigverify_model_verify(string(get(c, "model")), string(get(c, "signature")),
                                string(get(c, "identity")), string(get(c, "issuer")), NULL, doc, len,
                                NULL, 0, NULL, 0, 0, &mv);
    sigverify_model_verification_free(mv);
  } else if (strcmp(c->call, "conda.verify") == 0) {
    size_t sigs_len = 0;
    uint8_t *sigs = buffer(get(c, "sigs"), &sigs_len);
    doc = buffer(get(c, "bundle"), &len);
    rc = sigverify_conda_verify(public_good_verifier(), doc, len, sigs, sigs_len, string(get(c, "filename")),
                                string(get(c, "digest")), string(get(c, "repository")),
                                string(get(c, "signer_workflow")), string(get(c, "identity")),
                                string(get(c, "issuer")), string(get(c, "channel")), &v);
    free(sigs);
  } else if (strcmp(c->call, "bcr.verify") == 0) {
    sigverify_bcr_verification *bv = NULL;
    rc = sigverify_bcr_verify(NULL, string(get(c, "attestations")), string(get(c, "module_dir")),
                              string(get(c, "file")), string(get(c, "name")), string(get(c, "bundle")),
                              string(get(c, "repository")), string(get(c, "tag")), &bv);
    sigverify_bcr_verification_free(bv);
  } else {
    die("%s: the C runner has no call %s", c->id, c->call);
  }
  sigverify_verification_free(v);
  sigverify_verification_free(v2);
  free(doc);
  return rc;
}

int main(void) {
  int skipped = 0;
  for (size_t i = 0; i < N_CASES; i++) {
    const struct argcase *c = &CASES[i];
    if (c->not_in_c != NULL) {
      if (c->not_in_c[0] == '\0') {
        die("%s: not_in.c needs a reason", c->id);
      }
      printf("not in c: %s (%s)\n", c->id, c->not_in_c);
      skipped++;
      continue;
    }
    sigverify_result rc = run(c);
    const char *found = rc == SIGVERIFY_RESULT_OK ? "no error" : sigverify_result_name(rc);
    int ok = strcmp(found, c->code) == 0;
    if (!ok) {
      fprintf(stderr, "MISMATCH %s [c]: expected %s, found %s (%s)\n", c->id, c->code, found,
             rc == SIGVERIFY_RESULT_OK ? "the call succeeded" : last_message());
    } else if (sigverify_last_error_code() != rc) {
      ok = 0;
      fprintf(stderr, "MISMATCH %s [c]: the call returned %s, but the last error is %s\n", c->id, found,
             sigverify_result_name(sigverify_last_error_code()));
    }
    CHECK(ok, "%s: expected %s, found %s", c->id, c->code, found);
  }
  sigverify_verifier_free(g_public_good);
  /* On stderr, which ffi/test.sh shows: the skipped cases are counted where they are seen. */
  fprintf(stderr, "argument_cases: %d of %d cases not in c, each with its reason (listed on stdout)\n",
          skipped, (int)N_CASES);
  return finish("argument_cases");
}
