/*
 * The `stdout` and `file` sink plugins (build/plugins/sink_*.so): what they
 * write, and what they report to delivered().
 */
#include "test_plugin_fakehost.h"

#include <fcntl.h>

static char *dir;
static int saved_stdout = -1;
static int tokens[8]; /* addresses serve as distinct delivery tokens */

static int setup(void **state) {
  dir = fh_tmpdir();
  return 0;
}

static int teardown(void **state) {
  fh_rmtree(dir);
  dir = NULL;
  return 0;
}

static void stdout_to(const char *path) {
  int fd;

  fflush(stdout);
  saved_stdout = dup(STDOUT_FILENO);
  assert_true(saved_stdout >= 0);
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  assert_true(fd >= 0);
  assert_int_equal(dup2(fd, STDOUT_FILENO), STDOUT_FILENO);
  close(fd);
}

static void stdout_back(void) {
  fflush(stdout);
  assert_int_equal(dup2(saved_stdout, STDOUT_FILENO), STDOUT_FILENO);
  close(saved_stdout);
  saved_stdout = -1;
}

static vigil_alert_t alert(const char *json, const char *rule, const char *msg,
                           vigil_severity_t sev, int64_t ms, void *token) {
  vigil_alert_t a;

  memset(&a, 0, sizeof(a));
  a.size = sizeof(a);
  a.json = json;
  a.json_len = strlen(json);
  a.rule_id = rule;
  a.title = "a title";
  a.message = msg;
  a.severity = sev;
  a.event_time_ms = ms;
  a.token = token;
  return a;
}

static void deliver_ok(fakehost_t *h, const vigil_alert_t *a) {
  size_t before = h->ndeliveries;

  assert_int_equal(h->plugin->deliver(h->inst, a), VIGIL_OK);
  assert_int_equal(h->ndeliveries, before + 1);
  assert_ptr_equal(h->deliveries[before].token, a->token);
  assert_int_equal(h->deliveries[before].outcome, VIGIL_DELIVERY_DONE);
}

/* ---- stdout --------------------------------------------------------------------------------- */

static fakehost_t *open_stdout_sink(const char *config) {
  fakehost_t *h = fh_open("sink_stdout.so", "stdout", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "?");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  return h;
}

/* Delivers the alerts with stdout sent to a file; returns what was written. */
static char *capture(fakehost_t *h, const vigil_alert_t *alerts, size_t n) {
  char *path = fh_path(dir, "stdout.txt"), *out;
  size_t i;
  int rc = VIGIL_OK;

  stdout_to(path);
  for (i = 0; i < n && rc == VIGIL_OK; i++)
    rc = h->plugin->deliver(h->inst, &alerts[i]);
  stdout_back();
  assert_int_equal(rc, VIGIL_OK);
  out = fh_read(path, NULL);
  free(path);
  return out;
}

static void test_stdout_text(void **state) {
  fakehost_t *h = open_stdout_sink("{\"format\":\"text\",\"color\":\"never\"}");
  vigil_alert_t a[3];
  char *out;

  a[0] = alert("{}", "aws.iam.detach_role_policy", "alice detached AdminAccess from role ops",
               VIGIL_SEV_MEDIUM, 1688989512345, &tokens[0]);
  a[1] = alert("{}", "aws.cloudtrail.stop_logging", "bob stopped trail main", VIGIL_SEV_CRITICAL,
               1688989512000, &tokens[1]);
  /* Event data must not break the line or reach the terminal as escapes. */
  a[2] = alert("{}", "r.x", "evil\n\033[2Jname", VIGIL_SEV_INFO, -1, &tokens[2]);
  out = capture(h, a, 3);

  assert_string_equal(out, "2023-07-10T11:45:12Z MEDIUM aws.iam.detach_role_policy "
                           "alice detached AdminAccess from role ops\n"
                           "2023-07-10T11:45:12Z CRITICAL aws.cloudtrail.stop_logging "
                           "bob stopped trail main\n"
                           "1969-12-31T23:59:59Z INFO r.x evil  [2Jname\n");
  assert_int_equal(h->ndeliveries, 3);
  assert_ptr_equal(h->deliveries[2].token, &tokens[2]);
  assert_int_equal(h->deliveries[2].outcome, VIGIL_DELIVERY_DONE);
  assert_null(h->plugin->last_error(h->inst));
  free(out);
  fh_close(h);
}

