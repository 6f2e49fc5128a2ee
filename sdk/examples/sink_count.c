/*
 * sink_count: the smallest useful vigil sink, as an SDK walk-through.
 *
 * Configuration: none ({}). It counts the alerts it receives per severity,
 * reports each one delivered at once, and logs one summary line when it is
 * stopped, through the host's logger (at info level, so run vigil with info
 * logging to see it).
 *
 * A real sink usually finishes a delivery later (after a network reply, a
 * flush); it then keeps alert->token and calls delivered() from the loop
 * thread when it knows the outcome. Until then the alert's memory stays valid.
 */
#define _POSIX_C_SOURCE 200809L /* uv.h (via plugin.h) needs POSIX types */

#include <inttypes.h>
#include <stdlib.h>

#include <vigil/plugin.h>

#define COUNT_SEVERITIES 5 /* VIGIL_SEV_INFO .. VIGIL_SEV_CRITICAL */

typedef struct count_s {
  const vigil_services_t *svc; /* owned by the host, valid until destroy */
  vigil_host_t *host;
  uint64_t by_severity[COUNT_SEVERITIES];
  uint64_t unknown; /* a severity this build does not know (a newer host) */
} count_t;

static int count_create(const vigil_services_t *svc, vigil_host_t *host, const char *config,
                        void **instance, const char **errmsg) {
  count_t *c = calloc(1, sizeof(*c));

  (void)config; /* no options: the schema below only admits {} */
  if (c == NULL) {
    *errmsg = "out of memory";
    return VIGIL_ENOMEM;
  }
  c->svc = svc;
  c->host = host;
  *instance = c;
  return VIGIL_OK;
}

static int count_start(void *instance) {
  (void)instance;
  return VIGIL_OK; /* nothing to open: a sink only waits for deliver() */
}

static int count_deliver(void *instance, const vigil_alert_t *alert) {
  count_t *c = instance;
  int sev = (int)alert->severity;

  if (sev >= 0 && sev < COUNT_SEVERITIES)
    c->by_severity[sev]++;
  else
    c->unknown++;
  /* Counting cannot fail, so the outcome is known right away. */
  c->svc->delivered(c->host, alert->token, VIGIL_DELIVERY_DONE);
  return VIGIL_OK;
}

static int count_stop(void *instance, vigil_stopped_cb cb, void *arg) {
  count_t *c = instance;
  const uint64_t *n = c->by_severity;
  uint64_t total = c->unknown;
  int i;

  for (i = 0; i < COUNT_SEVERITIES; i++)
    total += n[i];
  c->svc->log(c->host, VIGIL_LOG_INFO,
              "%" PRIu64 " alerts: critical=%" PRIu64 " high=%" PRIu64 " medium=%" PRIu64
              " low=%" PRIu64 " info=%" PRIu64 " other=%" PRIu64,
              total, n[VIGIL_SEV_CRITICAL], n[VIGIL_SEV_HIGH], n[VIGIL_SEV_MEDIUM],
              n[VIGIL_SEV_LOW], n[VIGIL_SEV_INFO], c->unknown);
  cb(arg); /* nothing pending: stopped before returning */
  return VIGIL_OK;
}

static void count_destroy(void *instance) {
  free(instance);
}

static const char *count_last_error(void *instance) {
  (void)instance;
  return NULL; /* this sink has no way to fail */
}

static const vigil_plugin_t count_plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "count",
    .version = "1.0.0",
    .description = "Counts alerts per severity and logs the totals (SDK example)",
    .kind = VIGIL_PLUGIN_SINK,
    .config_schema = "{\"type\":\"object\",\"additionalProperties\":false}",
    .create = count_create,
    .start = count_start,
    .stop = count_stop,
    .destroy = count_destroy,
    .last_error = count_last_error,
    .deliver = count_deliver,
};

/* The one exported symbol (build with -fvisibility=hidden). */
VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &count_plugin;
}
