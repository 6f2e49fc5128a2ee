/*
 * A fake host for driving the real built plugins (source_file.so, ...) in
 * unit tests: a real uv loop, a services table that records what the
 * plugin emits, logs and delivers, and helpers for temporary files.
 *
 * Included by tests/unit/test_plugin_{source_file,source_follow,source_stdin,
 * sinks}.c; everything is static, marked unused so each test takes what it
 * needs.
 *
 * Acknowledgements (ABI 1.1 emit_acked) are off unless a test calls
 * fh_enable_acks(): then every emit_acked is recorded like emit and its ack
 * queued; the loop thread (the test's, inside uv_run) calls the acks in
 * emit order, right away or, when held, as the test releases them.
 */
#ifndef TEST_PLUGIN_FAKEHOST_H
#define TEST_PLUGIN_FAKEHOST_H

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include <vigil/plugin.h>

#define FH_UNUSED __attribute__((unused))

typedef struct fh_rec_s {
  char *data;
  size_t len;
  uint64_t line, offset;
  char *stream;
} fh_rec_t;

typedef struct fh_log_s {
  vigil_log_level_t level;
  char *text;
} fh_log_t;

typedef struct fh_delivery_s {
  void *token;
  vigil_delivery_t outcome;
} fh_delivery_t;

typedef struct fh_ack_s {
  vigil_ack_cb cb;
  void *arg;
} fh_ack_t;

typedef struct fakehost_s {
  uv_loop_t loop;
  vigil_services_t svc;
  void *dl;
  const vigil_plugin_t *plugin;
  void *inst;
  pthread_mutex_t mu;
  fh_rec_t recs[8192];
  size_t nrecs;
  fh_log_t logs[256];
  size_t nlogs;
  fh_delivery_t deliveries[64];
  size_t ndeliveries;
  atomic_int done;    /* source_done() calls */
  int stopped;        /* stopped-callback calls */
  size_t close_after; /* emit() answers VIGIL_ECLOSED once this many emits were taken */
  size_t nemits;      /* emits taken */
  size_t nruns;       /* of which VIGIL_FORMAT_NDJSON runs */
  int old_host;       /* answer VIGIL_FORMAT_NDJSON with VIGIL_EINVAL, as ABI 1.2 hosts do */
  const char *state_dir; /* what state_dir() answers; NULL by default */
  /* acks: queued under mu, called on the loop thread */
  int acks_on;
  int acks_held;        /* queue them until fh_release_acks() */
  uv_async_t ack_async;
  fh_ack_t acks[8192];
  size_t nacks_queued;  /* acks[0..nacks_queued) were queued */
  size_t nacks_called;  /* acks[0..nacks_called) were called */
  size_t nacks_ok;
} fakehost_t;

static fakehost_t *fh_of(vigil_host_t *host) {
  return (fakehost_t *)host;
}

static void fh_log(vigil_host_t *host, vigil_log_level_t level, const char *fmt, ...)
    VIGIL_PRINTF(3, 4);

static void fh_log(vigil_host_t *host, vigil_log_level_t level, const char *fmt, ...) {
  fakehost_t *h = fh_of(host);
  char buf[2048];
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (getenv("FH_VERBOSE") != NULL)
    fprintf(stderr, "[plugin log %d] %s\n", (int)level, buf);
  pthread_mutex_lock(&h->mu);
  if (h->nlogs < sizeof(h->logs) / sizeof(h->logs[0])) {
    h->logs[h->nlogs].level = level;
    h->logs[h->nlogs].text = strdup(buf);
    h->nlogs++;
  }
  pthread_mutex_unlock(&h->mu);
}

static void fh_take(fakehost_t *h, const char *data, size_t len, const vigil_position_t *pos,
                    uint64_t line, uint64_t offset) {
  fh_rec_t *r;

  assert_true(h->nrecs < sizeof(h->recs) / sizeof(h->recs[0]));
  r = &h->recs[h->nrecs++];
  r->data = malloc(len + 1);
  memcpy(r->data, data, len);
  r->data[len] = '\0';
  r->len = len;
  r->line = line;
  r->offset = offset;
  r->stream = strdup(pos->stream);
}

static int fh_blank(const char *p, size_t n) {
  while (n > 0 && strchr(" \t\r\f\v", p[n - 1]) != NULL)
    n--;
  return n == 0;
}

