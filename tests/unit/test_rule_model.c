/*
 * The rule model beyond a condition: stateful forms, exceptions,
 * override{}, dynamic title and severity, tag forms. Load errors name
 * file:line; evaluation goes through eval.c exactly as workers run it.
 */
#include "test_unit_util.h"

#include <lauxlib.h>

#include "eval.h"
#include "lua_event.h"
#include "rules.h"
#include "state.h"

static char err[1024];

static int load(const tmpdir_t *td, vigil_ruleset_t **rs) {
  const char *paths[1] = {td->path};

  err[0] = '\0';
  return vigil_ruleset_load(paths, 1, NULL, 0, rs, err, sizeof(err));
}

/* A folder with file name = src fails to load, naming name:line and want. */
static void fails(const char *name, const char *src, int line, const char *want) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  char where[1024];

  td_make(&td);
  td_write(&td, name, src);
  assert_int_not_equal(load(&td, &rs), 0);
  assert_null(rs);
  snprintf(where, sizeof(where), "%s/%s:%d", td.path, name, line);
  if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, want))
    print_error("got '%s'\nwant '%s ... %s'\n", err, where, want);
  assert_memory_equal(err, where, strlen(where));
  assert_non_null(strstr(err, want));
  td_remove(&td);
}

#define OK_RULE_A "rule { id = 'a', title = 't', severity = 'low' }\n"
#define HEAD "rule { id = 'a', title = 't', severity = 'low', on = { eventName = 'X' },\n"

static void form_errors(void **state) {
  (void)state;
  fails("x.lua", HEAD "  threshold = { count = 0, window = '5m' } }\n", 1,
        "threshold.count must be between 1 and");
  fails("x.lua", HEAD "  threshold = { count = 3, window = '5 minutes' } }\n", 1,
        "threshold.window '5 minutes'");
  fails("x.lua", HEAD "  threshold = { count = 3, window = '31d' } }\n", 1,
        "between 1 second and 30 days");
  fails("x.lua", HEAD "  threshold = { count = 3, window = 60, keys = {} } }\n", 1,
        "threshold: unknown field 'keys'");
  fails("x.lua", HEAD "  threshold = { count = 3, window = 60 }, distinct = { count = 2,"
                     " window = 60, field = 'eventName' } }\n",
        1, "use one of threshold, distinct or sequence");
  fails("x.lua", HEAD "  distinct = { count = 2, window = 60 } }\n", 1,
        "distinct.field must be a dotted path or a function");
  fails("x.lua", HEAD "  sequence = { window = 60, steps = { { on = { eventName = 'A' } },"
                     " { on = { eventName = 'B' } } } } }\n",
        1, "a sequence takes 'on' in each step");
  fails("x.lua", "rule { id = 'a', title = 't', severity = 'low',\n"
                 "  sequence = { window = 60, steps = { { on = { eventName = 'A' } } } } }\n",
        1, "a sequence needs 2 to 32 steps");
  fails("x.lua", "rule { id = 'a', title = 't', severity = 'low',\n"
                 "  sequence = { window = 60, steps = { { on = { eventName = 'A' } },"
                 " { when = function() end } } } }\n",
        1, "sequence step 2 needs on");
  fails("x.lua", HEAD "  dedup = { window = '1h', key = { 1 } } }\n", 1, "dedup.key[1]");
  fails("x.lua", HEAD "  exceptions = { { field = 'a', valuez = 'b' } } }\n", 1,
        "exceptions[1]: unknown field 'valuez'");
  fails("x.lua", HEAD "  exceptions = { 'userIdentity.arn' } }\n", 1,
        "exceptions[1] must be { field = ..., values = ... } or a function");
}

static void tag_errors(void **state) {
  (void)state;
  fails("x.lua", HEAD "  tags = { 'attack.t1098', 'attack.T1098' } }\n", 1,
        "tag 'attack.T1098' is not an ATT&CK id");
  fails("x.lua", HEAD "  tags = { 'attack.t109' } }\n", 1, "tag 'attack.t109'");
  fails("x.lua", HEAD "  tags = { 'attack.t1098.01' } }\n", 1, "tag 'attack.t1098.01'");
  fails("x.lua", HEAD "  tags = { 'attack.privesc' } }\n", 1, "tag 'attack.privesc'");
}

