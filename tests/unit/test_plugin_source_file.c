/*
 * The `file` source plugin (build/plugins/source_file.so) driven by a fake
 * host: formats found from content, JSON Lines, folders, the contract with
 * the host and the real logs; broken gzip and zip archives are in
 * test_plugin_source_archives.c.
 */
#include "source_file_fixture.h"

#include <cjson/cJSON.h>
#include <inttypes.h>

/* ---- documents ------------------------------------------------------------------------------ */

static void test_descriptor_schema_is_json(void **state) {
  fakehost_t *h = open_file_source();
  cJSON *schema = cJSON_Parse(h->plugin->config_schema);

  assert_non_null(schema);
  assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(schema, "properties"), "paths"));
  assert_true(cJSON_IsFalse(cJSON_GetObjectItem(schema, "additionalProperties")));
  cJSON_Delete(schema);
  fh_close(h);
}

static void test_records_document_plain(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "ct.json");

  fh_write(path, pretty_records, strlen(pretty_records));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, pretty_records, strlen(pretty_records), 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "1 files", "1 records"), 1);
  fh_close(h);
  free(path);
}

static void test_records_document_gz(void **state) {
  fakehost_t *h = open_file_source();
  /* The name says nothing: content decides. */
  char *path = fh_path(dir, "ct.data");

  fh_write_gz(path, pretty_records, strlen(pretty_records), "wb");
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, pretty_records, strlen(pretty_records), 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
  free(path);
}

static void test_compact_records_gz_is_one_record(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "compact.json.gz");
  const char doc[] = "{\"Records\":[{\"eventName\":\"A\"},{\"eventName\":\"B\"}]}";

  fh_write_gz(path, doc, strlen(doc), "wb");
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, doc, strlen(doc), 1, 0);
  fh_close(h);
  free(path);
}

/* A file of one line is one record whether that line is complete or cut
 * (the reader skips its completeness test then): the cut object reaches
 * the decoder whole, which keeps its complete records; blank lines after
 * the line add nothing. */
static void test_one_line_cut_document(void **state) {
  fakehost_t *h = open_file_source();
  char *cut = fh_path(dir, "cut.json"), *blanks = fh_path(dir, "blanks.json");
  const char doc[] = "{\"Records\":[{\"eventName\":\"A\"},{\"even";
  const char tail[] = "\n\n  \n";

  fh_write(cut, doc, strlen(doc));
  run_one(h, cut, NULL);
  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, cut, doc, strlen(doc), 1, 0);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);

  h = open_file_source();
  {
    char both[sizeof(doc) + sizeof(tail)];

    snprintf(both, sizeof(both), "%s%s", doc, tail);
    fh_write(blanks, both, strlen(both));
  }
  run_one(h, blanks, NULL);
  assert_int_equal(h->nrecs, 1);
  assert_true(h->recs[0].len >= strlen(doc));
  assert_memory_equal(h->recs[0].data, doc, strlen(doc));
  assert_true(strspn((const char *)h->recs[0].data + strlen(doc), " \n") ==
              h->recs[0].len - strlen(doc));
  assert_int_equal(h->recs[0].line, 1);
  fh_close(h);
  free(cut);
  free(blanks);
}

static void test_bare_array_document(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "array.json");
  const char doc[] = "[\n  {\"eventName\": \"A\", \"s\": \"[not {a bracket\"},\n"
                     "  {\"eventName\": \"B\"}\n]\n";

  fh_write(path, doc, strlen(doc));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, doc, strlen(doc), 1, 0);
  fh_close(h);
  free(path);
}

/* A first line that opens a value but does not close it means one document. */
static void test_pretty_single_record_document(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "one.json");
  const char doc[] = "{\"eventName\": \"ConsoleLogin\",\n \"note\": \"a } in \\\" a string\"\n}";

  fh_write(path, doc, strlen(doc));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, doc, strlen(doc), 1, 0);
  fh_close(h);
  free(path);
}

/* Blank lines before a document: its position is its first real line. */
static void test_document_after_blank_lines(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "lead.json");
  const char text[] = "\n  \n{\n\"a\": 1\n}\n";

  fh_write(path, text, strlen(text));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, text + 4, strlen(text) - 4, 3, 4);
  fh_close(h);
  free(path);
}

