/* A sink without deliver: must be refused naming it. */
#include "plugin_stubs.h"

static const vigil_plugin_t plugin = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "testnodeliver",
    .version = "1.0",
    .kind = VIGIL_PLUGIN_SINK,
    .create = stub_create,
    .start = stub_start,
    .stop = stub_stop,
    .destroy = stub_destroy,
    .last_error = stub_last_error,
};

STUB_ENTRY(plugin)
