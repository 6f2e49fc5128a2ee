/*
 * The metrics' own parts: the Prometheus text writer (metrics_text.c) and
 * the counters only the metrics keep (metrics.c). The figures of a running
 * pipeline, scraped over HTTP, are checked by tests/e2e/test_pipeline_live.sh.
 *
 * Text is compared byte for byte: a scraper rejects the whole page for one
 * bad line, so "close enough" is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static void test_counter_without_labels(void **state) {
  vigil_mx_buf_t b = {0};

  vigil_mx_family(&b, "vigil_reloads_total", "counter", "Rule reloads.");
  vigil_mx_sample(&b, "vigil_reloads_total", NULL, 0, 3);
  assert_false(b.oom);
  assert_string_equal(b.p, "# HELP vigil_reloads_total Rule reloads.\n"
                           "# TYPE vigil_reloads_total counter\n"
                           "vigil_reloads_total 3\n");
  assert_int_equal(b.len, strlen(b.p));
  vigil_mx_buf_free(&b);
  assert_null(b.p);
  assert_int_equal(b.len, 0);
}

static void test_gauge_with_labels(void **state) {
  const char *l[4] = {"rule", "aws.iam.x", "severity", "high"};
  vigil_mx_buf_t b = {0};

  vigil_mx_family(&b, "vigil_alerts_total", "counter", "Alerts.");
  vigil_mx_sample(&b, "vigil_alerts_total", l, 2, 18446744073709551615ull);
  vigil_mx_family(&b, "vigil_start_time_seconds", "gauge", "Start.");
  vigil_mx_sample_f(&b, "vigil_start_time_seconds", NULL, 0, 1700000000.25);
  assert_string_equal(b.p, "# HELP vigil_alerts_total Alerts.\n"
                           "# TYPE vigil_alerts_total counter\n"
                           "vigil_alerts_total{rule=\"aws.iam.x\",severity=\"high\"} "
                           "18446744073709551615\n"
                           "# HELP vigil_start_time_seconds Start.\n"
                           "# TYPE vigil_start_time_seconds gauge\n"
                           "vigil_start_time_seconds 1700000000.250\n");
  vigil_mx_buf_free(&b);
}

/* Label values are configuration and rule text: \, " and newline escaped. */
static void test_label_escaping(void **state) {
  const char *quote[2] = {"sink", "hook \"prod\""};
  const char *odd[2] = {"instance", "a\\b\nc\"d"};
  const char *none[2] = {"sink", NULL};
  vigil_mx_buf_t b = {0};

  vigil_mx_sample(&b, "vigil_sink_deliveries_total", quote, 1, 7);
  vigil_mx_sample(&b, "vigil_plugin_error_lines_total", odd, 1, 0);
  vigil_mx_sample(&b, "vigil_spool_alerts", none, 1, 1);
  assert_string_equal(b.p, "vigil_sink_deliveries_total{sink=\"hook \\\"prod\\\"\"} 7\n"
                           "vigil_plugin_error_lines_total{instance=\"a\\\\b\\nc\\\"d\"} 0\n"
                           "vigil_spool_alerts{sink=\"\"} 1\n");
  vigil_mx_buf_free(&b);
}

/* HELP escapes \ and newline but leaves " alone, as the format says. */
static void test_help_escaping(void **state) {
  vigil_mx_buf_t b = {0};

  vigil_mx_family(&b, "x", "gauge", "say \"hi\"\\\nbye");
  assert_string_equal(b.p, "# HELP x say \"hi\"\\\\\\nbye\n# TYPE x gauge\n");
  vigil_mx_buf_free(&b);
}

