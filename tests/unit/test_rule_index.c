/*
 * The rule index, built from real rules loaded with vigil_ruleset_load out
 * of Lua files in a scratch folder: rules naming eventNames only, sources
 * only, both, neither (wildcards), lists of names; ascending results with
 * no duplicates; the source filter on name matches; cap handling; a map
 * large enough to grow. Then the other `on` keys: eventName prefixes,
 * errorCode (values, prefixes, true, false), userIdentity.type, eventType, checked
 * against vigil_rule_admits (the same decision from a parsed event).
 */
#include "test_unit_util.h"

#include "rule_index.h"

/* Rule numbers follow file order, then order within a file. */
static const char rules_a[] =
    "rule { id = 'r0.name_only', title = 't', severity = 'low',\n"
    "       on = { eventName = 'CreateUser' } }\n"
    "rule { id = 'r1.source_only', title = 't', severity = 'low',\n"
    "       on = { eventSource = 'iam.amazonaws.com' } }\n";
static const char rules_b[] =
    "rule { id = 'r2.both', title = 't', severity = 'low',\n"
    "       on = { eventSource = 'iam.amazonaws.com',\n"
    "              eventName = { 'CreateUser', 'DeleteUser' } } }\n"
    "rule { id = 'r3.wild', title = 't', severity = 'low' }\n"
    "rule { id = 'r4.two_sources', title = 't', severity = 'low',\n"
    "       on = { source = 'aws.cloudtrail',\n"
    "              eventSource = { 'iam.amazonaws.com', 'sts.amazonaws.com' },\n"
    "              eventName = { 'CreateUser', 'CreateUser', 'AssumeRole' } } }\n";
static const char rules_c[] =
    "rule { id = 'r5.s3', title = 't', severity = 'low',\n"
    "       on = { eventSource = 's3.amazonaws.com', eventName = 'GetObject' } }\n";

/* The index asked with a source and a name only. */
static size_t match(const vigil_rule_index_t *ix, const char *src, size_t slen,
                    const char *name, size_t nlen, uint32_t *out, size_t cap) {
  vigil_ix_event_t ev = {src, slen, name, nlen, NULL, 0, NULL, 0, NULL, 0};

  return vigil_rule_index_match(ix, &ev, out, cap);
}

typedef struct fix_s {
  tmpdir_t td;
  vigil_ruleset_t *rs;
  vigil_rule_index_t *ix;
} fix_t;

static int setup(void **state) {
  fix_t *f = calloc(1, sizeof(*f));
  const char *paths[1];
  char err[512] = "";

  assert_non_null(f);
  td_make(&f->td);
  /* Written out of order: loading sorts by path. */
  td_write(&f->td, "c/s3.lua", rules_c);
  td_write(&f->td, "a.lua", rules_a);
  td_write(&f->td, "b/iam.lua", rules_b);
  paths[0] = f->td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &f->rs, err, sizeof(err)), 0);
  assert_int_equal(f->rs->nrules, 6);
  f->ix = vigil_rule_index_build(f->rs);
  assert_non_null(f->ix);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fix_t *f = *state;

  vigil_rule_index_free(f->ix);
  vigil_ruleset_free(f->rs);
  td_remove(&f->td);
  free(f);
  return 0;
}

/* Matches for (src, name), either may be NULL; compares with want[0..n). */
static void expect(const fix_t *f, const char *src, const char *name, const uint32_t *want,
                   size_t n) {
  uint32_t out[16];
  size_t got;
  size_t i;

  memset(out, 0xff, sizeof(out));
  got = match(f->ix, src, src ? strlen(src) : 0, name, name ? strlen(name) : 0, out, 16);
  if (got != n)
    print_error("src=%s name=%s: got %zu rules, want %zu\n", src ? src : "(none)",
                name ? name : "(none)", got, n);
  assert_int_equal(got, n);
  for (i = 0; i < n; i++)
    assert_int_equal(out[i], want[i]);
  assert_int_equal(out[n], 0xffffffffu);
}

static void rule_numbers_follow_sorted_paths(void **state) {
  fix_t *f = *state;
  static const char *const ids[] = {"r0.name_only", "r1.source_only", "r2.both",
                                    "r3.wild",      "r4.two_sources", "r5.s3"};
  size_t i;

  for (i = 0; i < 6; i++)
    assert_string_equal(f->rs->rules[i].id, ids[i]);
  assert_int_equal(f->rs->rules[4].nnames, 3);
  assert_int_equal(f->rs->rules[4].nsources, 2);
  assert_int_equal(vigil_rule_index_wildcards(f->ix), 1);
}

