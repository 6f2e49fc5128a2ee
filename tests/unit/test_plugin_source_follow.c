/*
 * Follow mode of the `file` source (build/plugins/source_file.so) driven by
 * the fake host: files landing in folders, tailed lines, documents that
 * settle, rotation, truncation, deletion, and the checkpoint that moves
 * only past acknowledged records.
 *
 * Timings are short (settle and poll 150 ms) so the whole file runs in
 * seconds; every wait is bounded (a few seconds) and asserts what arrived,
 * never how fast.
 */
#include "test_plugin_fakehost.h"

#include <cjson/cJSON.h>
#include <inttypes.h>

#define WAIT_MS 5000

static char *dir;   /* what the source follows */
static char *state; /* its state folder */

static int setup(void **st) {
  dir = fh_tmpdir();
  state = fh_tmpdir();
  return 0;
}

static int teardown(void **st) {
  fh_rmtree(dir);
  fh_rmtree(state);
  dir = state = NULL;
  return 0;
}

/* Creates and starts a follow source over `paths_json` (array body). */
static fakehost_t *start(const char *paths_json, int settle_ms, const char *extra, int acks,
                         int with_state) {
  fakehost_t *h = fh_open("source_file.so", "file", VIGIL_PLUGIN_SOURCE);
  char config[8192];
  const char *err = NULL;

  if (acks)
    fh_enable_acks(h, acks == 2);
  if (with_state)
    h->state_dir = state;
  snprintf(config, sizeof(config),
           "{\"paths\":[%s],\"follow\":true,\"settle_ms\":%d,\"poll_ms\":150,"
           "\"checkpoint_ms\":50%s%s}",
           paths_json, settle_ms, extra ? "," : "", extra ? extra : "");
  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "(no message)");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  return h;
}

static char *quoted(const char *path) {
  char *q = malloc(strlen(path) + 3);

  sprintf(q, "\"%s\"", path);
  return q;
}

static fakehost_t *start_dir(int settle_ms, const char *extra, int acks, int with_state) {
  char *q = quoted(dir);
  fakehost_t *h = start(q, settle_ms, extra, acks, with_state);

  free(q);
  return h;
}

static void append(const char *path, const char *text) {
  FILE *f = fopen(path, "ab");

  assert_non_null(f);
  assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
  assert_int_equal(fclose(f), 0);
}

/* How many records are exactly `text`. */
static size_t count(fakehost_t *h, const char *text) {
  size_t i, n = 0;

  pthread_mutex_lock(&h->mu);
  for (i = 0; i < h->nrecs; i++)
    if (strcmp(h->recs[i].data, text) == 0)
      n++;
  pthread_mutex_unlock(&h->mu);
  return n;
}

/* The record that is exactly `text` (asserting there is one). */
static const fh_rec_t *rec(fakehost_t *h, const char *text) {
  size_t i;

  for (i = 0; i < fh_nrecs(h); i++)
    if (strcmp(h->recs[i].data, text) == 0)
      return &h->recs[i];
  fail_msg("no record %s", text);
  return NULL;
}

static void assert_at(fakehost_t *h, const char *text, const char *stream, uint64_t line,
                      uint64_t off) {
  const fh_rec_t *r = rec(h, text);

  assert_string_equal(r->stream, stream);
  assert_int_equal(r->line, line);
  assert_int_equal(r->offset, off);
}

/* Lets the source run a while: nothing more may arrive meanwhile. */
static void settle_a_while(fakehost_t *h, int ms) {
  int64_t until = fh_ms() + ms;

  while (fh_ms() < until)
    fh_pump(h, 5);
}

/* ---- the checkpoint file -------------------------------------------------------------------- */

static cJSON *read_checkpoint(void) {
  char *path = fh_path(state, "checkpoint.json");
  cJSON *root = NULL;
  char *text;
  FILE *f = fopen(path, "rb");

  if (f != NULL) {
    fclose(f);
    text = fh_read(path, NULL);
    root = cJSON_Parse(text);
    free(text);
  }
  free(path);
  return root;
}

