/*
 * The `http` source (build/plugins/source_http.so) driven by a fake host
 * and a real TCP client, plus its JSON check and body framing tested
 * directly (their sources are compiled into this test).
 */
#include "test_plugin_fakehost.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "../../plugins/source_http/http_body.c"
#include "../../plugins/source_http/json_check.c"

/* ---- the JSON check ------------------------------------------------------------------------- */

static void check_ok(const char *s) {
  size_t at = 0;
  const char *what = NULL;

  if (vh_json_check(s, strlen(s), &at, &what) != 0)
    fail_msg("refused %s: %s at %zu", s, what, at);
}

static void check_bad(const char *s, size_t want_at, const char *want_what) {
  size_t at = 0;
  const char *what = NULL;

  if (vh_json_check(s, strlen(s), &at, &what) == 0)
    fail_msg("accepted %s", s);
  assert_int_equal(at, want_at);
  assert_string_equal(what, want_what);
}

static void test_json_check(void **state) {
  char deep[600];
  size_t i;

  check_ok("{}");
  check_ok(" [ ] ");
  check_ok("{\"a\":[1,-2.5e+3,0,true,false,null,\"x\\u00e9\\n\"],\"b\":{\"c\":{}}}");
  check_ok("\"just a string\"");
  check_ok("-0.0E-0");
  check_bad("", 0, "unexpected end of the text");
  check_bad("{\"a\":1,}", 7, "expected a string key");
  check_bad("[1,]", 3, "unexpected character");
  check_bad("[1 2]", 3, "expected ',' or ']'");
  check_bad("{\"a\" 1}", 5, "expected ':'");
  check_bad("{\"a\":1", 6, "unterminated object");
  check_bad("[\"ab", 4, "unterminated string");
  check_bad("[\"a\\x\"]", 4, "bad escape in a string");
  check_bad("[\"\\u12g4\"]", 6, "bad \\u escape");
  check_bad("[\"a\tb\"]", 3, "control character inside a string");
  check_bad("[01]", 2, "expected ',' or ']'");
  check_bad("[1.]", 3, "bad number");
  check_bad("[-]", 2, "bad number");
  check_bad("[tru]", 4, "unexpected character");
  check_bad("{} {}", 3, "more data after the end of the JSON value");
  check_bad("{'a':1}", 1, "expected a string key");
  /* 256 levels pass, 257 do not, and nothing recurses. */
  for (i = 0; i < 256; i++)
    deep[i] = '[';
  for (i = 0; i < 256; i++)
    deep[256 + i] = ']';
  deep[512] = '\0';
  check_ok(deep);
  memmove(deep + 1, deep, 513);
  deep[0] = '[';
  deep[513] = ']';
  deep[514] = '\0';
  check_bad(deep, 256, "nested too deeply");
}

/* ---- body framing --------------------------------------------------------------------------- */

static void split_ok(const char *body, size_t want_n) {
  char err[256] = "";
  vh_texts_t t = {0};

  if (vh_body_split(body, strlen(body), &t, err, sizeof(err)) != VH_BODY_OK)
    fail_msg("refused: %s", err);
  assert_int_equal(t.n, want_n);
  vh_texts_free(&t);
}

static void split_bad(const char *body, const char *want_err) {
  char err[256] = "";
  vh_texts_t t = {0};

  assert_int_equal(vh_body_split(body, strlen(body), &t, err, sizeof(err)), VH_BODY_BAD);
  assert_string_equal(err, want_err);
  vh_texts_free(&t);
}

