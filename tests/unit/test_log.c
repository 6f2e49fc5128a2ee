/*
 * The logger's line shapes (log.c): JSON lines that parse whatever the
 * message holds (quotes, control bytes, bytes that are not UTF-8, a message
 * longer than the buffers), with time, level, component and instance;
 * stamped text that stays on one line; the plain shape of one-shot commands;
 * level filtering. stderr is pointed at a scratch file while logging.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

static int saved_fd = -1;
static FILE *scratch;

static void capture(void) {
  fflush(stderr);
  scratch = tmpfile();
  assert_non_null(scratch);
  saved_fd = dup(2);
  assert_true(saved_fd >= 0);
  assert_true(dup2(fileno(scratch), 2) >= 0);
}

/* Ends the capture; returns what was written (caller frees). */
static char *captured(void) {
  long n;
  char *text;

  fflush(stderr);
  dup2(saved_fd, 2);
  close(saved_fd);
  n = ftell(scratch);
  assert_true(n >= 0);
  text = malloc((size_t)n + 1);
  assert_non_null(text);
  rewind(scratch);
  assert_int_equal(fread(text, 1, (size_t)n, scratch), (size_t)n);
  text[n] = '\0';
  fclose(scratch);
  return text;
}

static int lines_in(const char *s) {
  int n = 0;

  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static int matches(const char *s, const char *re) {
  regex_t r;
  int ok;

  assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
  ok = regexec(&r, s, 0, NULL, 0) == 0;
  regfree(&r);
  return ok;
}

/* Parses one JSON line and checks the fixed fields; returns the object. */
static cJSON *json_line(const char *line, const char *level, const char *component,
                        const char *instance) {
  cJSON *o = cJSON_Parse(line);
  const cJSON *t, *i;

  if (o == NULL)
    fail_msg("not JSON: %s", line);
  t = cJSON_GetObjectItemCaseSensitive(o, "time");
  assert_true(cJSON_IsString(t));
  assert_true(matches(t->valuestring, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                      "\\.[0-9]{3}Z$"));
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "level")->valuestring, level);
  assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "component")->valuestring, component);
  i = cJSON_GetObjectItemCaseSensitive(o, "instance");
  if (instance == NULL)
    assert_null(i);
  else
    assert_string_equal(i->valuestring, instance);
  return o;
}

static const char *msg_of(const cJSON *o) {
  return cJSON_GetObjectItemCaseSensitive(o, "msg")->valuestring;
}

static void test_json_escapes(void **state) {
  char *out, *nl;
  cJSON *o;

  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_JSON);
  capture();
  /* Quote, backslash, newline, tab, other controls, DEL, then UTF-8: é and
   * an emoji kept; a stray 0xff, an overlong '/' and a surrogate replaced. */
  vigil_log_inst(VIGIL_LOG_ERROR, "decode", "tr\"ail", "a\"b\\c\nd\te\x01" "f\x7fg %s",
                 "\xc3\xa9 \xf0\x9f\x98\x80 \xff \xc0\xaf \xed\xa0\x80.");
  out = captured();
  assert_int_equal(lines_in(out), 1);
  nl = strchr(out, '\n');
  *nl = '\0';
  o = json_line(out, "error", "decode", "tr\"ail");
  assert_string_equal(msg_of(o), "a\"b\\c\nd\te\x01" "f\x7fg \xc3\xa9 \xf0\x9f\x98\x80 "
                                 "\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd "
                                 "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd.");
  cJSON_Delete(o);
  free(out);
}

static void test_json_components_and_levels(void **state) {
  char *out, *line, *save = NULL;
  cJSON *o;
  int n = 0;

  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_JSON);
  capture();
  vigil_info("rules", "%d rules", 3);
  vigil_warn(NULL, "no tag");
  vigil_debug("rules", "not shown at info");
  vigil_log_inst(VIGIL_LOG_DEBUG, "source.http", "api", "not shown either");
  out = captured();
  assert_int_equal(lines_in(out), 2);
  for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
    o = json_line(line, n == 0 ? "info" : "warn", n == 0 ? "rules" : "vigil", NULL);
    assert_string_equal(msg_of(o), n == 0 ? "3 rules" : "no tag");
    cJSON_Delete(o);
  }
  free(out);
}

/* Core lines tagged with an instance name: component "host", that instance. */
static void test_json_instance_tags(void **state) {
  const char *names[] = {"hook", "api"};
  char *out, *line, *save = NULL;
  cJSON *o;

  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_JSON);
  vigil_log_instances(names, 2);
  capture();
  vigil_error("hook", "alert %s could not be delivered", "r.x");
  vigil_info("rules", "reloaded");
  out = captured();
  vigil_log_instances(NULL, 0);
  assert_int_equal(lines_in(out), 2);
  line = strtok_r(out, "\n", &save);
  o = json_line(line, "error", "host", "hook");
  assert_string_equal(msg_of(o), "alert r.x could not be delivered");
  cJSON_Delete(o);
  o = json_line(strtok_r(NULL, "\n", &save), "info", "rules", NULL);
  cJSON_Delete(o);
  free(out);
}

/* A message that fills every buffer still gives one line that parses. */
static void test_json_long_message(void **state) {
  char big[5000], *out;
  cJSON *o;

  memset(big, '"', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_JSON);
  capture();
  vigil_log_inst(VIGIL_LOG_WARN, "sink.webhook", "hook", "%s", big);
  out = captured();
  assert_int_equal(lines_in(out), 1);
  *strchr(out, '\n') = '\0';
  o = json_line(out, "warn", "sink.webhook", "hook");
  assert_true(strlen(msg_of(o)) > 1000);
  assert_int_equal(strspn(msg_of(o), "\""), strlen(msg_of(o)));
  cJSON_Delete(o);
  free(out);
}

static void test_stamped_text(void **state) {
  char *out;

  vigil_log_setup(VIGIL_LOG_INFO, VIGIL_LOGFMT_TEXT);
  vigil_log_stamped(1);
  capture();
  vigil_log_inst(VIGIL_LOG_ERROR, "decode", "trail", "a\nb\tc\x1b[31m");
  vigil_info("metrics", "plain");
  out = captured();
  vigil_log_stamped(0);
  assert_int_equal(lines_in(out), 2);
  /* The instance is the tag; control bytes cannot break the line or reach
   * a terminal as escape codes. */
  assert_true(matches(out, "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{3}Z error \\[trail\\] "
                           "a\\\\nb\\\\tc\\\\x1b\\[31m\n"));
  assert_true(matches(out, "\n[0-9T:.Z-]{24} info \\[metrics\\] plain\n$"));
  free(out);
}

/* One-shot commands (vigil scan) keep the short shape. */
static void test_plain_text(void **state) {
  char *out;

  vigil_log_setup(VIGIL_LOG_WARN, VIGIL_LOGFMT_TEXT);
  capture();
  vigil_log_inst(VIGIL_LOG_ERROR, "decode", "in", "x.json:3: malformed JSON");
  vigil_warn(NULL, "w");
  vigil_info("rules", "not shown at warn");
  out = captured();
  assert_string_equal(out, "vigil: error: [in] x.json:3: malformed JSON\nvigil: warn: w\n");
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_escapes),
      cmocka_unit_test(test_json_components_and_levels),
      cmocka_unit_test(test_json_instance_tags),
      cmocka_unit_test(test_json_long_message),
      cmocka_unit_test(test_stamped_text),
      cmocka_unit_test(test_plain_text),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
