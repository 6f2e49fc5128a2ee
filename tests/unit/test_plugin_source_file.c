/*
 * The `file` source plugin (build/plugins/source_file.so) driven by a fake
 * host: formats found from content, gzip, zip, folders, and bad input that
 * must be reported without losing the rest.
 */
#include "test_plugin_fakehost.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <zip.h>

static char *dir;

static int setup(void **state) {
  dir = fh_tmpdir();
  return 0;
}

static int teardown(void **state) {
  fh_rmtree(dir);
  dir = NULL;
  return 0;
}

static fakehost_t *open_file_source(void) {
  return fh_open("source_file.so", "file", VIGIL_PLUGIN_SOURCE);
}

/* Runs the source over the given paths (a JSON array body) plus extra options. */
static void run_paths(fakehost_t *h, const char *paths_json, const char *extra) {
  char config[32768];
  int n = snprintf(config, sizeof(config), "{\"paths\":[%s]%s%s}", paths_json, extra ? "," : "",
                   extra ? extra : "");

  assert_true(n > 0 && (size_t)n < sizeof(config));
  fh_run_source(h, config);
}

static void run_one(fakehost_t *h, const char *path, const char *extra) {
  char quoted[PATH_MAX + 2];

  snprintf(quoted, sizeof(quoted), "\"%s\"", path);
  run_paths(h, quoted, extra);
}

static const char pretty_records[] = "{\n"
                                     "  \"Records\": [\n"
                                     "    {\"eventName\": \"DetachRolePolicy\"},\n"
                                     "    {\"eventName\": \"StopLogging\"}\n"
                                     "  ]\n"
                                     "}\n";

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
static char *make_lines(size_t n, size_t *len, uint64_t *offsets) {
  char *text = malloc(n * 64 + 1);
  size_t i, at = 0;

  assert_non_null(text);
  for (i = 0; i < n; i++) {
    if (offsets != NULL)
      offsets[i] = at;
    at += (size_t)sprintf(text + at, "{\"eventName\":\"E%zu\",\"pad\":\"%0*zu\"}\n", i,
                          (int)(i % 23), i);
  }
  *len = at;
  return text;
}

static void assert_lines(fakehost_t *h, const char *stream, const char *text, const uint64_t *off,
                         size_t from, size_t count) {
  size_t i, n;

  for (i = 0; i < count; i++) {
    n = (size_t)(strchr(text + off[from + i], '\n') - (text + off[from + i]));
    fh_assert_rec(h, i, stream, text + off[from + i], n, from + i + 1, off[from + i]);
  }
}

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

/* ---- broken gzip ---------------------------------------------------------------------------- */

/* Gzips text into cut, keeps the first half of the compressed bytes, and
 * runs the source over cut and then next (one good line). */
static void run_cut_gz(fakehost_t *h, const char *cut, const char *text, size_t len,
                       const char *next) {
  char paths[2 * PATH_MAX], *gz;
  size_t gzlen;

  fh_write_gz(cut, text, len, "wb");
  gz = fh_read(cut, &gzlen);
  fh_write(cut, gz, gzlen / 2);
  free(gz);
  fh_write(next, "{\"after\":true}\n", 15);
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", cut, next);
  run_paths(h, paths, NULL);
}

static void test_truncated_gz(void **state) {
  fakehost_t *h = open_file_source();
  char *cut = fh_path(dir, "cut.jsonl.gz");
  char *next = fh_path(dir, "next.jsonl");
  char *at;
  uint64_t off[3000], bytes;
  size_t len, complete = 0, i;
  char *text = make_lines(3000, &len, off);

  run_cut_gz(h, cut, text, len, next);

  /* One error naming the file, zlib's complaint and the bytes read. */
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, cut, "Z_BUF_ERROR (unexpected end of file"), 1);
  for (i = 0, at = NULL; i < h->nlogs && at == NULL; i++)
    if (h->logs[i].level == VIGIL_LOG_ERROR)
      at = strstr(h->logs[i].text, " decompressed bytes");
  assert_non_null(at);
  while (at[-1] >= '0' && at[-1] <= '9')
    at--;
  bytes = strtoull(at, NULL, 10);
  assert_true(bytes > 0 && bytes < len);

  /* Every line whose newline lies within those bytes was emitted, in order,
   * and no more: the cut line is not passed on as a record. */
  while (complete < 3000 && (complete + 1 < 3000 ? off[complete + 1] : len) <= bytes)
    complete++;
  assert_true(complete > 0 && complete < 3000);
  assert_int_equal(h->nrecs, complete + 1);
  assert_lines(h, cut, text, off, 0, complete);
  fh_assert_rec(h, complete, next, "{\"after\":true}", 14, 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  free(text);
  fh_close(h);
  free(cut);
  free(next);
}