static void test_stdout_color(void **state) {
  fakehost_t *always = open_stdout_sink("{\"color\":\"always\"}");
  fakehost_t *autom = open_stdout_sink("{}"); /* a file is not a terminal */
  vigil_alert_t a = alert("{}", "r.high", "m", VIGIL_SEV_HIGH, 0, &tokens[0]);
  char *out;

  out = capture(always, &a, 1);
  assert_string_equal(out, "1970-01-01T00:00:00Z \033[1;31mHIGH\033[0m r.high m\n");
  free(out);
  out = capture(autom, &a, 1);
  assert_string_equal(out, "1970-01-01T00:00:00Z HIGH r.high m\n");
  free(out);
  fh_close(always);
  fh_close(autom);
}

static void test_stdout_json(void **state) {
  fakehost_t *h = open_stdout_sink("{\"format\":\"json\"}");
  vigil_alert_t a[2];
  char *out;

  a[0] = alert("{\"rule\":\"a\",\"n\":1}", "a", "m", VIGIL_SEV_LOW, 0, &tokens[0]);
  a[1] = alert("{\"rule\":\"b\"}", "b", "m", VIGIL_SEV_LOW, 0, &tokens[1]);
  out = capture(h, a, 2);
  assert_string_equal(out, "{\"rule\":\"a\",\"n\":1}\n{\"rule\":\"b\"}\n");
  assert_int_equal(h->ndeliveries, 2);
  assert_int_equal(h->deliveries[1].outcome, VIGIL_DELIVERY_DONE);
  free(out);
  fh_close(h);
}

static void test_stdout_write_error_retries(void **state) {
  fakehost_t *h = open_stdout_sink("{\"format\":\"json\"}");
  vigil_alert_t a = alert("{\"x\":1}", "x", "m", VIGIL_SEV_LOW, 0, &tokens[3]);
  int rc, fd = open("/dev/full", O_WRONLY);

  if (fd < 0) {
    fh_close(h);
    print_message("skipped: no /dev/full\n");
    skip();
  }
  fflush(stdout);
  saved_stdout = dup(STDOUT_FILENO);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  rc = h->plugin->deliver(h->inst, &a);
  stdout_back();

  assert_int_equal(rc, VIGIL_OK);
  assert_int_equal(h->ndeliveries, 1);
  assert_ptr_equal(h->deliveries[0].token, &tokens[3]);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_RETRY);
  assert_non_null(h->plugin->last_error(h->inst));
  assert_non_null(strstr(h->plugin->last_error(h->inst), "No space left on device"));
  fh_close(h);
}