/* The checkpoint's offset for path (-1: no entry); *done gets "done". */
static int64_t cp_offset(const char *path, int *done, int64_t *line) {
  cJSON *root = read_checkpoint(), *f;
  int64_t off = -1;

  cJSON_ArrayForEach(f, cJSON_GetObjectItem(root, "files")) {
    if (strcmp(cJSON_GetObjectItem(f, "path")->valuestring, path) == 0) {
      off = (int64_t)cJSON_GetObjectItem(f, "offset")->valuedouble;
      if (done != NULL)
        *done = cJSON_IsTrue(cJSON_GetObjectItem(f, "done"));
      if (line != NULL)
        *line = (int64_t)cJSON_GetObjectItem(f, "line")->valuedouble;
    }
  }
  cJSON_Delete(root);
  return off;
}

/* ---- options -------------------------------------------------------------------------------- */

static void test_follow_options(void **st) {
  fakehost_t *h = fh_open("source_file.so", "file", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  assert_int_equal(fh_create(h, "{\"paths\":[\"x\"],\"settle_ms\":5}", &err), VIGIL_EINVAL);
  assert_non_null(strstr(err, "file source: option \"settle_ms\" needs \"follow\": true"));
  assert_int_equal(fh_create(h, "{\"paths\":[\"x\"],\"follow\":\"yes\"}", &err), VIGIL_EINVAL);
  assert_non_null(strstr(err, "follow"));
  assert_int_equal(fh_create(h, "{\"paths\":[\"x\"],\"follow\":true,\"settle_ms\":500,"
                                "\"incomplete_ms\":100}",
                             &err),
                   VIGIL_EINVAL);
  assert_non_null(strstr(err, "file source: option \"incomplete_ms\" (100) must not be below"));
  assert_int_equal(fh_create(h, "{\"paths\":[\"x\"],\"follow\":true,\"poll_ms\":0}", &err),
                   VIGIL_EINVAL);
  /* Without a state folder or acks it runs, and says what that costs. */
  assert_int_equal(fh_create(h, "{\"paths\":[\"x\"],\"follow\":true}", &err), VIGIL_OK);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, "without a checkpoint", "no state folder"), 1);
  h->plugin->destroy(h->inst);
  h->inst = NULL;
  fh_close(h);
}

/* ---- folders -------------------------------------------------------------------------------- */

static const char pretty[] = "{\n  \"Records\": [\n    {\"eventName\": \"A\"},\n"
                             "    {\"eventName\": \"B\"}\n  ]\n}\n";

static void test_files_landing_in_folders(void **st) {
  char *old = fh_path(dir, "old.json"), *sub = fh_path(dir, "AWSLogs"),
       *deep = fh_path(sub, "2024"), *gz = NULL, *doc = fh_path(dir, "b.json"),
       *readme = fh_path(dir, "README"), *hidden = fh_path(dir, ".partial.json");
  const char compact[] = "{\"Records\":[{\"eventName\":\"Z\"}]}";
  fakehost_t *h;

  fh_write(old, "{\"eventName\":\"old\"}\n", 20);
  h = start_dir(150, NULL, 0, 0);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  assert_at(h, "{\"eventName\":\"old\"}", old, 1, 0);

  /* A new folder two levels down, then an S3-style object inside it. */
  assert_int_equal(mkdir(sub, 0755), 0);
  assert_int_equal(mkdir(deep, 0755), 0);
  gz = fh_path(deep, "111122223333_CloudTrail_us-east-1_20240101T0000Z_x.json.gz");
  fh_write_gz(gz, compact, strlen(compact), "wb");
  fh_write(doc, pretty, strlen(pretty));
  fh_write(readme, "read me\n", 8);
  fh_write(hidden, "{\"eventName\":\"hidden\"}\n", 23);
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  settle_a_while(h, 400);

  assert_int_equal(fh_nrecs(h), 3);
  assert_at(h, compact, gz, 1, 0);
  assert_at(h, pretty, doc, 1, 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, readme, "not JSON"), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  assert_int_equal(atomic_load(&h->done), 0); /* following never ends by itself */
  fh_close(h);
  free(old), free(sub), free(deep), free(gz), free(doc), free(readme), free(hidden);
}