/* A cut CloudTrail object (one {"Records":[...]} document): the text read
 * before the cut is handed on whole, from the document's start, so the
 * decoder can keep its complete records; then the next file is read. */
static void test_truncated_gz_document(void **state) {
  fakehost_t *h = open_file_source();
  char *cut = fh_path(dir, "cut.json.gz");
  char *next = fh_path(dir, "next.jsonl");
  char *doc;
  size_t len = 0, i;
  uint32_t x = 12345;

  (void)state;
  doc = malloc(200000);
  assert_non_null(doc);
  len += (size_t)sprintf(doc, "{\"Records\":[");
  for (i = 0; i < 100; i++) { /* pseudo-random hex so gzip cannot shrink it much */
    size_t k;
    len += (size_t)sprintf(doc + len, "%s{\"eventID\":\"e%zu\",\"pad\":\"", i ? "," : "", i);
    for (k = 0; k < 1000; k++) {
      x = x * 1103515245u + 12345u;
      doc[len++] = "0123456789abcdef"[(x >> 16) & 15];
    }
    len += (size_t)sprintf(doc + len, "\"}");
  }
  len += (size_t)sprintf(doc + len, "]}");
  run_cut_gz(h, cut, doc, len, next);

  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, cut, "decoded as far as it goes"), 1);
  assert_int_equal(h->nrecs, 2);
  assert_string_equal(h->recs[0].stream, cut);
  assert_true(h->recs[0].len > 1000 && h->recs[0].len < len);
  assert_memory_equal(h->recs[0].data, doc, h->recs[0].len);
  assert_int_equal(h->recs[0].line, 1);
  assert_int_equal(h->recs[0].offset, 0);
  fh_assert_rec(h, 1, next, "{\"after\":true}", 14, 1, 0);
  /* The cut object's one line counts in the summary, as a whole one's does. */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "done:", "2 lines"), 1);
  free(doc);
  fh_close(h);
  free(cut);
  free(next);
}

static void test_gz_bad_checksum(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "crc.gz");
  const char text[] = "{\"x\":1}\n{\"x\":2}\n";
  size_t gzlen;
  char *gz;

  fh_write_gz(path, text, strlen(text), "wb");
  gz = fh_read(path, &gzlen);
  gz[gzlen - 8] ^= 0x5a; /* the CRC-32 in the gzip trailer */
  fh_write(path, gz, gzlen);
  free(gz);
  run_one(h, path, NULL);

  /* Both lines were whole before the trailer was checked. */
  assert_int_equal(h->nrecs, 2);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, path, "Z_DATA_ERROR (incorrect data check)"),
                   1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, "after 16 decompressed bytes", NULL), 1);
  fh_close(h);
  free(path);
}

/* ---- zip archives --------------------------------------------------------------------------- */

typedef struct zmember_s {
  const char *name;
  const char *data; /* NULL: a directory entry */
  size_t len;
  zip_int32_t method; /* ZIP_CM_STORE or ZIP_CM_DEFLATE */
  mode_t mode;        /* 0, or the Unix file mode to record */
} zmember_t;

/* Writes a zip archive holding the members in order, with libzip. */
static void make_zip(const char *path, const zmember_t *m, size_t n) {
  zip_source_t *src;
  zip_int64_t idx;
  int err = 0;
  zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
  size_t i;

  assert_non_null(za);
  for (i = 0; i < n; i++) {
    if (m[i].data == NULL) {
      assert_true(zip_dir_add(za, m[i].name, 0) >= 0);
      continue;
    }
    src = zip_source_buffer(za, m[i].data, m[i].len, 0);
    assert_non_null(src);
    idx = zip_file_add(za, m[i].name, src, 0);
    assert_true(idx >= 0);
    assert_int_equal(zip_set_file_compression(za, (zip_uint64_t)idx, m[i].method, 0), 0);
    if (m[i].mode != 0)
      assert_int_equal(zip_file_set_external_attributes(za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
                                                        (zip_uint32_t)m[i].mode << 16),
                       0);
  }
  assert_int_equal(zip_close(za), 0);
}

/* The gzip bytes of `text`, made through a scratch file. */
static char *gzip_bytes(const char *text, size_t *len) {
  char *tmp = fh_path(dir, "scratch.gz");
  char *gz;

  fh_write_gz(tmp, text, strlen(text), "wb");
  gz = fh_read(tmp, len);
  assert_int_equal(unlink(tmp), 0);
  free(tmp);
  return gz;
}