static void name_and_source_matches(void **state) {
  fix_t *f = *state;

  expect(f, "iam.amazonaws.com", "CreateUser", (const uint32_t[]){0, 1, 2, 3, 4}, 5);
  expect(f, "iam.amazonaws.com", "DeleteUser", (const uint32_t[]){1, 2, 3}, 3);
  expect(f, "sts.amazonaws.com", "AssumeRole", (const uint32_t[]){3, 4}, 2);
  expect(f, "iam.amazonaws.com", "ListUsers", (const uint32_t[]){1, 3}, 2);
  expect(f, "s3.amazonaws.com", "GetObject", (const uint32_t[]){3, 5}, 2);
}

/* A rule naming sources and names runs only when both agree. */
static void source_filter_on_name_matches(void **state) {
  fix_t *f = *state;

  expect(f, "sts.amazonaws.com", "CreateUser", (const uint32_t[]){0, 3, 4}, 3);
  expect(f, "ec2.amazonaws.com", "CreateUser", (const uint32_t[]){0, 3}, 2);
  expect(f, "ec2.amazonaws.com", "GetObject", (const uint32_t[]){3}, 1);
  expect(f, "iam.amazonaws.com", "GetObject", (const uint32_t[]){1, 3}, 2);
  /* No eventSource in the event: rules that need one do not run. */
  expect(f, NULL, "CreateUser", (const uint32_t[]){0, 3}, 2);
  expect(f, NULL, NULL, (const uint32_t[]){3}, 1);
  expect(f, "iam.amazonaws.com", NULL, (const uint32_t[]){1, 3}, 2);
}

/* Keys are compared by length, not up to a NUL. */
static void keys_are_length_delimited(void **state) {
  fix_t *f = *state;
  static const char src[] = "iam.amazonaws.comX";
  static const char name[] = "CreateUserX";
  uint32_t out[8];

  assert_int_equal(match(f->ix, src, 17, name, 10, out, 8), 5);
  assert_int_equal(match(f->ix, src, 18, name, 11, out, 8), 1);
  assert_int_equal(out[0], 3);
  assert_int_equal(match(f->ix, src, 3, name, 6, out, 8), 1);
}

static void cap_smaller_than_matches(void **state) {
  fix_t *f = *state;
  uint32_t out[6];
  size_t got;

  memset(out, 0xff, sizeof(out));
  got = match(f->ix, "iam.amazonaws.com", 17, "CreateUser", 10, out, 2);
  assert_int_equal(got, 5);
  assert_int_not_equal(out[0], 0xffffffffu);
  assert_int_not_equal(out[1], 0xffffffffu);
  assert_true(out[0] < out[1]);
  assert_true(out[1] <= 4);
  assert_int_equal(out[2], 0xffffffffu);
  assert_int_equal(out[3], 0xffffffffu);

  got = match(f->ix, "iam.amazonaws.com", 17, "CreateUser", 10, out, 0);
  assert_int_equal(got, 5);
  assert_int_equal(out[2], 0xffffffffu);
}

/* Hundreds of names (more than the first table holds) all stay findable,
 * and a lone wildcard set works with no name or source maps at all. */
static void many_names_and_no_maps(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  vigil_rule_index_t *ix;
  const char *paths[1];
  char err[512] = "";
  char name[32];
  char *src = malloc(64 * 300);
  size_t n = 0;
  uint32_t out[4];
  int i;

  assert_non_null(src);
  n += (size_t)sprintf(src + n, "rule { id = 'many', title = 't', severity = 'info', "
                                "on = { eventName = {");
  for (i = 0; i < 300; i++)
    n += (size_t)sprintf(src + n, "'Op%d',", i);
  sprintf(src + n, "} } }\nrule { id = 'w', title = 't', severity = 'info' }\n");
  td_make(&td);
  td_write(&td, "many.lua", src);
  free(src);
  paths[0] = td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  ix = vigil_rule_index_build(rs);
  assert_non_null(ix);
  for (i = 0; i < 300; i++) {
    snprintf(name, sizeof(name), "Op%d", i);
    assert_int_equal(match(ix, NULL, 0, name, strlen(name), out, 4), 2);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 1);
  }
  assert_int_equal(match(ix, NULL, 0, "Op300", 5, out, 4), 1);
  assert_int_equal(out[0], 1);
  vigil_rule_index_free(ix);
  vigil_ruleset_free(rs);
  td_remove(&td);

  /* The only rule is disabled: loaded, but nothing matches. */
  td_make(&td);
  td_write(&td, "off.lua", "rule { id = 'off', title = 't', severity = 'low', enabled = false }");
  paths[0] = td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  ix = vigil_rule_index_build(rs);
  assert_int_equal(rs->nrules, 1);
  assert_int_equal(rs->ndisabled, 1);
  assert_non_null(ix);
  assert_int_equal(match(ix, "a", 1, "b", 1, out, 4), 0);
  assert_int_equal(vigil_rule_index_wildcards(ix), 0);
  vigil_rule_index_free(ix);
  vigil_ruleset_free(rs);
  td_remove(&td);
}

