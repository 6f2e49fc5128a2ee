/*
 * The figures `GET /metrics` serves in Prometheus' text format, and the
 * few counters the pipeline keeps only for it.
 *
 *   metrics.c          counters kept here: alerts by rule and severity,
 *                      sink outcomes, spool gauges
 *   metrics_text.c     the exposition writer: HELP/TYPE, labels, escaping
 *   metrics_collect.c  one scrape: every figure of a running pipeline
 *   metrics_http.c     the listener on the loop (metrics_listen)
 *
 * Everything else is read where it already lives (pl_stats.c's counters,
 * the per-rule registry, the scheduler's queues) at scrape time.
 *
 * Threads: vigil_metrics_alert() and vigil_metrics_sink() run on the loop
 * thread, as does every scrape, so the alert table needs no lock. The
 * spool gauges are atomics and may be set from any thread.
 */
#ifndef VIGIL_METRICS_H
#define VIGIL_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "textbuf.h"
#include "vigil/plugin.h"

typedef struct vigil_metrics_s vigil_metrics_t;
struct vigil_pipeline_s;

/* A sink's reports, counted as the sink gave them (replays included). */
typedef enum vigil_mx_outcome_e {
  VIGIL_MX_DELIVERED = 0, /* DONE */
  VIGIL_MX_RETRIED,       /* RETRY: retried by the host, or spooled */
  VIGIL_MX_FAILED,        /* FAILED, or deliver() refused the alert */
  VIGIL_MX_NOUTCOMES
} vigil_mx_outcome_t;

/* NULL when out of memory; every function below accepts a NULL m. */
vigil_metrics_t *vigil_metrics_new(void);
void vigil_metrics_free(vigil_metrics_t *m);

/* One alert handed to the sinks (loop thread). */
void vigil_metrics_alert(vigil_metrics_t *m, const char *rule_id, vigil_severity_t sev);

/* One report of sink number `sink` (its index in the configuration); a
 * refused deliver() counts as VIGIL_DELIVERY_FAILED. Loop thread. */
void vigil_metrics_sink(vigil_metrics_t *m, int sink, vigil_delivery_t outcome);

/*
 * What sink number `sink` holds on disk now (spool_sink.c reports here as
 * its spool changes). A scrape reads a sink's open spool directly, which
 * takes precedence; these values serve a spool the host does not hold
 * open. Until someone calls it, both gauges read 0. Any thread.
 */
void vigil_metrics_set_spool(vigil_metrics_t *m, int sink, uint64_t alerts, uint64_t bytes);

/* ---- reading (loop thread; used by metrics_collect.c and tests) ---- */

typedef struct vigil_mx_alerts_s {
  const char *rule_id;
  uint64_t by_sev[5]; /* indexed by vigil_severity_t */
} vigil_mx_alerts_t;

/* The alert table sorted by rule id; *n entries, valid until the next
 * vigil_metrics_alert(). Caller frees the array (not the entries' ids). */
vigil_mx_alerts_t **vigil_metrics_alerts(const vigil_metrics_t *m, size_t *n);
uint64_t vigil_metrics_sink_count(const vigil_metrics_t *m, int sink, vigil_mx_outcome_t what);
void vigil_metrics_spool(const vigil_metrics_t *m, int sink, uint64_t *alerts, uint64_t *bytes);

/* ---- the exposition writer (metrics_text.c) ---- */

/* The text being written (core/textbuf.h; oom: an append failed, the text
 * is incomplete). */
typedef vigil_tbuf_t vigil_mx_buf_t;

/* "# HELP name help" and "# TYPE name type" (type: counter or gauge). */
void vigil_mx_family(vigil_mx_buf_t *b, const char *name, const char *type, const char *help);
/*
 * One sample: name{k1="v1",...} value. labels holds nlabels pairs (key,
 * value); values are escaped as the format wants (\\, \", \n).
 */
void vigil_mx_sample(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                     int nlabels, uint64_t value);
void vigil_mx_sample_f(vigil_mx_buf_t *b, const char *name, const char *const *labels,
                       int nlabels, double value);
void vigil_mx_buf_free(vigil_mx_buf_t *b);

/* ---- a running pipeline (metrics_collect.c, metrics_http.c) ---- */

/* Writes every figure of pl into b (loop thread). */
void vigil_metrics_collect(struct vigil_pipeline_s *pl, vigil_mx_buf_t *b);

/* Checks a metrics_listen value; 0, or -1 with the reason in err. */
int vigil_metrics_listen_check(const char *listen, char *err, size_t errlen);

/* Starts serving on conf->metrics_listen when set (loop thread, before
 * the loop runs). VIGIL_OK, or a status after logging why. */
int vigil_metrics_start(struct vigil_pipeline_s *pl);
/* Closes the listener and every connection (at CLOSING). */
void vigil_metrics_stop(struct vigil_pipeline_s *pl);

#endif