static void test_body_split(void **state) {
  const char *jl = "\n{\"a\":1}\r\n\n  [2]\n{\"c\":3}";
  char err[256];
  vh_texts_t t = {0};

  assert_int_equal(vh_body_split(jl, strlen(jl), &t, err, sizeof(err)), VH_BODY_OK);
  assert_int_equal(t.n, 3);
  assert_int_equal(t.v[0].line, 2);
  assert_int_equal(t.v[0].off, 1);
  assert_int_equal(t.v[0].len, 7); /* the CR is not part of the text */
  assert_int_equal(t.v[1].line, 4);
  assert_int_equal(t.v[1].off, 11);
  assert_memory_equal(jl + t.v[1].off, "  [2]", 5);
  assert_int_equal(t.v[2].line, 5);
  vh_texts_free(&t);

  /* A pretty-printed document is one text, starting at its first line. */
  split_ok("\n\n{\n  \"Records\": [\n    {\"eventName\": \"X\"}\n  ]\n}\n", 1);
  split_ok("{\"Records\":[{\"eventName\":\"X\"},{\"eventName\":\"Y\"}]}", 1);
  split_bad("{\"a\":1}\n{\"b\":2,}\n", "line 2, column 8: expected a string key");
  split_bad("{\n  \"a\": 1,\n  \"b\" 2\n}", "line 3, column 7: expected ':'");
  split_bad("{\"a\":1}\n42\n", "line 2, column 1: expected a JSON object or array");
  split_bad(" \n\t\n", "the body holds no JSON");
  split_bad("", "the body holds no JSON");
  split_bad("{\"a\":1} x", "line 1, column 9: more data after the end of the JSON value");
}

static void test_gunzip(void **state) {
  const char *text = "{\"a\":1}\n{\"b\":2}\n";
  unsigned char gz[256], two[512];
  char *out = NULL, err[256];
  size_t n, outlen = 0;
  z_stream zs;

  memset(&zs, 0, sizeof(zs));
  assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  zs.next_in = (Bytef *)text;
  zs.avail_in = (uInt)strlen(text);
  zs.next_out = gz;
  zs.avail_out = sizeof(gz);
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  n = sizeof(gz) - zs.avail_out;
  deflateEnd(&zs);

  assert_int_equal(vh_gunzip((char *)gz, n, 1000, &out, &outlen, err, sizeof(err)), VH_BODY_OK);
  assert_int_equal(outlen, strlen(text));
  assert_memory_equal(out, text, outlen);
  free(out);
  /* Two members read as one stream, as gzip(1) does. */
  memcpy(two, gz, n);
  memcpy(two + n, gz, n);
  assert_int_equal(vh_gunzip((char *)two, 2 * n, 1000, &out, &outlen, err, sizeof(err)),
                   VH_BODY_OK);
  assert_int_equal(outlen, 2 * strlen(text));
  free(out);
  /* Exactly at the limit passes; one byte less is too large. */
  assert_int_equal(vh_gunzip((char *)gz, n, strlen(text), &out, &outlen, err, sizeof(err)),
                   VH_BODY_OK);
  free(out);
  assert_int_equal(vh_gunzip((char *)gz, n, strlen(text) - 1, &out, &outlen, err, sizeof(err)),
                   VH_BODY_LARGE);
  assert_non_null(strstr(err, "inflates past 15 bytes"));
  assert_int_equal(vh_gunzip((char *)gz, n - 4, 1000, &out, &outlen, err, sizeof(err)),
                   VH_BODY_BAD);
  assert_non_null(strstr(err, "cut short"));
  assert_int_equal(vh_gunzip("not gzip at all", 15, 1000, &out, &outlen, err, sizeof(err)),
                   VH_BODY_BAD);
  assert_non_null(strstr(err, "corrupt"));
}

/* ---- the server, through the plugin --------------------------------------------------------- */

/* try_emit: EAGAIN for the calls numbered in [busy_from, busy_to), else emit. */
static int calls, busy_from = -1, busy_to = -1;

static int try_emit(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                    const vigil_position_t *pos) {
  int k = calls++;

  if (k >= busy_from && k < busy_to)
    return VIGIL_EAGAIN;
  return fh_emit(host, data, len, format, pos);
}

static int setup(void **state) {
  calls = 0;
  busy_from = busy_to = -1;
  return 0;
}

static int port_of(fakehost_t *h) {
  const char *p;
  size_t i;

  for (i = 0; i < h->nlogs; i++)
    if ((p = strstr(h->logs[i].text, "listening on 127.0.0.1:")) != NULL)
      return atoi(p + strlen("listening on 127.0.0.1:"));
  fail_msg("no 'listening on' line");
  return -1;
}

static fakehost_t *server(const char *config, int *port) {
  fakehost_t *h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  h->svc.try_emit = try_emit;
  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "?");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  *port = port_of(h);
  return h;
}

typedef struct client_s {
  int port;
  const char *req;
  size_t req_len;
  int want;       /* responses to read before closing (0: read to EOF) */
  int pause_ms;   /* sleep after sending the first `split` bytes */
  size_t split;
  char resp[16384];
  size_t resp_len;
  int got;        /* complete responses read */
  int eof;        /* the server closed */
  atomic_int done;
} client_t;

