/*
 * What a request means. Routes:
 *
 *   POST /v1/events (and POST /)  events; 202 once their alerts are safe (acked)
 *   GET|HEAD /healthz             200 "ok", without authentication
 *   GET|HEAD /metrics             404 naming metrics_listen, where the host serves them
 *
 * Everything that can be refused from the headers alone (route, method,
 * token, encoding, declared length) is refused before the body is read, so
 * a client without the token cannot make the server buffer anything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http_source.h"
#include "secret.h"

/* How often a request waiting for room in the pipeline tries again. */
#define BUSY_POLL_MS 10

uint64_t vh_now(const vh_server_t *srv) {
  return uv_now(srv->svc->loop);
}

static vh_conn_t *conn_of(http_parser *p) {
  return p->data;
}

void vh_request_reset(vh_conn_t *c) {
  vh_ack_detach(c);
  free(c->body);
  free(c->decoded);
  vh_texts_free(&c->texts);
  c->body = c->decoded = NULL;
  c->body_len = c->body_cap = c->decoded_len = 0;
  c->next_text = 0;
}

/* Writes s into out as the inside of a JSON string (always terminated). */
static void json_text(char *out, size_t cap, const char *s) {
  size_t o = 0;

  for (; *s != '\0' && o + 7 < cap; s++) {
    unsigned char ch = (unsigned char)*s;
    if (ch == '"' || ch == '\\') {
      out[o++] = '\\';
      out[o++] = (char)ch;
    } else if (ch < 0x20 || ch >= 0x7f) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
    } else {
      out[o++] = (char)ch;
    }
  }
  out[o] = '\0';
}

/* Answers {"error": "<reason>", ...more} with `status`; the reason is
 * printf-formatted. Errors close the connection: the rest of a refused
 * body would otherwise have to be read. */
static void refuse(vh_conn_t *c, int status, const char *extra, const char *fmt, ...)
    VIGIL_PRINTF(4, 5);

static void refuse(vh_conn_t *c, int status, const char *extra, const char *fmt, ...) {
  char why[512], esc[1024], body[1200];
  va_list ap;
  int n;

  va_start(ap, fmt);
  vsnprintf(why, sizeof(why), fmt, ap);
  va_end(ap);
  json_text(esc, sizeof(esc), why);
  n = snprintf(body, sizeof(body), "{\"error\":\"%s\",\"request_id\":\"%llu\"}\n", esc,
               (unsigned long long)c->id);
  c->srv->stats.rejected++;
  /* The path only: a query string may carry something private. */
  c->srv->svc->log(c->srv->host, VIGIL_LOG_DEBUG, "%s %.*s from %s: %d %s (request %llu)",
                   http_method_str((enum http_method)c->parser.method),
                   (int)strcspn(c->url, "?"), c->url, c->peer, status, why,
                   (unsigned long long)c->id);
  c->keep_alive = 0;
  vh_conn_respond(c, status, extra, "application/json", body, (size_t)n, 1);
  /* Stop parsing: feed() sees the connection lingering. */
  http_parser_pause(&c->parser, 1);
}

/* ---- headers -------------------------------------------------------------------------------- */

static int on_begin(http_parser *p) {
  vh_conn_t *c = conn_of(p);

  vh_request_reset(c);
  c->id = ++c->srv->next_id;
  c->srv->stats.requests++;
  c->state = VH_HEADERS;
  c->started_ms = vh_now(c->srv);
  c->header_bytes = c->url_len = c->field_len = c->auth_len = c->encoding_len = 0;
  c->url[0] = c->auth[0] = c->encoding[0] = '\0';
  c->url_long = c->hdr_long = c->expect_continue = 0;
  c->dup_hdr = 0;
  c->value_seen = 1; /* the first header field starts a new name */
  c->route = VH_ROUTE_NONE;
  vh_conn_arm(c, c->srv->conf.header_ms);
  return 0;
}

/* Counts request-line and header bytes; answers 431 past the limit. */
static int too_big(vh_conn_t *c, size_t n) {
  c->header_bytes += n;
  if (c->header_bytes <= c->srv->conf.max_header)
    return 0;
  refuse(c, 431, NULL, "the request line and headers exceed %zu bytes", c->srv->conf.max_header);
  return 1;
}

