/*
 * The `http` source: an HTTP/1.1 server on the host's loop that takes
 * events by POST and hands them to the pipeline with try_emit_acked() (or
 * try_emit() with ack = "accepted" or on an ABI 1.1 host).
 *
 *   http_source.c   descriptor, options, listener, connection limit, stop
 *   http_conn.c     one connection: reading, parsing, timeouts, writing
 *   http_request.c  what a request means: routes, auth, body, answers
 *   http_ack.c      a request's acknowledgements, which may outlive it
 *   http_body.c     gunzip, JSON Lines or document, checking
 *   json_check.c    a strict JSON check that builds nothing
 *
 * Everything runs on the loop thread; nothing here takes a lock.
 */
#ifndef VH_HTTP_SOURCE_H
#define VH_HTTP_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>
#include <vigil/plugin.h>

#include "http_body.h"

#define WHO "http source"

typedef struct vh_conf_s {
  char *listen;
  char *token_file;
  char *token_env;
  size_t max_body;       /* bytes, received and inflated alike */
  size_t max_conns;
  size_t max_header;     /* bytes of the request line and headers */
  size_t header_ms;      /* first byte of a request to the end of its headers */
  size_t request_ms;     /* first byte of a request to the end of its body */
  size_t idle_ms;        /* a kept-alive connection with no request */
  size_t busy_ms;        /* how long to wait for room in the pipeline */
  size_t retry_after_s;  /* sent with 503 */
  char *ack;             /* "delivered" (default) or "accepted" */
  size_t ack_ms;         /* how long a request waits for its acks */
} vh_conf_t;

typedef struct vh_stats_s {
  uint64_t requests, events, rejected, busy, conns_refused;
} vh_stats_t;

struct vh_conn_s;

/* The acks of one request's texts; see http_ack.c. */
typedef struct vh_ack_s {
  struct vh_conn_s *c; /* NULL once the connection let go */
  size_t pending;      /* texts taken whose ack has not come */
  int status;          /* VIGIL_OK, or the first other ack status */
  int sealed;          /* every text was taken: the last ack answers */
} vh_ack_t;

typedef struct vh_server_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  vh_conf_t conf;
  char *token; /* NULL: authentication is off */
  size_t token_len;
  uv_tcp_t listener;
  int listener_open;
  char *rbuf; /* read buffer shared by every connection */
  char bound[80]; /* "host:port" actually bound */
  struct vh_conn_s *conns;
  size_t nconns;
  size_t nrefusing; /* refused connections still lingering */
  uint64_t next_id;
  int stopping;
  int acked; /* answer 202 only after the host's acks (try_emit_acked) */
  vigil_stopped_cb stopped_cb;
  void *stopped_arg;
  vh_stats_t stats;
  char err[512];
} vh_server_t;

/* Where a request is going, decided once its headers are in. */
typedef enum vh_route_e {
  VH_ROUTE_NONE = 0,
  VH_ROUTE_EVENTS,
  VH_ROUTE_HEALTH,
  VH_ROUTE_METRICS
} vh_route_t;

typedef enum vh_hdr_e { VH_H_OTHER = 0, VH_H_AUTH, VH_H_ENCODING, VH_H_EXPECT } vh_hdr_t;

typedef enum vh_state_e {
  VH_IDLE = 0, /* between requests */
  VH_HEADERS,  /* reading a request line and headers */
  VH_BODY,     /* reading a body */
  VH_EMITTING, /* body read; handing its texts over, maybe waiting for room
                * or (ack = "delivered") for their acks */
  VH_LINGER    /* answered and closing: the rest of the input is discarded */
} vh_state_t;

typedef struct vh_conn_s {
  uv_tcp_t tcp;
  uv_timer_t timer; /* the deadline of the current state */
  uv_timer_t busy;  /* retries try_emit while the pipeline is full */
  uv_shutdown_t shut;
  int open_handles;
  int closing;
  int refused; /* over max_connections: answered 503 and closed */
  int counted_refusing;
  vh_server_t *srv;
  struct vh_conn_s *prev, *next;
  http_parser parser;
  char peer[64];
  vh_state_t state;
  uint64_t started_ms; /* first byte of the current request */

  /* the request being read */
  uint64_t id;
  size_t header_bytes;
  char url[512];
  size_t url_len;
  int url_long;
  char field[32]; /* current header name, cut to 31 bytes */
  size_t field_len;
  int value_seen; /* the last header bytes were a value: a field starts anew */
  int dup_hdr;    /* Authorization or Content-Encoding came twice */
  vh_hdr_t hdr; /* which header the value bytes belong to */
  char auth[1024];
  size_t auth_len;
  char encoding[64];
  size_t encoding_len;
  int expect_continue;
  int hdr_long; /* a header value we keep was longer than its buffer */
  vh_route_t route;
  char *body;
  size_t body_len, body_cap;

  /* handing texts over (VH_EMITTING) */
  char *decoded; /* the inflated body, or NULL when body is used as is */
  size_t decoded_len;
  vh_texts_t texts;
  size_t next_text;
  uint64_t busy_until_ms;
  char stream[128];
  vh_ack_t *ack; /* NULL unless answering after acks */

  /* input that arrived behind a request while it was being handled */
  char *rest;
  size_t rest_len;
  int keep_alive;
} vh_conn_t;

/* ---- http_conn.c ---- */

/* Takes a connection from the listener (or refuses it: max_connections). */
void vh_conn_accept(vh_server_t *srv);

/*
 * Queues an answer. `extra` holds more header lines, each ending in CRLF
 * (or NULL). With close set, or when the request did not ask to keep the
 * connection, the connection is shut down once written.
 */
void vh_conn_respond(vh_conn_t *c, int status, const char *extra, const char *ctype,
                     const char *body, size_t body_len, int close);

/* vh_conn_respond() with a JSON body, closing the connection. */
void vh_conn_respond_text(vh_conn_t *c, int status, const char *json);

/* Sends "100 Continue" to a client that waits for it before its body. */
void vh_conn_continue(vh_conn_t *c);

/* (Re)starts the connection's deadline timer. */
void vh_conn_arm(vh_conn_t *c, uint64_t ms);

/* Goes on with the bytes that arrived behind the request just answered. */
void vh_conn_resume(vh_conn_t *c);

/* Closes at once (stop, or an error on the socket). */
void vh_conn_close(vh_conn_t *c);

/* ---- http_request.c ---- */

/* Parser callbacks: on_message_begin ... on_message_complete. */
extern const http_parser_settings vh_parser_settings;

/* The server is stopping: answer a request that waits for room with 503. */
void vh_request_abort(vh_conn_t *c);

/* Frees what the current request holds (body, texts). */
void vh_request_reset(vh_conn_t *c);

/* Milliseconds on the loop's clock. */
uint64_t vh_now(const vh_server_t *srv);

/* Every text of the request has been acked: answer 202 or 503. */
void vh_request_acked(vh_conn_t *c);

/* The acks did not all come within ack_timeout_ms: answer 503. */
void vh_request_ack_late(vh_conn_t *c);

/* ---- http_ack.c ---- */

vh_ack_t *vh_ack_new(vh_conn_t *c);

/* The connection is done with its request's record (answered or closing). */
void vh_ack_detach(vh_conn_t *c);

/* The host's ack of one text (vigil_ack_cb); arg is a vh_ack_t. */
void vh_ack_cb(void *arg, int status);

/* ---- http_source.c ---- */

/* A connection is gone (all its handles closed): the stop may complete. */
void vh_server_conn_gone(vh_server_t *srv);

#endif
