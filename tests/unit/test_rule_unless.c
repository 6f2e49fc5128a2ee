/*
 * on.unless (core/rule_on.c): the rule is skipped for an event when one of
 * the listed fields holds one of its values.
 *
 *   - the fast path and the reference (unless_fixture.h) both give the
 *     candidate lists written by hand for a table of events: absent
 *     fields, other JSON types, strings that match only once decoded, a
 *     \u0000 cut, same names at other depths or in an EventBridge envelope,
 *     paths through non-objects, escaped strings longer than the scratch's
 *     first 1 KiB, more top-level names than the decoder reads, nocase;
 *   - one scratch reused across records answers as a fresh one would;
 *   - load errors name the rule, the file:line and what is wrong.
 *
 * A repeated member name gives its last value, and an escaped name
 * compares decoded, on both paths (cases below). The patterns alone are
 * test_field_pat.c's; real records test_rule_unless_real.c's.
 */
#include "unless_fixture.h"

/* ---- 2. a table of events, both ways ------------------------------------ */

/* Rule numbers follow the order in the file. u.off is disabled: it must
 * never appear. Events name no source, so every rule but u.get (which
 * wants eventName GetObject) is a candidate before on.unless. */
static const char table_rules[] =
    "rule { id = 'u.agent', title = 't', severity = 'low', on = { unless = {\n"
    "  userAgent = { 'AWS Internal', 'aws-cli/*', '*.amazonaws.com', '*Terraform*',\n"
    "                '*\\u{1F600}' } } } }\n"
    "rule { id = 'u.slr', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.sessionContext.sessionIssuer.arn'] = '*:role/aws-service-role/*' } } }\n"
    "rule { id = 'u.flags', title = 't', severity = 'low', on = { unless = {\n"
    "  managementEvent = false, sessionCredentialFromConsole = 'true' } } }\n"
    "rule { id = 'u.invoked', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.invokedBy'] = '*' } } }\n"
    "rule { id = 'u.type', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.type'] = { 'AWSService', 'AWSAccount' } } } }\n"
    "rule { id = 'u.uid', title = 't', severity = 'low', on = { unless = {\n"
    "  userIdentity = '*' } } }\n"
    "rule { id = 'u.plain', title = 't', severity = 'low' }\n"
    "rule { id = 'u.get', title = 't', severity = 'low', on = { eventName = 'GetObject',\n"
    "  unless = { ['requestParameters.bucketName'] = 'logs-*' } } }\n"
    "rule { id = 'u.off', title = 't', severity = 'low', enabled = false, on = { unless = {\n"
    "  userAgent = '*' } } }\n"
    "rule { id = 'u.nomfa', title = 't', severity = 'low', on = { unless = {\n"
    "  ['userIdentity.sessionContext.attributes.mfaAuthenticated'] = 'false' } } }\n";

typedef struct tcase_s {
  const char *json;
  uint32_t want[12];
} tcase_t;

/* Shorthands for the JSON texts below (eventName and eventTime make an
 * object a record for the decoder). */
#define REC "\"eventTime\":\"2024-01-01T00:00:00Z\","
#define EV(body) "{" REC "\"eventName\":\"ListUsers\"," body "}"
#define GET(body) "{" REC "\"eventName\":\"GetObject\"," body "}"
#define BRIDGE "\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
#define SLR_ARN "arn:aws:iam::123456789012:role/aws-service-role/ops.apigateway.amazonaws.com/X"
#define CTX(body) EV("\"userIdentity\":{\"type\":\"AssumedRole\",\"sessionContext\":" body "}")
/* Everything before unless, for a ListUsers event (no u.get, no u.off). */
#define ALL 0, 1, 2, 3, 4, 5, 6, 9