/* ---- tailing -------------------------------------------------------------------------------- */

static void test_tail_partial_lines(void **st) {
  char *log = fh_path(dir, "app.log"), *q = quoted(log);
  const char l1[] = "{\"eventName\":\"E1\"}\n";
  fakehost_t *h = start(q, 150, NULL, 0, 0);

  /* Not there yet: looked for at every scan. */
  FH_WAIT(h, fh_logs_with(h, VIGIL_LOG_INFO, log, "looked for again") == 1, WAIT_MS);
  append(log, l1);
  append(log, "{\"eventName\":");
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  settle_a_while(h, 500); /* past settle_ms: an incomplete last line still waits */
  assert_int_equal(fh_nrecs(h), 1);
  append(log, "\"E2\"}\r\n\n{\"eventName\":\"E3\"}\n");
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);

  assert_at(h, "{\"eventName\":\"E1\"}", log, 1, 0);
  assert_at(h, "{\"eventName\":\"E2\"}", log, 2, strlen(l1));
  assert_at(h, "{\"eventName\":\"E3\"}", log, 4, strlen(l1) + 21);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR) + fh_logs_with(h, VIGIL_LOG_WARN, dir, NULL), 0);
  fh_close(h);
  free(log), free(q);
}

/* A CloudTrail object written without a final newline is one record once it settles. */
static void test_unterminated_record_after_settle(void **st) {
  char *ct = fh_path(dir, "ct.json");
  const char doc[] = "{\"Records\":[{\"eventName\":\"StopLogging\"}]}";
  fakehost_t *h = start_dir(1000, NULL, 0, 0);

  settle_a_while(h, 200);
  fh_write(ct, doc, strlen(doc));
  settle_a_while(h, 300);
  assert_int_equal(fh_nrecs(h), 0); /* written 300 ms ago: not settled */
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  assert_at(h, doc, ct, 1, 0);
  /* If it grows after all, the new lines follow. */
  append(ct, "\n{\"eventName\":\"more\"}\n");
  FH_WAIT(h, fh_nrecs(h) == 2, WAIT_MS);
  assert_at(h, "{\"eventName\":\"more\"}", ct, 2, strlen(doc) + 1);
  fh_close(h);
  free(ct);
}

/* ---- documents that settle ------------------------------------------------------------------ */

/* Gzip-compresses text into a malloc'd buffer. */
static unsigned char *gzip_bytes(const char *text, size_t *len) {
  char *tmp = fh_path(state, "gz.tmp");
  unsigned char *bytes;

  fh_write_gz(tmp, text, strlen(text), "wb");
  bytes = (unsigned char *)fh_read(tmp, len);
  unlink(tmp);
  free(tmp);
  return bytes;
}

static const char pretty_gz[] = "{\n  \"Records\": [\n    {\"eventName\": \"G\"}\n  ]\n}\n";