/*
 * Regular .gz files are inflated whole when libdeflate is there
 * (plugins/common/input.c), through zlib's stream otherwise and when they
 * are too big: both ways give the same records. Two members whose last is
 * tiny (its size is the first guess of the room needed, which then grows),
 * and a file inflating past the 8 MiB a whole inflate takes (read by the
 * stream instead).
 */
static void test_gz_members_and_big_inflate(void **state) {
  fakehost_t *h = open_file_source();
  char *two = fh_path(dir, "two.json.gz"), *big = fh_path(dir, "big.json.gz");
  size_t len, i, n = 4000, line_len = 2400;
  uint64_t off[4000];
  char *text = make_lines(n, &len, off);
  char *lines = malloc(n * line_len);

  (void)state;
  assert_non_null(lines);
  fh_write_gz(two, text, len, "wb");
  fh_write_gz(two, "{\"tail\":1}\n", 11, "ab");
  run_one(h, two, NULL);
  assert_int_equal(h->nrecs, n + 1);
  for (i = 0; i < n; i += 997)
    fh_assert_rec(h, i, two, text + off[i], (i + 1 < n ? off[i + 1] : len) - off[i] - 1, i + 1,
                  off[i]);
  fh_assert_rec(h, n, two, "{\"tail\":1}", 10, n + 1, len);
  fh_close(h);

  /* 4,000 lines of 2,400 bytes: 9.6 MB inflated, a few KB compressed. */
  for (i = 0; i < n; i++) {
    char *l = lines + i * line_len;
    int k = sprintf(l, "{\"n\":%04zu,\"pad\":\"", i);

    memset(l + k, 'x', line_len - (size_t)k - 3);
    memcpy(l + line_len - 3, "\"}\n", 3);
  }
  fh_write_gz(big, lines, n * line_len, "wb");
  h = open_file_source();
  run_one(h, big, NULL);
  assert_int_equal(h->nrecs, n);
  for (i = 0; i < n; i += 1333)
    fh_assert_rec(h, i, big, lines + i * line_len, line_len - 1, i + 1, i * line_len);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
  free(lines);
  free(text);
  free(two);
  free(big);
}

/* Junk after a whole gzip stream (its CRC checked) leaves the text before
 * it sound: a one-line object without a final newline is still read, and
 * the junk is reported. */
static void test_gz_with_trailing_junk(void **state) {
  fakehost_t *h = open_file_source();
  char *path = fh_path(dir, "junk.json.gz");
  const char doc[] = "{\"Records\":[{\"eventName\":\"A\"},{\"eventName\":\"B\"}]}";
  size_t gzlen;
  char *gz = gzip_bytes(doc, &gzlen);
  char *bytes = malloc(gzlen + 4);

  (void)state;
  assert_non_null(bytes);
  memcpy(bytes, gz, gzlen);
  memset(bytes + gzlen, 0, 4);
  fh_write(path, bytes, gzlen + 4);
  run_one(h, path, NULL);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, path, doc, strlen(doc), 1, 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, path, "trailing data after the gzip stream"),
                   1);
  fh_close(h);
  free(bytes);
  free(gz);
  free(path);
}

