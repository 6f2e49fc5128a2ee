/* Options shared by the commands that run a pipeline. */
#ifndef VIGIL_CLI_COMMON_H
#define VIGIL_CLI_COMMON_H

#include "config.h"
#include "pipeline.h"

/* Parses a level name into *out; -1 when unknown. */
int vigil_cli_level(const char *s, vigil_log_level_t *out);

/* Exit status from a finished run: errors first, then alerts. */
int vigil_cli_status(int rc, const vigil_run_stats_t *st);

#endif