static void append(char *buf, size_t cap, size_t *len, const char *at, size_t n, int *cut) {
  if (*len + n >= cap) {
    *cut = 1;
    n = *len < cap - 1 ? cap - 1 - *len : 0;
  }
  memcpy(buf + *len, at, n);
  *len += n;
  buf[*len] = '\0';
}

static int on_url(http_parser *p, const char *at, size_t n) {
  vh_conn_t *c = conn_of(p);

  if (too_big(c, n))
    return 0;
  append(c->url, sizeof(c->url), &c->url_len, at, n, &c->url_long);
  return 0;
}

static int on_field(http_parser *p, const char *at, size_t n) {
  vh_conn_t *c = conn_of(p);
  int cut = 0;

  if (too_big(c, n))
    return 0;
  if (c->value_seen) {
    c->field_len = 0;
    c->field[0] = '\0';
    c->value_seen = 0;
  }
  append(c->field, sizeof(c->field), &c->field_len, at, n, &cut);
  return 0;
}

/* The header the value bytes that follow belong to; marks duplicates. */
static void which_header(vh_conn_t *c) {
  c->hdr = VH_H_OTHER;
  if (strcasecmp(c->field, "authorization") == 0)
    c->hdr = VH_H_AUTH;
  else if (strcasecmp(c->field, "content-encoding") == 0)
    c->hdr = VH_H_ENCODING;
  else if (strcasecmp(c->field, "expect") == 0)
    c->hdr = VH_H_EXPECT;
  if ((c->hdr == VH_H_AUTH && c->auth_len > 0) ||
      (c->hdr == VH_H_ENCODING && c->encoding_len > 0))
    c->dup_hdr = 1;
}

static int on_value(http_parser *p, const char *at, size_t n) {
  vh_conn_t *c = conn_of(p);
  char expect[32];
  size_t elen;

  if (too_big(c, n))
    return 0;
  if (!c->value_seen) {
    c->value_seen = 1;
    which_header(c);
  }
  switch (c->hdr) {
  case VH_H_AUTH:
    append(c->auth, sizeof(c->auth), &c->auth_len, at, n, &c->hdr_long);
    break;
  case VH_H_ENCODING:
    append(c->encoding, sizeof(c->encoding), &c->encoding_len, at, n, &c->hdr_long);
    break;
  case VH_H_EXPECT:
    /* Split values are rare enough that only whole ones are recognised. */
    elen = n < sizeof(expect) - 1 ? n : sizeof(expect) - 1;
    memcpy(expect, at, elen);
    expect[elen] = '\0';
    c->expect_continue = strcasecmp(expect, "100-continue") == 0;
    break;
  default:
    break;
  }
  return 0;
}

/* Is the request's token the configured one? True when auth is off. */
static int authorized(const vh_conn_t *c) {
  const char *v = c->auth;

  if (c->srv->token == NULL)
    return 1;
  if (c->hdr_long || strncasecmp(v, "Bearer ", 7) != 0)
    return 0;
  v += 7;
  while (*v == ' ')
    v++;
  return vp_secret_equal(v, strlen(v), c->srv->token, c->srv->token_len);
}

static vh_route_t route_of(vh_conn_t *c, const char **allow) {
  size_t plen = strcspn(c->url, "?");
  int m = c->parser.method;

  *allow = NULL;
  if (plen == 8 && strncmp(c->url, "/healthz", 8) == 0) {
    *allow = "GET, HEAD";
    return m == HTTP_GET || m == HTTP_HEAD ? VH_ROUTE_HEALTH : VH_ROUTE_NONE;
  }
  if (plen == 8 && strncmp(c->url, "/metrics", 8) == 0) {
    *allow = "GET, HEAD";
    return m == HTTP_GET || m == HTTP_HEAD ? VH_ROUTE_METRICS : VH_ROUTE_NONE;
  }
  if ((plen == 10 && strncmp(c->url, "/v1/events", 10) == 0) ||
      (plen == 1 && c->url[0] == '/')) {
    *allow = "POST";
    return m == HTTP_POST ? VH_ROUTE_EVENTS : VH_ROUTE_NONE;
  }
  return VH_ROUTE_NONE;
}

static int gzip_encoding(const char *e) {
  return strcasecmp(e, "gzip") == 0 || strcasecmp(e, "x-gzip") == 0;
}

