/*
 * Output templates (template.c), alerts (alert.c) and the CloudTrail
 * helpers they use (cloudtrail.c): {field} and dotted/array paths, "?" for
 * missing, "{{", rendering of every JSON type; the alert model's fields
 * from a real loaded rule; the actor order; ISO-8601 time parsing.
 */
#include "test_unit_util.h"
#include <time.h>

#include "alert.h"
#include "cloudtrail.h"
#include "template.h"

static const char event_text[] =
    "{\"eventVersion\":\"1.08\",\"eventTime\":\"2023-07-10T11:45:12.250Z\","
    "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\","
    "\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"203.0.113.9\","
    "\"userAgent\":\"aws-cli/2.13\",\"eventID\":\"e-1\",\"recipientAccountId\":\"111122223333\","
    "\"actor\":\"not the alert field\","
    "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/alice\","
    "\"userName\":\"alice\",\"accountId\":\"999\"},"
    "\"requestParameters\":{\"userName\":\"bob\",\"n\":3,\"ratio\":1.5,\"neg\":-2,"
    "\"flag\":true,\"off\":false,\"tags\":[\"a\",\"b\"],\"obj\":{\"k\":\"v\"},\"nul\":null,"
    "\"tenth\":0.1},"
    "\"resources\":[{\"ARN\":\"arn1\"},{\"ARN\":\"arn2\"}]}";

static cJSON *event(void) {
  cJSON *ev = cJSON_Parse(event_text);

  assert_non_null(ev);
  return ev;
}

/* Renders tmpl against the event's bytes with fields {actor, account,
 * error_code (null)} and checks. */
static void renders(const char *tmpl, const char *want) {
  cJSON *ev = event();
  vigil_jdoc_t *doc = vigil_jdoc_new();
  vigil_tfield_t fields[3] = {{"actor", NULL}, {"account", "111122223333"},
                              {"error_code", NULL}};
  char *got;

  assert_non_null(doc);
  vigil_jdoc_reset(doc, event_text, strlen(event_text));
  fields[0].value = vigil_ct_actor_doc(doc);
  got = vigil_render(tmpl, fields, 3, doc);
  assert_non_null(got);
  if (strcmp(got, want) != 0)
    print_error("template '%s'\n got '%s'\nwant '%s'\n", tmpl, got, want);
  assert_string_equal(got, want);
  free(got);
  vigil_jdoc_free(doc);
  cJSON_Delete(ev);
}

static void template_fields_and_paths(void **state) {
  renders("{actor} created IAM user {requestParameters.userName}",
          "arn:aws:iam::111122223333:user/alice created IAM user bob");
  renders("in {account}/{awsRegion}: {eventName}", "in 111122223333/eu-west-1: CreateUser");
  renders("{resources.2.ARN} then {resources.1.ARN}", "arn2 then arn1");
  renders("{userIdentity.userName}", "alice");
  renders("", "");
  renders("no placeholders at all", "no placeholders at all");
}

static void template_missing_and_literals(void **state) {
  renders("{missing}|{requestParameters.nul}|{resources.9.ARN}|{resources.0.ARN}",
          "?|?|?|?");
  renders("{error_code}", "?"); /* an alert field that is null */
  renders("{{literal} and {{", "{literal} and {");
  renders("{{{eventName}}", "{CreateUser}");
  renders("unclosed {eventName", "unclosed {eventName");
  renders("a } b", "a } b");
}

static void template_value_types(void **state) {
  renders("{requestParameters.n} {requestParameters.neg} {requestParameters.ratio}",
          "3 -2 1.5");
  renders("{requestParameters.flag}/{requestParameters.off}", "true/false");
  renders("{requestParameters.tags}", "[\"a\",\"b\"]");
  renders("{requestParameters.obj}", "{\"k\":\"v\"}");
}

/*
 * Regression test, once a bug (core/template.c, put_value): numbers render with "%.17g", so a
 * float such as 0.1 prints as 0.10000000000000001 in alert messages (cJSON
 * and the alert JSON print 0.1).
 */
static void template_short_floats(void **state) {
  renders("{requestParameters.tenth}", "0.1");
}

