/*
 * The `stdin` source plugin (build/plugins/source_stdin.so): fd 0 is
 * swapped for a pipe or a file for each test and restored afterwards.
 */
#include "test_plugin_fakehost.h"

#include <fcntl.h>
#include <time.h>

static int saved_stdin = -1;

/* Makes `fd` the process's fd 0 (and closes fd itself). */
static void replace_stdin(int fd) {
  saved_stdin = dup(STDIN_FILENO);
  assert_true(saved_stdin >= 0);
  assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
  close(fd);
}

static void restore_stdin(void) {
  /* The plugin must have left fd 0 open. */
  assert_int_not_equal(fcntl(STDIN_FILENO, F_GETFD), -1);
  assert_int_equal(dup2(saved_stdin, STDIN_FILENO), STDIN_FILENO);
  close(saved_stdin);
  saved_stdin = -1;
}

typedef struct writer_s {
  int fd;
  const char *data;
  size_t len;
  pthread_t thread;
} writer_t;

static void *write_then_close(void *arg) {
  writer_t *w = arg;
  size_t done = 0;
  ssize_t n;

  while (done < w->len && (n = write(w->fd, w->data + done, w->len - done)) > 0)
    done += (size_t)n;
  close(w->fd);
  return NULL;
}

/* fd 0 becomes a pipe fed with data by a thread, closed at the end. */
static void feed_pipe(writer_t *w, const void *data, size_t len) {
  int p[2];

  assert_int_equal(pipe(p), 0);
  replace_stdin(p[0]);
  w->fd = p[1];
  w->data = data;
  w->len = len;
  assert_int_equal(pthread_create(&w->thread, NULL, write_then_close, w), 0);
}

static fakehost_t *open_stdin_source(void) {
  return fh_open("source_stdin.so", "stdin", VIGIL_PLUGIN_SOURCE);
}

static char *gzip_bytes(const void *data, size_t len, size_t *gzlen) {
  char *dir = fh_tmpdir(), *path = fh_path(dir, "x.gz"), *gz;

  fh_write_gz(path, data, len, "wb");
  gz = fh_read(path, gzlen);
  free(path);
  fh_rmtree(dir);
  return gz;
}

static void test_json_lines_from_pipe(void **state) {
  fakehost_t *h = open_stdin_source();
  char text[200 * 40];
  size_t len = 0, i, at;
  writer_t w;

  for (i = 0; i < 200; i++)
    len += (size_t)sprintf(text + len, "%s{\"i\":%zu}\n", i == 100 ? "\n" : "", i);
  feed_pipe(&w, text, len);
  fh_run_source(h, "{}");
  pthread_join(w.thread, NULL);
  restore_stdin();

  assert_int_equal(h->nrecs, 200);
  for (i = 0, at = 0; i < 200; i++) {
    if (i == 100)
      at++; /* the blank line */
    assert_string_equal(h->recs[i].stream, "stdin");
    assert_int_equal(h->recs[i].offset, at);
    assert_int_equal(h->recs[i].line, i + 1 + (i >= 100));
    assert_int_equal(strtoul(h->recs[i].data + 5, NULL, 10), i);
    at += h->recs[i].len + 1;
  }
  assert_int_equal(atomic_load(&h->done), 1);
  assert_int_equal(fh_logs_at(h, VIGIL_LOG_ERROR), 0);
  fh_close(h);
}

static void test_gzip_document_from_pipe_named(void **state) {
  fakehost_t *h = open_stdin_source();
  static char doc[300 * 1024];
  size_t len = 0, gzlen;
  char *gz;
  writer_t w;

  /* Bigger than a pipe's buffer, so it arrives in many reads. */
  len += (size_t)sprintf(doc, "{\n  \"Records\": [\n");
  while (len < sizeof(doc) - 100)
    len += (size_t)sprintf(doc + len, "    {\"eventName\": \"E%zu\"},\n", len);
  len += (size_t)sprintf(doc + len, "    {}\n  ]\n}\n");
  gz = gzip_bytes(doc, len, &gzlen);
  feed_pipe(&w, gz, gzlen);
  fh_run_source(h, "{\"name\":\"ct-pipe\"}");
  pthread_join(w.thread, NULL);
  restore_stdin();
  free(gz);

  assert_int_equal(h->nrecs, 1);
  fh_assert_rec(h, 0, "ct-pipe", doc, len, 1, 0);
  assert_int_equal(atomic_load(&h->done), 1);
  fh_close(h);
}

static void test_stdin_redirected_from_file(void **state) {
  fakehost_t *h = open_stdin_source();
  char *dir = fh_tmpdir(), *path = fh_path(dir, "in.jsonl");
  const char text[] = "{\"a\":1}\n{\"a\":2}\n";
  int fd;

  fh_write(path, text, strlen(text));
  fd = open(path, O_RDONLY);
  assert_true(fd >= 0);
  replace_stdin(fd);
  fh_run_source(h, NULL);
  restore_stdin();

  assert_int_equal(h->nrecs, 2);
  fh_assert_rec(h, 1, "stdin", "{\"a\":2}", 7, 2, 8);
  fh_close(h);
  free(path);
  fh_rmtree(dir);
}

static size_t nrecs_locked(fakehost_t *h) {
  size_t n;

  pthread_mutex_lock(&h->mu);
  n = h->nrecs;
  pthread_mutex_unlock(&h->mu);
  return n;
}

/* A live pipe: a line is emitted as soon as it arrives, and stop() ends a
 * read that would otherwise wait for the writer forever. */
static void test_live_pipe_then_stop(void **state) {
  fakehost_t *h = open_stdin_source();
  struct timespec tick = {0, 5 * 1000 * 1000};
  int p[2], i;

  assert_int_equal(pipe(p), 0);
  replace_stdin(p[0]);
  assert_int_equal(write(p[1], "{\"live\":1}\n", 11), 11);
  assert_int_equal(fh_create(h, "{}", NULL), VIGIL_OK);
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  for (i = 0; i < 2000 && nrecs_locked(h) == 0; i++) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    nanosleep(&tick, NULL);
  }
  assert_int_equal(nrecs_locked(h), 1);
  fh_assert_rec(h, 0, "stdin", "{\"live\":1}", 10, 1, 0);

  fh_stop_destroy(h); /* returns only once the stopped callback ran */
  assert_int_equal(atomic_load(&h->done), 0);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "stopped:", "1 records"), 1);
  close(p[1]);
  restore_stdin();
  fh_close(h);
}

static void test_config_errors(void **state) {
  fakehost_t *h = open_stdin_source();
  const char *err = NULL;

  assert_int_equal(fh_create(h, "{\"nam\":\"x\"}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "stdin source: unknown option \"nam\"");
  assert_int_equal(fh_create(h, "{\"name\":7}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "stdin source: option \"name\" must be a string");
  fh_close(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_lines_from_pipe),
      cmocka_unit_test(test_gzip_document_from_pipe_named),
      cmocka_unit_test(test_stdin_redirected_from_file),
      cmocka_unit_test(test_live_pipe_then_stop),
      cmocka_unit_test(test_config_errors),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
