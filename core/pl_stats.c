/*
 * The pipeline's figures: the table `vigil scan --stats` prints, a log
 * line every stats_interval seconds of a long run (totals since the last
 * line, the queues, the costliest rules), and one line per rule at the
 * end of `vigil run`. Counters are read while workers write them (relaxed
 * atomics), so a periodic line is a close snapshot, not an exact cut.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "log.h"
#include "pipeline_int.h"

void vigil_stats_print(vigil_pipeline_t *pl, const vigil_run_stats_t *st, FILE *out) {
  const vigil_ruleset_t *rs = pl->gen->rs[0];
  vigil_rule_totals_t t;
  size_t r;
  int i;

  fprintf(out, "records %llu, candidates %llu, alerts %llu, decode errors %llu, "
               "rule errors %llu, digests skipped %llu, not CloudTrail %llu, %.3f s\n",
          (unsigned long long)st->records, (unsigned long long)st->candidates,
          (unsigned long long)st->alerts, (unsigned long long)st->decode_errors,
          (unsigned long long)st->rule_errors, (unsigned long long)st->digests,
          (unsigned long long)st->other, st->seconds);
  for (i = 0; i < pl->nsources; i++)
    fprintf(out, "  source %-12s records %llu\n", pl->sources[i].name,
            (unsigned long long)atomic_load(&pl->sources[i].records));
  fprintf(out, "  %-44s %10s %8s %8s %7s %7s %9s\n", "rule", "evaluated", "matches", "alerts",
          "errors", "evicted", "ms");
  for (r = 0; r < rs->nrules; r++) {
    if (!vigil_rule_enabled(&rs->rules[r]))
      continue;
    vigil_stats_sum(pl->gen->stats[r], &t);
    fprintf(out, "  %-44s %10llu %8llu %8llu %7llu %7llu %9.1f\n", rs->rules[r].id,
            (unsigned long long)t.evals, (unsigned long long)t.matches,
            (unsigned long long)t.alerts, (unsigned long long)t.errors,
            (unsigned long long)t.evicted, (double)t.ns / 1e6);
  }
}

typedef struct costly_s {
  const char *id;
  uint64_t ns;
} costly_t;

static int by_cost(const void *a, const void *b) {
  const costly_t *x = a;
  const costly_t *y = b;

  return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

static void on_stats_timer(uv_timer_t *tm) {
  vigil_pipeline_t *pl = tm->data;
  uint64_t records = atomic_load(&pl->records);
  uint64_t errors = atomic_load(&pl->decode_errors);
  uint64_t rule_errors = 0;
  vigil_rule_stats_t *s;
  vigil_rule_totals_t t;
  costly_t top[3] = {{"-", 0}, {"-", 0}, {"-", 0}};
  costly_t c;
  size_t pending;
  size_t queued = vigil_sched_depth(pl, &pending);
  int i;

  for (s = pl->stats; s; s = s->next) {
    vigil_stats_sum(s, &t);
    rule_errors += t.errors;
    c.id = s->id;
    c.ns = t.ns;
    if (c.ns > top[2].ns) {
      top[2] = c;
      qsort(top, 3, sizeof(top[0]), by_cost);
    }
  }
  vigil_info("stats",
             "records %llu (+%llu), alerts %llu (+%llu), decode errors %llu, rule errors %llu, "
             "batches queued %zu, candidates pending %zu, alerts in flight %llu, reloads %u",
             (unsigned long long)records, (unsigned long long)(records - pl->last_records),
             (unsigned long long)pl->alerts, (unsigned long long)(pl->alerts - pl->last_alerts),
             (unsigned long long)errors, (unsigned long long)rule_errors, queued, pending,
             (unsigned long long)pl->inflight, pl->reloads);
  for (i = 0; i < 3 && top[i].ns; i++)
    vigil_info("stats", "costliest rule %d: %s, %.1f ms in all", i + 1, top[i].id,
               (double)top[i].ns / 1e6);
  pl->last_records = records;
  pl->last_alerts = pl->alerts;
}

void vigil_stats_setup(vigil_pipeline_t *pl) {
  uint64_t ms = (uint64_t)pl->conf->stats_interval * 1000u;

  uv_timer_init(&pl->loop, &pl->stats_timer);
  pl->stats_timer.data = pl;
  if (ms)
    uv_timer_start(&pl->stats_timer, on_stats_timer, ms, ms);
}

void vigil_stats_close(vigil_pipeline_t *pl) {
  uv_close((uv_handle_t *)&pl->stats_timer, NULL);
}

void vigil_stats_log_rules(vigil_pipeline_t *pl) {
  vigil_rule_stats_t *s;
  vigil_rule_totals_t t;

  for (s = pl->stats; s; s = s->next) {
    vigil_stats_sum(s, &t);
    if (!t.evals)
      continue;
    vigil_info("stats",
               "rule %s: evaluated %llu, matches %llu, alerts %llu, errors %llu, evicted %llu, "
               "%.1f ms",
               s->id, (unsigned long long)t.evals, (unsigned long long)t.matches,
               (unsigned long long)t.alerts, (unsigned long long)t.errors,
               (unsigned long long)t.evicted, (double)t.ns / 1e6);
  }
}