static void test_zip_members_read_as_streams(void **state) {
  fakehost_t *h = open_file_source();
  /* The name says nothing: content decides. */
  char *zpath = fh_path(dir, "archive.bin");
  char *after = fh_path(dir, "after.json");
  const char lines[] = "{\"n\":1}\n\n{\"n\":2}\r\n";
  const char gz_text[] = "{\"g\":1}\n{\"g\":2}\n";
  const char csv[] = "eventName,eventTime\nStopLogging,2023-07-10\n";
  char paths[2 * PATH_MAX + 8], want[PATH_MAX + 64];
  size_t gzlen;
  char *gz = gzip_bytes(gz_text, &gzlen);
  zmember_t m[] = {
      {"events.jsonl", lines, strlen(lines), ZIP_CM_STORE, S_IFREG | 0644},
      {"sub/", NULL, 0, 0, 0},
      {"sub/doc.json", pretty_records, strlen(pretty_records), ZIP_CM_DEFLATE, 0},
      {"notes.csv", csv, strlen(csv), ZIP_CM_DEFLATE, 0},
      /* A symbolic link (its data is the target) is not a member to read. */
      {"sub/link.json", "{\"link\":1}", 10, ZIP_CM_STORE, S_IFLNK | 0777},
      {"sub/more.gz", gz, gzlen, ZIP_CM_STORE, 0},
      /* Permission bits without a file type, as Python's zipfile writes
       * them for writestr(): a regular file all the same. */
      {"py.jsonl", "{\"p\":1}\n", 8, ZIP_CM_DEFLATE, 0600},
  };

  make_zip(zpath, m, sizeof(m) / sizeof(m[0]));
  free(gz);
  fh_write(after, "{\"after\":1}", 11);
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", zpath, after);
  run_paths(h, paths, NULL);

  /* Members in archive order, each with its own lines and offsets. */
  assert_int_equal(h->nrecs, 7);
  snprintf(want, sizeof(want), "%s!events.jsonl", zpath);
  fh_assert_rec(h, 0, want, "{\"n\":1}", 7, 1, 0);
  fh_assert_rec(h, 1, want, "{\"n\":2}", 7, 3, 9);
  snprintf(want, sizeof(want), "%s!sub/doc.json", zpath);
  fh_assert_rec(h, 2, want, pretty_records, strlen(pretty_records), 1, 0);
  snprintf(want, sizeof(want), "%s!sub/more.gz", zpath);
  fh_assert_rec(h, 3, want, "{\"g\":1}", 7, 1, 0);
  fh_assert_rec(h, 4, want, "{\"g\":2}", 7, 2, 8);
  snprintf(want, sizeof(want), "%s!py.jsonl", zpath);
  fh_assert_rec(h, 5, want, "{\"p\":1}", 7, 1, 0);
  fh_assert_rec(h, 6, after, "{\"after\":1}", 11, 1, 0);

  /* The CSV member is skipped and counted, even in an archive named in paths. */
  snprintf(want, sizeof(want), "%s!notes.csv", zpath);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, want, "not JSON (first byte"), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "2 files (5 zip members)", "7 records"), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "done:", "skipped 1 files that are not JSON"),
                   1);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
  free(zpath);
  free(after);
}

/* A member whose data no longer matches its CRC: error naming it, next member read. */
static void test_zip_corrupt_member(void **state) {
  fakehost_t *h = open_file_source();
  char *zpath = fh_path(dir, "bad.zip");
  const char doc[] = "{\"Records\":[{\"eventName\":\"xxxxxxxx\"}]}";
  const char good[] = "{\"ok\":1}\n";
  zmember_t m[] = {
      {"first.json", doc, strlen(doc), ZIP_CM_STORE, 0},
      {"second.jsonl", good, strlen(good), ZIP_CM_STORE, 0},
  };
  char want[PATH_MAX + 64], *bytes, *at;
  size_t len;

  make_zip(zpath, m, 2);
  bytes = fh_read(zpath, &len);
  at = memmem(bytes, len, "xxxxxxxx", 8);
  assert_non_null(at);
  at[3] = 'y';
  fh_write(zpath, bytes, len);
  free(bytes);
  run_one(h, zpath, NULL);

  snprintf(want, sizeof(want), "%s!first.json: ", zpath);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, want, "CRC error"), 1);
  assert_int_equal(h->nrecs, 1);
  snprintf(want, sizeof(want), "%s!second.jsonl", zpath);
  fh_assert_rec(h, 0, want, "{\"ok\":1}", 8, 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
  free(zpath);
}

/* A cut archive (no central directory): one error naming it, next file read. */
static void test_zip_truncated(void **state) {
  fakehost_t *h = open_file_source();
  char *zpath = fh_path(dir, "cut.zip");
  char *next = fh_path(dir, "next.jsonl");
  char paths[2 * PATH_MAX + 8], *bytes;
  size_t len;
  zmember_t m[] = {{"a.jsonl", "{\"a\":1}\n", 8, ZIP_CM_DEFLATE, 0}};

  make_zip(zpath, m, 1);
  bytes = fh_read(zpath, &len);
  fh_write(zpath, bytes, len / 2);
  free(bytes);
  fh_write(next, "{\"after\":true}\n", 15);
  snprintf(paths, sizeof(paths), "\"%s\",\"%s\"", zpath, next);
  run_paths(h, paths, NULL);

  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, zpath, "cannot read zip archive"), 1);
  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, next, "{\"after\":true}", 14, 1, 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "done:", "1 errors"), 1);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
  free(zpath);
  free(next);
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
      cmocka_unit_test_setup_teardown(test_gz_with_trailing_junk, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gz_members_and_big_inflate, setup, teardown),
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
      cmocka_unit_test_setup_teardown(test_truncated_gz, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_gz_document, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gz_bad_checksum, setup, teardown),
      cmocka_unit_test_setup_teardown(test_folder_sorted_recursive_hidden_skipped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_members_read_as_streams, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_corrupt_member, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_truncated, setup, teardown),
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
