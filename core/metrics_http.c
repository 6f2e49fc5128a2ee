/*
 * The metrics endpoint: a small HTTP/1.1 server on the pipeline's loop,
 * parsed with http-parser like the http source (see its header for why
 * that library), listening on metrics_listen.
 *
 *   GET|HEAD /metrics   the Prometheus text format (metrics_collect.c)
 *   GET|HEAD /healthz   200 "ok" while running, 503 once stopping
 *
 * Each connection carries one request and is closed after the answer:
 * scrapes come seconds apart, so keep-alive would save nothing worth its
 * state. Requests are bounded in size, time and number of connections.
 * There is no authentication: bind to a loopback or private address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <http_parser.h>

#include "../plugins/common/listen_addr.h"
#include "log.h"
#include "metrics_int.h"
#include "pipeline_int.h"

#define WHO "metrics"
#define MAX_CONNS 16
#define MAX_HEAD 8192     /* request line and headers */
#define REQUEST_MS 10000  /* first byte to the end of the headers */
#define LINGER_MS 2000    /* after answering: wait for the client to close */
#define BACKLOG 64

struct mx_conn_s {
  uv_tcp_t tcp;
  uv_timer_t timer;
  uv_write_t wr;
  uv_shutdown_t shut;
  int handles;
  int closing;
  int answered;
  vigil_metrics_t *m;
  mx_conn_t *prev, *next;
  http_parser parser;
  size_t head_bytes;
  char url[256];
  size_t url_len;
  char *out; /* the answer being written */
  char rbuf[2048];
};

static void on_closed(uv_handle_t *h) {
  mx_conn_t *c = h->data;

  if (--c->handles > 0)
    return;
  if (c->prev)
    c->prev->next = c->next;
  else
    c->m->conns = c->next;
  if (c->next)
    c->next->prev = c->prev;
  c->m->nconns--;
  free(c->out);
  free(c);
}

static void conn_close(mx_conn_t *c) {
  if (c->closing)
    return;
  c->closing = 1;
  uv_close((uv_handle_t *)&c->tcp, on_closed);
  uv_close((uv_handle_t *)&c->timer, on_closed);
}

/*
 * Answered and shut down for writing: the client closes once it has read
 * the answer (or LINGER_MS ends it). Closing at once would reset a client
 * whose request we did not read to the end, and it could lose the answer.
 */
static void on_timeout(uv_timer_t *t);

static void on_shutdown(uv_shutdown_t *req, int status) {
  if (status < 0)
    conn_close(req->data);
}

static void on_written(uv_write_t *req, int status) {
  mx_conn_t *c = req->data;

  if (status < 0 || c->closing || uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown))
    conn_close(c);
}

/* Writes the whole answer, then shuts the connection down. */
static void respond(mx_conn_t *c, int status, const char *ctype, const char *body,
                    size_t blen) {
  int head_only = c->parser.method == HTTP_HEAD;
  size_t cap = blen + 512;
  uv_buf_t buf;
  int n;

  if (c->answered)
    return;
  c->answered = 1;
  /* Reading goes on (and discards) until the client closes: see on_shutdown. */
  uv_timer_start(&c->timer, on_timeout, LINGER_MS, 0);
  c->out = malloc(cap);
  if (!c->out) {
    conn_close(c);
    return;
  }
  n = snprintf(c->out, cap,
               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "Cache-Control: no-store\r\n%sConnection: close\r\n\r\n",
               status, http_status_str((enum http_status)status), ctype, blen,
               status == 405 ? "Allow: GET, HEAD\r\n" : "");
  if (n < 0 || (size_t)n >= 512) {
    conn_close(c);
    return;
  }
  if (!head_only && blen)
    memcpy(c->out + n, body, blen);
  buf = uv_buf_init(c->out, (unsigned)(n + (head_only ? 0 : blen)));
  c->wr.data = c->shut.data = c;
  if (uv_write(&c->wr, (uv_stream_t *)&c->tcp, &buf, 1, on_written) != 0)
    conn_close(c);
}

static void plain(mx_conn_t *c, int status, const char *text) {
  respond(c, status, "text/plain; charset=utf-8", text, strlen(text));
}

static void metrics(mx_conn_t *c) {
  vigil_mx_buf_t b = {0};

  c->m->scrapes++;
  vigil_metrics_collect(c->m->pl, &b);
  if (b.oom)
    plain(c, 500, "out of memory\n");
  else
    respond(c, 200, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len);
  vigil_mx_buf_free(&b);
}

/* The request line and headers are in: answer from them alone. */
static int on_headers(http_parser *p) {
  mx_conn_t *c = p->data;
  size_t plen = strcspn(c->url, "?");
  int get = p->method == HTTP_GET || p->method == HTTP_HEAD;
  int is_metrics = plen == 8 && strncmp(c->url, "/metrics", 8) == 0;
  int is_health = plen == 8 && strncmp(c->url, "/healthz", 8) == 0;

  if (!is_metrics && !is_health)
    plain(c, 404, "not found: try /metrics or /healthz\n");
  else if (!get)
    plain(c, 405, "only GET and HEAD\n");
  else if (is_metrics)
    metrics(c);
  else if (c->m->pl->state == PL_RUNNING)
    plain(c, 200, "ok\n");
  else
    plain(c, 503, "stopping\n");
  http_parser_pause(p, 1); /* nothing after the headers matters */
  return 0;
}

