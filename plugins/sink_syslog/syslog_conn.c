/* The syslog socket: UDP, or TCP with reconnects (see syslog_sink.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syslog_sink.h"

typedef struct sreq_s {
  union {
    uv_write_t w;
    uv_udp_send_t u;
  } req;
  sl_sink_t *sk;
  const vigil_alert_t *alert;
  size_t len;
  char data[];
} sreq_t;

static void connect_now(sl_sink_t *sk);

static int64_t wall_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void maybe_stopped(sl_sink_t *sk) {
  vigil_stopped_cb cb = sk->stopped_cb;

  if (!sk->stopping || sk->handles > 0 || cb == NULL)
    return;
  sk->stopped_cb = NULL;
  sk->svc->log(sk->host, VIGIL_LOG_INFO,
               WHO ": stopped; %llu messages sent, %llu handed back for a later retry, "
                   "%llu shortened to max_message_bytes",
               (unsigned long long)sk->sent, (unsigned long long)sk->retried,
               (unsigned long long)sk->cut);
  cb(sk->stopped_arg);
}

static void on_handle_closed(uv_handle_t *h) {
  sl_sink_t *sk = h->data;

  if (h != (uv_handle_t *)&sk->timer)
    free(h);
  sk->handles--;
  maybe_stopped(sk);
}

static void report(sl_sink_t *sk, const vigil_alert_t *a, vigil_delivery_t outcome) {
  sk->pending--;
  if (outcome == VIGIL_DELIVERY_DONE)
    sk->sent++;
  else
    sk->retried++;
  sk->svc->delivered(sk->host, a->token, outcome);
}

/* Hands every waiting alert back to the host. */
static void hand_back(sl_sink_t *sk) {
  sl_item_t *it;

  while ((it = sk->head) != NULL) {
    sk->head = it->next;
    sk->queued--;
    report(sk, it->alert, VIGIL_DELIVERY_RETRY);
    free(it);
  }
  sk->tail = NULL;
}

/* The message for `a`, framed for the transport, in a send request. */
static sreq_t *frame(sl_sink_t *sk, const vigil_alert_t *a) {
  char prefix[24];
  size_t plen = 0;
  sreq_t *r;
  int cut;

  sk->buf.len = 0;
  if (sl_format(&sk->buf, &sk->fmt, a, wall_ms(), &cut) != 0)
    return NULL;
  if (cut)
    sk->cut++;
  if (sk->tcp)
    plen = (size_t)snprintf(prefix, sizeof(prefix), "%zu ", sk->buf.len);
  r = malloc(sizeof(*r) + plen + sk->buf.len);
  if (r == NULL)
    return NULL;
  memcpy(r->data, prefix, plen);
  memcpy(r->data + plen, sk->buf.p, sk->buf.len);
  r->len = plen + sk->buf.len;
  r->sk = sk;
  r->alert = a;
  return r;
}

static void fail_send(sl_sink_t *sk, const vigil_alert_t *a, int status) {
  snprintf(sk->err, sizeof(sk->err), WHO ": sending to %s: %s", sk->address,
           uv_strerror(status));
  report(sk, a, VIGIL_DELIVERY_RETRY);
}

static void on_udp_sent(uv_udp_send_t *req, int status) {
  sreq_t *r = (sreq_t *)req;

  if (status < 0)
    fail_send(r->sk, r->alert, status);
  else
    report(r->sk, r->alert, VIGIL_DELIVERY_DONE);
  free(r);
}

/* ---- TCP connection ------------------------------------------------------------------------- */

static void close_tcp(sl_sink_t *sk) {
  if (sk->tcp_h == NULL)
    return;
  /* Writes still queued on it end with UV_ECANCELED: handed back. */
  uv_close((uv_handle_t *)sk->tcp_h, on_handle_closed);
  sk->tcp_h = NULL;
}

static void on_timer(uv_timer_t *t) {
  connect_now(t->data);
}

static void schedule(sl_sink_t *sk) {
  uv_timer_start(&sk->timer, on_timer, sk->backoff_ms, 0);
  sk->backoff_ms *= 2;
  if (sk->backoff_ms > sk->reconnect_max_ms)
    sk->backoff_ms = sk->reconnect_max_ms;
}

/* The connection broke or never came: try again later. */
static void lost(sl_sink_t *sk, const char *what, int status) {
  sk->state = SL_DOWN;
  sk->failures++;
  close_tcp(sk);
  snprintf(sk->err, sizeof(sk->err), WHO ": %s %s: %s", what, sk->address, uv_strerror(status));
  /* One warning per outage; the attempts after it are debug lines. */
  sk->svc->log(sk->host, sk->failures == 1 ? VIGIL_LOG_WARN : VIGIL_LOG_DEBUG,
               "%s; trying again in %.1f s", sk->err, (double)sk->backoff_ms / 1000.0);
  hand_back(sk);
  if (!sk->stopping)
    schedule(sk);
}

static void on_tcp_written(uv_write_t *req, int status) {
  sreq_t *r = (sreq_t *)req;
  sl_sink_t *sk = r->sk;

  if (status == 0) {
    report(sk, r->alert, VIGIL_DELIVERY_DONE);
  } else {
    fail_send(sk, r->alert, status);
    if (status != UV_ECANCELED && sk->state == SL_UP && req->handle == (uv_stream_t *)sk->tcp_h)
      lost(sk, "connection to", status);
  }
  free(r);
}