/* A page larger than the first allocation grows and stays whole. */
static void test_buffer_grows(void **state) {
  const char *l[2] = {"rule", NULL};
  char id[32], want[64];
  vigil_mx_buf_t b = {0};
  size_t off = 0;
  int i, n;

  for (i = 0; i < 2000; i++) {
    snprintf(id, sizeof(id), "r%04d", i);
    l[1] = id;
    vigil_mx_sample(&b, "m", l, 1, (uint64_t)i);
  }
  assert_false(b.oom);
  assert_true(b.cap > 4096);
  for (i = 0; i < 2000; i++) {
    n = snprintf(want, sizeof(want), "m{rule=\"r%04d\"} %d\n", i, i);
    assert_memory_equal(b.p + off, want, (size_t)n);
    off += (size_t)n;
  }
  assert_int_equal(off, b.len);
  vigil_mx_buf_free(&b);
}

static void test_alert_table(void **state) {
  vigil_metrics_t *m = vigil_metrics_new();
  vigil_mx_alerts_t **v;
  size_t n;

  assert_non_null(m);
  v = vigil_metrics_alerts(m, &n);
  assert_null(v);
  assert_int_equal(n, 0);
  vigil_metrics_alert(m, "z.rule", VIGIL_SEV_LOW);
  vigil_metrics_alert(m, "a.rule", VIGIL_SEV_CRITICAL);
  vigil_metrics_alert(m, "z.rule", VIGIL_SEV_LOW);
  vigil_metrics_alert(m, "z.rule", VIGIL_SEV_HIGH); /* dynamic severity: its own series */
  vigil_metrics_alert(m, "a.rule", (vigil_severity_t)99); /* not a severity: not counted */
  vigil_metrics_alert(m, NULL, VIGIL_SEV_LOW);
  v = vigil_metrics_alerts(m, &n);
  assert_int_equal(n, 2);
  /* Sorted by id, so scrapes list series in a stable order. */
  assert_string_equal(v[0]->rule_id, "a.rule");
  assert_int_equal(v[0]->by_sev[VIGIL_SEV_CRITICAL], 1);
  assert_int_equal(v[0]->by_sev[VIGIL_SEV_LOW], 0);
  assert_string_equal(v[1]->rule_id, "z.rule");
  assert_int_equal(v[1]->by_sev[VIGIL_SEV_LOW], 2);
  assert_int_equal(v[1]->by_sev[VIGIL_SEV_HIGH], 1);
  assert_int_equal(v[1]->by_sev[VIGIL_SEV_INFO], 0);
  free(v);
  vigil_metrics_free(m);
}

/* Many rule ids share buckets; each keeps its own count. */
static void test_many_rules(void **state) {
  vigil_metrics_t *m = vigil_metrics_new();
  vigil_mx_alerts_t **v;
  char id[32];
  size_t n, i;

  for (i = 0; i < 1000; i++) {
    snprintf(id, sizeof(id), "rule.%04zu", i);
    vigil_metrics_alert(m, id, VIGIL_SEV_MEDIUM);
    if (i % 2 == 0)
      vigil_metrics_alert(m, id, VIGIL_SEV_MEDIUM);
  }
  v = vigil_metrics_alerts(m, &n);
  assert_int_equal(n, 1000);
  for (i = 0; i < n; i++) {
    snprintf(id, sizeof(id), "rule.%04zu", i);
    assert_string_equal(v[i]->rule_id, id);
    assert_int_equal(v[i]->by_sev[VIGIL_SEV_MEDIUM], i % 2 == 0 ? 2 : 1);
  }
  free(v);
  vigil_metrics_free(m);
}