static void test_stdout_config_errors(void **state) {
  fakehost_t *h = fh_open("sink_stdout.so", "stdout", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  assert_int_equal(fh_create(h, "{\"format\":\"xml\"}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "stdout sink: option \"format\" must be one of the listed values "
                           "(\"text\", \"json\")");
  assert_int_equal(fh_create(h, "{\"colour\":\"never\"}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "stdout sink: unknown option \"colour\"");
  fh_close(h);
}

/* ---- file ----------------------------------------------------------------------------------- */

static fakehost_t *open_file_sink(const char *config) {
  fakehost_t *h = fh_open("sink_file.so", "file", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  if (fh_create(h, config, &err) != VIGIL_OK)
    fail_msg("create(%s): %s", config, err ? err : "?");
  assert_int_equal(h->plugin->start(h->inst), VIGIL_OK);
  return h;
}

static void test_file_appends_across_instances(void **state) {
  char *path = fh_path(dir, "alerts.jsonl"), config[PATH_MAX + 64], *out;
  vigil_alert_t a1 = alert("{\"n\":1}", "r", "m", VIGIL_SEV_LOW, 0, &tokens[0]);
  vigil_alert_t a2 = alert("{\"n\":2}", "r", "m", VIGIL_SEV_LOW, 0, &tokens[1]);
  vigil_alert_t a3 = alert("{\"n\":3}", "r", "m", VIGIL_SEV_LOW, 0, &tokens[2]);
  fakehost_t *h;
  struct stat st;
  mode_t old = umask(022);

  snprintf(config, sizeof(config), "{\"path\":\"%s\"}", path);
  h = open_file_sink(config);
  deliver_ok(h, &a1);
  deliver_ok(h, &a2);
  /* Written to the file before delivered(DONE), not held in a buffer. */
  out = fh_read(path, NULL);
  assert_string_equal(out, "{\"n\":1}\n{\"n\":2}\n");
  free(out);
  fh_close(h);

  snprintf(config, sizeof(config), "{\"path\":\"%s\",\"fsync\":true}", path);
  h = open_file_sink(config);
  deliver_ok(h, &a3);
  fh_close(h);
  umask(old);

  out = fh_read(path, NULL);
  assert_string_equal(out, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  free(out);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0640);
  free(path);
}

static void test_file_open_failure(void **state) {
  fakehost_t *h = fh_open("sink_file.so", "file", VIGIL_PLUGIN_SINK);
  char *path = fh_path(dir, "no/such/dir/alerts.jsonl"), config[PATH_MAX + 64], want[PATH_MAX + 64];
  const char *err = NULL;

  snprintf(config, sizeof(config), "{\"path\":\"%s\"}", path);
  assert_int_equal(fh_create(h, config, &err), VIGIL_EIO);
  snprintf(want, sizeof(want), "file sink: cannot open \"%s\": No such file or directory", path);
  assert_string_equal(err, want);
  fh_close(h);
  free(path);
}

static void test_file_write_error_retries(void **state) {
  fakehost_t *h;
  vigil_alert_t a = alert("{\"x\":1}", "x", "m", VIGIL_SEV_LOW, 0, &tokens[4]);

  if (access("/dev/full", W_OK) != 0) {
    print_message("skipped: no writable /dev/full\n");
    skip();
  }
  h = open_file_sink("{\"path\":\"/dev/full\"}");
  assert_int_equal(h->plugin->deliver(h->inst, &a), VIGIL_OK);
  assert_int_equal(h->ndeliveries, 1);
  assert_int_equal(h->deliveries[0].outcome, VIGIL_DELIVERY_RETRY);
  assert_string_equal(h->plugin->last_error(h->inst),
                      "file sink: cannot write to \"/dev/full\": No space left on device");
  fh_close(h);
}

static void test_file_config_errors(void **state) {
  fakehost_t *h = fh_open("sink_file.so", "file", VIGIL_PLUGIN_SINK);
  const char *err = NULL;

  assert_int_equal(fh_create(h, "{}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "file sink: missing required option \"path\"");
  assert_int_equal(fh_create(h, "{\"path\":\"x\",\"fsync\":\"yes\"}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "file sink: option \"fsync\" must be true or false");
  assert_int_equal(fh_create(h, "{\"path\":\"x\",\"mode\":\"0600\"}", &err), VIGIL_EINVAL);
  assert_string_equal(err, "file sink: unknown option \"mode\"");
  fh_close(h);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_stdout_text, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stdout_color, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stdout_json, setup, teardown),
      cmocka_unit_test(test_stdout_write_error_retries),
      cmocka_unit_test(test_stdout_config_errors),
      cmocka_unit_test_setup_teardown(test_file_appends_across_instances, setup, teardown),
      cmocka_unit_test_setup_teardown(test_file_open_failure, setup, teardown),
      cmocka_unit_test(test_file_write_error_retries),
      cmocka_unit_test(test_file_config_errors),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
