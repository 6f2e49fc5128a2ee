/* The metrics' own state, shared by metrics*.c only. */
#ifndef VIGIL_METRICS_INT_H
#define VIGIL_METRICS_INT_H

#include <uv.h>

#include "metrics.h"

#define MX_BUCKETS 256

typedef struct mx_rule_s {
  struct mx_rule_s *next;
  vigil_mx_alerts_t a;
} mx_rule_t;

typedef struct mx_conn_s mx_conn_t;

struct vigil_metrics_s {
  /* loop thread */
  mx_rule_t *rules[MX_BUCKETS];
  size_t nrules;
  uint64_t sink[VIGIL_MAX_INSTANCES][VIGIL_MX_NOUTCOMES];
  /* any thread */
  atomic_ullong spool_alerts[VIGIL_MAX_INSTANCES];
  atomic_ullong spool_bytes[VIGIL_MAX_INSTANCES];
  /* the listener (metrics_http.c) */
  struct vigil_pipeline_s *pl;
  uv_tcp_t listener;
  int listening;
  char bound[80];
  mx_conn_t *conns;
  size_t nconns;
  uint64_t scrapes;
  double started; /* Unix time the pipeline started */
};

#endif