static void actor_order(void **state) {
  static const struct {
    const char *event;
    const char *actor;
  } cases[] = {
      {"{\"userIdentity\":{\"arn\":\"A\",\"invokedBy\":\"I\",\"userName\":\"U\","
       "\"principalId\":\"P\"}}", "A"},
      {"{\"userIdentity\":{\"arn\":\"\",\"invokedBy\":\"I\",\"userName\":\"U\","
       "\"principalId\":\"P\"}}", "I"},
      {"{\"userIdentity\":{\"userName\":\"U\",\"principalId\":\"P\"}}", "U"},
      {"{\"userIdentity\":{\"arn\":null,\"principalId\":\"P\"}}", "P"},
      {"{\"userIdentity\":{\"type\":\"AWSService\"}}", "unknown"},
      {"{\"userIdentity\":\"arn:not-an-object\"}", "unknown"},
      {"{}", "unknown"},
  };
  static const char one[] = "{\"userIdentity\":{\"accountId\":\"9\"}}";
  static const char two[] = "{\"userIdentity\":{\"accountId\":\"9\"},"
                            "\"recipientAccountId\":\"1\"}";
  vigil_jdoc_t *doc = vigil_jdoc_new();
  size_t i;

  assert_non_null(doc);
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    vigil_jdoc_reset(doc, cases[i].event, strlen(cases[i].event));
    assert_string_equal(vigil_ct_actor_doc(doc), cases[i].actor);
  }
  vigil_jdoc_reset(doc, one, strlen(one));
  assert_string_equal(vigil_ct_account_doc(doc), "9");
  vigil_jdoc_reset(doc, two, strlen(two));
  assert_string_equal(vigil_ct_account_doc(doc), "1");
  vigil_jdoc_free(doc);
}

static void parse_time(void **state) {
  static const char *const bad[] = {"",  "yesterday", "2023-07-10", "2023-07-10 11:45:12Z",
                                    "2023-07-10T11:45:12+02:00", "2023-07-10T11:45:12.5+01:00",
                                    "2023/07/10T11:45:12Z", NULL};
  const char *const *b;
  int64_t ms = -1;

  assert_int_equal(vigil_parse_time("2023-07-10T11:45:12Z", &ms), 0);
  assert_int_equal(ms, 1688989512000LL);
  assert_int_equal(vigil_parse_time("2023-07-10T11:45:12.250Z", &ms), 0);
  assert_int_equal(ms, 1688989512250LL);
  assert_int_equal(vigil_parse_time("2023-07-10T11:45:12.5Z", &ms), 0);
  assert_int_equal(ms, 1688989512500LL);
  assert_int_equal(vigil_parse_time("2023-07-10T11:45:12.987654Z", &ms), 0);
  assert_int_equal(ms, 1688989512987LL);
  assert_int_equal(vigil_parse_time("2000-01-01T00:00:00Z", &ms), 0);
  assert_int_equal(ms, 946684800000LL);
  for (b = bad; *b; b++) {
    ms = 42;
    if (vigil_parse_time(*b, &ms) == 0)
      print_error("accepted '%s'\n", *b);
    assert_int_equal(vigil_parse_time(*b, &ms), -1);
  }
  assert_int_equal(vigil_parse_time(NULL, &ms), -1);
}

/* The calendar arithmetic against libc's timegm() and gmtime_r() on
 * days from 1000 to 9999 (every day from 1960 to 2110) at a varying time
 * of day, days past a month's end (normalised as timegm() does) and leap
 * seconds. Years before 1000 print with four digits, as ISO 8601 wants
 * (glibc's strftime would print year 1 as "1"). */
