/* Built for a newer minor ABI than the host: must be refused. */
#include "plugin_stubs.h"

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR + 1,
    .size = sizeof(vigil_plugin_t),
    .name = "testminor",
    .version = "1.0",
    .kind = VIGIL_PLUGIN_SOURCE,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = stub_last_error,
};

STUB_ENTRY(plugin)