static void test_documents_written_in_two_writes(void **st) {
  char *doc = fh_path(dir, "two.json"), *gz = fh_path(dir, "two.json.gz"),
       *lines = fh_path(dir, "lines.jsonl.gz");
  char text[200 * 32], line[32];
  unsigned char *gzb, *lnb;
  size_t gzlen, lnlen, i, off;
  fakehost_t *h;
  FILE *f;

  text[0] = '\0';
  for (i = 1; i <= 200; i++) {
    snprintf(line, sizeof(line), "{\"eventName\":\"L%zu\"}\n", i);
    strcat(text, line);
  }
  gzb = gzip_bytes(pretty_gz, &gzlen);
  lnb = gzip_bytes(text, &lnlen);
  h = start_dir(150, "\"incomplete_ms\":10000", 0, 0);
  fh_write(doc, pretty, 20);
  fh_write(gz, gzb, gzlen * 3 / 5);
  fh_write(lines, lnb, lnlen / 2);
  settle_a_while(h, 700); /* well past settle_ms: each was tried and found incomplete */
  assert_int_equal(count(h, pretty) + count(h, pretty_gz), 0);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR) + fh_logs_with(h, VIGIL_LOG_WARN, dir, NULL), 0);

  f = fopen(doc, "ab");
  fwrite(pretty + 20, 1, strlen(pretty) - 20, f);
  fclose(f);
  fh_write(gz, gzb, gzlen);
  fh_write(lines, lnb, lnlen);
  FH_WAIT(h, fh_nrecs(h) == 2 + 200, WAIT_MS);
  settle_a_while(h, 400);

  assert_int_equal(fh_nrecs(h), 2 + 200);
  assert_at(h, pretty, doc, 1, 0);
  assert_at(h, pretty_gz, gz, 1, 0);
  for (i = 1, off = 0; i <= 200; i++) { /* the lines before the cut were not emitted twice */
    snprintf(line, sizeof(line), "{\"eventName\":\"L%zu\"}", i);
    assert_int_equal(count(h, line), 1);
    assert_at(h, line, lines, i, off);
    off += strlen(line) + 1;
  }
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR) + fh_logs_with(h, VIGIL_LOG_WARN, dir, NULL), 0);
  fh_close(h);
  free(gzb), free(lnb), free(doc), free(gz), free(lines);
}

static void test_incomplete_document_gives_up(void **st) {
  char *doc = fh_path(dir, "cut.json");
  fakehost_t *h = start_dir(100, "\"incomplete_ms\":600", 0, 0);

  fh_write(doc, pretty, 30);
  FH_WAIT(h, fh_logs_at(h, VIGIL_LOG_ERROR) == 1, WAIT_MS);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, doc, "still incomplete"), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, doc, "not one complete JSON value"), 1);
  settle_a_while(h, 500);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 1); /* said once */
  assert_int_equal(fh_nrecs(h), 0);
  /* Once it changes it is tried again. */
  fh_write(doc, pretty, strlen(pretty));
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  assert_at(h, pretty, doc, 1, 0);
  fh_close(h);
  free(doc);
}

/* ---- truncation, rotation, deletion --------------------------------------------------------- */

static void test_truncation(void **st) {
  char *log = fh_path(dir, "t.log");
  fakehost_t *h;

  fh_write(log, "{\"e\":1}\n{\"e\":2}\n{\"e\":3}\n", 24);
  h = start_dir(150, NULL, 0, 0);
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  fh_write(log, "{\"e\":9}\n", 8); /* shorter than what was read */
  FH_WAIT(h, fh_nrecs(h) == 4, WAIT_MS);
  assert_int_equal(h->recs[3].line, 1);
  assert_int_equal(h->recs[3].offset, 0);
  assert_string_equal(h->recs[3].data, "{\"e\":9}");
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, log, "truncated"), 1);
  /* Emptied and refilled past the old end before a look: its first bytes tell. */
  fh_write(log, "{\"f\":1}\n{\"f\":2}\n{\"f\":3}\n{\"f\":4}\n", 32);
  FH_WAIT(h, fh_nrecs(h) == 8, WAIT_MS);
  assert_at(h, "{\"f\":1}", log, 1, 0);
  assert_at(h, "{\"f\":4}", log, 4, 24);
  fh_close(h);
  free(log);
}

static void test_rotation(void **st) {
  char *log = fh_path(dir, "app.log"), *old = fh_path(dir, "app.log.1");
  fakehost_t *h;
  FILE *writer;

  fh_write(log, "{\"r\":1}\n{\"r\":2}\n", 16);
  h = start_dir(150, NULL, 0, 0);
  FH_WAIT(h, fh_nrecs(h) == 2, WAIT_MS);
  /* The writer keeps its descriptor across the rename, as a logger does until told. */
  writer = fopen(log, "ab");
  assert_int_equal(rename(log, old), 0);
  fputs("{\"r\":3}\n", writer);
  fclose(writer);
  fh_write(log, "{\"n\":1}\n", 8);
  FH_WAIT(h, fh_nrecs(h) == 4, WAIT_MS);
  settle_a_while(h, 400);

  assert_int_equal(fh_nrecs(h), 4);
  assert_at(h, "{\"r\":3}", old, 3, 16);
  assert_at(h, "{\"n\":1}", log, 1, 0);
  assert_int_equal(count(h, "{\"r\":1}") + count(h, "{\"r\":2}"), 2);
  fh_close(h);
  free(log), free(old);
}

