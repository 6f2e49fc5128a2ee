/*
 * The `webhook` sink (build/plugins/sink_webhook.so) driven by a fake host
 * against a scripted HTTP server on a thread: what each answer leads to
 * (DONE, FAILED, RETRY after retries, RETRY when Retry-After is too long),
 * stopping with a retry pending, what the logs show of secrets, and the
 * options it refuses.
 */
#include "test_plugin_fakehost.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

/* ---- a scripted server ---------------------------------------------------------------------- */

typedef struct server_s {
  int fd, port;
  const char *const *answers; /* one status line + headers per request, NULL-ended */
  atomic_int served;
  char bodies[8][4096];
  char heads[8][2048];
  pthread_t thread;
} server_t;

static void serve_one(server_t *s, int c, int k) {
  char buf[8192], *end, *cl;
  size_t got = 0, need;
  ssize_t n;
  const char *ans = s->answers[k] != NULL ? s->answers[k] : "200 OK\r\n";
  char out[512];

  while ((end = memmem(buf, got, "\r\n\r\n", 4)) == NULL && got < sizeof(buf) - 1) {
    if ((n = recv(c, buf + got, sizeof(buf) - 1 - got, 0)) <= 0)
      return;
    got += (size_t)n;
  }
  if (end == NULL)
    return;
  buf[got] = '\0';
  cl = strcasestr(buf, "Content-Length: ");
  need = (size_t)(end + 4 - buf) + (cl != NULL ? (size_t)atol(cl + 16) : 0);
  while (got < need && got < sizeof(buf) - 1) {
    if ((n = recv(c, buf + got, sizeof(buf) - 1 - got, 0)) <= 0)
      return;
    got += (size_t)n;
  }
  buf[got] = '\0';
  if (k < 8) {
    snprintf(s->heads[k], sizeof(s->heads[k]), "%.*s", (int)(end - buf), buf);
    snprintf(s->bodies[k], sizeof(s->bodies[k]), "%s", end + 4);
  }
  snprintf(out, sizeof(out), "HTTP/1.1 %sContent-Length: 2\r\nConnection: close\r\n\r\n{}",
           ans);
  send(c, out, strlen(out), MSG_NOSIGNAL);
}

static void *server_main(void *arg) {
  server_t *s = arg;
  int c, k;

  while ((c = accept(s->fd, NULL, NULL)) >= 0) {
    k = atomic_load(&s->served);
    serve_one(s, c, k);
    atomic_fetch_add(&s->served, 1);
    close(c);
  }
  return NULL;
}

static server_t *server_start(const char *const *answers) {
  server_t *s = calloc(1, sizeof(*s));
  struct sockaddr_in sa;
  socklen_t len = sizeof(sa);

  s->answers = answers;
  atomic_init(&s->served, 0);
  s->fd = socket(AF_INET, SOCK_STREAM, 0);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  assert_int_equal(listen(s->fd, 8), 0);
  assert_int_equal(getsockname(s->fd, (struct sockaddr *)&sa, &len), 0);
  s->port = ntohs(sa.sin_port);
  assert_int_equal(pthread_create(&s->thread, NULL, server_main, s), 0);
  return s;
}

static void server_stop(server_t *s) {
  shutdown(s->fd, SHUT_RDWR); /* wakes accept() */
  close(s->fd);
  pthread_join(s->thread, NULL);
  free(s);
}

/* ---- the sink ------------------------------------------------------------------------------- */

static int tokens[8];
static const char alert_json[] = "{\"rule_id\":\"t.r\",\"actor\":\"arn:aws:iam::1:user/a\","
                                 "\"event_time\":\"2024-05-21T14:00:00Z\"}";

static vigil_alert_t alert(void *token) {
  vigil_alert_t a;

  memset(&a, 0, sizeof(a));
  a.size = sizeof(a);
  a.json = alert_json;
  a.json_len = strlen(alert_json);
  a.rule_id = "t.r";
  a.title = "a title";
  a.message = "a did b";
  a.severity = VIGIL_SEV_HIGH;
  a.token = token;
  return a;
}

static fakehost_t *sink(const char *config) {
  fakehost_t *h = fh_open("sink_webhook.so", "webhook", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "?");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  return h;
}

/* Runs the loop until n deliveries were reported (or 10 s passed). */
static void wait_reports(fakehost_t *h, size_t n) {
  uint64_t t0 = uv_hrtime();

  while (h->ndeliveries < n) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(1000);
    if (uv_hrtime() - t0 > 10000000000ull)
      fail_msg("%zu deliveries reported, waited for %zu", h->ndeliveries, n);
  }
}

