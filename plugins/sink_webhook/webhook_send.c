/*
 * Batches, transfers and their outcomes (who retries: see webhook_sink.h).
 *
 * A batch holds one of `parallel` slots from its first attempt until it is
 * reported, waits between attempts included, so an outage does not open
 * more and more connections; meanwhile alerts queue up to max_pending, and
 * past that are handed straight back to the host (RETRY).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "webhook_sink.h"

static void kick(wh_sink_t *sk);

static uint64_t rnd(wh_sink_t *sk) {
  /* xorshift64: spreading retries needs no better randomness. */
  sk->seed ^= sk->seed << 13;
  sk->seed ^= sk->seed >> 7;
  sk->seed ^= sk->seed << 17;
  return sk->seed;
}

/* Attempt k (1-based) failed: wait base * 2^(k-1), capped, then keep a
 * random half of it ("equal jitter"), so senders that failed together do
 * not come back together. */
static uint64_t backoff(wh_sink_t *sk, unsigned k) {
  uint64_t d = sk->conf.retry_base_ms;

  while (--k > 0 && d < sk->conf.retry_max_ms)
    d *= 2;
  if (d > sk->conf.retry_max_ms)
    d = sk->conf.retry_max_ms;
  return d / 2 + rnd(sk) % (d / 2 + 1);
}

static void maybe_stopped(wh_sink_t *sk) {
  vigil_stopped_cb cb = sk->stopped_cb;

  if (!sk->stopping || sk->handles > 0 || sk->multi_open || cb == NULL)
    return;
  sk->stopped_cb = NULL;
  sk->svc->log(sk->host, VIGIL_LOG_INFO,
               WHO ": stopped; %llu POSTs, %llu retries, %llu alerts delivered, %llu failed, "
                   "%llu handed back for a later retry",
               (unsigned long long)sk->stats.posts, (unsigned long long)sk->stats.retries,
               (unsigned long long)sk->stats.done, (unsigned long long)sk->stats.failed,
               (unsigned long long)sk->stats.handed_back);
  cb(sk->stopped_arg);
}

static void on_batch_closed(uv_handle_t *h) {
  wh_batch_t *b = h->data;
  wh_sink_t *sk = b->sk;

  vp_buf_free(&b->body);
  free(b->alerts);
  free(b);
  sk->handles--;
  maybe_stopped(sk);
}

static void report(wh_sink_t *sk, const vigil_alert_t *a, vigil_delivery_t outcome) {
  sk->pending--;
  if (outcome == VIGIL_DELIVERY_DONE)
    sk->stats.done++;
  else if (outcome == VIGIL_DELIVERY_FAILED)
    sk->stats.failed++;
  else
    sk->stats.handed_back++;
  sk->svc->delivered(sk->host, a->token, outcome);
}

/* Reports every alert of the batch and frees it (once its timer closed). */
static void batch_end(wh_sink_t *sk, wh_batch_t *b, vigil_delivery_t outcome) {
  size_t i;

  if (b->prev != NULL)
    b->prev->next = b->next;
  else
    sk->batches = b->next;
  if (b->next != NULL)
    b->next->prev = b->prev;
  sk->nbatches--;
  if (b->in_multi)
    wh_multi_remove(&sk->multi, b->easy);
  if (b->easy != NULL)
    curl_easy_cleanup(b->easy);
  b->easy = NULL;
  for (i = 0; i < b->n; i++)
    report(sk, b->alerts[i], outcome);
  uv_close((uv_handle_t *)&b->retry, on_batch_closed);
}

static size_t discard(char *p, size_t size, size_t n, void *arg) {
  return size * n; /* the answer's body is not used (nor logged: it may echo secrets) */
}

static CURL *make_easy(wh_sink_t *sk, wh_batch_t *b) {
  CURL *e = curl_easy_init();
  long ms = (long)sk->conf.timeout_ms;

  if (e == NULL)
    return NULL;
  curl_easy_setopt(e, CURLOPT_URL, sk->conf.url);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, b->body.p);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->body.len);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, sk->headers);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "vigil/0.1.0");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, ms < 10000 ? ms : 10000L);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, b->errbuf);
  curl_easy_setopt(e, CURLOPT_PRIVATE, b);
  if (sk->conf.ca_file != NULL)
    curl_easy_setopt(e, CURLOPT_CAINFO, sk->conf.ca_file);
  return e;
}