/* A named file rotated out of sight: what it held is still read, then the new one. */
static void test_rotation_out_of_sight(void **st) {
  char *log = fh_path(dir, "named.log"), *away = fh_path(state, "named.log.1"), *q = quoted(log);
  fakehost_t *h;

  fh_write(log, "{\"m\":1}\n", 8);
  h = start(q, 150, NULL, 0, 0);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  append(log, "{\"m\":2}\n");
  assert_int_equal(rename(log, away), 0);
  fh_write(log, "{\"m\":3}\n", 8);
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  settle_a_while(h, 400);

  assert_int_equal(fh_nrecs(h), 3);
  assert_int_equal(count(h, "{\"m\":2}"), 1);
  assert_at(h, "{\"m\":3}", log, 1, 0);
  fh_close(h);
  free(log), free(away), free(q);
}

static void test_deletion(void **st) {
  char *log = fh_path(dir, "del.log");
  fakehost_t *h;

  fh_write(log, "{\"d\":1}\n", 8);
  h = start_dir(150, NULL, 0, 0);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  append(log, "{\"d\":2}\n");
  assert_int_equal(unlink(log), 0); /* what the open descriptor holds is finished */
  FH_WAIT(h, fh_nrecs(h) == 2, WAIT_MS);
  settle_a_while(h, 400); /* a full scan forgets it */
  fh_write(log, "{\"d\":3}\n", 8);
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  settle_a_while(h, 300);

  assert_int_equal(fh_nrecs(h), 3);
  assert_int_equal(count(h, "{\"d\":2}"), 1);
  assert_at(h, "{\"d\":3}", log, 1, 0);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
  free(log);
}

/* ---- checkpoint ----------------------------------------------------------------------------- */

static void test_checkpoint_resume(void **st) {
  char *log = fh_path(dir, "a.log"), *gz = fh_path(dir, "b.json.gz");
  const char lines[] = "{\"c\":1}\n{\"c\":2}\n{\"c\":3}\n";
  int done = 0;
  int64_t line = 0;
  fakehost_t *h;
  cJSON *root;

  fh_write(log, lines, strlen(lines));
  fh_write_gz(gz, pretty, strlen(pretty), "wb");
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 4, WAIT_MS);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == (int64_t)strlen(lines), WAIT_MS);
  fh_close(h);

  root = read_checkpoint();
  assert_non_null(root);
  assert_int_equal(cJSON_GetObjectItem(root, "version")->valueint, 1);
  cJSON_Delete(root);
  assert_int_equal(cp_offset(log, &done, &line), (int64_t)strlen(lines));
  assert_int_equal(line, 3);
  assert_false(done);
  assert_int_equal(cp_offset(gz, &done, NULL), (int64_t)strlen(pretty));
  assert_true(done);

  /* Restarted: nothing again; a new line is read from where it stopped. */
  h = start_dir(150, NULL, 1, 1);
  settle_a_while(h, 500);
  assert_int_equal(fh_nrecs(h), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "checkpoint", "2 files"), 1);
  append(log, "{\"c\":4}\n");
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  settle_a_while(h, 300);
  assert_int_equal(fh_nrecs(h), 1);
  assert_at(h, "{\"c\":4}", log, 4, strlen(lines));
  fh_close(h);
  free(log), free(gz);
}