static void test_document_over_max_is_skipped(void **state) {
  fakehost_t *h = open_file_source();
  char *big = fh_path(dir, "big.json");
  char *next = fh_path(dir, "next.json");
  char paths[2 * PATH_MAX];

  fh_write(big, pretty_records, strlen(pretty_records));
  fh_write(next, "{\n}", 3);
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", big, next);
  run_paths(h, paths, "\"max_document_bytes\":40");

  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, big, "max_document_bytes (40)"), 1);
  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, next, "{\n}", 3, 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
  free(big);
  free(next);
}

static void test_empty_and_blank_files_are_quiet(void **state) {
  fakehost_t *h = open_file_source();
  char *empty = fh_path(dir, "empty.json");
  char *blank = fh_path(dir, "blank.json.gz");
  char paths[2 * PATH_MAX];

  fh_write(empty, "", 0);
  fh_write_gz(blank, "\n \n\t\n", 5, "wb");
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", empty, blank);
  run_paths(h, paths, NULL);

  assert_int_equal(h->nrecs, 0);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_DEBUG, empty, "empty"), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_DEBUG, blank, "empty"), 1);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
  free(empty);
  free(blank);
}

/* ---- JSON Lines ----------------------------------------------------------------------------- */

static void test_json_lines_blank_and_malformed(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "events.jsonl");
  const char text[] = "{\"n\":1}\n"
                      "\n"
                      "{\"n\":2,\"s\":\"{[\"}\r\n"
                      "   \t\n"
                      "{\"n\": broken\n"
                      "  [1,2]\n"
                      "{\"n\":4}";
  static const struct {
    const char *text;
    uint64_t line;
  } want[] = {{"{\"n\":1}", 1},
              {"{\"n\":2,\"s\":\"{[\"}", 3},
              {"{\"n\": broken", 5},
              {"  [1,2]", 6},
              {"{\"n\":4}", 7}};
  size_t i;

  fh_write(path, text, strlen(text));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 5);
  for (i = 0; i < 5; i++)
    fh_assert_rec(h, i, path, want[i].text, strlen(want[i].text), want[i].line,
                  (uint64_t)(strstr(text, want[i].text) - text));
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "7 lines", "5 records"), 1);
  fh_close(h);
  free(path);
}

/* Builds n numbered lines; offsets[i] gets the start of line i+1. */
static void test_json_lines_gz_across_chunks(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "many.jsonl.gz");
  uint64_t off[6000];
  size_t len;
  char *text = make_lines(6000, &len, off);

  assert_true(len > 3 * 64 * 1024); /* several read chunks */
  fh_write_gz(path, text, len, "wb");
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 6000);
  assert_lines(h, path, text, off, 0, 6000);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  free(text);
  fh_close(h);
  free(path);
}

/*
 * JSON Lines reach the host as runs of whole lines (VIGIL_FORMAT_NDJSON,
 * ABI 1.3), at most 32 KiB each; a host that refuses runs, as ABI 1.2
 * hosts do, gets the same records one emit each and no error.
 */
static void test_json_lines_runs_and_older_host(void **state) {
  uint64_t off[4000];
  size_t len;
  char *text = make_lines(4000, &len, off);
  char *path = fh_path(dir, "runs.jsonl");
  fakehost_t *h;
  int old;

  fh_write(path, text, len);
  for (old = 0; old <= 1; old++) {
    h = open_file_source();
    h->old_host = old;
    run_one(h, path, NULL);
    assert_int_equal(h->nrecs, 4000);
    assert_lines(h, path, text, off, 0, 4000);
    assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
    assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "4000 lines", "4000 records"), 1);
    if (old) {
      assert_int_equal(h->nruns, 0);
      assert_int_equal(h->nemits, 4000);
    } else {
      /* Runs of at most 32 KiB; alone go only the first line (it tells
       * JSON Lines from a document) and a line a read cut in two. */
      assert_true(h->nruns >= len / (32 * 1024));
      assert_true(h->nemits - h->nruns < 10);
    }
    fh_close(h);
  }
  free(text);
  free(path);
}