/* Refuses what the headers already condemn; returns 1 when refused. */
static int check_events_headers(vh_conn_t *c) {
  const vh_conf_t *cf = &c->srv->conf;

  if (c->dup_hdr) {
    refuse(c, 400, NULL, "Authorization or Content-Encoding given twice");
    return 1;
  }
  if (!authorized(c)) {
    refuse(c, 401, "WWW-Authenticate: Bearer\r\n", "a valid bearer token is required");
    return 1;
  }
  if (c->encoding_len > 0 && strcasecmp(c->encoding, "identity") != 0 &&
      !gzip_encoding(c->encoding)) {
    refuse(c, 415, NULL, "Content-Encoding must be gzip or identity");
    return 1;
  }
  if ((c->parser.flags & F_CONTENTLENGTH) && c->parser.content_length > cf->max_body) {
    refuse(c, 413, NULL, "the body is larger than %zu bytes", cf->max_body);
    return 1;
  }
  return 0;
}

static int on_headers(http_parser *p) {
  vh_conn_t *c = conn_of(p);
  uint64_t spent = vh_now(c->srv) - c->started_ms;
  const char *allow;
  char extra[64];

  if (c->url_long) {
    refuse(c, 414, NULL, "the URL is longer than %zu bytes", sizeof(c->url) - 1);
    return 0;
  }
  c->route = route_of(c, &allow);
  if (c->route == VH_ROUTE_NONE) {
    if (allow == NULL) {
      refuse(c, 404, NULL, "no such path; events go to POST /v1/events");
    } else {
      snprintf(extra, sizeof(extra), "Allow: %s\r\n", allow);
      refuse(c, 405, extra, "method not allowed here");
    }
    return 0;
  }
  if (c->route == VH_ROUTE_METRICS && !authorized(c)) {
    refuse(c, 401, "WWW-Authenticate: Bearer\r\n", "a valid bearer token is required");
    return 0;
  }
  if (c->route == VH_ROUTE_EVENTS && check_events_headers(c))
    return 0;
  if (c->expect_continue && c->route == VH_ROUTE_EVENTS)
    vh_conn_continue(c);
  c->state = VH_BODY;
  vh_conn_arm(c, spent < c->srv->conf.request_ms ? c->srv->conf.request_ms - spent : 1);
  return 0;
}

/* ---- body ----------------------------------------------------------------------------------- */

static int on_body(http_parser *p, const char *at, size_t n) {
  vh_conn_t *c = conn_of(p);
  size_t max = c->srv->conf.max_body, ncap;
  char *nb;

  if (c->route != VH_ROUTE_EVENTS)
    return 0; /* other routes take no body; it is read and dropped */
  if (n > max - c->body_len) {
    refuse(c, 413, NULL, "the body is larger than %zu bytes", max);
    return 0;
  }
  if (c->body_len + n > c->body_cap) {
    ncap = c->body_cap ? c->body_cap : 16384;
    while (ncap < c->body_len + n)
      ncap *= 2;
    if (ncap > max)
      ncap = max;
    nb = realloc(c->body, ncap);
    if (nb == NULL) {
      refuse(c, 500, NULL, "out of memory reading the body");
      return 0;
    }
    c->body = nb;
    c->body_cap = ncap;
  }
  memcpy(c->body + c->body_len, at, n);
  c->body_len += n;
  return 0;
}

/* ---- answers -------------------------------------------------------------------------------- */

/*
 * GET /metrics. The core serves the pipeline's metrics on its own listener
 * (metrics_listen, core/metrics_http.c): scrapers then need no ingest token,
 * and the ingest port can face a wider network than the figures. A scraper
 * pointed here by mistake is told where to look.
 */
static void metrics(vh_conn_t *c) {
  refuse(c, 404, NULL, "metrics are served on the run configuration's metrics_listen address");
}

static void health(vh_conn_t *c) {
  vh_conn_respond(c, 200, NULL, "text/plain", "ok\n", 3, 0);
}

/*
 * With ack = "delivered" (the default, on a host with try_emit_acked) 202
 * is sent once every text's alerts are with every sink or its spool, so a
 * crash after the 202 loses nothing the client was promised. Known limit:
 * with ack = "accepted", or on an ABI 1.1 host, 202 means only that the
 * texts are in the pipeline's memory, and a crash (SIGKILL, power loss)
 * right after it loses them. Also: the host acks a source's emits in emit
 * order, so one request whose alert waits on a retrying sink holds back the
 * 202 of every later request until it is settled (ack_timeout_ms bounds the
 * wait); per-emit acks out of order in the core would lift that.
 */