static void tags_accepted(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;

  (void)state;
  td_make(&td);
  td_write(&td, "x.lua",
           HEAD "  tags = { 'attack.t1098', 'attack.t1098.001', 'attack.g0016', 'attack.s0002',"
                " 'attack.privilege_escalation', 'attack.defense-evasion', 'cis.4.4' } }\n");
  assert_int_equal(load(&td, &rs), 0);
  vigil_ruleset_free(rs);
  td_remove(&td);
}

static void override_errors(void **state) {
  (void)state;
  fails("o.lua", "\noverride { id = 'nosuch', enabled = false }\n", 2,
        "override of unknown rule 'nosuch'");
  fails("o.lua", OK_RULE_A "override { id = 'a', severity = 'huge' }\n", 2,
        "override of 'a': severity must be one of");
  fails("o.lua", OK_RULE_A "override { id = 'a', disabled = true }\n", 2,
        "override: unknown field 'disabled'");
  fails("o.lua", OK_RULE_A "override { enabled = false }\n", 2, "override needs the 'id'");
}

/* Parses JSON text into an event. */
static cJSON *ev(const char *json) {
  cJSON *e = cJSON_Parse(json);

  assert_non_null(e);
  return e;
}

typedef struct fixture_s {
  tmpdir_t td;
  vigil_ruleset_t *rs;
  vigil_state_t *st;
  vigil_eval_t c;
  vigil_origin_t o;
} fixture_t;

static void setup_rules(fixture_t *f, const char *rules, const char *overrides) {
  memset(f, 0, sizeof(*f));
  td_make(&f->td);
  td_write(&f->td, "rules.lua", rules);
  if (overrides)
    td_write(&f->td, "zz_local.lua", overrides);
  if (load(&f->td, &f->rs) != 0)
    print_error("load: %s\n", err);
  assert_non_null(f->rs);
  f->st = vigil_state_new(0);
  f->o.source = "test";
  f->o.stream = "s";
  f->c.rs = f->rs;
  f->c.state = f->st;
  f->c.overrides = 1;
  f->c.origin = &f->o;
}

static void teardown_rules(fixture_t *f) {
  vigil_state_free(f->st);
  vigil_ruleset_free(f->rs);
  td_remove(&f->td);
}

/* Evaluates rule 0 on json, through its byte view as the pipeline does;
 * returns 1 when it alerted, keeping the alert JSON in out (caller frees)
 * when out is set. */
static int fire(fixture_t *f, const char *json, char **out) {
  cJSON *e = ev(json); /* the test's own check that json is JSON */
  vigil_alert_item_t *a = NULL;
  int rc;

  vigil_event_doc_begin(f->rs->L, json, strlen(json));
  rc = vigil_eval_rule(&f->c, 0, &a);
  vigil_event_next(f->rs->L);

  if (f->c.err[0] && rc != 1)
    print_error("rule error: %s\n", f->c.err);
  if (out)
    *out = a ? strdup(a->json) : NULL;
  vigil_alert_free(a);
  cJSON_Delete(e);
  return rc;
}

static void overrides_apply_without_touching_the_rule(void **state) {
  fixture_t f;
  char *json;

  (void)state;
  setup_rules(&f,
              "rule { id = 'r', title = 't', severity = 'high', on = { eventName = 'X' },\n"
              "  exceptions = { { field = 'userIdentity.userName', values = 'ci' } } }\n",
              "override { id = 'r', severity = 'low',\n"
              "  exceptions = { { field = 'sourceIPAddress', values = { '10.0.0.1' } },\n"
              "                 function(e) return e.userAgent == 'scanner' end } }\n");
  /* The rule's own exception. */
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"userIdentity\":{\"userName\":\"ci\"}}", NULL),
                   0);
  assert_true(f.c.matched);
  /* The override's field and function exceptions. */
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"sourceIPAddress\":\"10.0.0.1\"}", NULL), 0);
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"userAgent\":\"scanner\"}", NULL), 0);
  /* Otherwise it fires, at the override's severity. */
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"sourceIPAddress\":\"10.0.0.2\"}", &json), 1);
  assert_non_null(strstr(json, "\"severity\":\"low\""));
  free(json);
  /* Without overrides (the rule's own tests): as written. */
  f.c.overrides = 0;
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"sourceIPAddress\":\"10.0.0.1\"}", &json), 1);
  assert_non_null(strstr(json, "\"severity\":\"high\""));
  free(json);
  assert_int_equal(f.rs->rules[0].severity, VIGIL_SEV_HIGH);
  assert_int_equal(vigil_rule_severity(&f.rs->rules[0]), VIGIL_SEV_LOW);
  teardown_rules(&f);
}