static void test_gzip_members_concatenated(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "two-members.gz");
  const char a[] = "{\"m\":1}\n{\"m\":2}\n", b[] = "{\"m\":3}\n";

  fh_write_gz(path, a, strlen(a), "wb");
  fh_write_gz(path, b, strlen(b), "ab");
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 3);
  fh_assert_rec(h, 2, path, "{\"m\":3}", 7, 3, 16);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
  free(path);
}

/* Lines far longer than the first read buffer still come out whole. */
static void test_long_line_within_limit(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "long.jsonl");
  size_t big = 300 * 1024, len;
  char *text = malloc(big + 64);

  assert_non_null(text);
  len = (size_t)sprintf(text, "{\"a\":1}\n{\"long\":\"");
  memset(text + len, 'x', big);
  len += big;
  len += (size_t)sprintf(text + len, "\"}\n{\"b\":2}\n");
  fh_write(path, text, len);
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 3);
  fh_assert_rec(h, 1, path, text + 8, len - 8 - 8 - 1, 2, 8);
  fh_assert_rec(h, 2, path, "{\"b\":2}", 7, 3, len - 8);
  free(text);
  fh_close(h);
  free(path);
}

static void test_over_long_lines_skipped(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "overlong.jsonl");
  size_t huge = 200 * 1024, len, off3, off5;
  char *text = malloc(huge + 256);

  /* Line 2 is just over the limit (still in the buffer); line 4 is far over
   * it (skipped while reading). Lines 3 and 5 must survive both. */
  assert_non_null(text);
  len = (size_t)sprintf(text, "{\"a\":1}\n{\"pad\":\"%080d\"}\n", 0);
  off3 = len;
  len += (size_t)sprintf(text + len, "{\"a\":3}\n{\"pad\":\"");
  memset(text + len, 'y', huge);
  len += huge;
  len += (size_t)sprintf(text + len, "\"}\n");
  off5 = len;
  len += (size_t)sprintf(text + len, "{\"a\":5}\n");
  fh_write(path, text, len);
  run_one(h, path, "\"max_line_bytes\":64");

  assert_int_equal(h->nrecs, 3);
  fh_assert_rec(h, 0, path, "{\"a\":1}", 7, 1, 0);
  fh_assert_rec(h, 1, path, "{\"a\":3}", 7, 3, off3);
  fh_assert_rec(h, 2, path, "{\"a\":5}", 7, 5, off5);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 2);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, "overlong.jsonl:2:", "max_line_bytes (64)"), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, "overlong.jsonl:4:", "max_line_bytes (64)"), 1);
  assert_int_equal(atomic_load(&h->done), 1);
  free(text);
  fh_close(h);
  free(path);
}

/* ---- paths and folders ---------------------------------------------------------------------- */

static void put(const char *rel, const char *text) {
  char *p = fh_path(dir, rel);

  fh_write(p, text, strlen(text));
  free(p);
}

static void mkdir_rel(const char *rel) {
  char *p = fh_path(dir, rel);

  assert_int_equal(mkdir(p, 0755), 0);
  free(p);
}

static void test_folder_sorted_recursive_hidden_skipped(void **state) {
  fakehost_t *h = open_file_source();
  static const char *const order[] = {"tree/A.json", "tree/a/z.json", "tree/a.json",
                                      "tree/b/c/d.json", "tree/b.json"};
  char *root = fh_path(dir, "tree/");
  char want[PATH_MAX];
  size_t i;

  mkdir_rel("tree");
  mkdir_rel("tree/a");
  mkdir_rel("tree/b");
  mkdir_rel("tree/b/c");
  mkdir_rel("tree/.git");
  put("tree/b.json", "{\"f\":\"b\"}\n");
  put("tree/a.json", "{\"f\":\"a\"}\n");
  put("tree/A.json", "{\"f\":\"A\"}\n");
  put("tree/a/z.json", "{\"f\":\"z\"}\n");
  put("tree/a/.hidden.json", "{\"f\":\"hidden\"}\n");
  put("tree/b/c/d.json", "{\"f\":\"d\"}\n");
  put("tree/.git/x.json", "{\"f\":\"git\"}\n");
  snprintf(want, sizeof(want), "%s/tree/b/c/up", dir);
  assert_int_equal(symlink("../..", want), 0); /* a loop back to tree/ */
  run_one(h, root, NULL);

  assert_int_equal(h->nrecs, 5);
  for (i = 0; i < 5; i++) {
    snprintf(want, sizeof(want), "%s/%s", dir, order[i]);
    assert_string_equal(h->recs[i].stream, want);
  }
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, "tree/b/c/up", "folder loop"), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "5 files", "5 records"), 1);
  fh_close(h);
  free(root);
}

