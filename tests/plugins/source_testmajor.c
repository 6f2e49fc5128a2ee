/* Built for another major ABI: must be refused before its layout is read. */
#include "plugin_stubs.h"

/* Another major may lay the descriptor out differently; only the first
 * 8 bytes (major, minor, size) are common, so that is all this declares. */
static const struct {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t size;
} plugin = {VIGIL_ABI_MAJOR + 1, 0, 8};

STUB_ENTRY(plugin)