static void test_checkpoint_only_past_acks(void **st) {
  char *log = fh_path(dir, "a.log");
  const char lines[] = "{\"k\":1}\n{\"k\":2}\n{\"k\":3}\n";
  int64_t line = 0;
  fakehost_t *h;

  fh_write(log, lines, strlen(lines));
  h = start_dir(150, NULL, 2, 1); /* acks held */
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  settle_a_while(h, 300);
  assert_int_equal(cp_offset(log, NULL, NULL), 0); /* emitted, not acknowledged */

  assert_int_equal(fh_release_acks(h, 2, VIGIL_OK), 2);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == 16, WAIT_MS);
  assert_int_equal(cp_offset(log, NULL, &line), 16);
  assert_int_equal(line, 2);
  fh_close(h); /* the third ack comes back VIGIL_ECLOSED */
  assert_int_equal(cp_offset(log, NULL, NULL), 16);

  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  settle_a_while(h, 300);
  assert_int_equal(fh_nrecs(h), 1);
  assert_at(h, "{\"k\":3}", log, 3, 16);
  fh_close(h);
  free(log);
}

/*
 * Rotated while stopped: the old file kept its inode under a new name (and
 * got one more line), a new file took its name. The old file resumes where
 * the checkpoint left it and the new one is read from its start; the new
 * file's name matches the old entry's path, but the inode wins.
 */
static void test_checkpoint_rotated_while_stopped(void **st) {
  char *log = fh_path(dir, "app.log"), *old = fh_path(dir, "app.log.1");
  const char lines[] = "{\"c\":1}\n{\"c\":2}\n{\"c\":3}\n";
  fakehost_t *h;

  fh_write(log, lines, strlen(lines));
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == (int64_t)strlen(lines), WAIT_MS);
  fh_close(h);

  append(log, "{\"c\":4}\n");
  assert_int_equal(rename(log, old), 0);
  fh_write(log, "{\"n\":1}\n", 8);
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) >= 2, WAIT_MS);
  settle_a_while(h, 400);
  assert_int_equal(fh_nrecs(h), 2);
  assert_at(h, "{\"c\":4}", old, 4, strlen(lines));
  assert_at(h, "{\"n\":1}", log, 1, 0);
  fh_close(h);
  free(log), free(old);
}

/* Copies path to path.tmp with its times (as rsync -a or a restore from
 * backup does); renaming it over path gives the same bytes a new inode. */
static void copy_aside(const char *path) {
  size_t n;
  char *data = fh_read(path, &n);
  char tmp[4096];
  struct stat st;
  struct timespec times[2];

  assert_int_equal(stat(path, &st), 0);
  times[0] = st.st_atim;
  times[1] = st.st_mtim;
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  fh_write(tmp, data, n);
  assert_int_equal(utimensat(AT_FDCWD, tmp, times, 0), 0);
  free(data);
}

static void move_back(const char *path) {
  char tmp[4096];

  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  assert_int_equal(rename(tmp, path), 0);
}

/*
 * Files on new inodes at the paths the checkpoint names: a gzip object
 * whose bytes are the same is not read again; a tailed file is read again
 * from its start (duplicates rather than a guess that could skip lines).
 */
static void test_checkpoint_path_on_new_inode(void **st) {
  char *log = fh_path(dir, "a.log"), *gz = fh_path(dir, "b.json.gz");
  const char lines[] = "{\"c\":1}\n{\"c\":2}\n";
  fakehost_t *h;

  fh_write(log, lines, strlen(lines));
  fh_write_gz(gz, pretty, strlen(pretty), "wb");
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 3, WAIT_MS);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == (int64_t)strlen(lines), WAIT_MS);
  fh_close(h);

  /* Both copies first: a freed inode must not be reused by the other file. */
  copy_aside(log);
  copy_aside(gz);
  move_back(log);
  move_back(gz);
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) >= 2, WAIT_MS);
  settle_a_while(h, 400);
  assert_int_equal(fh_nrecs(h), 2);
  assert_at(h, "{\"c\":1}", log, 1, 0);
  assert_at(h, "{\"c\":2}", log, 2, 8);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, log, "read from its start"), 1);
  fh_close(h);
  free(log), free(gz);
}