static const tcase_t table[] = {
    /* absent */
    {"{" REC "\"eventName\":\"ListUsers\"}", W(ALL)},
    /* userAgent: exact, prefix, suffix, substring, case */
    {EV("\"userAgent\":\"AWS Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"AWS Internal \""), W(ALL)},
    {EV("\"userAgent\":\"aws internal\""), W(ALL)},
    {EV("\"userAgent\":\"aws-cli/2.15.0 Python/3.11\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"aws-cli\""), W(ALL)},
    {EV("\"userAgent\":\"s3.amazonaws.com\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"amazonaws.com\""), W(ALL)},
    {EV("\"userAgent\":\"s3.amazonaws.com.evil\""), W(ALL)},
    {EV("\"userAgent\":\"Terraform\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"APN/1.0 HashiCorp/1.0 Terraform/1.5.7\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"terraform/1.5\""), W(ALL)},
    /* not a string: never matches a string pattern, nor "*" */
    {EV("\"userAgent\":42"), W(ALL)},
    {EV("\"userAgent\":null"), W(ALL)},
    {EV("\"userAgent\":{\"name\":\"AWS Internal\"}"), W(ALL)},
    {EV("\"userAgent\":[\"AWS Internal\"]"), W(ALL)},
    {EV("\"userAgent\":true"), W(ALL)},
    /* matches only once decoded: the raw bytes do not */
    {EV("\"userAgent\":\"\\u0041WS Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"AWS\\u0020Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"aws-cli\\/2.0\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"bot \\ud83d\\ude00\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\":\"bot \\ud83d\\ude01\""), W(ALL)},
    {EV("\"userAgent\":\"bot \xF0\x9F\x98\x80\""), W(1, 2, 3, 4, 5, 6, 9)},
    /* cJSON strings end at a NUL: nothing after it can match */
    {EV("\"userAgent\":\"x\\u0000.amazonaws.com\""), W(ALL)},
    {EV("\"userAgent\":\"\\u0000Terraform\""), W(ALL)},
    {EV("\"userAgent\":\"AWS Internal\\u0000x\""), W(1, 2, 3, 4, 5, 6, 9)},
    /* the same names one level down are other fields */
    {EV("\"requestParameters\":{\"userAgent\":\"AWS Internal\",\"managementEvent\":false,"
        "\"invokedBy\":\"x\",\"userIdentity\":{\"type\":\"AWSService\"}}"),
     W(ALL)},
    /* an escaped name is the name it decodes to, cut at a NUL, top-level and nested */
    {EV("\"user\\u0041gent\":\"AWS Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userAgent\\u0000x\":\"AWS Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userIdentity\":{\"\\u0074ype\":\"AWSService\"}"), W(0, 1, 2, 3, 5, 6, 9)},
    {EV("\"user\\u0041gen\":\"AWS Internal\""), W(ALL)},
    /* a repeated name: its last value counts, top-level and nested */
    {EV("\"userAgent\":\"AWS Internal\",\"userAgent\":\"curl\""), W(ALL)},
    {EV("\"userAgent\":\"curl\",\"userAgent\":\"AWS Internal\""), W(1, 2, 3, 4, 5, 6, 9)},
    {EV("\"userIdentity\":{\"type\":\"AWSService\",\"type\":\"IAMUser\"}"), W(ALL)},
    {EV("\"userIdentity\":{\"type\":\"IAMUser\",\"type\":\"AWSService\"}"),
     W(0, 1, 2, 3, 5, 6, 9)},
    /* booleans and strings are told apart */
    {EV("\"managementEvent\":false"), W(0, 1, 3, 4, 5, 6, 9)},
    {EV("\"managementEvent\":\"false\""), W(ALL)},
    {EV("\"managementEvent\":true"), W(ALL)},
    {EV("\"sessionCredentialFromConsole\":\"true\""), W(0, 1, 3, 4, 5, 6, 9)},
    {EV("\"sessionCredentialFromConsole\":true"), W(ALL)},
    {EV("\"sessionCredentialFromConsole\":\"True\""), W(ALL)},
    /* "*": any string, even an empty one, and nothing else */
    {EV("\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"ec2.amazonaws.com\"}"),
     W(0, 1, 2, 5, 6, 9)},
    {EV("\"userIdentity\":{\"invokedBy\":\"\"}"), W(0, 1, 2, 4, 5, 6, 9)},
    {EV("\"userIdentity\":{\"invokedBy\":\"\\u0000\"}"), W(0, 1, 2, 4, 5, 6, 9)},
    {EV("\"userIdentity\":{\"invokedBy\":7}"), W(ALL)},
    {EV("\"userIdentity\":{\"invokedBy\":null}"), W(ALL)},
    {EV("\"userIdentity\":{\"invokedBy\":{}}"), W(ALL)},
    {EV("\"userIdentity\":{\"invokedBy\":false}"), W(ALL)},
    /* a list of exact values */
    {EV("\"userIdentity\":{\"type\":\"AWSAccount\"}"), W(0, 1, 2, 3, 5, 6, 9)},
    {EV("\"userIdentity\":{\"type\":\"AWSServiceRole\"}"), W(ALL)},
    {EV("\"userIdentity\":{\"type\":\"awsservice\"}"), W(ALL)},
    /* userIdentity not an object: its paths are absent; only u.uid's
     * "*" on userIdentity itself meets a string */
    {EV("\"userIdentity\":\"AWSService\""), W(0, 1, 2, 3, 4, 6, 9)},
    {EV("\"userIdentity\":[\"AWSService\"]"), W(ALL)},
    {EV("\"userIdentity\":null"), W(ALL)},
    {EV("\"userIdentity\":{}"), W(ALL)},
    /* four levels down */
    {CTX("{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":\"" SLR_ARN "\"}}"),
     W(0, 2, 3, 4, 5, 6, 9)},
    {CTX("{\"sessionIssuer\":{\"arn\":\"arn:aws:iam::123456789012:role/admin\"}}"), W(ALL)},
    {CTX("{\"sessionIssuer\":{\"arn\":\"arn:aws:iam::1:role\\/aws-service-role\\/x\"}}"),
     W(0, 2, 3, 4, 5, 6, 9)},
    {CTX("{}"), W(ALL)},
    {CTX("{\"sessionIssuer\":{}}"), W(ALL)},
    {CTX("{\"sessionIssuer\":\"" SLR_ARN "\"}"), W(ALL)},
    {CTX("{\"arn\":\"" SLR_ARN "\"}"), W(ALL)},
    {EV("\"userIdentity\":{\"arn\":\"" SLR_ARN "\"}"), W(ALL)},
    {EV("\"sessionIssuer\":{\"arn\":\"" SLR_ARN "\"}"), W(ALL)},
    {CTX("{\"attributes\":{\"mfaAuthenticated\":\"false\"}}"), W(0, 1, 2, 3, 4, 5, 6)},
    {CTX("{\"attributes\":{\"mfaAuthenticated\":false}}"), W(ALL)},
    {CTX("{\"attributes\":{\"mfaAuthenticated\":\"true\"}}"), W(ALL)},
    {CTX("{\"attributes\":{},\"sessionIssuer\":{}}"), W(ALL)},
    {CTX("{\"attributes\":{\"mfaAuthenticated\":\"false\"},\"sessionIssuer\":{\"arn\":\""
         SLR_ARN "\"}}"),
     W(0, 2, 3, 4, 5, 6)},
    /* unless on top of an eventName filter */
    {"{" REC "\"eventName\":\"GetObject\"}", W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {GET("\"requestParameters\":{\"bucketName\":\"logs-2024\"}"), W(ALL)},
    {GET("\"requestParameters\":{\"bucketName\":\"logs-\"}"), W(ALL)},
    {GET("\"requestParameters\":{\"bucketName\":\"log\"}"), W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {GET("\"requestParameters\":{\"bucketName\":\"app-logs-1\"}"),
     W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {GET("\"requestParameters\":\"logs-x\""), W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {GET("\"bucketName\":\"logs-1\""), W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {GET("\"requestParameters\":{\"bucketName\":[\"logs-1\"]}"), W(0, 1, 2, 3, 4, 5, 6, 7, 9)},
    {"{" REC "\"eventName\":\"GetObjectAcl\",\"requestParameters\":{\"bucketName\":\"data\"}}",
     W(ALL)},
    /* several entries met at once */
    {GET("\"userAgent\":\"AWS Internal\",\"managementEvent\":false,\"userIdentity\":\"x\","
         "\"requestParameters\":{\"bucketName\":\"logs-1\"}"),
     W(1, 3, 4, 6, 9)},
    /* whitespace between the tokens */
    {"{ \"userAgent\" : \"AWS Internal\" ,\n\t\"userIdentity\" : { \"type\" : \"AWSAccount\" "
     "} ,\"eventName\" : \"ListUsers\", \"eventTime\" : \"t\" }",
     W(1, 2, 3, 5, 6, 9)},
    /* wrapped: the fields are the record's, never the envelope's */
    {"{" BRIDGE "\"userAgent\":\"curl\",\"managementEvent\":true,\"detail\":"
     EV("\"userAgent\":\"AWS Internal\"") "}",
     W(1, 2, 3, 4, 5, 6, 9)},
    {"{" BRIDGE "\"userAgent\":\"AWS Internal\",\"managementEvent\":false,\"detail\":"
     EV("\"userAgent\":\"curl\"") "}",
     W(ALL)},
    {"{\"Records\":[" EV("\"managementEvent\":false") "],\"userAgent\":\"AWS Internal\"}",
     W(0, 1, 3, 4, 5, 6, 9)},
    {"[" EV("\"userIdentity\":\"x\"") "]", W(0, 1, 2, 3, 4, 6, 9)},
};

/* Every unless entry met (u.uid needs a string, here an object). */
static const tcase_t hit_all = {
    GET("\"userAgent\":\"AWS Internal\",\"managementEvent\":false,\"userIdentity\":{"
        "\"type\":\"AWSService\",\"invokedBy\":\"x\",\"sessionContext\":{\"sessionIssuer\":"
        "{\"arn\":\"a:role/aws-service-role/b\"},\"attributes\":{\"mfaAuthenticated\":"
        "\"false\"}}},\"requestParameters\":{\"bucketName\":\"logs-1\"}"),
    W(5, 6)};

/* Every unless field present, none met. */
static const tcase_t hit_none = {
    GET("\"userAgent\":\"curl\",\"managementEvent\":true,\"userIdentity\":{"
        "\"type\":\"IAMUser\",\"invokedBy\":1,\"sessionContext\":{\"sessionIssuer\":"
        "{\"arn\":\"arn:aws:iam::1:role/x\"},\"attributes\":{\"mfaAuthenticated\":"
        "\"true\"}}},\"requestParameters\":{\"bucketName\":\"data\"}"),
    W(0, 1, 2, 3, 4, 5, 6, 7, 9)};

/* Events whose decoded string is longer than the scratch's first 1 KiB:
 * head, then unit written reps times, then tail. */
typedef struct lcase_s {
  const char *head;
  const char *unit;
  int reps;
  const char *tail;
  uint32_t want[12];
} lcase_t;

/* OPEN ... "}" is a ListUsers record; UA opens its userAgent string and
 * ARN its sessionIssuer.arn string. */
#define OPEN "{" REC "\"eventName\":\"ListUsers\","
#define UA OPEN "\"userAgent\":\""
#define ARN OPEN "\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"arn\":\""
#define ARN_END "\"}}}}"

static const lcase_t long_cases[] = {
    {UA, "\\u0061", 2000, "Terraform\"}", W(1, 2, 3, 4, 5, 6, 9)},
    {UA, "\\u0061", 2000, "Terrafor\"}", W(ALL)},
    {UA, "\\/", 1500, ".amazonaws.com\"}", W(1, 2, 3, 4, 5, 6, 9)},
    {UA, "\\u0062", 1500, "\\u0000.amazonaws.com\"}", W(ALL)},
    {UA "aws-cli\\/", "\\ud83d\\ude00", 400, "\"}", W(1, 2, 3, 4, 5, 6, 9)},
    /* long but unescaped: read in place, no decoding */
    {UA, "a", 5000, ".amazonaws.com\"}", W(1, 2, 3, 4, 5, 6, 9)},
    {ARN "arn:aws:iam::1:role\\/aws-service-role\\/", "\\u0078", 3000, ARN_END,
     W(0, 2, 3, 4, 5, 6, 9)},
    {ARN "arn:aws:iam::1:role\\/", "\\u0078", 3000, "aws-service-role" ARN_END, W(ALL)},
};

static char *long_json(const lcase_t *c) {
  size_t hl = strlen(c->head);
  size_t ul = strlen(c->unit);
  size_t tl = strlen(c->tail);
  char *b = malloc(hl + ul * (size_t)c->reps + tl + 1);
  char *p = b;
  int i;

  assert_non_null(b);
  memcpy(p, c->head, hl);
  p += hl;
  for (i = 0; i < c->reps; i++, p += ul)
    memcpy(p, c->unit, ul);
  memcpy(p, c->tail, tl + 1);
  return b;
}

static int table_setup(void **state) {
  set_t *s = calloc(1, sizeof(*s));

  assert_non_null(s);
  set_load(s, table_rules);
  assert_int_equal(s->rs->nrules, 10);
  assert_string_equal(s->rs->rules[9].id, "u.nomfa");
  assert_int_equal(vigil_rule_index_has_unless(s->ix), 1);
  *state = s;
  return 0;
}

static int table_teardown(void **state) {
  set_free(*state);
  free(*state);
  return 0;
}

static void table_both_ways(void **state) {
  const set_t *s = *state;
  size_t i;
  char *json;

  for (i = 0; i < sizeof(table) / sizeof(table[0]); i++)
    expect_both(s, NULL, table[i].json, table[i].want);
  expect_both(s, NULL, hit_all.json, hit_all.want);
  expect_both(s, NULL, hit_none.json, hit_none.want);
  for (i = 0; i < sizeof(long_cases) / sizeof(long_cases[0]); i++) {
    json = long_json(&long_cases[i]);
    assert_true(strlen(json) > 1024);
    expect_both(s, NULL, json, long_cases[i].want);
    free(json);
  }
}

/* No candidates in, none out; and unless keeps the order it was given. */
static void unless_edges(void **state) {
  const set_t *s = *state;
  vigil_ix_scratch_t *sc = vigil_ix_scratch_new(s->ix);
  static const char json[] = "{\"userAgent\":\"AWS Internal\",\"managementEvent\":false}";
  uint32_t c[4] = {9, 6, 2, 0};

  assert_non_null(sc);
  assert_int_equal(vigil_rule_index_unless(s->ix, sc, json, strlen(json), NULL, 0, c, 0), 0);
  /* u.nomfa, u.plain, u.flags (met), u.agent (met) */
  assert_int_equal(vigil_rule_index_unless(s->ix, sc, json, strlen(json), NULL, 0, c, 4), 2);
  assert_int_equal(c[0], 9);
  assert_int_equal(c[1], 6);
  vigil_ix_scratch_free(sc);
}

/* ---- 5. one scratch across records --------------------------------------- */

/* Case c, then records that meet every entry and none, then c again: a
 * value kept from an earlier record would change an answer. */
static void run_interleaved(const set_t *s, vigil_ix_scratch_t *sc, const char *json,
                            const uint32_t *want) {
  expect_both(s, sc, json, want);
  expect_both(s, sc, hit_all.json, hit_all.want);
  expect_both(s, sc, json, want);
  expect_both(s, sc, hit_none.json, hit_none.want);
  expect_both(s, sc, json, want);
}

static void run_long(const set_t *s, vigil_ix_scratch_t *sc, size_t i) {
  char *json = long_json(&long_cases[i]);

  run_interleaved(s, sc, json, long_cases[i].want);
  free(json);
}

static void scratch_reused(void **state) {
  const set_t *s = *state;
  vigil_ix_scratch_t *sc = vigil_ix_scratch_new(s->ix);
  size_t nt = sizeof(table) / sizeof(table[0]);
  size_t nl = sizeof(long_cases) / sizeof(long_cases[0]);
  size_t i;

  assert_non_null(sc);
  /* forward, a long (growing) case after every few short ones */
  for (i = 0; i < nt; i++) {
    run_interleaved(s, sc, table[i].json, table[i].want);
    if (i % 8 == 0)
      run_long(s, sc, (i / 8) % nl);
  }
  /* backward, after the buffer has grown */
  for (i = nl; i-- > 0;)
    run_long(s, sc, i);
  for (i = nt; i-- > 0;)
    run_interleaved(s, sc, table[i].json, table[i].want);
  vigil_ix_scratch_free(sc);
}

/* ---- 4. load errors and what a good unless loads to ---------------------- */

typedef struct bad_case_s {
  const char *unless; /* the Lua value of on.unless */
  const char *want;   /* part of the message */
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"'userAgent'", "on.unless must be a table of [\"field.path\"] = values"},
    {"true", "on.unless must be a table"},
    {"{}", "on.unless is empty (leave it out)"},
    {"{ 'userAgent' }", "on.unless key 1: want a field path"},
    {"{ [true] = 'x' }", "on.unless key true: want a field path"},
    {"{ [''] = 'x' }", "on.unless key : want a field path"},
    {"{ ['a..b'] = 'x' }", "on.unless key a..b: want a field path"},
    {"{ ['.a'] = 'x' }", "on.unless key .a: want a field path"},
    {"{ ['a.'] = 'x' }", "on.unless key a.: want a field path"},
    {"{ ['a.b.c.d.e.f.g.h.i'] = 'x' }", "key a.b.c.d.e.f.g.h.i: want a field path"},
    {"{ ['a.b.c.d.e.f.g.h.i'] = 'x' }", "(at most 8 names)"},
    {"{ [string.rep('n', 256)] = 'x' }", "on.unless key nnnnnnnn"},
    {"{ ['a.' .. string.rep('n', 256)] = 'x' }", "on.unless key a.nnnnnnnn"},
    {"{ userAgent = 3 }",
     "on.unless[\"userAgent\"] values are strings or booleans, not number"},
    /* a table is { nocase = ... } or nothing */
    {"{ userAgent = { 'a', {} } }", "on.unless[\"userAgent\"]: a table value must be "
                                    "{ nocase = \"pattern\" or a list of them }"},
    {"{ userAgent = { 'a', function() end } }", "not function"},
    {"{ userAgent = '' }", "on.unless[\"userAgent\"] value '': use \"X\""},
    {"{ userAgent = '**' }", "on.unless[\"userAgent\"] value '**'"},
    {"{ userAgent = { 'ok', 'a*b' } }", "on.unless[\"userAgent\"] value 'a*b'"},
    {"{ userAgent = '*a*b' }", "on.unless[\"userAgent\"] value '*a*b'"},
    {"{ ['userIdentity.type'] = { true, 'x**' } }",
     "on.unless[\"userIdentity.type\"] value 'x**'"},
    {"{ userAgent = {} }", "on.unless[\"userAgent\"] must be a value or a non-empty list"},
    {"{ userAgent = { x = 'a' } }", "on.unless[\"userAgent\"] must be a value or a non-empty"},
    {"{ userAgent = { 'a', x = 'b' } }", "on.unless[\"userAgent\"] must be a value or a"},
    {"{ userAgent = { [2] = 'a' } }", "on.unless[\"userAgent\"] must be a value or a"},
    /* { nocase = ... } and nothing else, holding patterns */
    {"{ userAgent = { nocase = 3 } }", "values are strings or booleans, not number"},
    {"{ userAgent = { nocase = {} } }", "nocase lists no pattern"},
    {"{ userAgent = { nocase = 'a*b' } }", "on.unless[\"userAgent\"] value 'a*b'"},
    {"{ userAgent = { { nocase = 'a', extra = 1 } } }", "a table value must be { nocase ="},
    {"{ userAgent = { { case = 'a' } } }", "a table value must be { nocase ="},
    {"{ userAgent = { nocase = { true } } }", "values are strings or booleans, not boolean"},
    /* a NUL would cut the C copy short: 'user' and 'AWS' would be filtered on */
    {"{ ['user\\0Agent'] = '*' }", "want a field path"},
    {"{ userAgent = 'AWS\\0Internal' }", "on.unless[\"userAgent\"] value holds a NUL byte"},
    {"{ userAgent = { 'x', '\\0' } }", "on.unless[\"userAgent\"] value holds a NUL byte"},
};

/* A good rule on line 2, the bad one on line 3: the message must name
 * the bad one and its line. */
static void expect_load_error(const bad_case_t *c) {
  char text[1024];
  char err[1024] = "";
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  const char *paths[1];

  snprintf(text, sizeof(text),
           "-- unless errors\n"
           "rule { id = 'x.good', title = 't', severity = 'low', on = { unless = { a = 'b' } } }\n"
           "rule { id = 'x.bad', title = 't', severity = 'low', on = { unless = %s } }\n",
           c->unless);
  td_make(&td);
  td_write(&td, "bad.lua", text);
  paths[0] = td.path;
  assert_int_not_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  if (!strstr(err, c->want) || !strstr(err, "bad.lua:3:") || !strstr(err, "rule 'x.bad'"))
    print_error("unless = %s: error '%s', want '%s' at bad.lua:3\n", c->unless, err, c->want);
  assert_non_null(strstr(err, c->want));
  assert_non_null(strstr(err, "bad.lua:3:"));
  assert_non_null(strstr(err, "rule 'x.bad'"));
  assert_null(strstr(err, "x.good"));
  assert_null(rs);
  td_remove(&td);
}

static void load_errors(void **state) {
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
    expect_load_error(&bad_cases[i]);
}

/* The limits are inclusive: 8 names, 255 bytes a name. Entries are sorted
 * by path; booleans are kept apart from the string patterns. */
static const char good_rules[] =
    "rule { id = 'g.limits', title = 't', severity = 'low', on = { unless = {\n"
    "  zeta = { true, false }, alpha = { 'true', true },\n"
    "  ['m.' .. string.rep('n', 255)] = '*', ['a.b.c.d.e.f.g.h'] = { 'x*', 'y' } } } }\n";

static void good_unless_loads(void **state) {
  set_t s;
  const vigil_rule_t *r;

  (void)state;
  set_load(&s, good_rules);
  r = &s.rs->rules[0];
  assert_int_equal(r->nunless, 4);
  assert_string_equal(r->unless[0].path, "a.b.c.d.e.f.g.h");
  assert_int_equal(r->unless[0].npats, 2);
  assert_string_equal(r->unless[0].pats[0], "x*");
  assert_string_equal(r->unless[0].pats[1], "y");
  assert_int_equal(r->unless[0].bools, 0);
  assert_string_equal(r->unless[1].path, "alpha");
  assert_int_equal(r->unless[1].npats, 1);
  assert_string_equal(r->unless[1].pats[0], "true");
  assert_int_equal(r->unless[1].bools, VIGIL_UNLESS_TRUE);
  assert_int_equal(strlen(r->unless[2].path), 257);
  assert_int_equal(r->unless[2].npats, 1);
  assert_string_equal(r->unless[3].path, "zeta");
  assert_int_equal(r->unless[3].npats, 0);
  assert_int_equal(r->unless[3].bools, VIGIL_UNLESS_TRUE | VIGIL_UNLESS_FALSE);
  set_free(&s);
}

/* A record with {"m":{"nnn...":value}}, the name 255 bytes long. */
static char *long_name_event(const char *value) {
  static const char head[] = EV("\"m\":{\"");
  size_t hl = strlen(head) - 1; /* EV's closing brace comes last */
  char *b = malloc(hl + 255 + strlen(value) + 8);

  assert_non_null(b);
  memcpy(b, head, hl);
  memset(b + hl, 'n', 255);
  sprintf(b + hl + 255, "\":%s}}", value);
  return b;
}

/* The deepest and the longest paths work through the index too. */
static void limits_through_index(void **state) {
  static const char deep[] =
      "{" REC "\"eventName\":\"E\",\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":";
  char json[256];
  char *ev;
  set_t s;

  (void)state;
  set_load(&s, good_rules);
  snprintf(json, sizeof(json), "%s\"xyz\"}}}}}}}}", deep);
  expect_both(&s, NULL, json, (const uint32_t[])W(END));
  snprintf(json, sizeof(json), "%s\"yx\"}}}}}}}}", deep);
  expect_both(&s, NULL, json, (const uint32_t[])W(0));
  snprintf(json, sizeof(json), "%s\"y\"}}}}}}}}", deep);
  expect_both(&s, NULL, json, (const uint32_t[])W(END));
  expect_both(&s, NULL, EV("\"zeta\":false"), (const uint32_t[])W(END));
  expect_both(&s, NULL, EV("\"zeta\":\"false\""), (const uint32_t[])W(0));
  expect_both(&s, NULL, EV("\"alpha\":true,\"zeta\":0"), (const uint32_t[])W(END));
  expect_both(&s, NULL, EV("\"alpha\":\"true\""), (const uint32_t[])W(END));
  expect_both(&s, NULL, EV("\"alpha\":false"), (const uint32_t[])W(0));
  ev = long_name_event("\"\"");
  expect_both(&s, NULL, ev, (const uint32_t[])W(END));
  free(ev);
  ev = long_name_event("1");
  expect_both(&s, NULL, ev, (const uint32_t[])W(0));
  free(ev);
  set_free(&s);
}

/* An unless on a disabled rule is never read: the index has none. */
static void disabled_unless_not_indexed(void **state) {
  static const char json[] = "{" REC "\"eventName\":\"E\",\"userAgent\":\"x\"}";
  set_t s;
  vigil_ix_scratch_t *sc;
  uint32_t c[1] = {1};

  (void)state;
  set_load(&s, "rule { id = 'd.off', title = 't', severity = 'low', enabled = false,\n"
               "  on = { unless = { userAgent = '*' } } }\n"
               "rule { id = 'd.on', title = 't', severity = 'low' }\n");
  assert_int_equal(vigil_rule_index_has_unless(s.ix), 0);
  sc = vigil_ix_scratch_new(s.ix);
  assert_non_null(sc);
  assert_int_equal(vigil_rule_index_unless(s.ix, sc, json, strlen(json), NULL, 0, c, 1), 1);
  assert_int_equal(c[0], 1);
  expect_both(&s, sc, json, (const uint32_t[])W(1));
  vigil_ix_scratch_free(sc);
  set_free(&s);
}

/* { nocase = ... }: patterns matched on the value in ASCII lower case,
 * beside case-sensitive ones of the same field. */
static void nocase_patterns(void **state) {
  set_t s;

  (void)state;
  set_load(&s, "rule { id = 'n.ua', title = 't', severity = 'low', on = { unless = {\n"
               "  userAgent = { 'Exact', { nocase = { '*TerraForm*', 'boto3/*', '*-CLI',\n"
               "                                      '*wxyz@[*' } } },\n"
               "  ['userIdentity.type'] = { nocase = 'awsservice' } } } }\n"
               "rule { id = 'n.plain', title = 't', severity = 'low' }\n");
  /* substring, prefix, suffix and exact, whatever the value's case */
  expect_both(&s, NULL, EV("\"userAgent\":\"APN/1.0 HashiCorp Terraform/1.5\""),
              (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"x TERRAFORM y\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"Boto3/1.26 Python\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"aws-sam-cli\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userIdentity\":{\"type\":\"AWSService\"}"),
              (const uint32_t[])W(1));
  /* the case-sensitive pattern beside them stays case-sensitive */
  expect_both(&s, NULL, EV("\"userAgent\":\"Exact\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"exact\""), (const uint32_t[])W(0, 1));
  /* misses: not there, not at the start or end, ASCII only, escapes decoded */
  expect_both(&s, NULL, EV("\"userAgent\":\"terra form\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"x boto3/1\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"aws-cli x\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"TERRAFORM\u0130\""), (const uint32_t[])W(1));
  /* lowercased 16 bytes, then 8, at a time: letters at every position of
   * a word and across both steps' edges, beside bytes >= 0x80 and the
   * neighbours of 'A'..'Z' that must stay as they are */
  expect_both(&s, NULL, EV("\"userAgent\":\"0123456789abcdeTERRAFORM\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"\u00c0\u00ff@[`{Zz01234TERRAFORM_x\""),
              (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"\u00c0\u00ff@[`{0123456789TERRA[ORM\""),
              (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"0123456789abcdefTERRA@ORM\""),
              (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"ABWXYZ@[0123456789\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"0123456789abcdefABWXYZ@[\""),
              (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"ABWXYZ`[0123456789\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"ABWXYZ@{0123456789\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"\u00c0\u00ff@[`{ZzTERRAFORM\u00e9\""),
              (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"1234567TerraForm\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"12345678TERRAFORM\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"1234567TERRA@ORM\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"1234567TERRA[ORM\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":\"T\\u0045RRAFORM\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"userAgent\":\"TERRA\\u0000FORM\""), (const uint32_t[])W(0, 1));
  expect_both(&s, NULL, EV("\"userAgent\":true"), (const uint32_t[])W(0, 1));
  set_free(&s);
}

/* More top-level names than the decoder reads (VIGIL_K_EXTRA_MAX): unless
 * scans the record for the rest itself. The names are made by a Lua loop. */
static const char many_rules[] =
    "local u = {}\n"
    "for i = 0, 29 do u[string.format('f%02d', i)] = 'x' end\n"
    "rule { id = 'm.many', title = 't', severity = 'low', on = { unless = u } }\n"
    "rule { id = 'm.plain', title = 't', severity = 'low' }\n";

static void more_top_names_than_decoded(void **state) {
  static const int which[] = {0, 1, 12, 22, 23, 24, 25, 29};
  char json[256];
  set_t s;
  size_t i;

  (void)state;
  set_load(&s, many_rules);
  assert_int_equal(vigil_rule_index_top_names(s.ix, &s.names), 30);
  assert_int_equal(s.ntop, VIGIL_K_EXTRA_MAX);
  for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
    snprintf(json, sizeof(json), EV("\"f%02d\":\"x\""), which[i]);
    expect_both(&s, NULL, json, (const uint32_t[])W(1));
    snprintf(json, sizeof(json), EV("\"f%02d\":\"y\""), which[i]);
    expect_both(&s, NULL, json, (const uint32_t[])W(0, 1));
  }
  /* one decoded name not met, one scanned for later met, and back */
  expect_both(&s, NULL, EV("\"f03\":\"y\",\"f27\":\"x\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"f03\":\"x\",\"f27\":\"y\""), (const uint32_t[])W(1));
  expect_both(&s, NULL, EV("\"f03\":\"y\",\"f27\":\"y\",\"f30\":\"x\""),
              (const uint32_t[])W(0, 1));
  set_free(&s);
}


int main(void) {
  const struct CMUnitTest tbl[] = {
      cmocka_unit_test(table_both_ways),
      cmocka_unit_test(unless_edges),
      cmocka_unit_test(scratch_reused),
  };
  const struct CMUnitTest loading[] = {
      cmocka_unit_test(load_errors),
      cmocka_unit_test(good_unless_loads),
      cmocka_unit_test(limits_through_index),
      cmocka_unit_test(disabled_unless_not_indexed),
      cmocka_unit_test(more_top_names_than_decoded),
      cmocka_unit_test(nocase_patterns),
  };
  int rc = 0;

  rc |= cmocka_run_group_tests_name("table", tbl, table_setup, table_teardown);
  rc |= cmocka_run_group_tests_name("loading", loading, NULL, NULL);
  return rc;
}
