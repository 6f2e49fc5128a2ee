/* A correct minimal sink: the loader must accept it. */
#include "plugin_stubs.h"

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testgood",
    .version = "0.0.1",
    .description = "Test sink that accepts every alert",
    .kind = VIGIL_PLUGIN_SINK,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = stub_last_error,
    .deliver = stub_deliver,
};

STUB_ENTRY(plugin)
