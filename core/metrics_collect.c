/*
 * One scrape: every figure of a running pipeline, read where it lives.
 * Runs on the loop thread, which owns the alert table, the sink outcomes,
 * the reload count and the per-rule registry (reloads extend it on this
 * thread too). Counters the workers write are atomics; the queue depths
 * are read under the scheduler's lock. A scrape is a close snapshot, not
 * an exact cut: records may be counted a batch before their alerts.
 */
#include <stdlib.h>

#include "engine.h"
#include "metrics_int.h"
#include "pipeline_int.h"
#include "spool.h"

static const char *const sev_names[] = {"info", "low", "medium", "high", "critical"};

static uint64_t load(atomic_ullong *v) {
  return atomic_load_explicit(v, memory_order_relaxed);
}

static void counter(vigil_mx_buf_t *b, const char *name, const char *help, uint64_t v) {
  vigil_mx_family(b, name, "counter", help);
  vigil_mx_sample(b, name, NULL, 0, v);
}

static void gauge(vigil_mx_buf_t *b, const char *name, const char *help, uint64_t v) {
  vigil_mx_family(b, name, "gauge", help);
  vigil_mx_sample(b, name, NULL, 0, v);
}

static void process(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *ver[] = {"version", VIGIL_VERSION};
  const vigil_metrics_t *m = pl->metrics;

  vigil_mx_family(b, "vigil_build_info", "gauge", "Always 1; the version as a label.");
  vigil_mx_sample(b, "vigil_build_info", ver, 1, 1);
  vigil_mx_family(b, "vigil_start_time_seconds", "gauge",
                  "When the pipeline started, in seconds since the Unix epoch.");
  vigil_mx_sample_f(b, "vigil_start_time_seconds", NULL, 0, m ? m->started : 0);
  gauge(b, "vigil_workers", "Worker threads evaluating rules.", (uint64_t)pl->nworkers);
  counter(b, "vigil_reloads_total", "Rule reloads that replaced the running rule set.",
          pl->reloads);
}

static void sources(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *l[2] = {"source", NULL};
  int i;

  vigil_mx_family(b, "vigil_source_events_total", "counter",
                  "CloudTrail records read, by source instance (digests and other JSON "
                  "excluded).");
  for (i = 0; i < pl->nsources; i++) {
    l[1] = pl->sources[i].name;
    vigil_mx_sample(b, "vigil_source_events_total", l, 1, load(&pl->sources[i].records));
  }
  counter(b, "vigil_candidates_total", "Records that met at least one rule's index entry.",
          load(&pl->candidates));
  counter(b, "vigil_decode_errors_total",
          "Malformed records and documents, all sources (each is logged with its origin).",
          load(&pl->decode_errors));
  counter(b, "vigil_digests_skipped_total", "CloudTrail digest files recognised and skipped.",
          load(&pl->digests));
  counter(b, "vigil_other_json_total", "JSON texts that are not CloudTrail records.",
          load(&pl->other));
}

static void alerts(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *l[4] = {"rule", NULL, "severity", NULL};
  vigil_mx_alerts_t **v;
  size_t n, i;
  int s;

  vigil_mx_family(b, "vigil_alerts_total", "counter",
                  "Alerts handed to the sinks, by rule and severity.");
  v = vigil_metrics_alerts(pl->metrics, &n);
  for (i = 0; i < n; i++) {
    l[1] = v[i]->rule_id;
    for (s = 0; s < 5; s++) {
      if (!v[i]->by_sev[s])
        continue;
      l[3] = sev_names[s];
      vigil_mx_sample(b, "vigil_alerts_total", l, 2, v[i]->by_sev[s]);
    }
  }
  free(v);
  counter(b, "vigil_alerts_undelivered_total",
          "Alerts at least one sink gave up on (each is logged).", pl->delivery_failures);
  gauge(b, "vigil_alerts_in_flight", "Alerts handed to sinks that not every sink reported.",
        pl->inflight);
}

static void sink_family(vigil_pipeline_t *pl, vigil_mx_buf_t *b, const char *name,
                        const char *help, vigil_mx_outcome_t what) {
  const char *l[2] = {"sink", NULL};
  int i;

  vigil_mx_family(b, name, "counter", help);
  for (i = 0; i < pl->nsinks; i++) {
    l[1] = pl->sinks[i].name;
    vigil_mx_sample(b, name, l, 1, vigil_metrics_sink_count(pl->metrics, i, what));
  }
}