static void accepted(vh_conn_t *c) {
  char body[128];
  int n;

  c->srv->stats.events += c->texts.n;
  n = snprintf(body, sizeof(body), "{\"accepted\":%zu,\"request_id\":\"%llu\"}\n", c->texts.n,
               (unsigned long long)c->id);
  c->srv->svc->log(c->srv->host, VIGIL_LOG_DEBUG, "%s: %zu JSON texts accepted", c->stream,
                   c->texts.n);
  vh_conn_respond(c, 202, NULL, "application/json", body, (size_t)n, 0);
  vh_request_reset(c);
}

/* Every text was taken but not all are safe: the client should resend. */
static void not_kept(vh_conn_t *c, const char *why, int close) {
  char extra[64], body[512];
  int n;

  c->srv->stats.busy++;
  snprintf(extra, sizeof(extra), "Retry-After: %zu\r\n", c->srv->conf.retry_after_s);
  n = snprintf(body, sizeof(body),
               "{\"error\":\"%s; resend the body\",\"accepted\":0,\"total\":%zu,"
               "\"request_id\":\"%llu\"}\n",
               why, c->texts.n, (unsigned long long)c->id);
  c->srv->svc->log(c->srv->host, VIGIL_LOG_WARN, "%s: 503 for %zu JSON texts: %s", c->stream,
                   c->texts.n, why);
  vh_conn_respond(c, 503, extra, "application/json", body, (size_t)n, close);
  vh_request_reset(c);
}

static void answer_acked(vh_conn_t *c) {
  int status = c->ack->status;

  if (status == VIGIL_OK)
    accepted(c);
  else if (status == VIGIL_ECLOSED)
    not_kept(c, "vigil stopped before the events were processed", 1);
  else
    not_kept(c, "an alert of these events could not be delivered or spooled", 0);
}

void vh_request_acked(vh_conn_t *c) {
  answer_acked(c);
  /* Answered outside the parser: carry on with pipelined input. */
  if (c->state == VH_IDLE)
    vh_conn_resume(c);
}

void vh_request_ack_late(vh_conn_t *c) {
  char why[128];

  snprintf(why, sizeof(why), "the alerts of these events were not confirmed within %zu ms",
           c->srv->conf.ack_ms);
  not_kept(c, why, 0);
  if (c->state == VH_IDLE)
    vh_conn_resume(c);
}

/*
 * The pipeline could not take everything. What was taken stays taken: the
 * answer says how many texts (from the start of the body, in order) went
 * in, so a client may resend only the rest; one that resends the whole body
 * duplicates at most those.
 */
static void busy(vh_conn_t *c, int closed) {
  char extra[64], body[256];
  int n;

  c->srv->stats.busy++;
  snprintf(extra, sizeof(extra), "Retry-After: %zu\r\n", c->srv->conf.retry_after_s);
  n = snprintf(body, sizeof(body),
               "{\"error\":\"%s\",\"accepted\":%zu,\"total\":%zu,\"request_id\":\"%llu\"}\n",
               closed ? "vigil is stopping" : "the pipeline is full; retry later",
               c->next_text, c->texts.n, (unsigned long long)c->id);
  c->srv->svc->log(c->srv->host, VIGIL_LOG_INFO, "%s: 503 after %zu of %zu JSON texts (%s)",
                   c->stream, c->next_text, c->texts.n, closed ? "stopping" : "pipeline full");
  vh_conn_respond(c, 503, extra, "application/json", body, (size_t)n, closed);
  vh_request_reset(c);
}

static void on_busy_timer(uv_timer_t *t);

