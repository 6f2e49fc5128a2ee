/*
 * The `webhook` sink: alerts POSTed over HTTP(S) with libcurl's multi
 * interface on the host's loop.
 *
 *   webhook_sink.c     descriptor, options, create/start/stop/destroy
 *   webhook_send.c     batching, transfers, outcomes, retries
 *   webhook_multi.c    curl multi <-> libuv glue
 *   webhook_payload.c  JSON and Slack bodies
 *   webhook_redact.c   what logs may show of the URL and headers
 *
 * Who retries. The sink, not the host, times retries of one POST: only it
 * sees Retry-After, and a batch fails or succeeds as a whole. It tries
 * 1 + max_retries times, with exponential backoff and jitter, on network
 * errors, 408, 429 and 5xx. When those run out (or a Retry-After asks for
 * a longer wait than retry_max_ms) it reports RETRY for every alert of the
 * batch, handing the longer wait to the host, which keeps it (its spool)
 * and offers it again later. Other 4xx and 3xx answers are FAILED at once:
 * sending the same body again cannot succeed.
 */
#ifndef WH_WEBHOOK_SINK_H
#define WH_WEBHOOK_SINK_H

#include <stddef.h>
#include <stdint.h>

#include <curl/curl.h>
#include <vigil/plugin.h>

#include "output.h"
#include "webhook_multi.h"
#include "webhook_payload.h"
#include "webhook_redact.h"

#define WHO "webhook sink"

typedef struct wh_conf_s {
  char *url;
  char *bearer_env;
  char *ca_file;
  int format; /* wh_format_t */
  int log_path;
  size_t timeout_ms;
  size_t batch_max;
  size_t batch_wait_ms;
  size_t max_retries;
  size_t retry_base_ms;
  size_t retry_max_ms;
  size_t parallel;
  size_t max_pending;
} wh_conf_t;

/* An alert waiting for a batch. */
typedef struct wh_item_s {
  const vigil_alert_t *alert;
  struct wh_item_s *next;
} wh_item_t;

struct wh_sink_s;

/* One POST, tried until it ends one way or the other. */
typedef struct wh_batch_s {
  struct wh_sink_s *sk;
  struct wh_batch_s *prev, *next;
  const vigil_alert_t **alerts;
  size_t n;
  vp_buf_t body;
  CURL *easy;
  int in_multi;
  uv_timer_t retry; /* waits before the next attempt */
  unsigned attempt; /* attempts made */
  char errbuf[CURL_ERROR_SIZE];
} wh_batch_t;

typedef struct wh_stats_s {
  uint64_t posts, retries, done, failed, handed_back;
} wh_stats_t;

typedef struct wh_sink_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  wh_conf_t conf;
  char *shown_url; /* what logs say instead of the URL */
  wh_secrets_t secrets;
  struct curl_slist *headers;
  wh_multi_t multi;
  int multi_open;
  uv_timer_t flush;
  int flush_open;
  int flush_due;
  wh_item_t *head, *tail; /* alerts waiting for a batch */
  size_t queued;
  wh_batch_t *batches; /* in flight or waiting to retry */
  size_t nbatches;
  size_t pending; /* alerts taken and not yet reported */
  uint64_t seed;
  int stopping;
  int failing; /* the last POST failed: further failures log at debug */
  int handles; /* open uv handles of the sink itself (flush, batch timers) */
  vigil_stopped_cb stopped_cb;
  void *stopped_arg;
  wh_stats_t stats;
  char err[512];
} wh_sink_t;

/* ---- webhook_send.c ---- */

/* Takes one alert (deliver()). */
int wh_send_alert(wh_sink_t *sk, const vigil_alert_t *a);

/* wh_multi's done callback (arg: the sink). */
void wh_send_done(void *arg, CURL *easy, CURLcode result);

/* Stops sending: what is still held is reported RETRY; then the handles
 * close and sk->stopped_cb runs. */
void wh_send_stop(wh_sink_t *sk);

#endif