static void sinks(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *l[2] = {"sink", NULL};
  uint64_t spooled[VIGIL_MAX_INSTANCES][2];
  int i;

  sink_family(pl, b, "vigil_sink_deliveries_total", "Alerts the sink reported delivered.",
              VIGIL_MX_DELIVERED);
  sink_family(pl, b, "vigil_sink_failures_total",
              "Alerts the sink refused or reported failed for good.",
              VIGIL_MX_FAILED);
  sink_family(pl, b, "vigil_sink_retries_total",
              "Deliveries the sink reported retryable; the host retries or spools them "
              "(a sink's own retries, such as the webhook's, are not counted).",
              VIGIL_MX_RETRIED);
  for (i = 0; i < pl->nsinks; i++) {
    /* The spool is the loop thread's, as is this scrape: read it directly. */
    if (pl->sinks[i].spool) {
      spooled[i][0] = vigil_spool_count(pl->sinks[i].spool);
      spooled[i][1] = vigil_spool_bytes(pl->sinks[i].spool);
    } else {
      vigil_metrics_spool(pl->metrics, i, &spooled[i][0], &spooled[i][1]);
    }
  }
  vigil_mx_family(b, "vigil_spool_alerts", "gauge",
                  "Alerts waiting in the sink's on-disk spool (0 when none or no spool).");
  for (i = 0; i < pl->nsinks; i++) {
    l[1] = pl->sinks[i].name;
    vigil_mx_sample(b, "vigil_spool_alerts", l, 1, spooled[i][0]);
  }
  vigil_mx_family(b, "vigil_spool_bytes", "gauge",
                  "Bytes the sink's on-disk spool holds (0 when none or no spool).");
  for (i = 0; i < pl->nsinks; i++) {
    l[1] = pl->sinks[i].name;
    vigil_mx_sample(b, "vigil_spool_bytes", l, 1, spooled[i][1]);
  }
  vigil_mx_family(b, "vigil_spool_held_alerts", "gauge",
                  "Alerts held in memory because the sink's spool is full.");
  for (i = 0; i < pl->nsinks; i++) {
    l[1] = pl->sinks[i].name;
    vigil_mx_sample(b, "vigil_spool_held_alerts", l, 1, pl->sinks[i].nheld);
  }
  gauge(b, "vigil_backpressure",
        "1 while a full spool holds the sources back (emit waits, the http source answers 503).",
        (uint64_t)atomic_load(&pl->pressure));
}

static void queues(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  size_t pending = 0;
  size_t batches = vigil_sched_depth(pl, &pending);

  gauge(b, "vigil_queue_batches", "Batches of raw records waiting to be scanned.", batches);
  gauge(b, "vigil_queue_candidates",
        "Candidate records waiting for (or in) rule evaluation, all workers.", pending);
}

static void rules(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *l[2] = {"rule", NULL};
  vigil_rule_stats_t *s;
  vigil_rule_totals_t t;

  vigil_mx_family(b, "vigil_rule_errors_total", "counter",
                  "Rule errors (each logged with the rule id, its file:line and the record).");
  for (s = pl->stats; s; s = s->next) {
    vigil_stats_sum(s, &t);
    if (!t.errors)
      continue;
    l[1] = s->id;
    vigil_mx_sample(b, "vigil_rule_errors_total", l, 1, t.errors);
  }
}

static void plugins(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  const char *l[2] = {"instance", NULL};
  int i;

  vigil_mx_family(b, "vigil_plugin_error_lines_total", "counter",
                  "Error lines logged by each source and sink instance.");
  for (i = 0; i < pl->nsources + pl->nsinks; i++) {
    vigil_host_t *h = i < pl->nsources ? &pl->sources[i] : &pl->sinks[i - pl->nsources];
    l[1] = h->name;
    vigil_mx_sample(b, "vigil_plugin_error_lines_total", l, 1, load(&h->errors));
  }
}

void vigil_metrics_collect(vigil_pipeline_t *pl, vigil_mx_buf_t *b) {
  process(pl, b);
  sources(pl, b);
  alerts(pl, b);
  sinks(pl, b);
  queues(pl, b);
  rules(pl, b);
  plugins(pl, b);
}