/* Files in a folder that are not JSON are skipped with an info line and counted. */
static void test_folder_non_json_skipped_and_counted(void **state) {
  fakehost_t *h = open_file_source();
  static const char *const skipped[] = {"logs/LICENSE", "logs/README.md", "logs/data.yaml",
                                        "logs/notes.gz"};
  char *root = fh_path(dir, "logs");
  char *gz = fh_path(dir, "logs/notes.gz");
  char want[PATH_MAX];
  size_t i;

  mkdir_rel("logs");
  put("logs/LICENSE", "MIT License\n\nCopyright (c) 2023\n");
  put("logs/README.md", "# CloudTrail samples\n{\"not\":\"a record\"}\n");
  put("logs/a.json", "\n{\n  \"Records\": []\n}\n");
  put("logs/data.yaml", "  \ntitle: sample\n");
  put("logs/empty.json", "");
  put("logs/m.jsonl", "[1]\n[2]\n");
  fh_write_gz(gz, "\n hello\n", 8, "wb"); /* judged after decompression */
  run_one(h, root, NULL);

  assert_int_equal(h->nrecs, 3);
  snprintf(want, sizeof(want), "%s/logs/a.json", dir);
  fh_assert_rec(h, 0, want, "{\n  \"Records\": []\n}\n", 20, 2, 1);
  snprintf(want, sizeof(want), "%s/logs/m.jsonl", dir);
  fh_assert_rec(h, 1, want, "[1]", 3, 1, 0);
  fh_assert_rec(h, 2, want, "[2]", 3, 2, 4);
  for (i = 0; i < 4; i++) {
    snprintf(want, sizeof(want), "%s/%s: ", dir, skipped[i]);
    assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, want, "not JSON (first byte"), 1);
  }
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "not JSON (first byte", NULL), 4);
  /* The empty file stays quiet: not counted as skipped. */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_DEBUG, "empty.json", "empty"), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(
      fh_logs_with(h, VIGIL_LOG_INFO, "done: 7 files", "; skipped 4 files that are not JSON"), 1);
  fh_close(h);
  free(root);
  free(gz);
}

/* A file named in paths is passed on whatever it holds: the host reports it. */
static void test_named_non_json_file_emitted(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "LICENSE");
  const char text[] = "MIT License\n\nPermission is hereby granted\n";

  fh_write(path, text, strlen(text));
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, text, strlen(text), 1, 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "not JSON (first byte", NULL), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "done:", "skipped 0 files that are not JSON"),
                   1);
  fh_close(h);
  free(path);
}

static void test_missing_path_logged_others_read(void **state) {
  fakehost_t *h = open_file_source();
  char *missing = fh_path(dir, "no-such.json");
  char *good = fh_path(dir, "good.json");
  char paths[2 * PATH_MAX];

  fh_write(good, "{\"ok\":1}", 8);
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", missing, good);
  run_paths(h, paths, NULL);

  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, missing, "No such file or directory"), 1);
  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, good, "{\"ok\":1}", 8, 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "1 errors", "1 paths unreadable"), 1);
  fh_close(h);
  free(missing);
  free(good);
}

/* ---- the contract with the host ------------------------------------------------------------- */

