/*
 * One verifier and one policy shared by 8 threads at once. Each thread verifies good bundles
 * (artifact and digest form, two bundle versions) and makes failures of its own, and checks that
 * its last error is its own: the last error is per thread, never another thread's message.
 */
#include <pthread.h>

#include "harness.h"

#define THREADS 8
#define ROUNDS 4

static const sigverify_verifier *shared_verifier;
static const sigverify_policy *shared_policy;
static uint8_t *bundle3, *bundle1, *artifact;
static size_t bundle3_len, bundle1_len, artifact_len;
static char artifact_digest[72];

struct worker {
  int index;
  int passed;
  int failed;
  char first_failure[512];
};

static void worker_check(struct worker *w, int ok, const char *what) {
  if (ok) {
    w->passed++;
    return;
  }
  if (w->failed++ == 0) {
    snprintf(w->first_failure, sizeof w->first_failure, "thread %d: %s", w->index, what);
  }
}

static void *work(void *arg) {
  struct worker *w = arg;
  char own_identity[128];
  snprintf(own_identity, sizeof own_identity, "https://example.com/thread-%d", w->index);
  sigverify_policy *own = NULL;
  worker_check(w,
               sigverify_policy_identity(own_identity, DEFAULT_ISSUER, &own) ==
                   SIGVERIFY_RESULT_OK,
               "policy");
  for (int round = 0; round < ROUNDS; round++) {
    sigverify_verification *v = NULL;
    const uint8_t *b = (round + w->index) % 2 ? bundle1 : bundle3;
    size_t b_len = (round + w->index) % 2 ? bundle1_len : bundle3_len;
    sigverify_result rc =
        round % 2 ? sigverify_verify_digest(shared_verifier, b, b_len, artifact_digest,
                                            shared_policy, &v)
                  : sigverify_verify(shared_verifier, b, b_len, artifact, artifact_len,
                                     shared_policy, &v);
    worker_check(w, rc == SIGVERIFY_RESULT_OK && v != NULL, "shared verify");
    char id[512];
    size_t n = 0;
    worker_check(w,
                 sigverify_verification_identity(v, id, sizeof id, &n) == SIGVERIFY_RESULT_OK &&
                     strcmp(id, DEFAULT_IDENTITY) == 0,
                 "identity");
    sigverify_verification_free(v);

    /* A failure of this thread's own: the message must name this thread's identity, whatever
     * the other threads failed with in the meantime. */
    v = NULL;
    rc = sigverify_verify(shared_verifier, b, b_len, artifact, artifact_len, own, &v);
    worker_check(w, rc == SIGVERIFY_RESULT_POLICY_MISMATCH && v == NULL, "own policy mismatch");
    /* A successful call in between leaves the last error as it was. */
    sigverify_verification *ok = NULL;
    worker_check(w,
                 sigverify_verify(shared_verifier, b, b_len, artifact, artifact_len,
                                  shared_policy, &ok) == SIGVERIFY_RESULT_OK,
                 "verify between");
    sigverify_verification_free(ok);
    char msg[2048];
    worker_check(w,
                 sigverify_last_error_message(msg, sizeof msg, &n) == SIGVERIFY_RESULT_OK &&
                     strstr(msg, own_identity) != NULL,
                 "own last error");
    worker_check(w, sigverify_last_error_code() == SIGVERIFY_RESULT_POLICY_MISMATCH,
                 "own last error code");

    /* A different kind of failure on odd threads: the code follows the thread. */
    if (w->index % 2) {
      static const uint8_t junk[] = "{\"mediaType\": 1}";
      rc = sigverify_verify(shared_verifier, junk, sizeof junk - 1, artifact, artifact_len,
                            shared_policy, &v);
      worker_check(w, rc == SIGVERIFY_RESULT_INVALID_JSON, "junk bundle");
      worker_check(w, sigverify_last_error_code() == SIGVERIFY_RESULT_INVALID_JSON,
                   "junk last error code");
    }
  }
  sigverify_policy_free(own);
  return NULL;
}

int main(void) {
  const char *dir = conformance_dir();
  bundle3 = must_read(path3(dir, "happy-path-v0.3", "bundle.sigstore.json"), &bundle3_len);
  bundle1 = must_read(path3(dir, "happy-path-v0.1", "bundle.sigstore.json"), &bundle1_len);
  artifact = must_read(path3(dir, "a.txt", NULL), &artifact_len);
  sha256_digest_string(artifact, artifact_len, artifact_digest);

  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  sigverify_policy *policy = NULL;
  CHECK_RC(sigverify_trusted_root_public_good(&root), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verifier_new(root, &verifier), SIGVERIFY_RESULT_OK);
  /* The root is no longer needed once the verifier is built. */
  sigverify_trusted_root_free(root);
  CHECK_RC(sigverify_policy_identity(DEFAULT_IDENTITY, DEFAULT_ISSUER, &policy),
           SIGVERIFY_RESULT_OK);
  shared_verifier = verifier;
  shared_policy = policy;

  pthread_t threads[THREADS];
  struct worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    memset(&workers[i], 0, sizeof workers[i]);
    workers[i].index = i;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0, "pthread_create %d", i);
  }
  for (int i = 0; i < THREADS; i++) {
    CHECK(pthread_join(threads[i], NULL) == 0, "pthread_join %d", i);
    g_passed += workers[i].passed;
    g_failed += workers[i].failed;
    if (workers[i].failed) {
      fprintf(stderr, "FAIL %s (%d failures in this thread)\n", workers[i].first_failure,
              workers[i].failed);
    }
  }
  /* The main thread had no failure of its own: the threads' errors never leak here. */
  char buf[64];
  size_t n = 0;
  CHECK_RC(sigverify_last_error_message(buf, sizeof buf, &n), SIGVERIFY_RESULT_NOT_AVAILABLE);

  sigverify_policy_free(policy);
  sigverify_verifier_free(verifier);
  free(bundle3);
  free(bundle1);
  free(artifact);
  return finish("test_threads");
}