/* Counts complete final responses (headers and Content-Length bytes) in r;
 * "100 Continue" interim answers are skipped. */
static int complete(const char *r, size_t n) {
  const char *p = r, *end = r + n, *hdr_end, *cl;
  int k = 0, interim;
  long len;

  while (p < end && (hdr_end = strstr(p, "\r\n\r\n")) != NULL) {
    interim = strncmp(p, "HTTP/1.1 100 ", 13) == 0;
    cl = strstr(p, "Content-Length: ");
    len = !interim && cl != NULL && cl < hdr_end ? atol(cl + 16) : 0;
    if (hdr_end + 4 + len > end)
      break;
    p = hdr_end + 4 + len;
    k += !interim;
  }
  return k;
}

static void *client_main(void *arg) {
  client_t *c = arg;
  struct sockaddr_in sa;
  struct timeval tv = {5, 0};
  ssize_t n;
  int fd = socket(AF_INET, SOCK_STREAM, 0);

  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)c->port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
    goto out;
  if (c->split > 0) {
    send(fd, c->req, c->split, MSG_NOSIGNAL);
    usleep((useconds_t)c->pause_ms * 1000);
  }
  if (c->req_len > c->split)
    send(fd, c->req + c->split, c->req_len - c->split, MSG_NOSIGNAL);
  for (;;) {
    n = recv(fd, c->resp + c->resp_len, sizeof(c->resp) - 1 - c->resp_len, 0);
    if (n <= 0) {
      c->eof = n == 0;
      break;
    }
    c->resp_len += (size_t)n;
    c->resp[c->resp_len] = '\0';
    c->got = complete(c->resp, c->resp_len);
    if (c->want > 0 && c->got >= c->want)
      break;
  }
out:
  close(fd);
  atomic_store(&c->done, 1);
  return NULL;
}

/* Runs the client on a thread while the loop serves it. */
static void exchange(fakehost_t *h, client_t *c) {
  pthread_t t;

  atomic_init(&c->done, 0);
  c->resp_len = 0;
  c->resp[0] = '\0';
  assert_int_equal(pthread_create(&t, NULL, client_main, c), 0);
  while (!atomic_load(&c->done)) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(500);
  }
  pthread_join(t, NULL);
}

static client_t *request(fakehost_t *h, int port, const char *req, int want) {
  client_t *c = calloc(1, sizeof(*c));

  c->port = port;
  c->req = req;
  c->req_len = strlen(req);
  c->want = want;
  exchange(h, c);
  return c;
}

static void assert_status(const client_t *c, const char *status_line) {
  if (strncmp(c->resp, status_line, strlen(status_line)) != 0)
    fail_msg("expected '%s', got:\n%s", status_line, c->resp);
}

static void assert_has(const client_t *c, const char *s) {
  if (strstr(c->resp, s) == NULL)
    fail_msg("no '%s' in:\n%s", s, c->resp);
}

static char *post(const char *path, const char *extra, const char *body) {
  char *r = malloc(strlen(body) + 512);

  sprintf(r,
          "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n%s"
          "Content-Length: %zu\r\n\r\n%s",
          path, extra, strlen(body), body);
  return r;
}

static void test_post_json_lines(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\"}", &port);
  char *req = post("/v1/events", "", "{\"eventName\":\"A\"}\n\n{\"eventName\":\"B\"}\n");
  client_t *c = request(h, port, req, 1);
  char stream[64];

  assert_status(c, "HTTP/1.1 202 Accepted\r\n");
  assert_has(c, "{\"accepted\":2,\"request_id\":\"1\"}");
  assert_has(c, "X-Request-Id: 1\r\n");
  assert_int_equal(h->nrecs, 2);
  assert_true(strncmp(h->recs[0].stream, "http:127.0.0.1:", 15) == 0);
  snprintf(stream, sizeof(stream), "%s", h->recs[0].stream);
  assert_non_null(strstr(stream, "#1"));
  fh_assert_rec(h, 0, stream, "{\"eventName\":\"A\"}", 17, 1, 0);
  fh_assert_rec(h, 1, stream, "{\"eventName\":\"B\"}", 17, 3, 19);
  /* No token configured: a warning says anyone may post. */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, "authentication is off", NULL), 1);
  free(c);
  free(req);
  fh_close(h);
}

