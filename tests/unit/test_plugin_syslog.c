/*
 * The `syslog` sink: its RFC 5424 formatting tested directly (the source
 * is compiled into this test), and the plugin (build/plugins/sink_syslog.so)
 * driven by a fake host against a UDP socket of the test's own.
 */
#include "../../plugins/common/alert_fields.c"
#include "../../plugins/common/output.c"
#include "../../plugins/sink_syslog/syslog_format.c"

#include "test_plugin_fakehost.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

static int tokens[8];

static vigil_alert_t alert(const char *json, const char *rule, const char *msg,
                           vigil_severity_t sev, void *token) {
  vigil_alert_t a;

  memset(&a, 0, sizeof(a));
  a.size = sizeof(a);
  a.json = json;
  a.json_len = strlen(json);
  a.rule_id = rule;
  a.title = "t";
  a.message = msg;
  a.severity = sev;
  a.token = token;
  return a;
}

static sl_format_t fmt(void) {
  sl_format_t f;

  memset(&f, 0, sizeof(f));
  f.facility = 10;
  f.hostname = "host1";
  f.app_name = "vigil";
  f.sd_id = "vigil@32473";
  f.max_bytes = 8192;
  f.procid = 42;
  return f;
}

/* Formats a with f at 2024-05-21T14:09:40.123Z; returns a malloc'd string. */
static char *format(const sl_format_t *f, const vigil_alert_t *a, int *cut) {
  vp_buf_t b = {0};
  char *s;

  assert_int_equal(sl_format(&b, f, a, 1716300580123LL, cut), 0);
  s = strndup(b.p, b.len);
  vp_buf_free(&b);
  return s;
}

static void test_mappings(void **state) {
  assert_int_equal(sl_severity(VIGIL_SEV_CRITICAL), 2);
  assert_int_equal(sl_severity(VIGIL_SEV_HIGH), 3);
  assert_int_equal(sl_severity(VIGIL_SEV_MEDIUM), 4);
  assert_int_equal(sl_severity(VIGIL_SEV_LOW), 5);
  assert_int_equal(sl_severity(VIGIL_SEV_INFO), 6);
  assert_int_equal(sl_facility("kern"), 0);
  assert_int_equal(sl_facility("auth"), 4);
  assert_int_equal(sl_facility("authpriv"), 10);
  assert_int_equal(sl_facility("local0"), 16);
  assert_int_equal(sl_facility("local7"), 23);
  assert_int_equal(sl_facility("local8"), -1);
  assert_int_equal(sl_facility("Local0"), -1);
  assert_true(sl_valid_sd_id("vigil@32473"));
  assert_true(sl_valid_sd_id("a"));
  assert_false(sl_valid_sd_id(""));
  assert_false(sl_valid_sd_id("has space@1"));
  assert_false(sl_valid_sd_id("a=b"));
  assert_false(sl_valid_sd_id("a]"));
  assert_false(sl_valid_sd_id("0123456789012345678901234567890123"));
}

static void test_format_exact(void **state) {
  sl_format_t f = fmt();
  vigil_alert_t a = alert("{\"actor\":\"arn:aws:iam::1:user/a\",\"event_time\":"
                          "\"2024-05-21T14:00:00Z\"}",
                          "aws.iam.create_user", "a created b", VIGIL_SEV_HIGH, &tokens[0]);
  int cut = -1;
  char *s = format(&f, &a, &cut);

  assert_string_equal(s, "<83>1 2024-05-21T14:09:40.123Z host1 vigil 42 aws.iam.create_user "
                         "[vigil@32473 rule=\"aws.iam.create_user\" severity=\"high\" "
                         "actor=\"arn:aws:iam::1:user/a\" eventTime=\"2024-05-21T14:00:00Z\"] "
                         "a created b");
  assert_int_equal(cut, 0);
  free(s);
  /* MSG as JSON: the alert object verbatim. */
  f.msg_json = 1;
  f.facility = 16;
  a.severity = VIGIL_SEV_INFO;
  s = format(&f, &a, &cut);
  assert_non_null(strstr(s, "<134>1 "));
  assert_non_null(strstr(s, "\"] {\"actor\":\"arn:aws:iam::1:user/a\",\"event_time\""));
  free(s);
}

static void test_format_hostile_fields(void **state) {
  sl_format_t f = fmt();
  /* Actor with quote, backslash, bracket, a newline and a lone UTF-8 byte. */
  vigil_alert_t a = alert("{\"actor\":\"x\\\"y\\\\z]w\\nv\\u00e9\"}", "r id\xc3\xa9",
                          "line1\nline2", VIGIL_SEV_CRITICAL, &tokens[0]);
  char bad_json[] = "{\"actor\":\"a\xff" "b\"}";
  int cut;
  char *s;

  f.hostname = "";
  s = format(&f, &a, &cut);
  /* MSGID keeps printable ASCII only; the hostname "" becomes "-". */
  assert_non_null(strstr(s, "<82>1 2024-05-21T14:09:40.123Z - vigil 42 r_id__ [vigil@32473 "));
  assert_non_null(strstr(s, "rule=\"r id\xc3\xa9\""));
  assert_non_null(strstr(s, "actor=\"x\\\"y\\\\z\\]w v\xc3\xa9\""));
  /* No eventTime in the alert: the parameter is left out. */
  assert_null(strstr(s, "eventTime"));
  /* Text messages cannot break the line. */
  assert_non_null(strstr(s, "] line1 line2"));
  free(s);
  /* Bytes that are not UTF-8 become '?' in parameter values. */
  a = alert(bad_json, "r", "m", VIGIL_SEV_LOW, &tokens[0]);
  s = format(&f, &a, &cut);
  assert_non_null(strstr(s, "actor=\"a?b\""));
  free(s);
}

