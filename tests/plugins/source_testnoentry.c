/* A valid shared object that exports something, but not the entry symbol. */
#include "vigil/plugin.h"

VIGIL_PLUGIN_EXPORT int vigil_test_not_an_entry(void);

VIGIL_PLUGIN_EXPORT int vigil_test_not_an_entry(void) {
  return 42;
}