static int on_url(http_parser *p, const char *at, size_t n) {
  mx_conn_t *c = p->data;
  size_t room = sizeof(c->url) - 1 - c->url_len;

  /* A longer path is no route of ours; cutting it keeps it one. */
  if (n > room)
    n = room;
  memcpy(c->url + c->url_len, at, n);
  c->url_len += n;
  c->url[c->url_len] = '\0';
  return 0;
}

static const http_parser_settings settings = {.on_url = on_url,
                                              .on_headers_complete = on_headers};

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  mx_conn_t *c = h->data;

  buf->base = c->rbuf;
  buf->len = sizeof(c->rbuf);
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  mx_conn_t *c = s->data;
  enum http_errno e;

  if (nread < 0) {
    conn_close(c);
    return;
  }
  if (nread == 0 || c->answered)
    return;
  /* Counted before parsing: headers that end in the read that crosses the
   * limit would otherwise be answered. A scrape is a few hundred bytes. */
  c->head_bytes += (size_t)nread;
  if (c->head_bytes > MAX_HEAD) {
    plain(c, 431, "request headers too large\n");
    return;
  }
  http_parser_execute(&c->parser, &settings, buf->base, (size_t)nread);
  e = HTTP_PARSER_ERRNO(&c->parser);
  if (!c->answered && e != HPE_OK)
    plain(c, 400, "malformed HTTP request\n");
}

static void on_timeout(uv_timer_t *t) {
  mx_conn_t *c = t->data;

  if (c->answered)
    conn_close(c); /* done lingering */
  else
    plain(c, 408, "the request did not arrive in time\n");
}

static void on_connection(uv_stream_t *s, int status) {
  vigil_metrics_t *m = s->data;
  mx_conn_t *c;

  if (status < 0) {
    vigil_warn(WHO, "accept failed: %s", uv_strerror(status));
    return;
  }
  c = calloc(1, sizeof(*c));
  if (!c) {
    vigil_error(WHO, "out of memory accepting a connection");
    return;
  }
  c->m = m;
  c->tcp.data = c->timer.data = c;
  uv_tcp_init(&m->pl->loop, &c->tcp);
  uv_timer_init(&m->pl->loop, &c->timer);
  c->handles = 2;
  c->next = m->conns;
  if (m->conns)
    m->conns->prev = c;
  m->conns = c;
  m->nconns++;
  if (uv_accept(s, (uv_stream_t *)&c->tcp) != 0 || m->nconns > MAX_CONNS) {
    /* Over the limit a scraper is misbehaving; closing is answer enough. */
    conn_close(c);
    return;
  }
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  uv_timer_start(&c->timer, on_timeout, REQUEST_MS, 0);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

int vigil_metrics_listen_check(const char *listen, char *err, size_t errlen) {
  struct sockaddr_storage ss;

  return vp_listen_parse(listen, &ss, err, errlen);
}

int vigil_metrics_start(vigil_pipeline_t *pl) {
  const char *listen = pl->conf->metrics_listen;
  vigil_metrics_t *m;
  struct sockaddr_storage ss;
  struct timespec now;
  char err[256];
  int fd, rc;

  if (!pl->metrics && !(pl->metrics = vigil_metrics_new()))
    return VIGIL_ENOMEM;
  m = pl->metrics;
  m->pl = pl;
  clock_gettime(CLOCK_REALTIME, &now);
  m->started = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
  if (!listen)
    return VIGIL_OK;
  if (vp_listen_parse(listen, &ss, err, sizeof(err)) != 0) {
    vigil_error(WHO, "metrics_listen: %s", err);
    return VIGIL_EINVAL;
  }
  fd = vp_listen_open(&ss, BACKLOG);
  if (fd < 0) {
    vigil_error(WHO, "cannot listen on %s: %s", listen, strerror(-fd));
    return VIGIL_EIO;
  }
  uv_tcp_init(&pl->loop, &m->listener);
  m->listener.data = m;
  m->listening = 1;
  rc = uv_tcp_open(&m->listener, fd);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)&m->listener, BACKLOG, on_connection);
  if (rc != 0) {
    vigil_error(WHO, "cannot listen on %s: %s", listen, uv_strerror(rc));
    return VIGIL_EIO;
  }
  vp_listen_name(&m->listener, m->bound, sizeof(m->bound));
  vigil_info(WHO, "serving GET /metrics and /healthz on %s", m->bound);
  return VIGIL_OK;
}

void vigil_metrics_stop(vigil_pipeline_t *pl) {
  vigil_metrics_t *m = pl->metrics;
  mx_conn_t *c;

  if (!m)
    return;
  if (m->listening) {
    m->listening = 0;
    uv_close((uv_handle_t *)&m->listener, NULL);
    vigil_info(WHO, "stopped after %llu scrapes", (unsigned long long)m->scrapes);
  }
  /* conn_close frees nothing until the loop runs: the list stays walkable. */
  for (c = m->conns; c; c = c->next)
    conn_close(c);
}
