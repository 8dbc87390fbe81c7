/* One face of bench/faces.py: N verifications of one conformance bundle through the C ABI,
 * from bytes already read (the bundle's JSON, the artifact), with an exact identity policy;
 * each verification freed. Prints "ns_per_iter=X".
 *
 *   loop BUNDLE ARTIFACT TRUSTED_ROOT IDENTITY ISSUER ITERATIONS */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sigverify.h"

static unsigned char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) { perror(path); exit(2); }
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  if (n < 0) { perror(path); exit(2); }
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = malloc((size_t)n + 1);
  if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static void check(sigverify_result r, const char *what) {
  if (r != SIGVERIFY_RESULT_OK) {
    char msg[4096];
    size_t written = 0;
    msg[0] = '\0';
    if (sigverify_last_error_message(msg, sizeof msg, &written) != SIGVERIFY_RESULT_OK) msg[0] = '\0';
    fprintf(stderr, "%s: %s: %s\n", what, sigverify_result_name(r), msg);
    exit(1);
  }
}

int main(int argc, char **argv) {
  if (argc != 7) { fprintf(stderr, "usage: loop BUNDLE ARTIFACT ROOT IDENTITY ISSUER N\n"); return 2; }
  size_t blen, alen, rlen;
  unsigned char *bundle = slurp(argv[1], &blen), *artifact = slurp(argv[2], &alen), *root_json = slurp(argv[3], &rlen);
  long n = atol(argv[6]);
  if (n <= 0) { fprintf(stderr, "ITERATIONS must be positive\n"); return 2; }
  sigverify_trusted_root *root = NULL;
  sigverify_verifier *verifier = NULL;
  sigverify_policy *policy = NULL;
  check(sigverify_trusted_root_from_json(root_json, rlen, &root), "trusted root");
  check(sigverify_verifier_new(root, &verifier), "verifier");
  check(sigverify_policy_identity(argv[4], argv[5], &policy), "policy");
  for (int i = 0; i < 20; i++) { /* warm-up, and it must verify */
    sigverify_verification *v = NULL;
    check(sigverify_verify(verifier, bundle, blen, artifact, alen, policy, &v), "verify");
    sigverify_verification_free(v);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (long i = 0; i < n; i++) {
    sigverify_verification *v = NULL;
    if (sigverify_verify(verifier, bundle, blen, artifact, alen, policy, &v) != SIGVERIFY_RESULT_OK) return 1;
    sigverify_verification_free(v);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
  printf("ns_per_iter=%.1f\n", ns / (double)n);
  sigverify_policy_free(policy);
  sigverify_verifier_free(verifier);
  sigverify_trusted_root_free(root);
  return 0;
}