/* Hands texts over from next_text on; answers when done or given up. */
static void emit_more(vh_conn_t *c) {
  const vigil_services_t *svc = c->srv->svc;
  const char *base = c->decoded != NULL ? c->decoded : c->body;
  vigil_position_t pos;
  const vh_text_t *t;
  int rc;

  pos.stream = c->stream;
  while (c->next_text < c->texts.n) {
    t = &c->texts.v[c->next_text];
    pos.line = t->line;
    pos.offset = t->off;
    if (c->ack != NULL) {
      c->ack->pending++;
      rc = svc->try_emit_acked(c->srv->host, base + t->off, t->len, VIGIL_FORMAT_JSON, &pos,
                               vh_ack_cb, c->ack);
      if (rc != VIGIL_OK)
        c->ack->pending--; /* no ack follows a failed call */
    } else {
      rc = svc->try_emit(c->srv->host, base + t->off, t->len, VIGIL_FORMAT_JSON, &pos);
    }
    if (rc == VIGIL_OK) {
      c->next_text++;
    } else if (rc == VIGIL_EAGAIN && vh_now(c->srv) < c->busy_until_ms) {
      uv_timer_start(&c->busy, on_busy_timer, BUSY_POLL_MS, 0);
      return;
    } else if (rc == VIGIL_EAGAIN || rc == VIGIL_ECLOSED) {
      busy(c, rc == VIGIL_ECLOSED);
      return;
    } else {
      refuse(c, 500, NULL, "the pipeline refused line %llu (status %d)",
             (unsigned long long)t->line, rc);
      return;
    }
  }
  if (c->ack == NULL) {
    accepted(c);
    return;
  }
  c->ack->sealed = 1;
  if (c->ack->pending == 0) {
    answer_acked(c); /* no texts: maybe inside the parser, so no resume */
    return;
  }
  vh_conn_arm(c, c->srv->conf.ack_ms); /* on_timer: vh_request_ack_late() */
}

static void on_busy_timer(uv_timer_t *t) {
  vh_conn_t *c = t->data;

  emit_more(c);
  /* Answered outside the parser: carry on with pipelined input. */
  if (c->state == VH_IDLE)
    vh_conn_resume(c);
}

void vh_request_abort(vh_conn_t *c) {
  if (c->state != VH_EMITTING)
    return;
  uv_timer_stop(&c->busy);
  busy(c, 1);
}

/* Inflates when asked, frames and checks; 0 when ready to emit. */
static int prepare(vh_conn_t *c) {
  char err[256];
  const char *p = c->body;
  size_t n = c->body_len;
  int rc;

  if (c->body_len > 0 && gzip_encoding(c->encoding)) {
    rc = vh_gunzip(c->body, c->body_len, c->srv->conf.max_body, &c->decoded, &c->decoded_len,
                   err, sizeof(err));
    if (rc != VH_BODY_OK) {
      refuse(c, rc == VH_BODY_LARGE ? 413 : rc == VH_BODY_NOMEM ? 500 : 400, NULL, "%s", err);
      return -1;
    }
    p = c->decoded;
    n = c->decoded_len;
  }
  rc = vh_body_split(p != NULL ? p : "", n, &c->texts, err, sizeof(err));
  if (rc != VH_BODY_OK) {
    refuse(c, rc == VH_BODY_NOMEM ? 500 : 400, NULL, "%s", err);
    return -1;
  }
  return 0;
}

static void events(vh_conn_t *c) {
  if (prepare(c) != 0)
    return;
  snprintf(c->stream, sizeof(c->stream), "http:%s#%llu", c->peer, (unsigned long long)c->id);
  c->state = VH_EMITTING;
  c->next_text = 0;
  c->busy_until_ms = vh_now(c->srv) + c->srv->conf.busy_ms;
  if (c->srv->acked && (c->ack = vh_ack_new(c)) == NULL) {
    refuse(c, 500, NULL, "out of memory");
    return;
  }
  emit_more(c);
}

static int on_complete(http_parser *p) {
  vh_conn_t *c = conn_of(p);

  /* Handled outside the parser: feed() picks up from the pause. */
  http_parser_pause(p, 1);
  uv_timer_stop(&c->timer);
  c->keep_alive = http_should_keep_alive(p);
  switch (c->route) {
  case VH_ROUTE_EVENTS:
    events(c);
    break;
  case VH_ROUTE_HEALTH:
    health(c);
    break;
  case VH_ROUTE_METRICS:
    metrics(c);
    break;
  default:
    break;
  }
  return 0;
}

const http_parser_settings vh_parser_settings = {
    .on_message_begin = on_begin,
    .on_url = on_url,
    .on_header_field = on_field,
    .on_header_value = on_value,
    .on_headers_complete = on_headers,
    .on_body = on_body,
    .on_message_complete = on_complete,
};