/*
 * Under h->mu: records one emit; returns its status. A VIGIL_FORMAT_NDJSON
 * run is split as the host's contract says (each line a record at its own
 * line and offset, '\r' dropped, blank lines skipped), so tests see the
 * same records whichever way the plugin framed them.
 */
static int fh_record(fakehost_t *h, const void *data, size_t len, vigil_format_t format,
                     const vigil_position_t *pos) {
  const char *p = data, *end = p + len, *nl, *q;
  uint64_t line;

  if (pos == NULL || pos->stream == NULL)
    return VIGIL_EINVAL;
  if (format != VIGIL_FORMAT_JSON && (format != VIGIL_FORMAT_NDJSON || h->old_host))
    return VIGIL_EINVAL;
  if (h->close_after > 0 && h->nemits >= h->close_after)
    return VIGIL_ECLOSED;
  h->nemits++;
  if (format == VIGIL_FORMAT_JSON) {
    fh_take(h, data, len, pos, pos->line, pos->offset);
    return VIGIL_OK;
  }
  h->nruns++;
  for (line = pos->line; p < end; line++, p = nl + 1) {
    nl = memchr(p, '\n', (size_t)(end - p));
    q = nl ? nl : end;
    if (q > p && q[-1] == '\r')
      q--;
    if (!fh_blank(p, (size_t)(q - p)))
      fh_take(h, p, (size_t)(q - p), pos, line, pos->offset + (uint64_t)(p - (const char *)data));
    if (!nl)
      break;
  }
  return VIGIL_OK;
}

static int fh_emit(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                   const vigil_position_t *pos) {
  fakehost_t *h = fh_of(host);
  int rc;

  pthread_mutex_lock(&h->mu);
  rc = fh_record(h, data, len, format, pos);
  pthread_mutex_unlock(&h->mu);
  return rc;
}

static int fh_emit_acked(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                         const vigil_position_t *pos, vigil_ack_cb ack, void *arg) {
  fakehost_t *h = fh_of(host);
  int rc, held;

  pthread_mutex_lock(&h->mu);
  rc = fh_record(h, data, len, format, pos);
  if (rc == VIGIL_OK) {
    assert_true(h->nacks_queued < sizeof(h->acks) / sizeof(h->acks[0]));
    h->acks[h->nacks_queued].cb = ack;
    h->acks[h->nacks_queued].arg = arg;
    h->nacks_queued++;
  }
  held = h->acks_held;
  pthread_mutex_unlock(&h->mu);
  if (rc == VIGIL_OK && !held)
    uv_async_send(&h->ack_async);
  return rc;
}

/* Loop thread: calls up to n queued acks, in order, with status. */
static size_t fh_call_acks(fakehost_t *h, size_t n, int status) {
  size_t called = 0;
  fh_ack_t a;

  for (;;) {
    pthread_mutex_lock(&h->mu);
    if (called == n || h->nacks_called == h->nacks_queued) {
      pthread_mutex_unlock(&h->mu);
      return called;
    }
    a = h->acks[h->nacks_called++];
    if (status == VIGIL_OK)
      h->nacks_ok++;
    pthread_mutex_unlock(&h->mu);
    a.cb(a.arg, status);
    called++;
  }
}

static void fh_on_ack_async(uv_async_t *a) {
  fakehost_t *h = a->data;

  if (!h->acks_held)
    fh_call_acks(h, SIZE_MAX, VIGIL_OK);
}

static void fh_source_done(vigil_host_t *host) {
  atomic_fetch_add(&fh_of(host)->done, 1);
}

static void fh_delivered(vigil_host_t *host, void *token, vigil_delivery_t outcome) {
  fakehost_t *h = fh_of(host);

  assert_true(h->ndeliveries < sizeof(h->deliveries) / sizeof(h->deliveries[0]));
  h->deliveries[h->ndeliveries].token = token;
  h->deliveries[h->ndeliveries].outcome = outcome;
  h->ndeliveries++;
}

static const char *fh_state_dir(vigil_host_t *host) {
  return fh_of(host)->state_dir;
}

static const char *fh_instance_name(vigil_host_t *host) {
  return "test";
}

static void fh_stopped(void *arg) {
  ((fakehost_t *)arg)->stopped++;
}