static void test_malformed_is_400_and_emits_nothing(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\"}", &port);
  char *req = post("/", "", "{\"eventName\":\"A\"}\n{\"eventName\":\"B\"}\n{\"eventName\":}\n");
  client_t *c = request(h, port, req, 1);

  assert_status(c, "HTTP/1.1 400 Bad Request\r\n");
  assert_has(c, "\"error\":\"line 3, column 14: unexpected character\"");
  assert_has(c, "Connection: close\r\n");
  assert_int_equal(h->nrecs, 0);
  free(c);
  free(req);
  fh_close(h);
}

static void test_auth(void **state) {
  int port;
  fakehost_t *h;
  char *bad, *good, *none;
  client_t *c;

  setenv("VIGIL_TEST_HTTP_TOKEN", "  s3cret-Token\n", 1);
  h = server("{\"listen\":\"127.0.0.1:0\",\"token_env\":\"VIGIL_TEST_HTTP_TOKEN\"}", &port);
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, "authentication is off", NULL), 0);
  none = post("/v1/events", "", "{}");
  bad = post("/v1/events", "Authorization: Bearer s3cret-Toke\r\n", "{}");
  good = post("/v1/events", "authorization: bearer  s3cret-Token\r\n", "{}");

  c = request(h, port, none, 1);
  assert_status(c, "HTTP/1.1 401 Unauthorized\r\n");
  assert_has(c, "WWW-Authenticate: Bearer\r\n");
  free(c);
  c = request(h, port, bad, 1);
  assert_status(c, "HTTP/1.1 401 Unauthorized\r\n");
  free(c);
  assert_int_equal(h->nrecs, 0);
  c = request(h, port, good, 1);
  assert_status(c, "HTTP/1.1 202 Accepted\r\n");
  free(c);
  assert_int_equal(h->nrecs, 1);
  /* healthz needs no token; metrics does. */
  c = request(h, port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 200 OK\r\n");
  assert_has(c, "\r\n\r\nok\n");
  free(c);
  c = request(h, port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 401 Unauthorized\r\n");
  free(c);
  free(none);
  free(bad);
  free(good);
  fh_close(h);
  unsetenv("VIGIL_TEST_HTTP_TOKEN");
}

static void test_token_file(void **state) {
  char *dir = fh_tmpdir(), *path = fh_path(dir, "token"), cfg[512];
  fakehost_t *h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  fh_write(path, "abcd1234\n", 9);
  chmod(path, 0644);
  snprintf(cfg, sizeof(cfg), "{\"listen\":\"127.0.0.1:0\",\"token_file\":\"%s\"}", path);
  h->svc.try_emit = try_emit;
  assert_int_equal(fh_create(h, cfg, &err), VIGIL_OK);
  /* Readable by others: allowed, with a warning naming the file. */
  assert_int_equal(fh_logs_with(h, VIGIL_LOG_WARN, path, "readable by group or others"), 1);
  fh_close(h);
  free(path);
  fh_rmtree(dir);
}

static void test_limits(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"max_body_bytes\":64,"
                         "\"max_header_bytes\":300}",
                         &port);
  char big[200], *req;
  client_t *c;
  size_t i;

  for (i = 0; i < sizeof(big) - 1; i++)
    big[i] = ' ';
  big[0] = '{';
  big[sizeof(big) - 2] = '}';
  big[sizeof(big) - 1] = '\0';
  /* Declared too large: refused before the body is read. */
  req = post("/v1/events", "", big);
  c = request(h, port, req, 1);
  assert_status(c, "HTTP/1.1 413 Payload Too Large\r\n");
  assert_has(c, "larger than 64 bytes");
  free(c);
  free(req);
  /* Chunked, no length: refused once the chunks pass the limit. */
  c = request(h, port,
              "POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "28\r\n{\"a\":\"01234567890123456789012345678901\"}\r\n"
              "28\r\n{\"a\":\"0123456789012345678901234567890\"}\r\n0\r\n\r\n",
              1);
  assert_status(c, "HTTP/1.1 413 Payload Too Large\r\n");
  free(c);
  /* Chunked within the limit works. */
  c = request(h, port,
              "POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "8\r\n{\"a\":1}\n\r\n8\r\n{\"b\":2}\n\r\n0\r\n\r\n",
              1);
  assert_status(c, "HTTP/1.1 202 Accepted\r\n");
  assert_has(c, "\"accepted\":2");
  free(c);
  /* Headers past max_header_bytes. */
  memset(big, 'a', sizeof(big) - 1);
  req = malloc(1024);
  sprintf(req, "GET /healthz HTTP/1.1\r\nX-A: %s\r\nX-B: %s\r\n\r\n", big, big);
  c = request(h, port, req, 1);
  assert_status(c, "HTTP/1.1 431 Request Header Fields Too Large\r\n");
  free(c);
  free(req);
  assert_int_equal(h->nrecs, 2);
  fh_close(h);
}

static void test_gzip_bodies(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"max_body_bytes\":4096}", &port);
  char body[8192], *req;
  uLongf zlen;
  z_stream zs;
  unsigned char gz[8192];
  client_t *c;
  size_t n;

  /* A body that inflates past max_body_bytes is 413 even though it arrives small. */
  memset(body, ' ', 6000);
  memcpy(body, "{\"a\":1}", 7);
  for (n = 0; n < 2; n++) {
    size_t in_len = n == 0 ? 15 : 6000;
    memset(&zs, 0, sizeof(zs));
    assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    if (n == 0)
      memcpy(body, "{\"a\":1}\n{\"b\":2}", 15);
    zs.next_in = (Bytef *)body;
    zs.avail_in = (uInt)in_len;
    zs.next_out = gz;
    zs.avail_out = sizeof(gz);
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    zlen = sizeof(gz) - zs.avail_out;
    deflateEnd(&zs);
    req = malloc(zlen + 256);
    sprintf(req,
            "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\n"
            "Content-Length: %lu\r\n\r\n",
            (unsigned long)zlen);
    c = calloc(1, sizeof(*c));
    c->port = port;
    c->req = req;
    c->req_len = strlen(req) + zlen;
    memcpy(req + strlen(req), gz, zlen);
    c->want = 1;
    exchange(h, c);
    if (n == 0) {
      assert_status(c, "HTTP/1.1 202 Accepted\r\n");
      assert_has(c, "\"accepted\":2");
    } else {
      assert_status(c, "HTTP/1.1 413 Payload Too Large\r\n");
      assert_has(c, "inflates past 4096 bytes");
    }
    free(c);
    free(req);
  }
  assert_int_equal(h->nrecs, 2);
  fh_assert_rec(h, 1, h->recs[1].stream, "{\"b\":2}", 7, 2, 8);
  c = request(h, port,
              "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Encoding: br\r\n"
              "Content-Length: 2\r\n\r\n{}",
              1);
  assert_status(c, "HTTP/1.1 415 Unsupported Media Type\r\n");
  free(c);
  fh_close(h);
}

static void test_routes(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\"}", &port);
  client_t *c;

  c = request(h, port, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 404 Not Found\r\n");
  free(c);
  c = request(h, port, "GET /v1/events HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 405 Method Not Allowed\r\n");
  assert_has(c, "Allow: POST\r\n");
  free(c);
  c = request(h, port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 404 Not Found\r\n");
  free(c);
  /* HEAD gets the headers only. */
  c = request(h, port, "HEAD /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 0);
  assert_status(c, "HTTP/1.1 200 OK\r\n");
  assert_has(c, "Content-Length: 3\r\n");
  assert_null(strstr(c->resp, "ok\n"));
  free(c);
  c = request(h, port, "this is not HTTP\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 400 Bad Request\r\n");
  assert_has(c, "malformed HTTP request");
  free(c);
  fh_close(h);
}

static void test_keep_alive_and_pipelining(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\"}", &port);
  client_t *c;
  char *one = post("/v1/events", "", "{\"n\":1}"), *two = post("/v1/events", "", "{\"n\":2}");
  char *both = malloc(strlen(one) + strlen(two) + 64);

  /* Two requests in one write; both answered, in order, on one connection. */
  sprintf(both, "%s%sGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", one, two);
  c = request(h, port, both, 3);
  assert_int_equal(c->got, 3);
  assert_non_null(strstr(c->resp, "\"request_id\":\"1\""));
  assert_non_null(strstr(strstr(c->resp, "\"request_id\":\"1\""), "\"request_id\":\"2\""));
  assert_int_equal(h->nrecs, 2);
  assert_string_equal(h->recs[1].data, "{\"n\":2}");
  free(c);
  free(one);
  free(two);
  free(both);
  fh_close(h);
}

static void test_busy_gives_503_then_recovers(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"busy_timeout_ms\":1,"
                         "\"retry_after_seconds\":7}",
                         &port);
  char *req = post("/v1/events", "", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  client_t *c;

  /* The pipeline takes the first text, then is full. */
  busy_from = 1;
  busy_to = 1000;
  c = request(h, port, req, 1);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "Retry-After: 7\r\n");
  assert_has(c, "\"accepted\":1,\"total\":3");
  assert_int_equal(h->nrecs, 1);
  free(c);
  /* Full for a few tries only: the request waits and is taken whole. */
  fh_close(h);
  calls = 0;
  busy_from = 1;
  busy_to = 4;
  h = server("{\"listen\":\"127.0.0.1:0\",\"busy_timeout_ms\":5000}", &port);
  c = request(h, port, req, 1);
  assert_status(c, "HTTP/1.1 202 Accepted\r\n");
  assert_int_equal(h->nrecs, 3);
  assert_string_equal(h->recs[2].data, "{\"n\":3}");
  free(c);
  free(req);
  fh_close(h);
}

static void test_stop_while_waiting(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"busy_timeout_ms\":60000}", &port);
  char *req = post("/v1/events", "", "{\"n\":1}\n{\"n\":2}\n");
  client_t *c = calloc(1, sizeof(*c));
  pthread_t t;
  int i;

  busy_from = 0;
  busy_to = 1000000;
  c->port = port;
  c->req = req;
  c->req_len = strlen(req);
  c->want = 1;
  atomic_init(&c->done, 0);
  assert_int_equal(pthread_create(&t, NULL, client_main, c), 0);
  for (i = 0; i < 200 && calls < 3; i++) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  assert_true(calls >= 3); /* it is waiting for room */
  fh_stop_destroy(h); /* answers 503 and closes */
  while (!atomic_load(&c->done)) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(500);
  }
  pthread_join(t, NULL);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "vigil is stopping");
  assert_int_equal(h->nrecs, 0);
  free(c);
  free(req);
  fh_close(h);
}