static void test_done_and_payload(void **state) {
  static const char *const answers[] = {"200 OK\r\n", NULL};
  server_t *s = server_start(answers);
  vigil_alert_t a = alert(&tokens[0]);
  char cfg[256];
  fakehost_t *h;

  snprintf(cfg, sizeof(cfg),
           "{\"url\":\"http://127.0.0.1:%d/in\",\"format\":\"slack\","
           "\"headers\":{\"X-A\":\"b\"}}",
           s->port);
  h = sink(cfg);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  wait_reports(h, 1);
  assert_ptr_equal(h->deliveries[0].token, &tokens[0]);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_DONE);
  assert_string_equal(s->bodies[0], "{\"text\":\"*[HIGH] a title*\\na did b\\nrule: t.r | "
                                    "actor: arn:aws:iam::1:user/a | at: 2024-05-21T14:00:00Z\"}");
  assert_true(strncmp(s->heads[0], "POST /in HTTP/1.1\r\n", 19) == 0);
  assert_non_null(strstr(s->heads[0], "\r\nX-A: b"));
  assert_non_null(strstr(s->heads[0], "\r\nContent-Type: application/json"));
  fh_close(h);
  server_stop(s);
}

static void test_400_fails_without_retry(void **state) {
  static const char *const answers[] = {"400 Bad Request\r\n", NULL};
  server_t *s = server_start(answers);
  vigil_alert_t a = alert(&tokens[1]);
  char cfg[256];
  fakehost_t *h;

  snprintf(cfg, sizeof(cfg), "{\"url\":\"http://127.0.0.1:%d/\",\"retry_base_ms\":10}", s->port);
  h = sink(cfg);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  wait_reports(h, 1);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_FAILED);
  assert_int_equal(atomic_load(&s->served), 1);
  assert_non_null(strstr(h->plugin->last_error(h->inst), "HTTP status 400 (not retried)"));
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_ERROR, "1 alerts not delivered", NULL), 1);
  fh_close(h);
  server_stop(s);
}

static void test_5xx_retried_then_handed_back(void **state) {
  static const char *const answers[] = {"500 Oops\r\n", "503 Busy\r\n", "200 OK\r\n", NULL};
  server_t *s = server_start(answers);
  vigil_alert_t a = alert(&tokens[2]), b = alert(&tokens[3]);
  char cfg[256];
  fakehost_t *h;

  /* One retry allowed: 500 then 503 hand the alert back (RETRY). */
  snprintf(cfg, sizeof(cfg),
           "{\"url\":\"http://127.0.0.1:%d/\",\"max_retries\":1,\"retry_base_ms\":10}", s->port);
  h = sink(cfg);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  wait_reports(h, 1);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_RETRY);
  assert_int_equal(atomic_load(&s->served), 2);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, "HTTP status 500; attempt 1 of 2", NULL), 1);
  /* The second failure of the same outage is a debug line. */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_DEBUG, "HTTP status 503; after 2 attempts", NULL),
                   1);
  /* The next one gets through, and says so. */
  assert_int_equal(h->plugin->deliver(h->inst, &b), VIGIL_OK);
  wait_reports(h, 2);
  assert_int_equal(h->deliveries[1].outcome, VIGIL_DELIVERY_DONE);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "takes alerts again", NULL), 1);
  fh_close(h);
  server_stop(s);
}

static void test_long_retry_after_handed_back(void **state) {
  static const char *const answers[] = {"429 Slow Down\r\nRetry-After: 30\r\n", NULL};
  server_t *s = server_start(answers);
  vigil_alert_t a = alert(&tokens[4]);
  char cfg[256];
  fakehost_t *h;
  uint64_t t0 = uv_hrtime();

  /* A Retry-After beyond retry_max_ms is not waited out in memory. */
  snprintf(cfg, sizeof(cfg), "{\"url\":\"http://127.0.0.1:%d/\",\"retry_max_ms\":1000}", s->port);
  h = sink(cfg);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  wait_reports(h, 1);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_RETRY);
  assert_int_equal(atomic_load(&s->served), 1);
  assert_true(uv_hrtime() - t0 < 5000000000ull);
  fh_close(h);
  server_stop(s);
}

