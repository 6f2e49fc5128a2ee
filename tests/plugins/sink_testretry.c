/*
 * A sink for the delivery tests that never takes an alert: every delivery
 * is reported RETRY at once, as a sink whose far end is down would after
 * its own retries. The host then spools the alert, or gives it up when no
 * spool is configured.
 */
#include <stdlib.h>

#include "plugin_stubs.h"

static int retry_deliver(void *instance, const vigil_alert_t *a) {
  stub_t *s = instance;

  s->svc->delivered(s->host, a->token, VIGIL_DELIVERY_RETRY);
  return VIGIL_OK;
}

static const char *retry_last_error(void *instance) {
  (void)instance;
  return "test sink: the far end is down";
}

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testretry",
    .version = "0.0.1",
    .description = "Test sink that answers RETRY to every alert",
    .kind = VIGIL_PLUGIN_SINK,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = retry_last_error,
    .deliver = retry_deliver,
};

STUB_ENTRY(plugin)