/* ---- ack = "delivered": answers wait for the host's acks (ABI 1.2) -------------------------- */

static fakehost_t *acked_server(const char *config, int *port) {
  fakehost_t *h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  fh_enable_acks(h, 1); /* held: the test says when each text is safe */
  /* The fake's emit_acked never waits, so it serves as try_emit_acked. */
  h->svc.try_emit_acked = fh_emit_acked;
  h->svc.try_emit = try_emit;
  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "?");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  *port = port_of(h);
  return h;
}

static void start_client(client_t *c, pthread_t *t, int port, const char *req, int want) {
  c->port = port;
  c->req = req;
  c->req_len = strlen(req);
  c->want = want;
  atomic_init(&c->done, 0);
  assert_int_equal(pthread_create(t, NULL, client_main, c), 0);
}

static void finish_client(fakehost_t *h, client_t *c, pthread_t t) {
  while (!atomic_load(&c->done))
    fh_pump(h, 1);
  pthread_join(t, NULL);
}

static void test_acked_pipelined(void **state) {
  int port;
  fakehost_t *h = acked_server("{\"listen\":\"127.0.0.1:0\"}", &port);
  char *one = post("/v1/events", "", "{\"n\":1}\n{\"n\":2}\n");
  char *two = post("/v1/events", "", "{\"n\":3}");
  char *all = malloc(strlen(one) + strlen(two) + 64);
  client_t *c = calloc(1, sizeof(*c));
  pthread_t t;
  const char *second;

  sprintf(all, "%s%sGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", one, two);
  start_client(c, &t, port, all, 3);
  FH_WAIT(h, fh_nrecs(h) == 2, 2000);
  /* Both texts are in, unacked: no answer, and the next request waits. */
  for (int i = 0; i < 10; i++)
    fh_pump(h, 5);
  assert_int_equal(fh_nrecs(h), 2);
  assert_int_equal(fh_release_acks(h, 1, VIGIL_OK), 1);
  for (int i = 0; i < 4; i++)
    fh_pump(h, 5);
  assert_int_equal(fh_nrecs(h), 2);
  assert_int_equal(fh_release_acks(h, 1, VIGIL_OK), 1);
  FH_WAIT(h, fh_nrecs(h) == 3, 2000);
  assert_int_equal(fh_nrecs(h), 3);
  assert_int_equal(fh_release_acks(h, 1, VIGIL_OK), 1);
  finish_client(h, c, t);
  assert_int_equal(c->got, 3);
  assert_status(c, "HTTP/1.1 202 Accepted\r\n");
  assert_has(c, "{\"accepted\":2,\"request_id\":\"1\"}");
  second = strstr(c->resp, "{\"accepted\":1,\"request_id\":\"2\"}");
  assert_non_null(second);
  assert_non_null(strstr(second, "HTTP/1.1 200 OK\r\n"));
  free(c);
  free(one);
  free(two);
  free(all);
  fh_close(h);
}

