/* What a pipeline runs: from `vigil run -c FILE` or built by `vigil scan`. */
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stddef.h>

#include "log.h"

#define VIGIL_MAX_INSTANCES 32
#define VIGIL_MAX_PATHS 16

typedef struct vigil_instance_conf_s {
  char *name;   /* unique among the pipeline's instances */
  char *type;   /* plugin name: "file", "stdout", ... */
  char *config; /* the plugin's options as JSON text */
} vigil_instance_conf_t;

typedef struct vigil_conf_s {
  char *rules[VIGIL_MAX_PATHS];
  int nrules;
  char *plugin_dirs[VIGIL_MAX_PATHS];
  int nplugin_dirs;
  int workers;          /* 0: one per core */
  char *state_dir;      /* NULL: no state kept */
  char *spool_dir;      /* sinks' spools; NULL: <state_dir>/spool, or none */
  int spool_max_mb;     /* per sink; 0: default (docs/delivery.md) */
  vigil_instance_conf_t sources[VIGIL_MAX_INSTANCES];
  int nsources;
  vigil_instance_conf_t sinks[VIGIL_MAX_INSTANCES];
  int nsinks;
  vigil_log_level_t log_level;
  vigil_logfmt_t log_format;
  int stats;            /* print per-rule stats at the end */
  size_t state_max_bytes; /* stateful rule memory per worker; 0: default */
  int stats_interval;   /* seconds between stats log lines; 0: never */
  int watch_rules;      /* reload when a rule file changes */
  int log_rule_stats;   /* log each rule's figures at shutdown (vigil run) */
  char *metrics_listen; /* "host:port" serving GET /metrics; NULL: off */
} vigil_conf_t;

/* Reads a JSON configuration file. Errors name the file and the key. */
int vigil_conf_load(const char *path, vigil_conf_t *conf, char *err, size_t errlen);

/* Adds an instance; config_json may be NULL for "{}". */
int vigil_conf_add(vigil_conf_t *conf, int sink, const char *name, const char *type,
                   const char *config_json);

void vigil_conf_free(vigil_conf_t *conf);

#endif