/* A checkpoint that cannot be used is set aside; every file is read from its start. */
static void corrupt_case(const char *text, const char *why) {
  char *cp = fh_path(state, "checkpoint.json"), *aside = fh_path(state, "checkpoint.json.corrupt");
  char *log = fh_path(dir, "a.log"), *kept;
  fakehost_t *h;

  fh_write(log, "{\"x\":1}\n{\"x\":2}\n", 16);
  fh_write(cp, text, strlen(text));
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 2, WAIT_MS);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == 16, WAIT_MS);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, cp, why), 1);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, "set aside", "read again from its start"), 1);
  kept = fh_read(aside, NULL);
  assert_string_equal(kept, text);
  free(kept);
  fh_close(h);
  unlink(aside);
  unlink(cp);
  free(cp), free(aside), free(log);
}

static void test_checkpoint_corrupt(void **st) {
  corrupt_case("{\"version\":1,\"files\":[", "not valid JSON");
  corrupt_case("{\"version\":2,\"files\":[]}", "version 2, this plugin reads version 1");
  corrupt_case("{\"version\":1,\"files\":[{\"path\":\"/x\",\"dev\":\"1\"}]}",
               "file entry 1: bad or missing \"ino\"");
}

/* An entry whose fingerprint does not match is another file on a reused inode. */
static void test_checkpoint_other_file(void **st) {
  char *log = fh_path(dir, "a.log"), *cp = fh_path(state, "checkpoint.json"), *text, *at;
  fakehost_t *h;

  fh_write(log, "{\"y\":1}\n{\"y\":2}\n", 16);
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, cp_offset(log, NULL, NULL) == 16, WAIT_MS);
  fh_close(h);
  text = fh_read(cp, NULL);
  at = strstr(text, "\"fp\":\"");
  assert_non_null(at);
  memcpy(at + 6, "0123456789abcdef", 16);
  fh_write(cp, text, strlen(text));
  free(text);

  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 2, WAIT_MS);
  assert_at(h, "{\"y\":1}", log, 1, 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, log, "first bytes changed"), 1);
  fh_close(h);
  free(log), free(cp);
}

/*
 * A whole file the checkpoint says is done, on the same inode with the same
 * size and time but other first bytes (an inode reused by another object):
 * it is read, not skipped.
 */
static void test_checkpoint_done_other_object(void **st) {
  char *gz = fh_path(dir, "b.json.gz"), *cp = fh_path(state, "checkpoint.json"), *text, *at;
  fakehost_t *h;

  fh_write_gz(gz, pretty, strlen(pretty), "wb");
  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  FH_WAIT(h, cp_offset(gz, NULL, NULL) == (int64_t)strlen(pretty), WAIT_MS);
  fh_close(h);
  text = fh_read(cp, NULL);
  at = strstr(text, "\"fp\":\"");
  assert_non_null(at);
  memcpy(at + 6, "0123456789abcdef", 16);
  fh_write(cp, text, strlen(text));
  free(text);

  h = start_dir(150, NULL, 1, 1);
  FH_WAIT(h, fh_nrecs(h) == 1, WAIT_MS);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, gz, "first bytes changed"), 1);
  fh_close(h);
  free(gz), free(cp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_follow_options),
      cmocka_unit_test_setup_teardown(test_files_landing_in_folders, setup, teardown),
      cmocka_unit_test_setup_teardown(test_tail_partial_lines, setup, teardown),
      cmocka_unit_test_setup_teardown(test_unterminated_record_after_settle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_documents_written_in_two_writes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_incomplete_document_gives_up, setup, teardown),
      cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
      cmocka_unit_test_setup_teardown(test_rotation_out_of_sight, setup, teardown),
      cmocka_unit_test_setup_teardown(test_deletion, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_resume, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_only_past_acks, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_rotated_while_stopped, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_path_on_new_inode, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_corrupt, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_other_file, setup, teardown),
      cmocka_unit_test_setup_teardown(test_checkpoint_done_other_object, setup, teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
