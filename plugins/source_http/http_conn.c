/*
 * One client connection: reads bytes into http-parser, keeps the deadlines
 * (slow clients cannot hold a connection), writes answers, and closes.
 *
 * The parser is paused at the end of every request (and whenever an answer
 * was given early), so a request is always handled outside the parser's own
 * call. Bytes of a next request that arrived with this one (pipelining) are
 * kept in `rest` while the request waits for room in the pipeline, and fed
 * on once it is answered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_source.h"

/* How long a connection answered with "close" keeps draining input, so the
 * client reads the answer instead of a reset. */
#define LINGER_MS 2000
#define READ_BUF ((size_t)64 << 10)

typedef struct wreq_s {
  uv_write_t req;
  vh_conn_t *c;
  int then_close;
  char data[];
} wreq_t;

static void on_closed(uv_handle_t *h) {
  vh_conn_t *c = h->data;
  vh_server_t *srv = c->srv;

  if (--c->open_handles > 0)
    return;
  if (c->prev != NULL)
    c->prev->next = c->next;
  else
    srv->conns = c->next;
  if (c->next != NULL)
    c->next->prev = c->prev;
  if (!c->refused)
    srv->nconns--;
  if (c->counted_refusing)
    srv->nrefusing--;
  vh_request_reset(c);
  free(c->rest);
  free(c);
  vh_server_conn_gone(srv);
}

void vh_conn_close(vh_conn_t *c) {
  if (c->closing)
    return;
  c->closing = 1;
  uv_close((uv_handle_t *)&c->tcp, on_closed);
  uv_close((uv_handle_t *)&c->timer, on_closed);
  uv_close((uv_handle_t *)&c->busy, on_closed);
}

static void on_timer(uv_timer_t *t) {
  vh_conn_t *c = t->data;

  if (c->state == VH_HEADERS || c->state == VH_BODY) {
    c->keep_alive = 0;
    vh_conn_respond_text(c, 408, "{\"error\":\"the request did not arrive in time\"}\n");
    return;
  }
  if (c->state == VH_EMITTING && c->ack != NULL && c->ack->sealed) {
    vh_request_ack_late(c);
    return;
  }
  vh_conn_close(c); /* idle, or done lingering */
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  vh_conn_t *c = h->data;

  /* One buffer serves every connection: each read is handled before the
   * loop reads from another socket. */
  buf->base = c->srv->rbuf;
  buf->len = READ_BUF;
}

static void save_rest(vh_conn_t *c, const char *p, size_t n) {
  char *r;

  if (n == 0)
    return;
  r = realloc(c->rest, c->rest_len + n);
  if (r == NULL) {
    vh_conn_close(c);
    return;
  }
  memcpy(r + c->rest_len, p, n);
  c->rest = r;
  c->rest_len += n;
}

static void bad_http(vh_conn_t *c) {
  char body[256];
  int n;

  n = snprintf(body, sizeof(body), "{\"error\":\"malformed HTTP request: %s\"}\n",
               http_errno_description(HTTP_PARSER_ERRNO(&c->parser)));
  c->keep_alive = 0;
  vh_conn_respond(c, 400, NULL, "application/json", body, (size_t)n, 1);
}

/* Runs the parser over p[0..n), handling every request in it in turn. */
static void feed(vh_conn_t *c, const char *p, size_t n) {
  size_t used;
  enum http_errno e;

  while (n > 0 && !c->closing) {
    used = http_parser_execute(&c->parser, &vh_parser_settings, p, n);
    e = HTTP_PARSER_ERRNO(&c->parser);
    if (e == HPE_OK && c->parser.upgrade) {
      c->keep_alive = 0;
      vh_conn_respond_text(c, 400, "{\"error\":\"protocol upgrades are not supported\"}\n");
      return;
    }
    if (e == HPE_OK)
      return;
    if (e != HPE_PAUSED) {
      bad_http(c);
      return;
    }
    if (c->state == VH_LINGER || c->closing)
      return;
    if (c->state == VH_EMITTING) {
      save_rest(c, p + used, n - used);
      uv_read_stop((uv_stream_t *)&c->tcp);
      return;
    }
    /* Answered already and kept alive: go on with what follows. */
    http_parser_pause(&c->parser, 0);
    p += used;
    n -= used;
  }
}

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  vh_conn_t *c = s->data;

  if (nread == 0 || c->closing)
    return;
  if (nread < 0) {
    /* A client may half-close once its request is sent; the answer to a
     * request in hand still goes out. */
    uv_read_stop(s);
    if (c->state == VH_EMITTING)
      c->keep_alive = 0;
    else
      vh_conn_close(c);
    return;
  }
  if (c->state == VH_LINGER)
    return;
  feed(c, buf->base, (size_t)nread);
}

static void arm(vh_conn_t *c, uint64_t ms) {
  uv_timer_start(&c->timer, on_timer, ms, 0);
}

void vh_conn_resume(vh_conn_t *c) {
  char *rest = c->rest;
  size_t n = c->rest_len;

  if (c->closing || c->state != VH_IDLE)
    return;
  c->rest = NULL;
  c->rest_len = 0;
  http_parser_pause(&c->parser, 0);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  feed(c, rest, n);
  free(rest);
}

static void on_written(uv_write_t *req, int status) {
  wreq_t *w = (wreq_t *)req;
  vh_conn_t *c = w->c;

  if (status < 0 || (w->then_close && c->srv->stopping))
    vh_conn_close(c);
  free(w);
}

static void on_shutdown(uv_shutdown_t *req, int status) {
  /* Nothing to do: the linger timer or the client's EOF closes. */
}