static void test_closed_pipeline_stops_reading(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "ten.jsonl");
  char *other = fh_path(dir, "other.jsonl");
  char paths[2 * PATH_MAX];
  size_t len;
  char *text = make_lines(10, &len, NULL);

  fh_write(path, text, len);
  fh_write(other, text, len);
  h->close_after = 1;
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", path, other);
  run_paths(h, paths, NULL);

  /* ten.jsonl's first line is one emit; the run of its other nine lines
   * was refused ... */
  assert_int_equal(h->nemits, 1);
  assert_int_equal(h->nrecs, 1);
  assert_int_equal(atomic_load(&h->done), 0); /* ... so the input is not done */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "stopped:", "1 files"), 1);
  free(text);
  fh_close(h);
  free(path);
  free(other);
}

static void test_stop_before_start(void **state) {
  fakehost_t *h = open_file_source();

  assert_int_equal(fh_create(h, "{\"paths\":[\"/nonexistent\"]}", NULL), VIGIL_OK);
  fh_stop_destroy(h);
  assert_int_equal(h->nrecs, 0);
  assert_int_equal(h->nlogs, 0);
  fh_close(h);
}

static void expect_config_error(const char *config, int status, const char *msg) {
  fakehost_t *h = open_file_source();
  const char *err = NULL;

  assert_int_equal(fh_create(h, config, &err), status);
  assert_non_null(err);
  assert_string_equal(err, msg);
  fh_close(h);
}

static void test_config_errors(void **state) {
  expect_config_error("{\"paths\":[\"a\"],\"pathz\":1}", VIGIL_EINVAL,
                      "file source: unknown option \"pathz\"");
  expect_config_error("{\"paths\":\"a.json\"}", VIGIL_EINVAL,
                      "file source: option \"paths\" must be an array of strings");
  expect_config_error("{\"paths\":[\"a\", 3]}", VIGIL_EINVAL,
                      "file source: option \"paths\" must be an array of strings");
  expect_config_error("{}", VIGIL_EINVAL, "file source: missing required option \"paths\"");
  expect_config_error("{\"paths\":[]}", VIGIL_EINVAL,
                      "file source: option \"paths\" must not be empty");
  expect_config_error("{\"paths\":[\"a\"],\"max_line_bytes\":0}", VIGIL_EINVAL,
                      "file source: option \"max_line_bytes\" must be a positive integer");
  expect_config_error("{\"paths\":[\"a\"],\"max_document_bytes\":1.5}", VIGIL_EINVAL,
                      "file source: option \"max_document_bytes\" must be a positive integer");
  expect_config_error("[1]", VIGIL_EINVAL, "file source: configuration must be a JSON object");
  expect_config_error("{\"paths\":", VIGIL_EINVAL, "file source: configuration is not valid JSON");
}

/* ---- real CloudTrail data ------------------------------------------------------------------- */

static int real_file(const char *rel, char *out, size_t len) {
  snprintf(out, len, "%s/../shared/data/cloudtrail/%s", VIGIL_SOURCE_DIR, rel);
  return access(out, R_OK) == 0;
}

static void test_real_cloudtrail_files(void **state) {
  const char *s3 = "invictus-ir_aws_dataset/CloudTrail/"
                   "218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json";
  const char *arr = "stratus-red-team_detonation-logs/aws.defense-evasion.cloudtrail-stop.json";
  char a[PATH_MAX], b[PATH_MAX], paths[2 * PATH_MAX + 8];
  fakehost_t *h;
  cJSON *doc;
  char *text;
  size_t len;

  if (!real_file(s3, a, sizeof(a)) || !real_file(arr, b, sizeof(b))) {
    print_message("skipped: CloudTrail samples not found under %s/../shared/data\n",
                  VIGIL_SOURCE_DIR);
    skip();
  }
  h = open_file_source();
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", a, b);
  run_paths(h, paths, NULL);

  /* The S3 object is one compact line: emitted whole, without its newline. */
  assert_int_equal(h->nrecs, 2);
  text = fh_read(a, &len);
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
    len--;
  fh_assert_rec(h, 0, a, text, len, 1, 0);
  free(text);
  doc = cJSON_Parse(h->recs[0].data);
  assert_true(cJSON_IsArray(cJSON_GetObjectItem(doc, "Records")));
  cJSON_Delete(doc);
  doc = cJSON_Parse(h->recs[1].data);
  assert_true(cJSON_IsArray(doc) && cJSON_GetArraySize(doc) > 0);
  cJSON_Delete(doc);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
}

