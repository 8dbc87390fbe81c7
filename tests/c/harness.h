/*
 * A small test harness for the C tests of libsigverify (the tests/c programs, run by
 * ffi/test.sh).
 *
 * CHECK counts a pass or a failure and keeps going; each program ends with
 * `finish()`, which prints "N passed, N failed" and returns the exit status.
 * Everything here is static: each test program is one translation unit.
 */
#ifndef SIGVERIFY_TEST_HARNESS_H
#define SIGVERIFY_TEST_HARNESS_H

/* POSIX (dirent, stat) under -std=c11. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

/* Not every program uses every helper. */
#define HARNESS static __attribute__((unused))

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sigverify.h"

HARNESS int g_passed = 0;
HARNESS int g_failed = 0;

static void check_at(int ok, const char *file, int line, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

HARNESS void check_at(int ok, const char *file, int line, const char *what, const char *fmt, ...) {
  if (ok) {
    g_passed++;
    return;
  }
  g_failed++;
  fprintf(stderr, "FAIL %s:%d: %s", file, line, what);
  if (strcmp(fmt, ": ") != 0) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
  }
  fputc('\n', stderr);
}

/* CHECK(condition, "printf-style context", ...): the format must be a string literal ("" for
 * none); it is glued to ": " so that it is never empty. */
#define CHECK(cond, ...) check_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond, ": " __VA_ARGS__)

/* The last error message of this thread, into a static buffer (for diagnostics only). */
HARNESS const char *last_message(void) {
  static char buf[4096];
  size_t n = 0;
  if (sigverify_last_error_message(buf, sizeof buf, &n) != SIGVERIFY_RESULT_OK) {
    return "(no message)";
  }
  return buf;
}

/* CHECK_RC(call, expected): the call returns `expected`; on a mismatch, say what it returned. */
#define CHECK_RC(expr, expected)                                                                \
  do {                                                                                          \
    sigverify_result rc_ = (expr);                                                              \
    sigverify_result want_ = (expected);                                                        \
    check_at(rc_ == want_, __FILE__, __LINE__, #expr, ": returned %u %s, expected %u %s (%s)",   \
             (unsigned)rc_, sigverify_result_name(rc_), (unsigned)want_,                        \
             sigverify_result_name(want_), rc_ == SIGVERIFY_RESULT_OK ? "" : last_message());   \
  } while (0)

HARNESS int finish(const char *name) {
  printf("%s: %d passed, %d failed\n", name, g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

HARNESS void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
HARNESS void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("FATAL: ", stderr);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(2);
}

/* Reads a whole file into a new buffer (owned by the caller, free()), or NULL if absent. */
HARNESS uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    return NULL;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  if (buf == NULL) {
    die("out of memory");
  }
  for (;;) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) {
      break;
    }
    cap *= 2;
    uint8_t *bigger = realloc(buf, cap);
    if (bigger == NULL) {
      die("out of memory");
    }
    buf = bigger;
  }
  fclose(f);
  *len = n;
  return buf;
}

/* Reads a small text file, trimming trailing newlines (as the shell's $(cat FILE) does). */
HARNESS char *read_text(const char *path) {
  size_t n = 0;
  uint8_t *b = read_file(path, &n);
  if (b == NULL) {
    return NULL;
  }
  while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
    n--;
  }
  char *s = malloc(n + 1);
  if (s == NULL) {
    die("out of memory");
  }
  memcpy(s, b, n);
  s[n] = '\0';
  free(b);
  return s;
}

HARNESS int file_exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* The conformance vectors: $SIGVERIFY_CONFORMANCE_DIR, else ../shared/vectors/conformance from
 * the repository root (ffi/test.sh always sets the variable). Missing vectors are fatal: a
 * suite that cannot run must never pass. */
HARNESS const char *conformance_dir(void) {
  const char *d = getenv("SIGVERIFY_CONFORMANCE_DIR");
  if (d == NULL || d[0] == '\0') {
    d = "../shared/vectors/conformance";
  }
  char probe[4096];
  snprintf(probe, sizeof probe, "%s/happy-path-v0.3/bundle.sigstore.json", d);
  if (!file_exists(probe)) {
    die("CONFORMANCE VECTORS MISSING: %s not found (set SIGVERIFY_CONFORMANCE_DIR)", probe);
  }
  return d;
}

/* path = dir/a/b, in a static rotating buffer (enough for a few at once). */
HARNESS const char *path3(const char *dir, const char *a, const char *b) {
  static char bufs[8][4096];
  static unsigned next = 0;
  char *p = bufs[next++ % 8];
  if (b != NULL) {
    snprintf(p, 4096, "%s/%s/%s", dir, a, b);
  } else {
    snprintf(p, 4096, "%s/%s", dir, a);
  }
  return p;
}

/* Loads a file or dies: fixtures the tests need must be there. */
HARNESS uint8_t *must_read(const char *path, size_t *len) {
  uint8_t *b = read_file(path, len);
  if (b == NULL) {
    die("cannot read %s", path);
  }
  return b;
}

#define DEFAULT_IDENTITY                                                                       \
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/"   \
  "workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"
#define DEFAULT_ISSUER "https://token.actions.githubusercontent.com"

/* ---- SHA-256 (FIPS 180-4), to test the digest form without another library. ---- */

HARNESS const uint32_t SHA256_K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

HARNESS void sha256_block(uint32_t h[8], const uint8_t *p) {
  uint32_t w[64];
  for (int i = 0; i < 16; i++) {
    w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
           (uint32_t)p[4 * i + 3];
  }
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
    uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; i++) {
    uint32_t t1 = k + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) +
                  SHA256_K[i] + w[i];
    uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
  h[5] += f;
  h[6] += g;
  h[7] += k;
}

/* Writes "sha256:" and 64 hex digits of SHA-256(data) into out (at least 72 bytes). */
HARNESS void sha256_digest_string(const uint8_t *data, size_t len, char out[72]) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  size_t full = len / 64 * 64;
  for (size_t i = 0; i < full; i += 64) {
    sha256_block(h, data + i);
  }
  uint8_t tail[128] = {0};
  size_t rest = len - full;
  if (rest > 0) {
    memcpy(tail, data + full, rest);
  }
  tail[rest] = 0x80;
  size_t tail_len = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) {
    tail[tail_len - 1 - i] = (uint8_t)(bits >> (8 * i));
  }
  sha256_block(h, tail);
  if (tail_len == 128) {
    sha256_block(h, tail + 64);
  }
  static const char hex[] = "0123456789abcdef";
  memcpy(out, "sha256:", 7);
  for (int i = 0; i < 32; i++) {
    uint8_t byte = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
    out[7 + 2 * i] = hex[byte >> 4];
    out[8 + 2 * i] = hex[byte & 15];
  }
  out[71] = '\0';
}

#endif /* SIGVERIFY_TEST_HARNESS_H */