static void override_disables_and_enables(void **state) {
  fixture_t f;

  (void)state;
  setup_rules(&f,
              "rule { id = 'on', title = 't', severity = 'low', on = { eventName = 'X' } }\n"
              "rule { id = 'off', title = 't', severity = 'low', enabled = false,\n"
              "  on = { eventName = 'X' } }\n",
              "override { id = 'on', enabled = false }\noverride { id = 'off', enabled = true }\n");
  assert_false(vigil_rule_enabled(&f.rs->rules[0]));
  assert_true(vigil_rule_enabled(&f.rs->rules[1]));
  assert_int_equal(f.rs->ndisabled, 1);
  assert_string_equal(f.rs->rules[0].ov_where + strlen(f.rs->rules[0].ov_where) - 14,
                      "zz_local.lua:1");
  teardown_rules(&f);
}

static void dynamic_title_and_severity(void **state) {
  fixture_t f;
  char *json;

  (void)state;
  setup_rules(&f,
              "rule { id = 'd', on = { eventName = 'X' },\n"
              "  title = function(e) return 'role ' .. e.role end,\n"
              "  severity = function(e) return e.role == 'admin' and 'critical' or 'low' end }\n",
              NULL);
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"role\":\"admin\"}", &json), 1);
  assert_non_null(strstr(json, "\"title\":\"role admin\",\"severity\":\"critical\""));
  free(json);
  assert_int_equal(fire(&f, "{\"eventName\":\"X\",\"role\":\"dev\"}", &json), 1);
  assert_non_null(strstr(json, "\"severity\":\"low\""));
  free(json);
  /* A failing title() is an error for the rule; the alert still goes out,
   * with the static title. */
  assert_int_equal(fire(&f, "{\"eventName\":\"X\"}", &json), 1);
  assert_non_null(strstr(f.c.err, "attempt to concatenate"));
  assert_non_null(strstr(json, "\"severity\":\"low\""));
  free(json);
  teardown_rules(&f);
}

static void distinct_and_dedup(void **state) {
  fixture_t f;
  char *json;
  char e[256];
  int i;

  (void)state;
  setup_rules(&f,
              "rule { id = 'k', title = 't', severity = 'low', on = { eventSource = 'iam' },\n"
              "  distinct = { count = 3, window = '10m', field = 'eventName' },\n"
              "  dedup = { window = '1h' } }\n",
              NULL);
  /* Repeats of one name do not count; three names within 10 minutes do. */
  for (i = 0; i < 5; i++) {
    snprintf(e, sizeof(e),
             "{\"eventSource\":\"iam\",\"eventName\":\"A\",\"eventTime\":\"2024-01-01T00:0%d:00Z\","
             "\"userIdentity\":{\"arn\":\"u1\"}}",
             i);
    assert_int_equal(fire(&f, e, NULL), 0);
  }
  assert_int_equal(fire(&f, "{\"eventSource\":\"iam\",\"eventName\":\"B\",\"eventTime\":"
                            "\"2024-01-01T00:05:00Z\",\"userIdentity\":{\"arn\":\"u1\"}}",
                        NULL),
                   0);
  /* Another principal's names are its own. */
  assert_int_equal(fire(&f, "{\"eventSource\":\"iam\",\"eventName\":\"C\",\"eventTime\":"
                            "\"2024-01-01T00:05:00Z\",\"userIdentity\":{\"arn\":\"u2\"}}",
                        NULL),
                   0);
  assert_int_equal(fire(&f, "{\"eventSource\":\"iam\",\"eventName\":\"C\",\"eventTime\":"
                            "\"2024-01-01T00:06:00Z\",\"userIdentity\":{\"arn\":\"u1\"}}",
                        &json),
                   1);
  assert_non_null(strstr(json, "\"distinct\":{\"count\":3,\"window_seconds\":600}"));
  assert_non_null(strstr(json, "\"duplicates\":1"));
  free(json);
  teardown_rules(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(form_errors),
      cmocka_unit_test(tag_errors),
      cmocka_unit_test(tags_accepted),
      cmocka_unit_test(override_errors),
      cmocka_unit_test(overrides_apply_without_touching_the_rule),
      cmocka_unit_test(override_disables_and_enables),
      cmocka_unit_test(dynamic_title_and_severity),
      cmocka_unit_test(distinct_and_dedup),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