static void time_against_libc(void **state) {
  static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  char text[64];
  char want[64];
  struct tm tm;
  int64_t ms;
  time_t t;
  int y, m, d, n = 0;

  (void)state;
  for (y = 1000; y <= 9999; y += (y < 1960 || y > 2110) ? 7 : 1) {
    for (m = 1; m <= 12; m++) {
      for (d = 1; d <= (m == 2 ? 31 : mdays[m - 1]); d++, n++) {
        memset(&tm, 0, sizeof(tm));
        tm.tm_year = y - 1900;
        tm.tm_mon = m - 1;
        tm.tm_mday = d;
        tm.tm_hour = n % 24;
        tm.tm_min = (n / 24) % 60;
        tm.tm_sec = n % 61; /* 60: a leap second, the next minute's first */
        snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, m, d,
                 tm.tm_hour, tm.tm_min, tm.tm_sec, n % 1000);
        t = timegm(&tm);
        assert_int_equal(vigil_parse_time(text, &ms), 0);
        assert_int_equal(ms, (int64_t)t * 1000 + n % 1000);
        gmtime_r(&t, &tm);
        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(want + strlen(want), sizeof(want) - strlen(want), ".%03dZ", n % 1000);
        vigil_format_time(ms, text, sizeof(text));
        assert_string_equal(text, want);
      }
    }
  }
  /* before 1970: the second is floored, the milliseconds count up from it */
  vigil_format_time(-1, text, sizeof(text));
  assert_string_equal(text, "1969-12-31T23:59:59.999Z");
  assert_int_equal(vigil_parse_time("0001-01-01T00:00:00Z", &ms), 0);
  assert_int_equal(ms, -62135596800000LL);
  vigil_format_time(ms, text, sizeof(text));
  assert_string_equal(text, "0001-01-01T00:00:00.000Z");
}

/*
 * Regression test, once a bug (core/cloudtrail.c, vigil_parse_time): after sscanf it jumps to
 * s + 19 without checking the length, but "%2d" also matches one digit, so
 * a short time such as "2023-1-2T3:4:5Z" (15 bytes) is read past its end
 * (ASan: heap-buffer-overflow) and accepted.
 */
static void parse_time_short_input(void **state) {
  static const char text[] = "2023-1-2T3:4:5Z";
  char *s;
  int64_t ms;

  s = malloc(sizeof(text));
  assert_non_null(s);
  memcpy(s, text, sizeof(text));
  assert_int_equal(vigil_parse_time(s, &ms), -1);
  free(s);
}

static void format_time(void **state) {
  char out[40];

  vigil_format_time(1700000000123LL, out, sizeof(out));
  assert_string_equal(out, "2023-11-14T22:13:20.123Z");
  vigil_format_time(946684800000LL, out, sizeof(out));
  assert_string_equal(out, "2000-01-01T00:00:00.000Z");
}

static const char rule_src[] =
    "rule {\n"
    "  id = 'aws.iam.create_user', title = 'IAM user created', severity = 'high',\n"
    "  description = 'A user was made.',\n"
    "  tags = { 'attack.t1136.003', 'attack.persistence' },\n"
    "  on = { eventSource = 'iam.amazonaws.com', eventName = 'CreateUser' },\n"
    "  output = '{actor} created {requestParameters.userName} in {region}',\n"
    "  runbook = { about = 'Why it matters.', risks = { 'r1' }, console = { 'c1' },\n"
    "              cli = { 'aws iam delete-user' } },\n"
    "}\n"
    "rule { id = 'bare', title = 'Bare rule', severity = 'info' }\n";

static const cJSON *get(const cJSON *o, const char *k) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

  if (!v)
    fail_msg("alert lacks '%s'", k);
  return v;
}

