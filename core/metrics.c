/* Counters only the metrics keep (see metrics.h for who calls what where). */
#include <stdlib.h>
#include <string.h>

#include "metrics_int.h"

vigil_metrics_t *vigil_metrics_new(void) {
  return calloc(1, sizeof(vigil_metrics_t));
}

void vigil_metrics_free(vigil_metrics_t *m) {
  mx_rule_t *r, *next;
  size_t i;

  if (!m)
    return;
  for (i = 0; i < MX_BUCKETS; i++) {
    for (r = m->rules[i]; r; r = next) {
      next = r->next;
      free((char *)r->a.rule_id);
      free(r);
    }
  }
  free(m);
}

/* FNV-1a: rule ids are short and few; any spread will do. */
static size_t bucket(const char *s) {
  uint32_t h = 2166136261u;

  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 16777619u;
  return h % MX_BUCKETS;
}

void vigil_metrics_alert(vigil_metrics_t *m, const char *rule_id, vigil_severity_t sev) {
  size_t k;
  mx_rule_t *r;

  if (!m || !rule_id || (unsigned)sev > VIGIL_SEV_CRITICAL)
    return;
  k = bucket(rule_id);
  for (r = m->rules[k]; r && strcmp(r->a.rule_id, rule_id) != 0; r = r->next)
    ;
  if (!r) {
    /* Out of memory loses this alert's count, never the alert. */
    r = calloc(1, sizeof(*r));
    if (!r || !(r->a.rule_id = strdup(rule_id))) {
      free(r);
      return;
    }
    r->next = m->rules[k];
    m->rules[k] = r;
    m->nrules++;
  }
  r->a.by_sev[sev]++;
}

void vigil_metrics_sink(vigil_metrics_t *m, int sink, vigil_delivery_t outcome) {
  vigil_mx_outcome_t what = outcome == VIGIL_DELIVERY_DONE    ? VIGIL_MX_DELIVERED
                            : outcome == VIGIL_DELIVERY_RETRY ? VIGIL_MX_RETRIED
                                                              : VIGIL_MX_FAILED;

  if (m && sink >= 0 && sink < VIGIL_MAX_INSTANCES)
    m->sink[sink][what]++;
}

void vigil_metrics_set_spool(vigil_metrics_t *m, int sink, uint64_t alerts, uint64_t bytes) {
  if (!m || sink < 0 || sink >= VIGIL_MAX_INSTANCES)
    return;
  atomic_store_explicit(&m->spool_alerts[sink], alerts, memory_order_relaxed);
  atomic_store_explicit(&m->spool_bytes[sink], bytes, memory_order_relaxed);
}

static int by_id(const void *a, const void *b) {
  const vigil_mx_alerts_t *x = *(const vigil_mx_alerts_t *const *)a;
  const vigil_mx_alerts_t *y = *(const vigil_mx_alerts_t *const *)b;

  return strcmp(x->rule_id, y->rule_id);
}

vigil_mx_alerts_t **vigil_metrics_alerts(const vigil_metrics_t *m, size_t *n) {
  vigil_mx_alerts_t **out;
  mx_rule_t *r;
  size_t i, k = 0;

  *n = 0;
  if (!m || m->nrules == 0)
    return NULL;
  out = malloc(m->nrules * sizeof(*out));
  if (!out)
    return NULL;
  for (i = 0; i < MX_BUCKETS; i++) {
    for (r = m->rules[i]; r; r = r->next)
      out[k++] = &r->a;
  }
  /* Sorted, so two scrapes list series in the same order. */
  qsort(out, k, sizeof(*out), by_id);
  *n = k;
  return out;
}

uint64_t vigil_metrics_sink_count(const vigil_metrics_t *m, int sink, vigil_mx_outcome_t what) {
  if (!m || sink < 0 || sink >= VIGIL_MAX_INSTANCES || what >= VIGIL_MX_NOUTCOMES)
    return 0;
  return m->sink[sink][what];
}

void vigil_metrics_spool(const vigil_metrics_t *m, int sink, uint64_t *alerts, uint64_t *bytes) {
  *alerts = *bytes = 0;
  if (!m || sink < 0 || sink >= VIGIL_MAX_INSTANCES)
    return;
  *alerts = atomic_load_explicit(&m->spool_alerts[sink], memory_order_relaxed);
  *bytes = atomic_load_explicit(&m->spool_bytes[sink], memory_order_relaxed);
}