/* The shared corpus's zips: NDJSON inside one, four documents (one malformed) in the other. */
static void test_real_cloudtrail_zips(void **state) {
  const char *otrf = "otrf_security-datasets/datasets/atomic/aws/collection/"
                     "ec2_proxy_s3_exfiltration.zip";
  const char *zm = "zmallen_cloudtrail2sightings/cloudtrail.zip";
  static const char *const zm_members[] = {
      "aws.credential-access.secretsmanager-retrieve-secrets.json",
      "aws.defense-evasion.cloudtrail-delete.json", "aws.execution.ec2-user-data.json",
      "aws.exfiltration.ec2-share-ebs-snapshot.json"};
  char a[PATH_MAX], b[PATH_MAX], want[PATH_MAX + 80], paths[3 * PATH_MAX + 16];
  char *cut = fh_path(dir, "cut.zip"), *bytes;
  fakehost_t *h;
  cJSON *rec;
  size_t i, len;

  if (!real_file(otrf, a, sizeof(a)) || !real_file(zm, b, sizeof(b))) {
    print_message("skipped: CloudTrail zips not found under %s/../shared/data\n", VIGIL_SOURCE_DIR);
    free(cut);
    skip();
  }
  /* A truncated copy of a real archive comes first: it must not stop the others. */
  bytes = fh_read(a, &len);
  fh_write(cut, bytes, len * 2 / 3);
  free(bytes);
  h = open_file_source();
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\",\"%s\"", cut, a, b);
  run_paths(h, paths, NULL);

  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, cut, "cannot read zip archive"), 1);
  assert_int_equal(h->nrecs, 103 + 4);
  snprintf(want, sizeof(want), "%s!ec2_proxy_s3_exfiltration_2020-09-14011940.json", a);
  for (i = 0; i < 103; i++) {
    assert_string_equal(h->recs[i].stream, want);
    assert_int_equal(h->recs[i].line, i + 1);
    rec = cJSON_Parse(h->recs[i].data);
    assert_non_null(cJSON_GetObjectItem(rec, "eventName"));
    cJSON_Delete(rec);
  }
  for (i = 0; i < 4; i++) {
    snprintf(want, sizeof(want), "%s!%s", b, zm_members[i]);
    assert_string_equal(h->recs[103 + i].stream, want);
    assert_int_equal(h->recs[103 + i].line, 1);
  }
  /* The source does not parse: the malformed member is passed on for the host to report. */
  rec = cJSON_Parse(h->recs[103 + 2].data);
  assert_null(rec);
  fh_close(h);
  free(cut);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_descriptor_schema_is_json),
      cmocka_unit_test_setup_teardown(test_records_document_plain, setup, teardown),
      cmocka_unit_test_setup_teardown(test_records_document_gz, setup, teardown),
      cmocka_unit_test_setup_teardown(test_compact_records_gz_is_one_record, setup, teardown),
      cmocka_unit_test_setup_teardown(test_one_line_cut_document, setup, teardown),
      cmocka_unit_test_setup_teardown(test_bare_array_document, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pretty_single_record_document, setup, teardown),
      cmocka_unit_test_setup_teardown(test_document_after_blank_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_document_over_max_is_skipped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_and_blank_files_are_quiet, setup, teardown),
      cmocka_unit_test_setup_teardown(test_json_lines_blank_and_malformed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_json_lines_gz_across_chunks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_json_lines_runs_and_older_host, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gzip_members_concatenated, setup, teardown),
      cmocka_unit_test_setup_teardown(test_long_line_within_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_over_long_lines_skipped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_folder_sorted_recursive_hidden_skipped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_folder_non_json_skipped_and_counted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_named_non_json_file_emitted, setup, teardown),
      cmocka_unit_test_setup_teardown(test_missing_path_logged_others_read, setup, teardown),
      cmocka_unit_test_setup_teardown(test_closed_pipeline_stops_reading, setup, teardown),
      cmocka_unit_test(test_stop_before_start),
      cmocka_unit_test(test_config_errors),
      cmocka_unit_test(test_real_cloudtrail_files),
      cmocka_unit_test_setup_teardown(test_real_cloudtrail_zips, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
