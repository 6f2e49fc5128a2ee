/*
 * source_hello: the smallest useful vigil source, as an SDK walk-through.
 *
 * Configuration: {"count": N}, 0 <= N <= 1000000, default 3. The source
 * emits N small CloudTrail-shaped records, one JSON text each, from a libuv
 * timer on the host's loop, then tells the host it has no more input.
 *
 * Everything here runs on the loop thread, so emit() never blocks: when the
 * pipeline is full it returns VIGIL_EAGAIN and the same record is tried again
 * on the next timer tick. A source with its own threads would instead call
 * emit() from them and let it block.
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r; uv.h (via plugin.h) needs POSIX types */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vigil/plugin.h>

#define HELLO_DEFAULT_COUNT 3
#define HELLO_MAX_COUNT 1000000UL
#define HELLO_BATCH 64         /* records per tick, so one tick never hogs the loop */
#define HELLO_FIRST 1714564800 /* 2024-05-01T12:00:00Z: record i happens i seconds later */

typedef struct hello_s {
  const vigil_services_t *svc; /* owned by the host, valid until destroy */
  vigil_host_t *host;
  uv_timer_t timer;
  int timer_open; /* uv_timer_init done, uv_close not yet finished */
  int finished;   /* source_done already sent */
  unsigned long count;
  unsigned long next; /* index of the next record to emit */
  uint64_t offset;    /* bytes emitted so far, for positions */
  vigil_stopped_cb stopped_cb;
  void *stopped_arg;
  char error[256];
} hello_t;

/*
 * Reads "count" from the configuration. The host has already checked the
 * text against config_schema below (an object with at most an integer
 * "count"), which is what lets a scan this small be enough; a plugin with
 * richer options would use a real JSON parser.
 */
static int parse_count(const char *json, unsigned long *count) {
  const char *p = strstr(json, "\"count\"");
  char *end;

  *count = HELLO_DEFAULT_COUNT;
  if (p == NULL)
    return VIGIL_OK;
  p += strlen("\"count\"");
  p += strspn(p, " \t\r\n");
  if (*p++ != ':')
    return VIGIL_EINVAL;
  p += strspn(p, " \t\r\n");
  if (*p < '0' || *p > '9')
    return VIGIL_EINVAL;
  *count = strtoul(p, &end, 10);
  if (*count > HELLO_MAX_COUNT || (*end == '.' || *end == 'e' || *end == 'E'))
    return VIGIL_EINVAL;
  return VIGIL_OK;
}

static int hello_create(const vigil_services_t *svc, vigil_host_t *host, const char *config,
                        void **instance, const char **errmsg) {
  hello_t *h;
  unsigned long count;

  if (parse_count(config, &count) != VIGIL_OK) {
    *errmsg = "\"count\" must be an integer from 0 to 1000000";
    return VIGIL_EINVAL;
  }
  h = calloc(1, sizeof(*h));
  if (h == NULL) {
    *errmsg = "out of memory";
    return VIGIL_ENOMEM;
  }
  h->svc = svc;
  h->host = host;
  h->count = count;
  *instance = h;
  return VIGIL_OK;
}

/* Formats record i into buf; returns its length. */
static int format_record(unsigned long i, char *buf, size_t len) {
  time_t t = (time_t)(HELLO_FIRST + i);
  char when[32];
  struct tm tm;

  gmtime_r(&t, &tm);
  strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return snprintf(buf, len,
                  "{\"eventVersion\":\"1.08\","
                  "\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAHELLOEXAMPLE\","
                  "\"arn\":\"arn:aws:iam::123456789012:user/hello\","
                  "\"accountId\":\"123456789012\",\"userName\":\"hello\"},"
                  "\"eventTime\":\"%s\",\"eventSource\":\"sts.amazonaws.com\","
                  "\"eventName\":\"GetCallerIdentity\",\"awsRegion\":\"us-east-1\","
                  "\"sourceIPAddress\":\"192.0.2.10\",\"userAgent\":\"vigil-source-hello\","
                  "\"requestParameters\":null,\"responseElements\":null,"
                  "\"eventID\":\"00000000-0000-4000-8000-%012lu\",\"readOnly\":true,"
                  "\"eventType\":\"AwsApiCall\",\"managementEvent\":true,"
                  "\"recipientAccountId\":\"123456789012\",\"eventCategory\":\"Management\"}",
                  when, i);
}

