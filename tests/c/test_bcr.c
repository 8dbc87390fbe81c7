/*
 * sigverify_bcr_verify over the real rules_lint v1.3.1 archive attestation
 * (../shared/vectors/ecosystems/bcr-rules_lint-v1.3.1-release-attestation): the archive with its
 * .intoto.jsonl verifies and reports its file, kind and signer workflow; near misses (the same
 * bytes named MODULE.bazel, another repository, a tag, another digest) fail with
 * POLICY_MISMATCH or ARTIFACT_MISMATCH and name what was found; a module directory whose
 * attestation file does not match its attestations.json integrity, or lacks it, fails; missing
 * or conflicting arguments are INVALID_ARGUMENT; NULL out is NULL_PARAMETER.
 */
#include "harness.h"

#include <sys/stat.h>
#include <unistd.h>

#define CASE "bcr-rules_lint-v1.3.1-release-attestation"
#define ARCHIVE "rules_lint-v1.3.1.tar.gz"
#define JSONL "rules_lint-v1.3.1.tar.gz.intoto.jsonl"
#define REPO "aspect-build/rules_lint"
#define RELEASE "https://github.com/bazel-contrib/.github/.github/workflows/release_ruleset.yaml@refs/tags/v7.1.0"

static char eco_dir[1024];
static char artifact[4096];
static char jsonl[4096];

static sigverify_result single(const char *name, const char *repo, const char *tag,
                               sigverify_bcr_verification **out) {
  return sigverify_bcr_verify(NULL, NULL, NULL, artifact, name, jsonl, repo, tag, out);
}