static void test_sink_outcomes_and_spool(void **state) {
  vigil_metrics_t *m = vigil_metrics_new();
  uint64_t alerts, bytes;

  vigil_metrics_sink(m, 0, VIGIL_DELIVERY_DONE);
  vigil_metrics_sink(m, 0, VIGIL_DELIVERY_DONE);
  vigil_metrics_sink(m, 0, VIGIL_DELIVERY_RETRY);
  vigil_metrics_sink(m, 1, VIGIL_DELIVERY_FAILED);
  vigil_metrics_sink(m, -1, VIGIL_DELIVERY_DONE); /* out of range: ignored */
  vigil_metrics_sink(m, VIGIL_MAX_INSTANCES, VIGIL_DELIVERY_DONE);
  assert_int_equal(vigil_metrics_sink_count(m, 0, VIGIL_MX_DELIVERED), 2);
  assert_int_equal(vigil_metrics_sink_count(m, 0, VIGIL_MX_RETRIED), 1);
  assert_int_equal(vigil_metrics_sink_count(m, 0, VIGIL_MX_FAILED), 0);
  assert_int_equal(vigil_metrics_sink_count(m, 1, VIGIL_MX_FAILED), 1);
  assert_int_equal(vigil_metrics_sink_count(m, 1, VIGIL_MX_DELIVERED), 0);
  assert_int_equal(vigil_metrics_sink_count(m, VIGIL_MAX_INSTANCES, VIGIL_MX_DELIVERED), 0);
  assert_int_equal(vigil_metrics_sink_count(m, 0, VIGIL_MX_NOUTCOMES), 0);

  vigil_metrics_spool(m, 2, &alerts, &bytes);
  assert_int_equal(alerts, 0);
  assert_int_equal(bytes, 0);
  vigil_metrics_set_spool(m, 2, 5, 4096);
  vigil_metrics_spool(m, 2, &alerts, &bytes);
  assert_int_equal(alerts, 5);
  assert_int_equal(bytes, 4096);
  vigil_metrics_set_spool(m, 2, 0, 0); /* a gauge: set, not added */
  vigil_metrics_spool(m, 2, &alerts, &bytes);
  assert_int_equal(alerts, 0);
  assert_int_equal(bytes, 0);
  vigil_metrics_free(m);
}

/* Every function takes a NULL table (metrics off, or out of memory). */
static void test_null_table(void **state) {
  uint64_t a = 1, b = 1;
  size_t n = 1;

  vigil_metrics_alert(NULL, "r", VIGIL_SEV_LOW);
  vigil_metrics_sink(NULL, 0, VIGIL_DELIVERY_DONE);
  vigil_metrics_set_spool(NULL, 0, 1, 1);
  assert_null(vigil_metrics_alerts(NULL, &n));
  assert_int_equal(n, 0);
  assert_int_equal(vigil_metrics_sink_count(NULL, 0, VIGIL_MX_DELIVERED), 0);
  vigil_metrics_spool(NULL, 0, &a, &b);
  assert_int_equal(a, 0);
  assert_int_equal(b, 0);
  vigil_metrics_free(NULL);
}

static void test_listen_check(void **state) {
  char err[256];

  assert_int_equal(vigil_metrics_listen_check("127.0.0.1:9464", err, sizeof(err)), 0);
  assert_int_equal(vigil_metrics_listen_check("[::1]:0", err, sizeof(err)), 0);
  assert_int_equal(vigil_metrics_listen_check("localhost:9464", err, sizeof(err)), -1);
  assert_non_null(strstr(err, "not an IP address"));
  assert_int_equal(vigil_metrics_listen_check("127.0.0.1:99999", err, sizeof(err)), -1);
  assert_non_null(strstr(err, "bad port"));
  assert_int_equal(vigil_metrics_listen_check("9464", err, sizeof(err)), -1);
  assert_non_null(strstr(err, "not host:port"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_counter_without_labels),
      cmocka_unit_test(test_gauge_with_labels),
      cmocka_unit_test(test_label_escaping),
      cmocka_unit_test(test_help_escaping),
      cmocka_unit_test(test_buffer_grows),
      cmocka_unit_test(test_alert_table),
      cmocka_unit_test(test_many_rules),
      cmocka_unit_test(test_sink_outcomes_and_spool),
      cmocka_unit_test(test_null_table),
      cmocka_unit_test(test_listen_check),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