/* One request, its acks released with `status`; returns the client. */
static client_t *acked_once(fakehost_t *h, int port, const char *req, int status) {
  client_t *c = calloc(1, sizeof(*c));
  size_t before = fh_nrecs(h);
  pthread_t t;

  start_client(c, &t, port, req, 1);
  FH_WAIT(h, fh_nrecs(h) == before + 2, 2000);
  assert_int_equal(fh_release_acks(h, 1, VIGIL_OK), 1);
  assert_int_equal(fh_release_acks(h, 1, status), 1);
  finish_client(h, c, t);
  return c;
}

static void test_acked_failures(void **state) {
  int port;
  fakehost_t *h = acked_server("{\"listen\":\"127.0.0.1:0\",\"ack_timeout_ms\":100}", &port);
  char *req = post("/v1/events", "", "{\"n\":1}\n{\"n\":2}\n");
  client_t *c;
  pthread_t t;

  /* One text of two given up: the client is told to resend the body. */
  c = acked_once(h, port, req, VIGIL_EIO);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "Retry-After: 1\r\n");
  assert_has(c, "could not be delivered or spooled; resend the body");
  assert_has(c, "\"accepted\":0,\"total\":2");
  free(c);
  c = acked_once(h, port, req, VIGIL_ECLOSED);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "vigil stopped before the events were processed");
  free(c);
  /* No acks within ack_timeout_ms: 503; the late acks find the request
   * answered and only free its record (ASan checks). */
  c = calloc(1, sizeof(*c));
  start_client(c, &t, port, req, 1);
  finish_client(h, c, t);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "not confirmed within 100 ms");
  assert_int_equal(fh_release_acks(h, 2, VIGIL_OK), 2);
  free(c);
  /* A request still waiting at stop: 503, and its acks come after. */
  c = calloc(1, sizeof(*c));
  start_client(c, &t, port, req, 1);
  FH_WAIT(h, fh_nrecs(h) == 8, 2000);
  fh_stop_destroy(h); /* acks the rest with VIGIL_ECLOSED */
  finish_client(h, c, t);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "vigil is stopping");
  free(c);
  free(req);
  fh_close(h);
}

