/* Claims a 12-byte descriptor: too small for any 1.x host. */
#include "plugin_stubs.h"

static const struct {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t size;
  uint32_t junk;
} plugin = {VIGIL_ABI_MAJOR, 0, 12, 0xdeadbeefu};

STUB_ENTRY(plugin)