static void on_result(wh_sink_t *sk, wh_batch_t *b, CURLcode result);

static void attempt(wh_sink_t *sk, wh_batch_t *b) {
  int rc;

  b->attempt++;
  b->errbuf[0] = '\0';
  sk->stats.posts++;
  rc = wh_multi_add(&sk->multi, b->easy);
  if (rc != 0) {
    snprintf(b->errbuf, sizeof(b->errbuf), "%s", curl_multi_strerror((CURLMcode)rc));
    on_result(sk, b, CURLE_FAILED_INIT);
    return;
  }
  b->in_multi = 1;
}

static void on_retry(uv_timer_t *t) {
  wh_batch_t *b = t->data;

  attempt(b->sk, b);
}

/* What went wrong, scrubbed of secrets, into why[0..cap). */
static void describe(wh_sink_t *sk, wh_batch_t *b, CURLcode result, long code, char *why,
                     size_t cap) {
  if (result != CURLE_OK)
    snprintf(why, cap, "%s", b->errbuf[0] != '\0' ? b->errbuf : curl_easy_strerror(result));
  else
    snprintf(why, cap, "HTTP status %ld", code);
  wh_scrub(why, &sk->secrets);
}

/* The first failure of an outage is a warning; the rest, until a POST
 * gets through again, are debug lines, so an outage does not flood the
 * log with one line per alert. */
static vigil_log_level_t failure_level(wh_sink_t *sk) {
  if (sk->failing)
    return VIGIL_LOG_DEBUG;
  sk->failing = 1;
  return VIGIL_LOG_WARN;
}

static void on_result(wh_sink_t *sk, wh_batch_t *b, CURLcode result) {
  const wh_conf_t *cf = &sk->conf;
  curl_off_t retry_after = -1;
  long code = 0;
  uint64_t delay;
  char why[CURL_ERROR_SIZE + 64];
  int transient;

  if (b->easy != NULL)
    curl_easy_getinfo(b->easy, CURLINFO_RESPONSE_CODE, &code);
  if (result == CURLE_OK && code >= 200 && code < 300) {
    if (sk->failing)
      sk->svc->log(sk->host, VIGIL_LOG_INFO, WHO ": %s takes alerts again", sk->shown_url);
    sk->failing = 0;
    batch_end(sk, b, VIGIL_DELIVERY_DONE);
    return;
  }
  describe(sk, b, result, code, why, sizeof(why));
  /* A transport error may be the network or the far end restarting; both pass. */
  transient = result != CURLE_OK || code == 408 || code == 429 || code >= 500;
  if (!transient) {
    snprintf(sk->err, sizeof(sk->err), WHO ": POST %s: %s (not retried)", sk->shown_url, why);
    sk->svc->log(sk->host, VIGIL_LOG_ERROR, "%s; %zu alerts not delivered", sk->err, b->n);
    batch_end(sk, b, VIGIL_DELIVERY_FAILED);
    return;
  }
  delay = backoff(sk, b->attempt);
  if (result == CURLE_OK && curl_easy_getinfo(b->easy, CURLINFO_RETRY_AFTER, &retry_after) ==
                                CURLE_OK && retry_after > 0)
    delay = (uint64_t)retry_after * 1000;
  snprintf(sk->err, sizeof(sk->err), WHO ": POST %s: %s", sk->shown_url, why);
  if (b->attempt > cf->max_retries || delay > cf->retry_max_ms) {
    sk->svc->log(sk->host, failure_level(sk),
                 "%s; after %u attempts %zu alerts go back to vigil to be retried later", sk->err,
                 b->attempt, b->n);
    batch_end(sk, b, VIGIL_DELIVERY_RETRY);
    return;
  }
  sk->stats.retries++;
  sk->svc->log(sk->host, failure_level(sk), "%s; attempt %u of %zu, next in %.1f s", sk->err,
               b->attempt, cf->max_retries + 1, (double)delay / 1000.0);
  uv_timer_start(&b->retry, on_retry, delay, 0);
}

/* wh_multi's done callback. */
void wh_send_done(void *arg, CURL *easy, CURLcode result) {
  wh_sink_t *sk = arg;
  wh_batch_t *b = NULL;

  curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&b);
  b->in_multi = 0;
  on_result(sk, b, result);
  kick(sk);
}

