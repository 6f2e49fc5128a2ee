/*
 * A plugin as an older minor would build it: its descriptor is its own
 * struct, a prefix of today's vigil_plugin_t ending at `deliver` (the 1.0
 * layout), and `size` says so. Bytes that follow it in memory are not
 * descriptor fields; the host must not read them, and must zero-fill every
 * field appended after 1.0 instead. The tail is filled with 0xa5 so a host
 * that copied by its own sizeof would show garbage there.
 */
#include <stddef.h>

#include "plugin_stubs.h"

struct old_descriptor {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t size;
  const char *name;
  const char *version;
  const char *description;
  uint32_t kind;
  const char *config_schema;
  int (*create)(const vigil_services_t *, vigil_host_t *, const char *, void **, const char **);
  int (*start)(void *);
  int (*stop)(void *, vigil_stopped_cb, void *);
  void (*destroy)(void *);
  const char *(*last_error)(void *);
  int (*deliver)(void *, const vigil_alert_t *);
};

_Static_assert(sizeof(struct old_descriptor) == VIGIL_PLUGIN_SIZE_1_0,
               "the old descriptor must be exactly the 1.0 layout");
_Static_assert(offsetof(struct old_descriptor, deliver) == offsetof(vigil_plugin_t, deliver),
               "the old descriptor must be a prefix of vigil_plugin_t");

#define A5x8 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5, 0xa5

static const struct {
  struct old_descriptor d;
  unsigned char tail[64];
} plugin = {
    .d =
        {
            .abi_major = VIGIL_ABI_MAJOR,
            .abi_minor = 0,
            .size = sizeof(struct old_descriptor),
            .name = "testprefix",
            .version = "1.0.0",
            .description = "Descriptor declared as the 1.0 prefix",
            .kind = VIGIL_PLUGIN_SOURCE | VIGIL_PLUGIN_SINK,
            .create = stub_create,
            .start = stub_start,
            .stop = stub_stop,
            .destroy = stub_destroy,
            .last_error = stub_last_error,
            .deliver = stub_deliver,
        },
    .tail = {A5x8, A5x8, A5x8, A5x8, A5x8, A5x8, A5x8, A5x8},
};

STUB_ENTRY(plugin)
