/*
 * The `file` source plugin on gzip and zip input: members, damage, cuts
 * and junk reported where they are, with what came before kept; and
 * small .gz files inflated whole (with libdeflate) reading the same as
 * streamed ones.
 */
#include "source_file_fixture.h"

#include <zip.h>

/* ---- gzip: broken, concatenated and inflated whole ------------------------------------------- */

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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_gz_with_trailing_junk, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gz_members_and_big_inflate, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_gz, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncated_gz_document, setup, teardown),
      cmocka_unit_test_setup_teardown(test_gz_bad_checksum, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_members_read_as_streams, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_corrupt_member, setup, teardown),
      cmocka_unit_test_setup_teardown(test_zip_truncated, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
