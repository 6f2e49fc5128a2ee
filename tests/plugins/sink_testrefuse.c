/*
 * A sink for the delivery tests that refuses every alert in deliver()
 * itself (as a sink out of memory would), never reporting it.
 */
#include <stdlib.h>

#include "plugin_stubs.h"

static int refuse_deliver(void *instance, const vigil_alert_t *a) {
  (void)instance;
  (void)a;
  return VIGIL_EIO;
}

static const char *refuse_last_error(void *instance) {
  (void)instance;
  return "test sink: cannot take alerts now";
}

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testrefuse",
    .version = "0.0.1",
    .description = "Test sink whose deliver() refuses every alert",
    .kind = VIGIL_PLUGIN_SINK,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = refuse_last_error,
    .deliver = refuse_deliver,
};

STUB_ENTRY(plugin)
