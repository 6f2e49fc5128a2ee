/*
 * The pipeline: sources -> decode -> rule index -> workers -> sinks, on one
 * libuv loop. See docs/architecture.md for how the pieces hand over.
 */
#ifndef VIGIL_PIPELINE_H
#define VIGIL_PIPELINE_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* What a finished run counted; scan's exit status comes from it. */
typedef struct vigil_run_stats_s {
  uint64_t records;
  uint64_t candidates;    /* records that met at least one rule */
  uint64_t digests;
  uint64_t other;
  uint64_t decode_errors;
  uint64_t rule_errors;
  uint64_t alerts;
  uint64_t delivery_failures;
  uint64_t plugin_errors; /* error lines logged by plugins */
  int interrupted;         /* stopped by SIGINT/SIGTERM before the sources ended */
  double seconds;
} vigil_run_stats_t;

/* Builds the pipeline from conf, runs it until its sources end or a
 * SIGINT/SIGTERM has drained it, and fills st. Returns VIGIL_OK, or a status
 * after logging why it could not start (bad rules, missing plugin, ...). */
int vigil_pipeline_run(const vigil_conf_t *conf, vigil_run_stats_t *st, FILE *stats_out);

/* The bundled rules folder for this binary (build tree or install). */
const char *vigil_default_rules_dir(void);

#endif