static void send_now(sl_sink_t *sk, const vigil_alert_t *a) {
  sreq_t *r = frame(sk, a);
  uv_buf_t b;
  int rc;

  if (r == NULL) {
    snprintf(sk->err, sizeof(sk->err), WHO ": out of memory");
    report(sk, a, VIGIL_DELIVERY_RETRY);
    return;
  }
  b = uv_buf_init(r->data, (unsigned)r->len);
  if (sk->tcp)
    rc = uv_write(&r->req.w, (uv_stream_t *)sk->tcp_h, &b, 1, on_tcp_written);
  else
    rc = uv_udp_send(&r->req.u, sk->udp, &b, 1, NULL, on_udp_sent);
  if (rc != 0) {
    free(r);
    fail_send(sk, a, rc);
  }
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
  static char sink_hole[256]; /* receivers do not talk; whatever comes is dropped */

  buf->base = sink_hole;
  buf->len = sizeof(sink_hole);
}

static void on_tcp_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf) {
  sl_sink_t *sk = s->data;

  /* Reading only to learn that the receiver went away. */
  if (nread < 0 && sk->state == SL_UP && s == (uv_stream_t *)sk->tcp_h) {
    sk->backoff_ms = sk->reconnect_min_ms;
    lost(sk, "connection closed by", (int)nread);
  }
}

static void on_connected(uv_connect_t *req, int status) {
  sl_sink_t *sk = req->data;
  sl_item_t *it;

  if (sk->stopping || req->handle != (uv_stream_t *)sk->tcp_h)
    return;
  if (status != 0) {
    lost(sk, "cannot connect to", status);
    return;
  }
  if (sk->failures > 0)
    sk->svc->log(sk->host, VIGIL_LOG_INFO, WHO ": connected to %s again", sk->address);
  sk->state = SL_UP;
  sk->failures = 0;
  sk->backoff_ms = sk->reconnect_min_ms;
  uv_read_start((uv_stream_t *)sk->tcp_h, on_alloc, on_tcp_read);
  while ((it = sk->head) != NULL && sk->state == SL_UP) {
    sk->head = it->next;
    sk->queued--;
    send_now(sk, it->alert);
    free(it);
  }
  if (sk->head == NULL)
    sk->tail = NULL;
}

static void connect_now(sl_sink_t *sk) {
  int rc;

  sk->tcp_h = malloc(sizeof(*sk->tcp_h));
  if (sk->tcp_h == NULL) {
    lost(sk, "out of memory connecting to", UV_ENOMEM);
    return;
  }
  uv_tcp_init(sk->svc->loop, sk->tcp_h);
  sk->tcp_h->data = sk;
  sk->handles++;
  sk->state = SL_CONNECTING;
  sk->connect_req.data = sk;
  rc = uv_tcp_connect(&sk->connect_req, sk->tcp_h, (const struct sockaddr *)&sk->addr,
                      on_connected);
  if (rc != 0)
    lost(sk, "cannot connect to", rc);
}

/* ---- entry points --------------------------------------------------------------------------- */

int sl_conn_start(sl_sink_t *sk) {
  int rc;

  uv_timer_init(sk->svc->loop, &sk->timer);
  sk->timer.data = sk;
  sk->handles++;
  sk->started = 1; /* from here stop() has handles to close */
  sk->backoff_ms = sk->reconnect_min_ms;
  if (sk->tcp) {
    connect_now(sk);
    return VIGIL_OK;
  }
  sk->udp = malloc(sizeof(*sk->udp));
  if (sk->udp == NULL)
    return VIGIL_ENOMEM;
  uv_udp_init(sk->svc->loop, sk->udp);
  sk->udp->data = sk;
  sk->handles++;
  /* A connected socket reports ICMP "port unreachable" on later sends. */
  rc = uv_udp_connect(sk->udp, (const struct sockaddr *)&sk->addr);
  if (rc != 0) {
    snprintf(sk->err, sizeof(sk->err), WHO ": cannot use %s: %s", sk->address, uv_strerror(rc));
    return VIGIL_EIO;
  }
  sk->state = SL_UP;
  return VIGIL_OK;
}

int sl_conn_send(sl_sink_t *sk, const vigil_alert_t *a) {
  sl_item_t *it;

  if (sk->stopping) {
    snprintf(sk->err, sizeof(sk->err), WHO ": stopping");
    return VIGIL_ECLOSED;
  }
  if (sk->pending >= sk->max_pending) {
    snprintf(sk->err, sizeof(sk->err), WHO ": %zu alerts already wait for %s", sk->pending,
             sk->address);
    sk->retried++;
    sk->svc->delivered(sk->host, a->token, VIGIL_DELIVERY_RETRY);
    return VIGIL_OK;
  }
  sk->pending++;
  if (sk->state == SL_UP) {
    send_now(sk, a);
    return VIGIL_OK;
  }
  it = malloc(sizeof(*it));
  if (it == NULL) {
    sk->pending--;
    snprintf(sk->err, sizeof(sk->err), WHO ": out of memory");
    return VIGIL_ENOMEM;
  }
  it->alert = a;
  it->next = NULL;
  if (sk->tail != NULL)
    sk->tail->next = it;
  else
    sk->head = it;
  sk->tail = it;
  sk->queued++;
  return VIGIL_OK;
}

void sl_conn_stop(sl_sink_t *sk) {
  sk->stopping = 1;
  hand_back(sk);
  if (sk->started) {
    uv_close((uv_handle_t *)&sk->timer, on_handle_closed);
    close_tcp(sk);
    if (sk->udp != NULL)
      uv_close((uv_handle_t *)sk->udp, on_handle_closed);
    sk->udp = NULL;
  }
  maybe_stopped(sk);
}