static void test_slow_client_timed_out(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"header_timeout_ms\":100}", &port);
  client_t *c = calloc(1, sizeof(*c));
  uint64_t t0 = uv_hrtime();

  /* Half the headers, then nothing for longer than the deadline. */
  c->port = port;
  c->req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  c->req_len = strlen(c->req);
  exchange(h, c);
  assert_status(c, "HTTP/1.1 408 Request Timeout\r\n");
  assert_true(c->eof);
  assert_true(uv_hrtime() - t0 < 3000000000ull);
  free(c);
  fh_close(h);
}

static void test_connection_limit(void **state) {
  int port;
  fakehost_t *h = server("{\"listen\":\"127.0.0.1:0\",\"max_connections\":1}", &port);
  struct sockaddr_in sa;
  client_t *c;
  int fd = socket(AF_INET, SOCK_STREAM, 0), i;

  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  for (i = 0; i < 20; i++) { /* let the server accept it */
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  c = request(h, port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 503 Service Unavailable\r\n");
  assert_has(c, "too many connections");
  free(c);
  close(fd);
  for (i = 0; i < 20; i++) {
    uv_run(&h->loop, UV_RUN_NOWAIT);
    usleep(1000);
  }
  c = request(h, port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  assert_status(c, "HTTP/1.1 200 OK\r\n");
  free(c);
  fh_close(h);
}

static void expect_create_error(const char *config, const char *want) {
  fakehost_t *h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  h->svc.try_emit = try_emit;
  assert_int_not_equal(fh_create(h, config, &err), VIGIL_OK);
  assert_non_null(err);
  if (strstr(err, want) == NULL)
    fail_msg("error \"%s\" lacks \"%s\"", err, want);
  fh_close(h);
}

static void test_config_errors(void **state) {
  fakehost_t *h;
  const char *err = NULL;

  unsetenv("VIGIL_TEST_NO_SUCH_VAR");
  expect_create_error("{\"listn\":\"x\"}", "http source: unknown option \"listn\"");
  expect_create_error("{\"token_env\":\"VIGIL_TEST_NO_SUCH_VAR\"}",
                      "environment variable VIGIL_TEST_NO_SUCH_VAR is not set");
  expect_create_error("{\"token_env\":\"A\",\"token_file\":\"b\"}", "not both");
  expect_create_error("{\"token_file\":\"/nonexistent/token\"}",
                      "cannot open token file \"/nonexistent/token\"");
  expect_create_error("{\"max_body_bytes\":0}", "must be a positive integer");
  expect_create_error("{\"ack\":\"maybe\"}",
                      "http source: ack must be \"delivered\" or \"accepted\", not \"maybe\"");
  /* Without try_emit (an ABI 1.0 host) the source refuses to run. */
  h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  h->svc.size = (uint32_t)offsetof(vigil_services_t, try_emit);
  assert_int_equal(fh_create(h, "{}", &err), VIGIL_EINVAL);
  assert_non_null(strstr(err, "try_emit"));
  fh_close(h);
  /* A listen address that is not an IP is refused at start. */
  h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  h->svc.try_emit = try_emit;
  assert_int_equal(fh_create(h, "{\"listen\":\"localhost:80\"}", &err), VIGIL_OK);
  assert_int_not_equal(h->plugin->start(h->inst), VIGIL_OK);
  assert_non_null(strstr(h->plugin->last_error(h->inst), "not an IP address"));
  fh_close(h);
}

/* Without `listen` the source binds loopback only, port 8089. The port may
 * be taken on a shared machine: then the error names the same address. */
static void test_default_listen_is_loopback(void **state) {
  fakehost_t *h = fh_open("source_http.so", "http", VIGIL_PLUGIN_SOURCE);
  const char *err = NULL;

  h->svc.try_emit = try_emit;
  assert_int_equal(fh_create(h, "{}", &err), VIGIL_OK);
  if (h->plugin->start(h->inst) == VIGIL_OK)
    assert_int_equal(fh_logs_with(h, VIGIL_LOG_INFO, "listening on 127.0.0.1:8089 ", NULL), 1);
  else
    assert_non_null(strstr(h->plugin->last_error(h->inst), "cannot listen on 127.0.0.1:8089"));
  fh_close(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_check),
      cmocka_unit_test(test_body_split),
      cmocka_unit_test(test_gunzip),
      cmocka_unit_test_setup(test_post_json_lines, setup),
      cmocka_unit_test_setup(test_malformed_is_400_and_emits_nothing, setup),
      cmocka_unit_test_setup(test_auth, setup),
      cmocka_unit_test_setup(test_token_file, setup),
      cmocka_unit_test_setup(test_limits, setup),
      cmocka_unit_test_setup(test_gzip_bodies, setup),
      cmocka_unit_test_setup(test_routes, setup),
      cmocka_unit_test_setup(test_keep_alive_and_pipelining, setup),
      cmocka_unit_test_setup(test_busy_gives_503_then_recovers, setup),
      cmocka_unit_test_setup(test_stop_while_waiting, setup),
      cmocka_unit_test_setup(test_acked_pipelined, setup),
      cmocka_unit_test_setup(test_acked_failures, setup),
      cmocka_unit_test_setup(test_slow_client_timed_out, setup),
      cmocka_unit_test_setup(test_connection_limit, setup),
      cmocka_unit_test_setup(test_config_errors, setup),
      cmocka_unit_test_setup(test_default_listen_is_loopback, setup),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