/* Loads <build>/plugins/<so> and checks the descriptor's fixed fields. */
static FH_UNUSED fakehost_t *fh_open(const char *so, const char *name, uint32_t kind) {
  fakehost_t *h = calloc(1, sizeof(*h));
  char path[PATH_MAX];
  vigil_plugin_entry_fn entry;

  assert_non_null(h);
  assert_int_equal(uv_loop_init(&h->loop), 0);
  pthread_mutex_init(&h->mu, NULL);
  atomic_init(&h->done, 0);
  h->svc.size = sizeof(h->svc);
  h->svc.loop = &h->loop;
  h->svc.log = fh_log;
  h->svc.emit = fh_emit;
  h->svc.source_done = fh_source_done;
  h->svc.delivered = fh_delivered;
  h->svc.state_dir = fh_state_dir;
  h->svc.instance_name = fh_instance_name;

  snprintf(path, sizeof(path), "%s/%s", VIGIL_BUILD_PLUGIN_DIR, so);
  h->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (h->dl == NULL)
    fail_msg("dlopen %s: %s", path, dlerror());
  *(void **)&entry = dlsym(h->dl, VIGIL_PLUGIN_ENTRY_SYMBOL);
  assert_non_null(entry);
  h->plugin = entry();
  assert_non_null(h->plugin);
  assert_int_equal(h->plugin->abi_major, VIGIL_ABI_MAJOR);
  assert_int_equal(h->plugin->abi_minor, VIGIL_ABI_MINOR);
  assert_int_equal(h->plugin->size, sizeof(vigil_plugin_t));
  assert_string_equal(h->plugin->name, name);
  assert_string_equal(h->plugin->version, "0.1.0");
  assert_int_equal(h->plugin->kind, kind);
  assert_non_null(h->plugin->description);
  assert_non_null(h->plugin->config_schema);
  assert_non_null(h->plugin->create);
  assert_non_null(h->plugin->start);
  assert_non_null(h->plugin->stop);
  assert_non_null(h->plugin->destroy);
  assert_non_null(h->plugin->last_error);
  if (kind & VIGIL_PLUGIN_SINK)
    assert_non_null(h->plugin->deliver);
  return h;
}

/* create() with `config`; returns its status and leaves the error text in *err. */
static FH_UNUSED int fh_create(fakehost_t *h, const char *config, const char **err) {
  const char *msg = NULL;
  int rc;

  rc = h->plugin->create(&h->svc, (vigil_host_t *)h, config, &h->inst, &msg);
  if (err != NULL)
    *err = msg;
  if (rc != VIGIL_OK)
    assert_null(h->inst);
  return rc;
}

/* Stops (the callback must come exactly once) and destroys the instance. */
static FH_UNUSED void fh_stop_destroy(fakehost_t *h) {
  int before = h->stopped;

  assert_int_equal(h->plugin->stop(h->inst, fh_stopped, h), VIGIL_OK);
  while (h->stopped == before)
    assert_true(uv_run(&h->loop, UV_RUN_ONCE) >= 0);
  assert_int_equal(h->stopped, before + 1);
  /* As a host shutting down would: what was never acknowledged is not done. */
  if (h->acks_on) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    fh_call_acks(h, SIZE_MAX, VIGIL_ECLOSED);
  }
  h->plugin->destroy(h->inst);
  h->inst = NULL;
}

/* A source from create to destroy: runs the loop until its thread is done. */
static FH_UNUSED void fh_run_source(fakehost_t *h, const char *config) {
  const char *err = NULL;

  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "(no message)");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  /* The loop returns once the reader thread is joined and its handle closed. */
  assert_int_equal(uv_run(&h->loop, UV_RUN_DEFAULT), 0);
  fh_stop_destroy(h);
}

static FH_UNUSED void fh_close(fakehost_t *h) {
  size_t i;

  if (h->inst != NULL)
    fh_stop_destroy(h);
  if (h->acks_on)
    uv_close((uv_handle_t *)&h->ack_async, NULL);
  assert_int_equal(uv_run(&h->loop, UV_RUN_DEFAULT), 0);
  assert_int_equal(uv_loop_close(&h->loop), 0); /* nothing left open by the plugin */
  for (i = 0; i < h->nrecs; i++) {
    free(h->recs[i].data);
    free(h->recs[i].stream);
  }
  for (i = 0; i < h->nlogs; i++)
    free(h->logs[i].text);
  dlclose(h->dl);
  pthread_mutex_destroy(&h->mu);
  free(h);
}