static void alert_model(void **state) {
  tmpdir_t td;
  vigil_ruleset_t *rs = NULL;
  const char *paths[1];
  char err[512];
  cJSON *ev = event();
  cJSON *ctx = cJSON_CreateObject();
  vigil_origin_t origin = {"trail", "/logs/a.json.gz", 12, 3};
  vigil_alert_item_t *a;
  cJSON *j;
  const cJSON *o;

  td_make(&td);
  td_write(&td, "r.lua", rule_src);
  paths[0] = td.path;
  assert_int_equal(vigil_ruleset_load(paths, 1, NULL, 0, &rs, err, sizeof(err)), 0);
  cJSON_AddNumberToObject(ctx, "extra", 7);
  a = vigil_alert_build(&rs->rules[0], ev, ctx, &origin, 1700000000123LL);
  assert_non_null(a);
  j = cJSON_Parse(a->json);
  assert_non_null(j);
  assert_string_equal(get(j, "rule_id")->valuestring, "aws.iam.create_user");
  assert_string_equal(get(j, "title")->valuestring, "IAM user created");
  assert_string_equal(get(j, "severity")->valuestring, "high");
  assert_string_equal(get(j, "message")->valuestring,
                      "arn:aws:iam::111122223333:user/alice created bob in eu-west-1");
  assert_string_equal(get(j, "event_time")->valuestring, "2023-07-10T11:45:12.250Z");
  assert_string_equal(get(j, "detected_at")->valuestring, "2023-11-14T22:13:20.123Z");
  assert_string_equal(get(j, "actor")->valuestring, "arn:aws:iam::111122223333:user/alice");
  assert_string_equal(get(j, "account")->valuestring, "111122223333");
  assert_string_equal(get(j, "region")->valuestring, "eu-west-1");
  assert_string_equal(get(j, "source_ip")->valuestring, "203.0.113.9");
  assert_string_equal(get(j, "user_agent")->valuestring, "aws-cli/2.13");
  assert_string_equal(get(j, "event_id")->valuestring, "e-1");
  assert_true(cJSON_IsNull(get(j, "error_code")));
  assert_string_equal(get(j, "description")->valuestring, "A user was made.");
  assert_int_equal(cJSON_GetArraySize(get(j, "tags")), 2);
  assert_string_equal(cJSON_GetArrayItem(get(j, "tags"), 0)->valuestring, "attack.t1136.003");
  o = get(j, "runbook");
  assert_string_equal(get(o, "about")->valuestring, "Why it matters.");
  assert_string_equal(cJSON_GetArrayItem(get(o, "cli"), 0)->valuestring, "aws iam delete-user");
  assert_int_equal(get(get(j, "context"), "extra")->valuedouble, 7);
  assert_int_equal(get(j, "duplicates")->valuedouble, 1);
  o = get(j, "origin");
  assert_string_equal(get(o, "source")->valuestring, "trail");
  assert_string_equal(get(o, "stream")->valuestring, "/logs/a.json.gz");
  assert_int_equal(get(o, "line")->valuedouble, 12);
  assert_int_equal(get(o, "record")->valuedouble, 3);
  assert_true(cJSON_Compare(get(j, "event"), ev, 1));

  assert_int_equal(a->pub.event_time_ms, 1688989512250LL);
  assert_int_equal(a->pub.severity, VIGIL_SEV_HIGH);
  assert_string_equal(a->pub.rule_id, "aws.iam.create_user");
  assert_string_equal(a->pub.message, get(j, "message")->valuestring);
  assert_ptr_equal(a->pub.json, a->json);
  assert_int_equal(a->pub.json_len, strlen(a->json));
  cJSON_Delete(j);
  vigil_alert_free(a);

  /* No output, no time, no context, unknown line: title, detection time,
   * an empty context, no origin line. */
  cJSON_DeleteItemFromObject(ev, "eventTime");
  origin.line = 0;
  a = vigil_alert_build(&rs->rules[1], ev, NULL, &origin, 1700000000123LL);
  assert_non_null(a);
  j = cJSON_Parse(a->json);
  assert_string_equal(get(j, "message")->valuestring, "Bare rule");
  assert_true(cJSON_IsNull(get(j, "event_time")));
  assert_int_equal(a->pub.event_time_ms, 1700000000123LL);
  assert_int_equal(cJSON_GetArraySize(get(j, "context")), 0);
  assert_null(cJSON_GetObjectItem(get(j, "origin"), "line"));
  assert_null(cJSON_GetObjectItem(j, "tags"));
  cJSON_Delete(j);
  vigil_alert_free(a);

  vigil_ruleset_free(rs);
  cJSON_Delete(ev);
  td_remove(&td);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(template_fields_and_paths),
      cmocka_unit_test(template_missing_and_literals),
      cmocka_unit_test(template_value_types),
      cmocka_unit_test(template_short_floats),
      cmocka_unit_test(actor_order),
      cmocka_unit_test(parse_time),
      cmocka_unit_test(time_against_libc),
      cmocka_unit_test(parse_time_short_input),
      cmocka_unit_test(format_time),
      cmocka_unit_test(alert_model),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