/* Rules on the other `on` keys, loaded once per test. */
static const char rules_more[] =
    "rule { id = 'p0.reads', title = 't', severity = 'low',\n"
    "       on = { eventName = { 'List*', 'Describe*', 'GetObject' }, errorCode = false } }\n"
    "rule { id = 'p1.denied', title = 't', severity = 'low',\n"
    "       on = { errorCode = { 'AccessDenied*', 'Client.UnauthorizedOperation' } } }\n"
    "rule { id = 'p2.failed_iam', title = 't', severity = 'low',\n"
    "       on = { eventSource = 'iam.amazonaws.com', errorCode = true } }\n"
    "rule { id = 'p3.root', title = 't', severity = 'low',\n"
    "       on = { ['userIdentity.type'] = 'Root' } }\n"
    "rule { id = 'p4.root_get', title = 't', severity = 'low',\n"
    "       on = { eventName = 'Get*', ['userIdentity.type'] = { 'Root', 'IAMUser' } } }\n"
    "rule { id = 'p5.vpce', title = 't', severity = 'low',\n"
    "       on = { eventType = 'AwsVpceEvent', errorCode = false } }\n";

typedef struct ev_case_s {
  const char *json;
  uint32_t want[6];
  size_t n;
} ev_case_t;

static const ev_case_t more_cases[] = {
    {"{\"eventName\":\"ListUsers\",\"eventSource\":\"iam.amazonaws.com\"}", {0}, 1},
    {"{\"eventName\":\"List\",\"eventSource\":\"iam.amazonaws.com\"}", {0}, 1},
    {"{\"eventName\":\"Lis\",\"eventSource\":\"iam.amazonaws.com\"}", {0}, 0},
    {"{\"eventName\":\"ListUsers\",\"errorCode\":\"AccessDenied\","
     "\"eventSource\":\"iam.amazonaws.com\"}", {1, 2}, 2},
    {"{\"eventName\":\"ListUsers\",\"errorCode\":\"\"}", {0}, 1},
    {"{\"eventName\":\"PutObject\",\"errorCode\":\"AccessDeniedException\"}", {1}, 1},
    {"{\"eventName\":\"PutObject\",\"errorCode\":\"Client.UnauthorizedOperation\"}", {1}, 1},
    {"{\"eventName\":\"PutObject\",\"errorCode\":\"Client.UnauthorizedOperationX\"}", {0}, 0},
    {"{\"eventName\":\"PutObject\",\"errorCode\":\"NoSuchKey\","
     "\"eventSource\":\"iam.amazonaws.com\"}", {2}, 1},
    {"{\"eventName\":\"GetObject\",\"userIdentity\":{\"type\":\"Root\"}}", {0, 3, 4}, 3},
    {"{\"eventName\":\"GetBucketAcl\",\"userIdentity\":{\"type\":\"IAMUser\"}}", {4}, 1},
    {"{\"eventName\":\"GetBucketAcl\",\"userIdentity\":{\"type\":\"AssumedRole\"}}", {0}, 0},
    /* A "type" deeper down is not the identity's type. */
    {"{\"eventName\":\"GetBucketAcl\",\"userIdentity\":{\"sessionContext\":"
     "{\"type\":\"Root\"}}}", {0}, 0},
    {"{\"eventName\":\"PutObject\",\"eventType\":\"AwsVpceEvent\"}", {5}, 1},
    {"{\"eventName\":\"ListKeys\",\"eventType\":\"AwsVpceEvent\"}", {0, 5}, 2},
    {"{\"eventName\":\"PutObject\",\"eventType\":\"AwsVpceEvent\",\"errorCode\":\"X\"}",
     {0}, 0},
    {"{\"eventName\":\"PutObject\",\"eventType\":\"AwsApiCall\"}", {0}, 0},
    {"{\"eventName\":\"RunInstances\",\"requestParameters\":{\"errorCode\":\"AccessDenied\","
     "\"eventName\":\"ListUsers\"}}", {0}, 0},
};