static void test_stop_with_retry_pending_and_no_secrets(void **state) {
  vigil_alert_t a = alert(&tokens[5]);
  fakehost_t *h;
  size_t i;
  int fd = socket(AF_INET, SOCK_STREAM, 0), port;
  struct sockaddr_in sa;
  socklen_t len = sizeof(sa);
  char cfg[512];

  /* A port nothing listens on: connection refused, retried later. */
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  port = ntohs(sa.sin_port);
  close(fd);
  setenv("VIGIL_TEST_WH_TOKEN", "tok-abc-123", 1);
  snprintf(cfg, sizeof(cfg),
           "{\"url\":\"http://me:pw-xyz-789@127.0.0.1:%d/hook/path-456?sig=q-654\","
           "\"bearer_token_env\":\"VIGIL_TEST_WH_TOKEN\",\"retry_base_ms\":60000,"
           "\"retry_max_ms\":60000,\"headers\":{\"X-Api-Key\":\"key-321\"}}",
           port);
  h = sink(cfg);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  while (fh_logs_with(h, VIGIL_LOG_WARN, "attempt 1 of 5", NULL) == 0) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  assert_int_equal(h->ndeliveries, 0); /* waiting a minute before the next try */
  fh_stop_destroy(h); /* stop hands it back at once */
  assert_int_equal(h->ndeliveries, 1);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_RETRY);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "http://***@127.0.0.1:", "/***?***"), 1);
  for (i = 0; i < h->nlogs; i++) {
    const char *t = h->logs[i].text;
    if (strstr(t, "tok-abc-123") || strstr(t, "pw-xyz-789") || strstr(t, "path-456") ||
        strstr(t, "q-654") || strstr(t, "key-321"))
      fail_msg("a secret is logged: %s", t);
  }
  fh_close(h);
  unsetenv("VIGIL_TEST_WH_TOKEN");
}

static void expect_create_error(const char *config, const char *want) {
  fakehost_t *h = fh_open("sink_webhook.so", "webhook", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  assert_int_not_equal(fh_create(h, config, &err), VIGIL_OK);
  assert_non_null(err);
  if (strstr(err, want) == NULL)
    fail_msg("error \"%s\" lacks \"%s\"", err, want);
  fh_close(h);
}

static void test_config_errors(void **state) {
  unsetenv("VIGIL_TEST_NO_SUCH_VAR");
  expect_create_error("{}", "webhook sink: missing required option \"url\"");
  expect_create_error("{\"url\":\"ftp://h/x\"}", "url must start with http:// or https://");
  expect_create_error("{\"url\":\"not a url\"}", "url is not a valid absolute URL");
  expect_create_error("{\"url\":\"http://h/\",\"headers\":{\"X-A\":\"a\\r\\nX-B: b\"}}",
                      "header \"X-A\" needs a token name and a string value without line breaks");
  expect_create_error("{\"url\":\"http://h/\",\"headers\":{\"Bad Name\":\"v\"}}",
                      "header \"Bad Name\"");
  expect_create_error("{\"url\":\"http://h/\",\"headers\":{\"Content-Length\":\"5\"}}",
                      "is set by the sink itself");
  expect_create_error("{\"url\":\"http://h/\",\"headers\":[]}", "\"headers\" must be an object");
  expect_create_error("{\"url\":\"http://h/\",\"bearer_token_env\":\"VIGIL_TEST_NO_SUCH_VAR\"}",
                      "environment variable VIGIL_TEST_NO_SUCH_VAR is not set");
  setenv("VIGIL_TEST_WH_TOKEN", "t0ken", 1);
  expect_create_error("{\"url\":\"http://h/\",\"bearer_token_env\":\"VIGIL_TEST_WH_TOKEN\","
                      "\"headers\":{\"authorization\":\"x\"}}",
                      "not both");
  unsetenv("VIGIL_TEST_WH_TOKEN");
  expect_create_error("{\"url\":\"http://h/\",\"format\":\"xml\"}",
                      "\"format\" must be one of the listed values (\"json\", \"slack\")");
  expect_create_error("{\"url\":\"http://h/\",\"max_retries\":101}", "from 0 to 100");
  expect_create_error("{\"url\":\"http://h/\",\"retry_base_ms\":5000,\"retry_max_ms\":100}",
                      "retry_base_ms exceeds retry_max_ms");
  expect_create_error("{\"url\":\"http://h/\",\"colour\":1}", "unknown option \"colour\"");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_done_and_payload),
      cmocka_unit_test(test_400_fails_without_retry),
      cmocka_unit_test(test_5xx_retried_then_handed_back),
      cmocka_unit_test(test_long_retry_after_handed_back),
      cmocka_unit_test(test_stop_with_retry_pending_and_no_secrets),
      cmocka_unit_test(test_config_errors),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