static void test_single(void) {
  sigverify_bcr_verification *v = NULL;
  CHECK_RC(single(ARCHIVE, REPO, NULL, &v), SIGVERIFY_RESULT_OK);
  if (v == NULL) {
    return;
  }
  CHECK(sigverify_bcr_verification_count(v) == 1, "one file");
  char buf[1024];
  size_t n = 0;
  CHECK_RC(sigverify_bcr_verification_file_string(v, 0, SIGVERIFY_BCR_FIELD_NAME, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, ARCHIVE) == 0, "name %s", buf);
  CHECK_RC(sigverify_bcr_verification_file_string(v, 0, SIGVERIFY_BCR_FIELD_KIND, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, "archive") == 0, "kind %s", buf);
  CHECK_RC(sigverify_bcr_verification_file_string(v, 0, SIGVERIFY_BCR_FIELD_SIGNER_WORKFLOW, buf,
                                                  sizeof buf, &n),
           SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, RELEASE) == 0, "workflow %s", buf);
  CHECK_RC(sigverify_bcr_verification_file_string(v, 1, SIGVERIFY_BCR_FIELD_NAME, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_INVALID_PARAMETER);
  CHECK_RC(sigverify_bcr_verification_file_string(v, 0, 7, buf, sizeof buf, &n),
           SIGVERIFY_RESULT_INVALID_PARAMETER);
  sigverify_verification *r = NULL;
  CHECK_RC(sigverify_bcr_verification_file_result(v, 0, &r), SIGVERIFY_RESULT_OK);
  CHECK_RC(sigverify_verification_identity(r, buf, sizeof buf, &n), SIGVERIFY_RESULT_OK);
  CHECK(strcmp(buf, RELEASE) == 0, "identity %s", buf);
  sigverify_verification_free(r);
  CHECK_RC(sigverify_bcr_verification_json(v, NULL, 0, &n), SIGVERIFY_RESULT_BUFFER_TOO_SMALL);
  char *json = malloc(n);
  CHECK_RC(sigverify_bcr_verification_json(v, json, n, &n), SIGVERIFY_RESULT_OK);
  CHECK(strstr(json, "\"kind\":\"archive\"") != NULL, "json %s", json);
  free(json);
  sigverify_bcr_verification_free(v);
  sigverify_bcr_verification_free(NULL);
  CHECK(sigverify_bcr_verification_count(NULL) == 0, "count of NULL");

  v = NULL;
  CHECK_RC(single("MODULE.bazel", REPO, NULL, &v), SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK(strstr(last_message(), "release_ruleset.yaml") != NULL, "names the signer: %s", last_message());
  CHECK(strstr(last_message(), "MODULE.bazel") != NULL, "names the file: %s", last_message());
  CHECK_RC(single("source.json", REPO, NULL, &v), SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(single(ARCHIVE, "aspect-build/rules_js", NULL, &v), SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK_RC(single(ARCHIVE, REPO, "v1.3.1", &v), SIGVERIFY_RESULT_POLICY_MISMATCH);
  CHECK(strstr(last_message(), "refs/heads/publish-to-bcr") != NULL, "the ref found: %s", last_message());
  /* Another digest: the .intoto.jsonl as the file. */
  CHECK_RC(sigverify_bcr_verify(NULL, NULL, NULL, jsonl, ARCHIVE, jsonl, REPO, NULL, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(v == NULL, "out written on failure");

  /* Arguments. */
  CHECK_RC(single(ARCHIVE, NULL, NULL, &v), SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(single(ARCHIVE, "", NULL, &v), SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(single(ARCHIVE, "nope", NULL, &v), SIGVERIFY_RESULT_INVALID_POLICY);
  CHECK_RC(single(ARCHIVE, REPO, "", &v), SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_bcr_verify(NULL, NULL, NULL, artifact, ARCHIVE, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_bcr_verify(NULL, jsonl, NULL, artifact, ARCHIVE, jsonl, REPO, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_bcr_verify(NULL, jsonl, NULL, NULL, NULL, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(sigverify_bcr_verify(NULL, NULL, NULL, NULL, NULL, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK_RC(single(ARCHIVE, REPO, NULL, NULL), SIGVERIFY_RESULT_NULL_PARAMETER);
  CHECK_RC(sigverify_bcr_verify(NULL, NULL, NULL, "/nonexistent/x.tar.gz", NULL, jsonl, REPO, NULL, &v),
           SIGVERIFY_RESULT_IO_ERROR);
}

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    die("cannot write %s", path);
  }
  fputs(text, f);
  fclose(f);
}

static void copy(const char *from, const char *to) {
  size_t len = 0;
  uint8_t *b = must_read(from, &len);
  FILE *f = fopen(to, "wb");
  if (f == NULL) {
    die("cannot write %s", to);
  }
  fwrite(b, 1, len, f);
  fclose(f);
  free(b);
}

/* A module directory: the real archive and its attestation for every file, and an
 * attestations.json whose integrities are all wrong (sha256 of nothing). */
static void test_module_dir(void) {
  char dir[256], p[4096], index[4096];
  snprintf(dir, sizeof dir, "/tmp/sigverify-c-bcr-%d", (int)getpid());
  mkdir(dir, 0700);
  const char *files[] = {"MODULE.bazel", "source.json", ARCHIVE};
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    copy(artifact, p);
    snprintf(p, sizeof p, "%s/%s.intoto.jsonl", dir, files[i]);
    copy(jsonl, p);
  }
  snprintf(p, sizeof p, "%s/source.json", dir);
  write_file(p, "{\"url\": \"https://github.com/" REPO "/releases/download/v1.3.1/" ARCHIVE "\"}");
  snprintf(index, sizeof index, "%s/attestations.json", dir);
  write_file(index,
             "{\"mediaType\": \"application/vnd.build.bazel.registry.attestation+json;version=1.0.0\","
             " \"attestations\": {"
             " \"MODULE.bazel\": {\"url\": \"https://x/MODULE.bazel.intoto.jsonl\","
             " \"integrity\": \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},"
             " \"source.json\": {\"url\": \"https://x/source.json.intoto.jsonl\","
             " \"integrity\": \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"},"
             " \"" ARCHIVE "\": {\"url\": \"https://x/" ARCHIVE ".intoto.jsonl\","
             " \"integrity\": \"sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"}}}");
  sigverify_bcr_verification *v = NULL;
  CHECK_RC(sigverify_bcr_verify(NULL, index, dir, NULL, NULL, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_ARTIFACT_MISMATCH);
  CHECK(strstr(last_message(), "integrity of MODULE.bazel.intoto.jsonl") != NULL, "%s", last_message());
  /* The attestation file missing from the module dir. */
  snprintf(p, sizeof p, "%s/MODULE.bazel.intoto.jsonl", dir);
  unlink(p);
  CHECK_RC(sigverify_bcr_verify(NULL, index, dir, NULL, NULL, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_IO_ERROR);
  /* attestations.json without its module dir. */
  CHECK_RC(sigverify_bcr_verify(NULL, index, NULL, NULL, NULL, NULL, REPO, NULL, &v),
           SIGVERIFY_RESULT_INVALID_ARGUMENT);
  CHECK(v == NULL, "out written on failure");
  for (int i = 0; i < 3; i++) {
    snprintf(p, sizeof p, "%s/%s", dir, files[i]);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s.intoto.jsonl", dir, files[i]);
    unlink(p);
  }
  unlink(index);
  rmdir(dir);
}

int main(void) {
  snprintf(eco_dir, sizeof eco_dir, "%s/../ecosystems", conformance_dir());
  if (!file_exists(path3(eco_dir, "SOURCE.md", NULL))) {
    die("ECOSYSTEM VECTORS MISSING: %s", eco_dir);
  }
  snprintf(artifact, sizeof artifact, "%s", path3(eco_dir, CASE, "artifact"));
  snprintf(jsonl, sizeof jsonl, "%s", path3(eco_dir, CASE, JSONL));
  test_single();
  test_module_dir();
  return finish("bcr");
}