/* Takes up to batch_max queued alerts into a new batch and starts it. */
static void send_batch(wh_sink_t *sk) {
  size_t n = sk->queued < sk->conf.batch_max ? sk->queued : sk->conf.batch_max, i;
  wh_batch_t *b = calloc(1, sizeof(*b));
  wh_item_t *it;

  if (b != NULL && (b->alerts = malloc(n * sizeof(*b->alerts))) == NULL) {
    free(b);
    b = NULL;
  }
  if (b == NULL) {
    /* Nothing taken: the flush timer or the next alert tries again. */
    sk->svc->log(sk->host, VIGIL_LOG_ERROR, WHO ": out of memory making a batch");
    return;
  }
  for (i = 0; i < n; i++) {
    it = sk->head;
    sk->head = it->next;
    b->alerts[i] = it->alert;
    free(it);
  }
  if (sk->head == NULL)
    sk->tail = NULL;
  sk->queued -= n;
  b->n = n;
  b->sk = sk;
  uv_timer_init(sk->svc->loop, &b->retry);
  b->retry.data = b;
  sk->handles++;
  b->next = sk->batches;
  if (sk->batches != NULL)
    sk->batches->prev = b;
  sk->batches = b;
  sk->nbatches++;
  if (wh_payload(&b->body, (wh_format_t)sk->conf.format, sk->conf.batch_max > 1, b->alerts, n) !=
          0 ||
      (b->easy = make_easy(sk, b)) == NULL) {
    snprintf(sk->err, sizeof(sk->err), WHO ": out of memory building a POST");
    batch_end(sk, b, VIGIL_DELIVERY_RETRY);
    return;
  }
  attempt(sk, b);
}

static void on_flush(uv_timer_t *t) {
  wh_sink_t *sk = t->data;

  sk->flush_due = 1;
  kick(sk);
}

/* Starts what can start: full batches, or any batch once the wait is over. */
static void kick(wh_sink_t *sk) {
  size_t before;

  while (!sk->stopping && sk->queued > 0 && sk->nbatches < sk->conf.parallel &&
         (sk->flush_due || sk->queued >= sk->conf.batch_max)) {
    before = sk->queued;
    send_batch(sk);
    if (sk->queued == before)
      break; /* out of memory */
  }
  if (sk->stopping)
    return;
  if (sk->queued == 0) {
    sk->flush_due = 0;
    uv_timer_stop(&sk->flush);
  } else if (!sk->flush_due && !uv_is_active((uv_handle_t *)&sk->flush)) {
    uv_timer_start(&sk->flush, on_flush, sk->conf.batch_wait_ms, 0);
  }
}

int wh_send_alert(wh_sink_t *sk, const vigil_alert_t *a) {
  wh_item_t *it;

  if (sk->stopping) {
    snprintf(sk->err, sizeof(sk->err), WHO ": stopping");
    return VIGIL_ECLOSED;
  }
  if (sk->pending >= sk->conf.max_pending) {
    snprintf(sk->err, sizeof(sk->err), WHO ": %zu alerts already wait for %s", sk->pending,
             sk->shown_url);
    sk->stats.handed_back++;
    sk->svc->delivered(sk->host, a->token, VIGIL_DELIVERY_RETRY);
    return VIGIL_OK;
  }
  it = malloc(sizeof(*it));
  if (it == NULL) {
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
  sk->pending++;
  kick(sk);
  return VIGIL_OK;
}

static void on_flush_closed(uv_handle_t *h) {
  wh_sink_t *sk = h->data;

  sk->handles--;
  maybe_stopped(sk);
}

static void on_multi_closed(void *arg) {
  wh_sink_t *sk = arg;

  sk->multi_open = 0;
  maybe_stopped(sk);
}

void wh_send_stop(wh_sink_t *sk) {
  wh_item_t *it;

  sk->stopping = 1;
  /* The host stops sinks once every alert was reported, so this is empty
   * unless the pipeline is being torn down early. */
  while ((it = sk->head) != NULL) {
    sk->head = it->next;
    sk->queued--;
    report(sk, it->alert, VIGIL_DELIVERY_RETRY);
    free(it);
  }
  sk->tail = NULL;
  while (sk->batches != NULL)
    batch_end(sk, sk->batches, VIGIL_DELIVERY_RETRY);
  if (sk->flush_open) {
    sk->flush_open = 0;
    uv_close((uv_handle_t *)&sk->flush, on_flush_closed);
  }
  if (sk->multi_open)
    wh_multi_close(&sk->multi, on_multi_closed, sk);
  maybe_stopped(sk);
}
