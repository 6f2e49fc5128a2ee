/*
 * A source for the delivery tests: emits {"count": N} small records with
 * emit_acked() from the loop, counts the acknowledgements by status and
 * logs them ("acks: ok=.. eio=.. closed=..") once every record is answered
 * or at destroy. Records with an even number are named "Acked", the others
 * "Quiet", so a rule can raise alerts for half of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vigil/plugin.h"

typedef struct acked_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  uv_timer_t timer;
  int timer_open;
  unsigned long count, ok, eio, closed, other;
  int reported;
  int stopped; /* after stop(), source_done() must not be called */
} acked_t;

static void report(acked_t *s) {
  if (s->reported)
    return;
  s->reported = 1;
  s->svc->log(s->host, VIGIL_LOG_INFO, "acks: ok=%lu eio=%lu closed=%lu other=%lu", s->ok,
              s->eio, s->closed, s->other);
}

static void on_ack(void *arg, int status) {
  acked_t *s = arg;

  if (status == VIGIL_OK)
    s->ok++;
  else if (status == VIGIL_EIO)
    s->eio++;
  else if (status == VIGIL_ECLOSED)
    s->closed++;
  else
    s->other++;
  if (s->ok + s->eio + s->closed + s->other == s->count) {
    report(s);
    if (!s->stopped)
      s->svc->source_done(s->host);
  }
}

static void emit_all(uv_timer_t *t) {
  acked_t *s = t->data;
  vigil_position_t pos;
  char rec[512];
  int n;

  memset(&pos, 0, sizeof(pos));
  pos.stream = "acked";
  for (unsigned long i = 1; i <= s->count; i++) {
    n = snprintf(rec, sizeof(rec),
                 "{\"eventTime\":\"2024-01-01T00:00:00Z\",\"eventSource\":\"test.example.com\","
                 "\"eventName\":\"%s\",\"eventID\":\"a%lu\","
                 "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/x\"}}",
                 i % 2 ? "Quiet" : "Acked", i);
    pos.line = i;
    if (s->svc->emit_acked(s->host, rec, (size_t)n, VIGIL_FORMAT_JSON, &pos, on_ack, s) != 0)
      s->other++;
  }
  if (s->count == 0)
    s->svc->source_done(s->host);
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config,
                  void **instance, const char **errmsg) {
  acked_t *s = calloc(1, sizeof(*s));
  const char *p = config ? strstr(config, "\"count\"") : NULL;

  if (s == NULL) {
    *errmsg = "out of memory";
    return VIGIL_ENOMEM;
  }
  s->svc = svc;
  s->host = host;
  s->count = p ? strtoul(strchr(p, ':') + 1, NULL, 10) : 10;
  *instance = s;
  return VIGIL_OK;
}

static int start(void *instance) {
  acked_t *s = instance;

  uv_timer_init(s->svc->loop, &s->timer);
  s->timer.data = s;
  s->timer_open = 1;
  return uv_timer_start(&s->timer, emit_all, 0, 0) == 0 ? VIGIL_OK : VIGIL_ERR;
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  acked_t *s = instance;

  s->stopped = 1;
  if (s->timer_open) {
    s->timer_open = 0;
    uv_close((uv_handle_t *)&s->timer, NULL);
  }
  cb(arg);
  return VIGIL_OK;
}

static void destroy(void *instance) {
  report(instance);
  free(instance);
}

static const char *last_error(void *instance) {
  (void)instance;
  return NULL;
}

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testacked",
    .version = "0.0.1",
    .description = "Test source that emits with acknowledgements and counts them",
    .kind = VIGIL_PLUGIN_SOURCE,
    .create = create,
    .start = start,
    .stop = stop,
    .destroy = destroy,
    .last_error = last_error,
};

VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void);
VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &plugin;
}
