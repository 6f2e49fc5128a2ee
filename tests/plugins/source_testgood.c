/* A correct minimal source: the loader must accept it. */
#include "plugin_stubs.h"

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testgood",
    .version = "1.2.3",
    .description = "Test source that emits nothing",
    .kind = VIGIL_PLUGIN_SOURCE,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = stub_last_error,
};

STUB_ENTRY(plugin)