/* No more input: stop the timer and say so, once. */
static void finish(hello_t *h) {
  uv_timer_stop(&h->timer);
  if (!h->finished) {
    h->finished = 1;
    h->svc->source_done(h->host);
  }
}

static void tick(uv_timer_t *timer) {
  hello_t *h = timer->data;
  vigil_position_t pos;
  char rec[1024];
  int n, rc, batch;

  for (batch = 0; batch < HELLO_BATCH && h->next < h->count; batch++) {
    n = format_record(h->next, rec, sizeof(rec));
    /* As if the records were lines of a JSON Lines stream called "hello". */
    pos.stream = "hello";
    pos.line = h->next + 1;
    pos.offset = h->offset;
    rc = h->svc->emit(h->host, rec, (size_t)n, VIGIL_FORMAT_JSON, &pos);
    if (rc == VIGIL_EAGAIN)
      return; /* full: h->next is unchanged, so this record goes again next tick */
    if (rc == VIGIL_ECLOSED) {
      uv_timer_stop(&h->timer); /* the host is stopping; stop() follows */
      return;
    }
    if (rc != VIGIL_OK) {
      snprintf(h->error, sizeof(h->error), "emit failed for record %lu (status %d)", h->next, rc);
      h->svc->log(h->host, VIGIL_LOG_ERROR, "%s", h->error);
      finish(h);
      return;
    }
    h->next++;
    h->offset += (uint64_t)n + 1;
  }
  if (h->next >= h->count)
    finish(h);
}

static int hello_start(void *instance) {
  hello_t *h = instance;
  int rc;

  rc = uv_timer_init(h->svc->loop, &h->timer);
  if (rc != 0) {
    snprintf(h->error, sizeof(h->error), "uv_timer_init: %s", uv_strerror(rc));
    return VIGIL_ERR;
  }
  h->timer_open = 1;
  h->timer.data = h;
  /* First tick right away, then every millisecond while there is work. */
  rc = uv_timer_start(&h->timer, tick, 0, 1);
  if (rc != 0) {
    snprintf(h->error, sizeof(h->error), "uv_timer_start: %s", uv_strerror(rc));
    return VIGIL_ERR;
  }
  h->svc->log(h->host, VIGIL_LOG_DEBUG, "emitting %lu records", h->count);
  return VIGIL_OK;
}

static void timer_closed(uv_handle_t *handle) {
  hello_t *h = handle->data;

  h->timer_open = 0;
  h->stopped_cb(h->stopped_arg);
}

/* The timer is part of the instance's memory, so the instance may only be
 * freed after libuv has closed it: report "stopped" from the close callback. */
static int hello_stop(void *instance, vigil_stopped_cb cb, void *arg) {
  hello_t *h = instance;

  if (!h->timer_open) {
    cb(arg);
    return VIGIL_OK;
  }
  h->stopped_cb = cb;
  h->stopped_arg = arg;
  uv_timer_stop(&h->timer);
  uv_close((uv_handle_t *)&h->timer, timer_closed);
  return VIGIL_OK;
}

/* The host calls this only after stop() has reported, so the timer is closed. */
static void hello_destroy(void *instance) {
  free(instance);
}

static const char *hello_last_error(void *instance) {
  hello_t *h = instance;

  return h->error[0] ? h->error : NULL;
}

static const vigil_plugin_t hello_plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "hello",
    .version = "1.0.0",
    .description = "Emits a few made-up CloudTrail records (SDK example)",
    .kind = VIGIL_PLUGIN_SOURCE,
    .config_schema = "{\"type\":\"object\",\"properties\":{\"count\":{\"type\":\"integer\"}},"
                     "\"additionalProperties\":false}",
    .create = hello_create,
    .start = hello_start,
    .stop = hello_stop,
    .destroy = hello_destroy,
    .last_error = hello_last_error,
};

/* The one exported symbol (build with -fvisibility=hidden). */
VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &hello_plugin;
}