static void write_bytes(vh_conn_t *c, const char *head, size_t hlen, const char *body,
                        size_t blen, int then_close) {
  wreq_t *w = malloc(sizeof(*w) + hlen + blen);
  uv_buf_t b;

  if (w == NULL) {
    vh_conn_close(c);
    return;
  }
  memcpy(w->data, head, hlen);
  if (blen > 0)
    memcpy(w->data + hlen, body, blen);
  w->c = c;
  w->then_close = then_close;
  b = uv_buf_init(w->data, (unsigned)(hlen + blen));
  if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, on_written) != 0) {
    free(w);
    vh_conn_close(c);
  }
}

void vh_conn_continue(vh_conn_t *c) {
  static const char line[] = "HTTP/1.1 100 Continue\r\n\r\n";

  write_bytes(c, line, sizeof(line) - 1, NULL, 0, 0);
}

/* After an answer that ends the connection: stop writing, drain input. */
static void linger(vh_conn_t *c) {
  c->state = VH_LINGER;
  if (c->srv->stopping)
    return; /* on_written closes */
  if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, on_shutdown) != 0) {
    vh_conn_close(c);
    return;
  }
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
  arm(c, LINGER_MS);
}

void vh_conn_respond(vh_conn_t *c, int status, const char *extra, const char *ctype,
                     const char *body, size_t body_len, int close) {
  char head[1024];
  int n;

  if (c->closing || c->state == VH_LINGER)
    return;
  uv_timer_stop(&c->timer);
  if (close || c->srv->stopping)
    c->keep_alive = 0;
  n = snprintf(head, sizeof(head),
               "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
               "Cache-Control: no-store\r\nX-Request-Id: %llu\r\nConnection: %s\r\n%s\r\n",
               status, http_status_str((enum http_status)status), ctype, body_len,
               (unsigned long long)c->id, c->keep_alive ? "keep-alive" : "close",
               extra != NULL ? extra : "");
  if (n < 0 || (size_t)n >= sizeof(head)) {
    vh_conn_close(c);
    return;
  }
  /* A HEAD request gets the headers of the answer, not its body. */
  if (c->parser.method == HTTP_HEAD)
    body_len = 0;
  write_bytes(c, head, (size_t)n, body, body_len, !c->keep_alive);
  if (c->closing)
    return;
  if (!c->keep_alive) {
    linger(c);
    return;
  }
  c->state = VH_IDLE;
  arm(c, c->srv->conf.idle_ms);
}

static void peer_name(vh_conn_t *c) {
  struct sockaddr_storage ss;
  int len = sizeof(ss);
  char ip[INET6_ADDRSTRLEN];
  int port;

  strcpy(c->peer, "unknown");
  if (uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&ss, &len) != 0)
    return;
  if (ss.ss_family == AF_INET6) {
    uv_ip6_name((struct sockaddr_in6 *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    snprintf(c->peer, sizeof(c->peer), "[%s]:%d", ip, port);
  } else {
    uv_ip4_name((struct sockaddr_in *)&ss, ip, sizeof(ip));
    port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
    snprintf(c->peer, sizeof(c->peer), "%s:%d", ip, port);
  }
}

/*
 * Over max_connections: answer 503 and linger like any closing connection,
 * so the client reads the answer rather than a reset. Connections refused
 * this way are themselves limited to max_connections; past that they are
 * closed without a word.
 */
static void refuse(vh_conn_t *c) {
  vh_server_t *srv = c->srv;
  char extra[64];

  srv->stats.conns_refused++;
  if (srv->nrefusing >= srv->conf.max_conns) {
    vh_conn_close(c);
    return;
  }
  srv->nrefusing++;
  c->counted_refusing = 1;
  c->keep_alive = 0;
  snprintf(extra, sizeof(extra), "Retry-After: %zu\r\n", srv->conf.retry_after_s);
  vh_conn_respond(c, 503, extra, "application/json", "{\"error\":\"too many connections\"}\n",
                  33, 1);
}

void vh_conn_accept(vh_server_t *srv) {
  vh_conn_t *c = calloc(1, sizeof(*c));

  if (c == NULL) {
    srv->svc->log(srv->host, VIGIL_LOG_ERROR, WHO ": out of memory accepting a connection");
    return;
  }
  c->srv = srv;
  c->tcp.data = c->timer.data = c->busy.data = c;
  uv_tcp_init(srv->svc->loop, &c->tcp);
  uv_timer_init(srv->svc->loop, &c->timer);
  uv_timer_init(srv->svc->loop, &c->busy);
  c->open_handles = 3;
  c->next = srv->conns;
  if (srv->conns != NULL)
    srv->conns->prev = c;
  srv->conns = c;
  c->refused = srv->nconns >= srv->conf.max_conns || srv->stopping;
  if (!c->refused)
    srv->nconns++;
  if (uv_accept((uv_stream_t *)&srv->listener, (uv_stream_t *)&c->tcp) != 0) {
    vh_conn_close(c);
    return;
  }
  if (c->refused) {
    refuse(c);
    return;
  }
  peer_name(c);
  uv_tcp_nodelay(&c->tcp, 1);
  http_parser_init(&c->parser, HTTP_REQUEST);
  c->parser.data = c;
  c->state = VH_IDLE;
  arm(c, srv->conf.idle_ms);
  uv_read_start((uv_stream_t *)&c->tcp, on_alloc, on_read);
}

void vh_conn_arm(vh_conn_t *c, uint64_t ms) {
  arm(c, ms);
}

void vh_conn_respond_text(vh_conn_t *c, int status, const char *json) {
  c->keep_alive = 0;
  vh_conn_respond(c, status, NULL, "application/json", json, strlen(json), 1);
}