static void test_format_limits(void **state) {
  sl_format_t f = fmt();
  char rule[64], msg[600];
  vigil_alert_t a;
  int cut;
  char *s;
  size_t i;

  for (i = 0; i < 40; i++)
    rule[i] = (char)('a' + i % 26);
  rule[40] = '\0';
  /* A message of 2-byte characters, to be cut on a character boundary. */
  for (i = 0; i + 1 < sizeof(msg) - 1; i += 2) {
    msg[i] = (char)0xc3;
    msg[i + 1] = (char)0xa9;
  }
  msg[i] = '\0';
  a = alert("{}", rule, msg, VIGIL_SEV_LOW, &tokens[0]);
  f.max_bytes = 480;
  s = format(&f, &a, &cut);
  assert_int_equal(cut, 1);
  assert_true(strlen(s) <= 480 && strlen(s) >= 478);
  assert_int_equal((unsigned char)s[strlen(s) - 1], 0xa9); /* ends on a whole character */
  /* MSGID: the first 32 characters of the rule id. */
  assert_non_null(strstr(s, " abcdefghijklmnopqrstuvwxyzabcdef [vigil@32473 rule=\"abcdefghij"));
  free(s);
  /* An empty message: nothing after the structured data. */
  a = alert("{}", "r", "", VIGIL_SEV_LOW, &tokens[0]);
  s = format(&f, &a, &cut);
  assert_int_equal(s[strlen(s) - 1], ']');
  free(s);
}

/* ---- the plugin over UDP -------------------------------------------------------------------- */

static void test_udp_delivery(void **state) {
  fakehost_t *h = fh_open("sink_syslog.so", "syslog", VIGIL_PLUGIN_SINK);
  struct sockaddr_in sa;
  socklen_t len = sizeof(sa);
  struct timeval tv = {5, 0};
  vigil_alert_t a = alert("{\"actor\":\"u\"}", "t.rule", "hello", VIGIL_SEV_MEDIUM, &tokens[1]);
  char cfg[256], got[2048];
  const char *err = NULL;
  ssize_t n;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);

  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  snprintf(cfg, sizeof(cfg), "{\"address\":\"127.0.0.1:%d\",\"hostname\":\"hh\"}",
           ntohs(sa.sin_port));
  if (fh_create(h, cfg, &err) != VIGIL_OK)
    fail_msg("create: %s", err);
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  while (h->ndeliveries == 0)
    uv_run(&h->loop, UV_RUN_ONCE);
  assert_ptr_equal(h->deliveries[0].token, &tokens[1]);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_DONE);
  n = recv(fd, got, sizeof(got) - 1, 0);
  assert_true(n > 0);
  got[n] = '\0';
  assert_true(strncmp(got, "<84>1 ", 6) == 0);
  assert_non_null(strstr(got, "Z hh vigil "));
  assert_non_null(strstr(got, " t.rule [vigil@32473 rule=\"t.rule\" severity=\"medium\" "
                              "actor=\"u\"] hello"));
  close(fd);
  fh_close(h);
}

static void expect_create_error(const char *config, const char *want) {
  fakehost_t *h = fh_open("sink_syslog.so", "syslog", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  assert_int_not_equal(fh_create(h, config, &err), VIGIL_OK);
  assert_non_null(err);
  if (strstr(err, want) == NULL)
    fail_msg("error \"%s\" lacks \"%s\"", err, want);
  fh_close(h);
}

static void test_config_errors(void **state) {
  expect_create_error("{\"adress\":\"x\"}", "syslog sink: unknown option \"adress\"");
  expect_create_error("{\"facility\":\"local9\"}", "unknown facility \"local9\"");
  expect_create_error("{\"sd_id\":\"a b\"}", "sd_id must be");
  expect_create_error("{\"transport\":\"sctp\"}", "\"transport\" must be one of the listed values");
  expect_create_error("{\"max_message_bytes\":100}", "max_message_bytes must be from 480");
  expect_create_error("{\"max_message_bytes\":70000}", "65000 over UDP");
  expect_create_error("{\"address\":\":514\"}", "is not host:port");
  expect_create_error("{\"reconnect_min_ms\":500,\"reconnect_max_ms\":100}",
                      "reconnect_min_ms exceeds reconnect_max_ms");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mappings),
      cmocka_unit_test(test_format_exact),
      cmocka_unit_test(test_format_hostile_fields),
      cmocka_unit_test(test_format_limits),
      cmocka_unit_test(test_udp_delivery),
      cmocka_unit_test(test_config_errors),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