/* Offers emit_acked (ABI 1.1); `held`: acks wait for fh_release_acks(). */
static FH_UNUSED void fh_enable_acks(fakehost_t *h, int held) {
  assert_int_equal(uv_async_init(&h->loop, &h->ack_async, fh_on_ack_async), 0);
  h->ack_async.data = h;
  uv_unref((uv_handle_t *)&h->ack_async); /* must not keep fh_run_source's loop alive */
  h->acks_on = 1;
  h->acks_held = held;
  h->svc.emit_acked = fh_emit_acked;
}

/* Calls up to n held acks with status; returns how many were called. */
static FH_UNUSED size_t fh_release_acks(fakehost_t *h, size_t n, int status) {
  return fh_call_acks(h, n, status);
}

static FH_UNUSED int64_t fh_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Runs the loop without blocking, then sleeps ms. */
static FH_UNUSED void fh_pump(fakehost_t *h, int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

  uv_run(&h->loop, UV_RUN_NOWAIT);
  nanosleep(&ts, NULL);
}

static FH_UNUSED size_t fh_nrecs(fakehost_t *h) {
  size_t n;

  pthread_mutex_lock(&h->mu);
  n = h->nrecs;
  pthread_mutex_unlock(&h->mu);
  return n;
}

/* Pumps the loop until `cond` holds or ms pass; the caller asserts cond after. */
#define FH_WAIT(h, cond, ms)                                                                       \
  do {                                                                                             \
    int64_t fh_until_ = fh_ms() + (ms);                                                            \
    while (!(cond) && fh_ms() < fh_until_)                                                         \
      fh_pump((h), 5);                                                                             \
  } while (0)

/* How many log lines at `level` contain every one of the given strings. */
static FH_UNUSED size_t fh_logs_with(fakehost_t *h, vigil_log_level_t level, const char *a,
                                     const char *b) {
  size_t i, n = 0;

  pthread_mutex_lock(&h->mu); /* a follow source may still be logging */
  for (i = 0; i < h->nlogs; i++)
    if (h->logs[i].level == level && (a == NULL || strstr(h->logs[i].text, a) != NULL) &&
        (b == NULL || strstr(h->logs[i].text, b) != NULL))
      n++;
  pthread_mutex_unlock(&h->mu);
  return n;
}

static FH_UNUSED size_t fh_logs_at(fakehost_t *h, vigil_log_level_t level) {
  return fh_logs_with(h, level, NULL, NULL);
}

/* Asserts record i is exactly `text` at line/offset of `stream`. */
static FH_UNUSED void fh_assert_rec(fakehost_t *h, size_t i, const char *stream, const char *text,
                                    size_t len, uint64_t line, uint64_t offset) {
  assert_true(i < h->nrecs);
  assert_string_equal(h->recs[i].stream, stream);
  assert_int_equal(h->recs[i].len, len);
  assert_memory_equal(h->recs[i].data, text, len);
  assert_int_equal(h->recs[i].line, line);
  assert_int_equal(h->recs[i].offset, offset);
}

/* ---- temporary files ------------------------------------------------------------------------ */

static FH_UNUSED char *fh_tmpdir(void) {
  char tmpl[] = "/tmp/vigil-plugin-io-XXXXXX";

  assert_non_null(mkdtemp(tmpl));
  return strdup(tmpl);
}

static FH_UNUSED void fh_rmtree(char *dir) {
  char cmd[PATH_MAX + 16];

  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
  free(dir);
}

/* Returns a malloc'd "<dir>/<name>". */
static FH_UNUSED char *fh_path(const char *dir, const char *name) {
  char *p = malloc(strlen(dir) + strlen(name) + 2);

  assert_non_null(p);
  sprintf(p, "%s/%s", dir, name);
  return p;
}

static FH_UNUSED void fh_write(const char *path, const void *data, size_t len) {
  FILE *f = fopen(path, "wb");

  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

/* Writes data gzip-compressed; mode "ab" appends another gzip member. */
static FH_UNUSED void fh_write_gz(const char *path, const void *data, size_t len,
                                  const char *mode) {
  gzFile g = gzopen(path, mode);

  assert_non_null(g);
  assert_int_equal(gzwrite(g, data, (unsigned)len), (int)len);
  assert_int_equal(gzclose(g), Z_OK);
}

/* Reads a whole file into a NUL-terminated buffer. */
static FH_UNUSED char *fh_read(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *buf;
  long n;

  assert_non_null(f);
  assert_int_equal(fseek(f, 0, SEEK_END), 0);
  n = ftell(f);
  assert_true(n >= 0);
  rewind(f);
  buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  if (len != NULL)
    *len = (size_t)n;
  return buf;
}

#endif