static const char *str_of(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

  return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The fields the index reads, from a parsed event (an empty errorCode is
 * none, as the scanner's caller makes it). */
static void index_event(const cJSON *ev, vigil_ix_event_t *e) {
  memset(e, 0, sizeof(*e));
  e->src = str_of(ev, "eventSource");
  e->name = str_of(ev, "eventName");
  e->err = str_of(ev, "errorCode");
  e->type = str_of(cJSON_GetObjectItemCaseSensitive(ev, "userIdentity"), "type");
  e->etype = str_of(ev, "eventType");
  e->srclen = e->src ? strlen(e->src) : 0;
  e->namelen = e->name ? strlen(e->name) : 0;
  e->errlen = e->err ? strlen(e->err) : 0;
  e->typelen = e->type ? strlen(e->type) : 0;
  e->etypelen = e->etype ? strlen(e->etype) : 0;
  if (e->err && !e->errlen)
    e->err = NULL;
}

/* Each case through the index (fields as the scanner hands them) and
 * through vigil_rule_admits for every rule: both give the listed rules. */
static void other_on_keys(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  vigil_rule_index_t *ix;
  const char *paths[1];
  char err[512] = "";
  uint32_t out[8];
  size_t i;
  size_t k;
  size_t got;
  size_t nadmit;
  cJSON *ev;
  vigil_ix_event_t e;

  (void)state;
  td_make(&td);
  td_write(&td, "more.lua", rules_more);
  paths[0] = td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  ix = vigil_rule_index_build(rs);
  assert_non_null(ix);
  assert_int_equal(vigil_rule_index_needs_type(ix), 1);
  for (i = 0; i < sizeof(more_cases) / sizeof(more_cases[0]); i++) {
    ev = cJSON_Parse(more_cases[i].json);
    assert_non_null(ev);
    index_event(ev, &e);
    got = vigil_rule_index_match(ix, &e, out, 8);
    if (got != more_cases[i].n)
      print_error("%s: index gives %zu rules, want %zu\n", more_cases[i].json, got,
                  more_cases[i].n);
    assert_int_equal(got, more_cases[i].n);
    for (k = 0; k < got; k++)
      assert_int_equal(out[k], more_cases[i].want[k]);
    for (k = 0, nadmit = 0; k < rs->nrules; k++) {
      if (!vigil_rule_admits(&rs->rules[k], ev))
        continue;
      assert_true(nadmit < more_cases[i].n);
      assert_int_equal(k, more_cases[i].want[nadmit]);
      nadmit++;
    }
    assert_int_equal(nadmit, more_cases[i].n);
    cJSON_Delete(ev);
  }
  vigil_rule_index_free(ix);
  vigil_ruleset_free(rs);
  td_remove(&td);
}

/* Asks the memo and the index for ev and requires the same answer
 * (count, and the rules written within cap). */
static void same_answer(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                        const vigil_ix_event_t *ev, size_t cap) {
  uint32_t want[32];
  uint32_t got[32];
  size_t nw = vigil_rule_index_match(ix, ev, want, cap);
  size_t ng = vigil_rule_index_match_memo(ix, sc, ev, got, cap);
  size_t k;

  assert_int_equal(ng, nw);
  for (k = 0; k < nw && k < cap; k++)
    assert_int_equal(got[k], want[k]);
}

/* The memo answers as the index does: the first time and from memory, for
 * every key of the other-keys table (an absent field and an empty one are
 * different keys), for more keys than it has slots (collisions), for keys
 * too long to keep, for answers longer than it keeps, and with a cap
 * smaller than the answer. */
static void memo_answers_as_the_index(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  vigil_rule_index_t *ix;
  vigil_ix_scratch_t *sc;
  const char *paths[1];
  char err[512] = "";
  char name[32];
  char longsrc[400];
  char *src = malloc(120 * 40);
  vigil_ix_event_t e;
  size_t n = 0;
  size_t i;
  int round;
  cJSON *ev;

  (void)state;
  assert_non_null(src);
  /* the other-keys rules, then 20 rules on one name and one on a long source */
  n += (size_t)sprintf(src + n, "%s", rules_more);
  for (i = 0; i < 20; i++)
    n += (size_t)sprintf(src + n, "rule { id = 'm%zu', title = 't', severity = 'low', "
                                  "on = { eventName = 'Many' } }\n", i);
  memset(longsrc, 'x', 300);
  longsrc[300] = '\0';
  sprintf(src + n, "rule { id = 'long', title = 't', severity = 'low', "
                   "on = { eventSource = '%s' } }\n", longsrc);
  td_make(&td);
  td_write(&td, "memo.lua", src);
  free(src);
  paths[0] = td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  ix = vigil_rule_index_build(rs);
  assert_non_null(ix);
  sc = vigil_ix_scratch_new(ix);
  assert_non_null(sc);
  for (round = 0; round < 3; round++) {
    for (i = 0; i < sizeof(more_cases) / sizeof(more_cases[0]); i++) {
      ev = cJSON_Parse(more_cases[i].json);
      assert_non_null(ev);
      index_event(ev, &e);
      same_answer(ix, sc, &e, 32);
      same_answer(ix, sc, &e, 1);
      cJSON_Delete(ev);
    }
  }
  /* 2,000 names over 512 slots, twice: slots are taken over, never wrong */
  for (round = 0; round < 2; round++) {
    for (i = 0; i < 2000; i++) {
      snprintf(name, sizeof(name), i % 7 ? "List%zu" : "Op%zu", i);
      memset(&e, 0, sizeof(e));
      e.name = name;
      e.namelen = strlen(name);
      e.src = "iam.amazonaws.com";
      e.srclen = 17;
      e.err = i % 3 ? NULL : "AccessDenied";
      e.errlen = e.err ? 12 : 0;
      same_answer(ix, sc, &e, 32);
    }
  }
  /* an empty name is not an absent one; an answer of 21 rules; a long key */
  memset(&e, 0, sizeof(e));
  e.name = "";
  same_answer(ix, sc, &e, 32);
  e.name = NULL;
  same_answer(ix, sc, &e, 32);
  e.name = "Many";
  e.namelen = 4;
  for (round = 0; round < 2; round++) {
    same_answer(ix, sc, &e, 32);
    same_answer(ix, sc, &e, 5);
  }
  assert_true(vigil_rule_index_match_memo(ix, sc, &e, (uint32_t[32]){0}, 32) > 14);
  e.name = NULL;
  e.namelen = 0;
  e.src = longsrc;
  e.srclen = 300;
  for (round = 0; round < 2; round++)
    same_answer(ix, sc, &e, 32);
  assert_int_equal(vigil_rule_index_match_memo(ix, sc, &e, (uint32_t[32]){0}, 32), 1);
  vigil_ix_scratch_free(sc);
  vigil_rule_index_free(ix);
  vigil_ruleset_free(rs);
  td_remove(&td);
}

/* A '*' anywhere but last, a lone '*', an unknown key: load errors that
 * name the file:line and the rule. */
static void bad_on_values(void **state) {
  static const char *const bad[][2] = {
      {"on = { eventName = '*' }", "on.eventName value '*'"},
      {"on = { eventName = 'L*st' }", "on.eventName value 'L*st'"},
      {"on = { errorCode = { 'A', '' } }", "on.errorCode value ''"},
      {"on = { ['userIdentity.type'] = '*Root' }", "on.userIdentity.type value '*Root'"},
      {"on = { readOnly = true }", "unknown field 'readOnly'"},
      {"on = { errorCode = 3 }", "on.errorCode must be a string or a list of strings"},
      /* a NUL would cut the copy short: the rule would be filed under "Get" */
      {"on = { eventName = 'Get\\0Object' }", "on.eventName holds a NUL byte"},
      {"on = { eventSource = { 'a', 's3\\0x' } }", "on.eventSource[2] holds a NUL byte"},
  };
  char text[256];
  char err[512];
  tmpdir_t td;
  vigil_ruleset_t *rs;
  const char *paths[1];
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    snprintf(text, sizeof(text), "\nrule { id = 'x.bad', title = 't', severity = 'low', %s }\n",
             bad[i][0]);
    td_make(&td);
    td_write(&td, "bad.lua", text);
    paths[0] = td.path;
    rs = NULL;
    err[0] = '\0';
    assert_int_not_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
    if (!strstr(err, bad[i][1]) || !strstr(err, "bad.lua:2"))
      print_error("%s: error '%s', want '%s' at bad.lua:2\n", bad[i][0], err, bad[i][1]);
    assert_non_null(strstr(err, bad[i][1]));
    assert_non_null(strstr(err, "bad.lua:2"));
    assert_null(rs);
    td_remove(&td);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rule_numbers_follow_sorted_paths),
      cmocka_unit_test(name_and_source_matches),
      cmocka_unit_test(source_filter_on_name_matches),
      cmocka_unit_test(keys_are_length_delimited),
      cmocka_unit_test(cap_smaller_than_matches),
      cmocka_unit_test(many_names_and_no_maps),
      cmocka_unit_test(other_on_keys),
      cmocka_unit_test(memo_answers_as_the_index),
      cmocka_unit_test(bad_on_values),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
