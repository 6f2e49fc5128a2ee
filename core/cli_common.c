#include "cli_common.h"

#include <string.h>

#include "cli.h"

int vigil_cli_level(const char *s, vigil_log_level_t *out) {
  static const char *const names[] = {"error", "warn", "info", "debug"};
  int i;

  for (i = 0; i < 4; i++) {
    if (strcmp(s, names[i]) == 0) {
      *out = (vigil_log_level_t)i;
      return 0;
    }
  }
  return -1;
}

int vigil_cli_status(int rc, const vigil_run_stats_t *st) {
  if (rc != 0 || st->decode_errors || st->rule_errors || st->plugin_errors ||
      st->delivery_failures)
    return VIGIL_EXIT_ERROR;
  return st->alerts ? VIGIL_EXIT_ALERTS : VIGIL_EXIT_OK;
}
