/*
 * The JSON scanner on hand-written input: key lookup, value spans, every
 * kind of malformed text, depth, array iteration and string decoding.
 * (Agreement with cJSON on real CloudTrail data: test_scan_cjson.c.)
 *
 * Every scan runs on an exact-size malloc'd copy with no NUL after it, so
 * under ASan a read past buf + len fails the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* An exact-size copy of n bytes of text: nothing readable after it. */
static char *exact(const char *text, size_t n) {
  char *b = malloc(n ? n : 1);

  assert_non_null(b);
  memcpy(b, text, n);
  return b;
}

/* v has type t and its span is the text `want` at byte offset `at` of buf. */
static void check_val(const vigil_jval_t *v, const char *buf, vigil_jtype_t t, size_t at,
                      const char *want) {
  assert_int_equal(v->type, t);
  assert_ptr_equal(v->p, buf + at);
  assert_int_equal(v->len, strlen(want));
  assert_memory_equal(v->p, want, v->len);
}

/* Offset of the first occurrence of needle in hay (which must hold it). */
static size_t at(const char *hay, const char *needle) {
  const char *p = strstr(hay, needle);

  assert_non_null(p);
  return (size_t)(p - hay);
}

/* ---- key lookup -------------------------------------------------------- */

static void top_level_keys_only(void **state) {
  static const char text[] =
      "{\"eventVersion\":\"1.08\",\"eventName\":\"DeleteTrail\","
      "\"requestParameters\":{\"eventName\":\"Nested\",\"eventSource\":\"x\"},"
      "\"resources\":[{\"eventName\":\"InArray\"},\"eventSource\",[\"awsRegion\"]],"
      "\"eventSource\":\"cloudtrail.amazonaws.com\",\"awsRegion\":\"us-east-1\"}";
  static const char *const keys[] = {"eventName", "eventSource", "awsRegion", "errorCode"};
  vigil_jval_t v[4];
  vigil_scan_err_t err;
  char *b = exact(text, sizeof text - 1);

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 4, v, &err), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(text, "DeleteTrail"), "DeleteTrail");
  check_val(&v[1], b, VIGIL_J_STRING, at(text, "cloudtrail.amazonaws.com"),
            "cloudtrail.amazonaws.com");
  check_val(&v[2], b, VIGIL_J_STRING, at(text, "us-east-1"), "us-east-1");
  assert_int_equal(v[3].type, VIGIL_J_NONE);
  assert_null(v[3].p);
  free(b);
}

static void nested_keys_never_match(void **state) {
  static const char text[] = "{\"requestParameters\":{\"eventName\":\"Nested\"},"
                             "\"items\":[{\"eventName\":\"InArray\"},\"eventName\"]}";
  static const char *const keys[] = {"eventName", "items"};
  vigil_jval_t v[2];
  char *b = exact(text, sizeof text - 1);

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 2, v, NULL), 0);
  assert_int_equal(v[0].type, VIGIL_J_NONE);
  check_val(&v[1], b, VIGIL_J_ARRAY, at(text, "[{"), "[{\"eventName\":\"InArray\"},\"eventName\"]");
  free(b);
}

static void last_duplicate_wins(void **state) {
  static const char text[] = "{\"k\":1,\"other\":{\"k\":2},\"k\":\"second\",\"z\":0,\"k\":[3]}";
  static const char *const keys[] = {"k", "z", "k"};
  vigil_jval_t v[3];
  char *b = exact(text, sizeof text - 1);

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 3, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_ARRAY, sizeof text - 5, "[3]");
  check_val(&v[1], b, VIGIL_J_NUMBER, at(text, "0,"), "0");
  check_val(&v[2], b, VIGIL_J_ARRAY, sizeof text - 5, "[3]"); /* a key wanted twice */
  free(b);
}

/* scan.h: a member name compares as cJSON reads it, escapes decoded and cut
 * at a NUL; the last occurrence still wins, spelled either way. */
static void escaped_names_match_as_decoded(void **state) {
  static const char both[] = "{\"event\\u004eame\":\"X\",\"eventName\":\"Y\"}";
  static const char last[] = "{\"eventName\":\"Y\",\"event\\u004eame\":\"X\"}";
  static const char only[] = "{\"event\\u004eame\":\"X\",\"eventNam\":\"Z\",\"eventNamee\":1}";
  static const char nul[] = "{\"eventName\\u0000x\":\"N\",\"eventNam\\u0000e\":2}";
  static const char raw[] = "{\"x\\\"y\":1,\"event\\u004eame\":2}";
  static const char *const keys[] = {"eventName"};
  static const char *const raw_keys[] = {"x\\\"y", "event\\u004eame", "x\"y"};
  vigil_jval_t v[3];
  char *b;

  (void)state;
  b = exact(both, sizeof both - 1);
  assert_int_equal(vigil_scan_object(b, sizeof both - 1, keys, 1, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(both, "Y"), "Y");
  assert_int_equal(vigil_scan_object_valid(b, sizeof both - 1, keys, 1, v), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(both, "Y"), "Y");
  free(b);

  b = exact(last, sizeof last - 1);
  assert_int_equal(vigil_scan_object(b, sizeof last - 1, keys, 1, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(last, "X"), "X");
  free(b);

  b = exact(only, sizeof only - 1);
  assert_int_equal(vigil_scan_object(b, sizeof only - 1, keys, 1, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(only, "X"), "X");
  free(b);

  /* cut at the NUL: the first is eventName; the second, eventNam, is not */
  b = exact(nul, sizeof nul - 1);
  assert_int_equal(vigil_scan_object(b, sizeof nul - 1, keys, 1, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(nul, "\"N\"") + 1, "N");
  free(b);

  /* A wanted key spelled like the raw escaped bytes matches nothing; the
   * decoded spelling does. */
  b = exact(raw, sizeof raw - 1);
  assert_int_equal(vigil_scan_object(b, sizeof raw - 1, raw_keys, 3, v, NULL), 0);
  assert_int_equal(v[0].type, VIGIL_J_NONE);
  assert_int_equal(v[1].type, VIGIL_J_NONE);
  assert_int_equal(v[2].type, VIGIL_J_NUMBER);
  free(b);
}

/* The empty name and more wanted keys than the scanner measures up front. */
static void empty_name_and_many_keys(void **state) {
  static const char text[] = "{\"\":\"empty\",\"k17\":17,\"k0\":0}";
  const char *keys[20];
  char names[20][16];
  vigil_jval_t v[20];
  char *b = exact(text, sizeof text - 1);
  int i;

  (void)state;
  for (i = 0; i < 19; i++) {
    snprintf(names[i], sizeof names[i], "k%d", i);
    keys[i] = names[i];
  }
  keys[19] = "";
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 20, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_NUMBER, sizeof text - 3, "0");
  check_val(&v[17], b, VIGIL_J_NUMBER, at(text, "17,"), "17");
  check_val(&v[19], b, VIGIL_J_STRING, at(text, "empty"), "empty");
  for (i = 1; i < 17; i++)
    assert_int_equal(v[i].type, VIGIL_J_NONE);
  free(b);
}

/* ---- values ------------------------------------------------------------ */

static void every_value_type(void **state) {
  static const char text[] = " \r\n\t{ \"s\" : \"str\" , \"n\":-12.5e+3,\"i\":0,"
                             "\"o\":{\"a\":[1,{}]} ,\"a\":[ true , null ],\"t\":true,"
                             "\"f\":false,\"z\":null,\"e\":\"\",\"x\":1E-0 }\n ";
  static const char *const keys[] = {"s", "n", "i", "o", "a", "t", "f", "z", "e", "x"};
  vigil_jval_t v[10];
  vigil_scan_err_t err;
  char *b = exact(text, sizeof text - 1);

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 10, v, &err), 0);
  check_val(&v[0], b, VIGIL_J_STRING, at(text, "str"), "str");
  assert_int_equal(v[0].escaped, 0);
  check_val(&v[1], b, VIGIL_J_NUMBER, at(text, "-12"), "-12.5e+3");
  check_val(&v[2], b, VIGIL_J_NUMBER, at(text, "0,"), "0");
  check_val(&v[3], b, VIGIL_J_OBJECT, at(text, "{\"a\""), "{\"a\":[1,{}]}");
  check_val(&v[4], b, VIGIL_J_ARRAY, at(text, "[ t"), "[ true , null ]");
  check_val(&v[5], b, VIGIL_J_TRUE, at(text, "true,\"f"), "true");
  check_val(&v[6], b, VIGIL_J_FALSE, at(text, "false"), "false");
  check_val(&v[7], b, VIGIL_J_NULL, at(text, "null,"), "null");
  check_val(&v[8], b, VIGIL_J_STRING, at(text, "\"\",") + 1, "");
  check_val(&v[9], b, VIGIL_J_NUMBER, at(text, "1E-0"), "1E-0");
  free(b);
}

static void scalars_at_top_level(void **state) {
  static const struct {
    const char *in;
    vigil_jtype_t type;
    const char *span;
  } cases[] = {
      {"0", VIGIL_J_NUMBER, "0"},         {" -0.0e00 ", VIGIL_J_NUMBER, "-0.0e00"},
      {"\ntrue", VIGIL_J_TRUE, "true"},   {"null ", VIGIL_J_NULL, "null"},
      {"\"a b\"", VIGIL_J_STRING, "a b"}, {"[]", VIGIL_J_ARRAY, "[]"},
      {" { } ", VIGIL_J_OBJECT, "{ }"},   {"123456789", VIGIL_J_NUMBER, "123456789"},
  };
  size_t i, n;
  vigil_jval_t v;
  char *b;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    n = strlen(cases[i].in);
    b = exact(cases[i].in, n);
    assert_int_equal(vigil_scan_value(b, n, &v, NULL), 0);
    assert_int_equal(v.type, cases[i].type);
    assert_int_equal(v.len, strlen(cases[i].span));
    assert_memory_equal(v.p, cases[i].span, v.len);
    free(b);
  }
}

/* Escaped quotes and backslashes right before the closing quote. */
static void backslash_before_closing_quote(void **state) {
  static const char text[] = "{\"a\":\"a\\\\\",\"b\":\"x\\\"\",\"c\":\"\\\\\\\\\",\"d\":\"\\\"\"}";
  static const char *const keys[] = {"a", "b", "c", "d"};
  vigil_jval_t v[4];
  char out[16];
  char *b = exact(text, sizeof text - 1);

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 4, v, NULL), 0);
  check_val(&v[0], b, VIGIL_J_STRING, 6, "a\\\\");
  check_val(&v[1], b, VIGIL_J_STRING, at(text, "x\\\""), "x\\\"");
  check_val(&v[2], b, VIGIL_J_STRING, at(text, "\\\\\\\\"), "\\\\\\\\");
  check_val(&v[3], b, VIGIL_J_STRING, sizeof text - 5, "\\\"");
  assert_true(v[0].escaped && v[1].escaped && v[2].escaped && v[3].escaped);
  assert_int_equal(vigil_jval_str(&v[0], out, sizeof out), 2);
  assert_string_equal(out, "a\\");
  assert_int_equal(vigil_jval_str(&v[1], out, sizeof out), 2);
  assert_string_equal(out, "x\"");
  assert_int_equal(vigil_jval_str(&v[2], out, sizeof out), 2);
  assert_string_equal(out, "\\\\");
  assert_true(vigil_jval_streq(&v[3], "\""));
  free(b);
}

/* ---- malformed input --------------------------------------------------- */

#define BAD(text, off, why)                                                                        \
  { text, sizeof(text) - 1, off, why }

static const struct bad {
  const char *in;
  size_t len;
  size_t offset;
  const char *what;
} bad_cases[] = {
    BAD("", 0, "empty input"),
    BAD(" \n\t ", 4, "empty input"),
    BAD("{\"a\":\"\\x\"}", 6, "invalid escape"),
    BAD("{\"a\":\"\\'\"}", 6, "invalid escape"),
    BAD("{\"a\":\"\\u12G4\"}", 6, "invalid \\u escape"),
    BAD("[\"\\u12\"]", 2, "invalid \\u escape"),
    BAD("{\"a\":\"x\ty\"}", 7, "control character in string"),
    BAD("{\"a\":\"x\ny\"}", 7, "control character in string"),
    BAD("{\"a\":\"\x01\"}", 6, "control character in string"),
    BAD("[\"0123456789abcde\x1f\"]", 17, "control character in string"),
    BAD("{\"a\":\"x\0y\"}", 7, "control character in string"),
    BAD("{\"a\x7f\x02\":1}", 4, "control character in string"),
    BAD("{\"a\":01}", 5, "leading zero in number"),
    BAD("[-00]", 2, "leading zero in number"),
    BAD("{\"a\":-}", 6, "digit expected after '-'"),
    BAD("{\"a\":--1}", 6, "digit expected after '-'"),
    BAD("-", 1, "digit expected after '-'"),
    BAD("{\"a\":1.}", 7, "digit expected after '.'"),
    BAD("1.", 2, "digit expected after '.'"),
    BAD("[1.e5]", 3, "digit expected after '.'"),
    BAD("{\"a\":.5}", 5, "expected a value"),
    BAD("{\"a\":1e}", 7, "digit expected in exponent"),
    BAD("[1E+]", 4, "digit expected in exponent"),
    BAD("{\"a\":1.5.3}", 8, "expected ',' or '}'"),
    BAD("{\"a\":1e5e}", 8, "expected ',' or '}'"),
    BAD("{\"a\":0x1F}", 6, "expected ',' or '}'"),
    BAD("{\"a\":+1}", 5, "expected a value"),
    BAD("{\"a\":tru}", 5, "invalid literal"),
    BAD("tru", 0, "invalid literal"),
    BAD("[nul", 1, "invalid literal"),
    BAD("[fals]", 1, "invalid literal"),
    BAD("{\"a\":True}", 5, "expected a value"),
    BAD("{\"a\":NaN}", 5, "expected a value"),
    BAD("[Infinity]", 1, "expected a value"),
    BAD("{\"a\":truex}", 9, "expected ',' or '}'"),
    BAD("{\"a\" 1}", 5, "expected ':'"),
    BAD("{\"a\"}", 4, "expected ':'"),
    BAD("{\"a\":{\"b\"=1}}", 9, "expected ':'"),
    BAD("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"),
    BAD("{\"a\":{\"b\":1 \"c\":2}}", 12, "expected ',' or '}'"),
    BAD("[1 2]", 3, "expected ',' or ']'"),
    BAD("{\"a\":[1,2}", 9, "expected ',' or ']'"),
    BAD("{\"a\":1,}", 7, "trailing comma"),
    BAD("{\"a\":{\"b\":1,}}", 12, "trailing comma"),
    BAD("[1,2,]", 5, "trailing comma"),
    BAD("[[1,],2]", 4, "trailing comma"),
    BAD("{\"a\":1", 6, "unterminated object"),
    BAD("{\"a\":1,", 7, "unterminated object"),
    BAD("{\"a\":", 5, "unterminated object"),
    BAD("{\"a\"", 4, "unterminated object"),
    BAD("{", 1, "unterminated object"),
    BAD("{\"a\":{\"b\":[]", 12, "unterminated object"),
    BAD("[1,[2", 5, "unterminated array"),
    BAD("[", 1, "unterminated array"),
    BAD("{\"a\":[", 6, "unterminated array"),
    BAD("{\"a\":\"xyz", 5, "unterminated string"),
    BAD("{\"a", 1, "unterminated string"),
    BAD("\"abc", 0, "unterminated string"),
    BAD("{\"a\":\"\\", 5, "unterminated string"),
    BAD("{\"a\":\"\\u00", 5, "unterminated string"),
    BAD("{\"a\":\"abc\\\"}", 5, "unterminated string"),
    BAD("{a:1}", 1, "expected a member name"),
    BAD("{'a':1}", 1, "expected a member name"),
    BAD("{,}", 1, "expected a member name"),
    BAD("{\"a\":1,,\"b\":2}", 7, "expected a member name"),
    BAD("{\"a\":[{1:2}]}", 7, "expected a member name"),
    BAD("{\"a\":}", 5, "expected a value"),
    BAD("[,1]", 1, "expected a value"),
    BAD("[1,,2]", 3, "expected a value"),
    BAD("]", 0, "expected a value"),
    BAD("/*c*/{}", 0, "expected a value"),
    BAD("{\"a\":1}x", 7, "trailing characters"),
    BAD("{\"a\":1} {}", 8, "trailing characters"),
    BAD("{\"a\":1}//c", 7, "trailing characters"),
    BAD("{\"a\":1}\f", 7, "trailing characters"),
    BAD("{\"a\":1}\0", 7, "trailing characters"),
    BAD("[1]]", 3, "trailing characters"),
    BAD("1 2", 2, "trailing characters"),
    BAD("\xef\xbb\xbf{}", 0, "expected a value"),
};

/* Same error through vigil_scan_value and (for '{' input) vigil_scan_object. */
static void malformed_inputs(void **state) {
  static const char *const keys[] = {"a", "b"};
  const struct bad *c;
  vigil_scan_err_t err;
  vigil_jval_t v[2], one;
  size_t i;
  char *b;

  (void)state;
  for (i = 0; i < sizeof bad_cases / sizeof *bad_cases; i++) {
    c = &bad_cases[i];
    b = exact(c->in, c->len);
    err.offset = 999;
    err.what = NULL;
    if (vigil_scan_value(b, c->len, &one, &err) != -1)
      fail_msg("case %zu accepted: %s", i, c->in);
    if (err.offset != c->offset || !err.what || strcmp(err.what, c->what) != 0)
      fail_msg("case %zu (%s): got \"%s\" at %zu, want \"%s\" at %zu", i, c->in,
               err.what ? err.what : "(null)", err.offset, c->what, c->offset);
    assert_int_equal(one.type, VIGIL_J_NONE);
    if (c->len > 0 && c->in[0] == '{') {
      v[0].type = v[1].type = VIGIL_J_TRUE;
      assert_int_equal(vigil_scan_object(b, c->len, keys, 2, v, &err), -1);
      if (err.offset != c->offset || strcmp(err.what, c->what) != 0)
        fail_msg("object case %zu (%s): got \"%s\" at %zu", i, c->in, err.what, err.offset);
      assert_int_equal(v[0].type, VIGIL_J_NONE); /* no half results */
      assert_int_equal(v[1].type, VIGIL_J_NONE);
    }
    free(b);
  }
}

static void not_an_object(void **state) {
  static const char *const keys[] = {"a"};
  vigil_scan_err_t err;
  vigil_jval_t v[1];
  char *b;

  (void)state;
  b = exact("  [{\"a\":1}] ", 12);
  assert_int_equal(vigil_scan_object(b, 12, keys, 1, v, &err), -1);
  assert_string_equal(err.what, "not an object");
  assert_int_equal(err.offset, 2);
  assert_int_equal(v[0].type, VIGIL_J_NONE);
  free(b);

  b = exact("\"a\"", 3);
  assert_int_equal(vigil_scan_object(b, 3, keys, 1, v, &err), -1);
  assert_string_equal(err.what, "not an object");
  free(b);

  /* Broken text says what is broken, not merely that it is no object. */
  b = exact("[{\"a\":1}", 8);
  assert_int_equal(vigil_scan_object(b, 8, keys, 1, v, &err), -1);
  assert_string_equal(err.what, "unterminated array");
  assert_int_equal(err.offset, 8);
  free(b);

  b = exact(" ", 1);
  assert_int_equal(vigil_scan_object(b, 1, keys, 1, v, &err), -1);
  assert_string_equal(err.what, "empty input");
  free(b);
}

/* A buffer of n opening then n closing brackets, optionally in {"a": }. */
static char *nest(size_t n, int in_object, size_t *len) {
  size_t extra = in_object ? 6 : 0, i;
  char *b;

  *len = 2 * n + extra;
  b = malloc(*len);
  assert_non_null(b);
  if (in_object)
    memcpy(b, "{\"a\":", 5);
  for (i = 0; i < n; i++) {
    b[extra ? 5 + i : i] = '[';
    b[*len - (in_object ? 1 : 0) - 1 - i] = ']';
  }
  if (in_object)
    b[*len - 1] = '}';
  return b;
}

static void nesting_depth(void **state) {
  static const char *const keys[] = {"a"};
  vigil_scan_err_t err;
  vigil_jval_t v[1];
  size_t len;
  char *b;

  (void)state;
  b = nest(VIGIL_SCAN_MAX_DEPTH, 0, &len);
  assert_int_equal(vigil_scan_value(b, len, v, &err), 0);
  assert_int_equal(v[0].len, len);
  free(b);

  b = nest(VIGIL_SCAN_MAX_DEPTH + 1, 0, &len);
  assert_int_equal(vigil_scan_value(b, len, NULL, &err), -1);
  assert_string_equal(err.what, "nesting too deep");
  assert_int_equal(err.offset, VIGIL_SCAN_MAX_DEPTH);
  free(b);

  /* The object itself is one level: 255 arrays inside it still fit. */
  b = nest(VIGIL_SCAN_MAX_DEPTH - 1, 1, &len);
  assert_int_equal(vigil_scan_object(b, len, keys, 1, v, &err), 0);
  assert_int_equal(v[0].type, VIGIL_J_ARRAY);
  assert_int_equal(v[0].len, len - 6);
  free(b);

  b = nest(VIGIL_SCAN_MAX_DEPTH, 1, &len);
  assert_int_equal(vigil_scan_object(b, len, keys, 1, v, &err), -1);
  assert_string_equal(err.what, "nesting too deep");
  assert_int_equal(err.offset, 5 + VIGIL_SCAN_MAX_DEPTH - 1);
  free(b);

  /* Far deeper than any stack would take with recursion: a clean error. */
  b = nest(1000000, 0, &len);
  assert_int_equal(vigil_scan_value(b, len, NULL, &err), -1);
  assert_string_equal(err.what, "nesting too deep");
  free(b);
}

static void nested_objects_depth(void **state) {
  char b[VIGIL_SCAN_MAX_DEPTH * 6 + 8];
  size_t n = 0, i, depth;
  vigil_scan_err_t err;
  char *x;

  (void)state;
  for (depth = VIGIL_SCAN_MAX_DEPTH; depth <= VIGIL_SCAN_MAX_DEPTH + 1; depth++) {
    n = 0;
    for (i = 0; i < depth - 1; i++) {
      memcpy(b + n, "{\"a\":", 5);
      n += 5;
    }
    b[n++] = '{';
    for (i = 0; i < depth; i++)
      b[n++] = '}';
    x = exact(b, n);
    if (depth == VIGIL_SCAN_MAX_DEPTH) {
      assert_int_equal(vigil_scan_value(x, n, NULL, &err), 0);
    } else {
      assert_int_equal(vigil_scan_value(x, n, NULL, &err), -1);
      assert_string_equal(err.what, "nesting too deep");
      assert_int_equal(err.offset, 5 * (depth - 1));
    }
    free(x);
  }
}

/*
 * A CloudTrail-shaped record (our own, with one of every JSON construct):
 * every proper prefix must be rejected, with an offset inside the prefix.
 */
static const char sample_record[] =
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\","
    "\"principalId\":\"AIDAEXAMPLE\",\"arn\":\"arn:aws:iam::111122223333:user/ana\","
    "\"sessionContext\":{\"attributes\":{\"mfaAuthenticated\":\"false\","
    "\"creationDate\":\"2024-01-01T00:00:00Z\"}}},\"eventTime\":\"2024-01-01T00:05:00Z\","
    "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"DetachRolePolicy\","
    "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.7\","
    "\"userAgent\":\"aws-cli/2.15.0 \\\"quoted\\\" \\\\path\\\\\","
    "\"requestParameters\":{\"roleName\":\"ops\",\"policyArn\":"
    "\"arn:aws:iam::aws:policy/AdministratorAccess\",\"note\":\"caf\\u00e9 \\ud83d\\ude00\"},"
    "\"responseElements\":null,\"readOnly\":false,\"managementEvent\":true,"
    "\"resources\":[{\"ARN\":\"arn:aws:iam::111122223333:role/ops\"},[],{}],"
    "\"eventVersionNum\":-1.25E+2,\"count\":0,\"recipientAccountId\":\"111122223333\"} \n";

static void every_prefix_of_a_record(void **state) {
  static const char *const keys[] = {"eventName", "eventSource", "eventTime", "errorCode"};
  size_t len = sizeof sample_record - 1, complete, plen;
  vigil_scan_err_t err;
  vigil_jval_t v[4];
  char *b;

  (void)state;
  complete = (size_t)(strrchr(sample_record, '}') - sample_record) + 1;
  for (plen = 0; plen <= len; plen++) {
    b = exact(sample_record, plen);
    err.offset = SIZE_MAX;
    if (plen >= complete) {
      assert_int_equal(vigil_scan_object(b, plen, keys, 4, v, &err), 0);
      assert_true(vigil_jval_streq(&v[0], "DetachRolePolicy"));
      assert_int_equal(v[3].type, VIGIL_J_NONE);
    } else {
      if (vigil_scan_object(b, plen, keys, 4, v, &err) != -1)
        fail_msg("prefix of %zu bytes accepted", plen);
      assert_true(err.offset <= plen);
      assert_non_null(err.what);
      assert_int_equal(vigil_scan_value(b, plen, NULL, &err), -1);
    }
    free(b);
  }
}

/* ---- arrays ------------------------------------------------------------ */

static vigil_jval_t array_of(const char *p, size_t len) {
  vigil_jval_t a = {VIGIL_J_ARRAY, 0, p, len};

  return a;
}

static void iterate_empty_arrays(void **state) {
  static const char *const texts[] = {"[]", "[ \n ]"};
  vigil_scan_iter_t it;
  vigil_scan_err_t err;
  vigil_jval_t a, e;
  size_t i, n;
  char *b;

  (void)state;
  for (i = 0; i < 2; i++) {
    n = strlen(texts[i]);
    b = exact(texts[i], n);
    assert_int_equal(vigil_scan_value(b, n, &a, NULL), 0);
    vigil_scan_array_begin(&it, &a);
    assert_int_equal(vigil_scan_array_next(&it, &e, &err), 0);
    assert_int_equal(vigil_scan_array_next(&it, &e, &err), 0); /* stays at the end */
    free(b);
  }
}

static void iterate_elements_and_nested_arrays(void **state) {
  static const char text[] =
      "{\"Records\": [ 1, \"a\\\"\" ,{\"b\":[2,3]}, [4, [5, []]], null ,-0.5 ], \"n\":1}";
  static const char *const keys[] = {"Records"};
  static const struct {
    vigil_jtype_t type;
    const char *span;
  } want[] = {
      {VIGIL_J_NUMBER, "1"},           {VIGIL_J_STRING, "a\\\""}, {VIGIL_J_OBJECT, "{\"b\":[2,3]}"},
      {VIGIL_J_ARRAY, "[4, [5, []]]"}, {VIGIL_J_NULL, "null"},    {VIGIL_J_NUMBER, "-0.5"}};
  vigil_scan_iter_t it, in, in2;
  vigil_scan_err_t err;
  vigil_jval_t rec, e, x, y;
  size_t i = 0;
  char *b = exact(text, sizeof text - 1);
  int rc;

  (void)state;
  assert_int_equal(vigil_scan_object(b, sizeof text - 1, keys, 1, &rec, &err), 0);
  vigil_scan_array_begin(&it, &rec);
  while ((rc = vigil_scan_array_next(&it, &e, &err)) == 1) {
    assert_true(i < 6);
    assert_int_equal(e.type, want[i].type);
    assert_int_equal(e.len, strlen(want[i].span));
    assert_memory_equal(e.p, want[i].span, e.len);
    i++;
  }
  assert_int_equal(rc, 0);
  assert_int_equal(i, 6);
  assert_int_equal(it.index, 6);

  /* Walk [4, [5, []]] down to the innermost empty array. */
  assert_int_equal(vigil_scan_value(want[3].span, strlen(want[3].span), &e, NULL), 0);
  vigil_scan_array_begin(&in, &e);
  assert_int_equal(vigil_scan_array_next(&in, &x, &err), 1);
  assert_int_equal(x.type, VIGIL_J_NUMBER);
  assert_int_equal(vigil_scan_array_next(&in, &x, &err), 1);
  assert_int_equal(x.type, VIGIL_J_ARRAY);
  assert_int_equal(vigil_scan_array_next(&in, &y, &err), 0);
  vigil_scan_array_begin(&in2, &x);
  assert_int_equal(vigil_scan_array_next(&in2, &y, &err), 1);
  assert_memory_equal(y.p, "5", 1);
  assert_int_equal(vigil_scan_array_next(&in2, &y, &err), 1);
  assert_int_equal(y.type, VIGIL_J_ARRAY);
  assert_int_equal(y.len, 2);
  assert_int_equal(vigil_scan_array_next(&in2, &y, &err), 0);
  free(b);
}

/* A hand-made array value is checked as it is walked. */
static void iterate_malformed_mid_array(void **state) {
  static const struct {
    const char *text; /* the array starts at the first '[' */
    int good;         /* elements returned before the error */
    size_t offset;    /* relative to the '[' */
    const char *what;
  } cases[] = {
      {"[1, tru, 3]", 1, 4, "invalid literal"},
      {"x[{\"a\":1}, {\"a\":}, 2]", 1, 15, "expected a value"},
      {"[1 2]", 1, 3, "expected ',' or ']'"},
      {"[1,]", 1, 3, "trailing comma"},
      {"[\"a\",\"b", 1, 5, "unterminated string"},
      {"[1,[2,[3]]", 2, 10, "unterminated array"},
      {"[1,", 1, 3, "unterminated array"},
      {"[1] x", 1, 4, "trailing characters"},
      {"[,]", 0, 1, "expected a value"},
  };
  vigil_scan_iter_t it;
  vigil_scan_err_t err, again;
  vigil_jval_t a, e;
  size_t i, n;
  const char *open;
  char *b;
  int k;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    open = strchr(cases[i].text, '[');
    n = strlen(open);
    b = exact(open, n);
    a = array_of(b, n);
    vigil_scan_array_begin(&it, &a);
    for (k = 0; k < cases[i].good; k++)
      assert_int_equal(vigil_scan_array_next(&it, &e, &err), 1);
    assert_int_equal(vigil_scan_array_next(&it, &e, &err), -1);
    if (err.offset != cases[i].offset || strcmp(err.what, cases[i].what) != 0)
      fail_msg("case %zu (%s): got \"%s\" at %zu", i, open, err.what, err.offset);
    assert_int_equal(vigil_scan_array_next(&it, &e, &again), -1); /* same again */
    assert_int_equal(again.offset, err.offset);
    assert_string_equal(again.what, err.what);
    free(b);
  }
}

static void iterate_non_arrays(void **state) {
  vigil_jval_t none = {VIGIL_J_NONE, 0, NULL, 0};
  vigil_jval_t obj = {VIGIL_J_OBJECT, 0, "{}", 2};
  vigil_jval_t liar = {VIGIL_J_ARRAY, 0, "{}", 2};
  const vigil_jval_t *bad[] = {&none, &obj, &liar};
  vigil_scan_iter_t it;
  vigil_scan_err_t err;
  vigil_jval_t e;
  int i;

  (void)state;
  for (i = 0; i < 3; i++) {
    vigil_scan_array_begin(&it, bad[i]);
    assert_int_equal(vigil_scan_array_next(&it, &e, &err), -1);
    assert_string_equal(err.what, "not an array");
    assert_int_equal(err.offset, 0);
  }
}

/* ---- decoding ---------------------------------------------------------- */

/* A string value over the escaped text s (no quotes). */
static vigil_jval_t jstr(const char *s) {
  vigil_jval_t v = {VIGIL_J_STRING, strchr(s, '\\') != NULL, s, strlen(s)};

  return v;
}

static void decode_escapes(void **state) {
  static const struct {
    const char *in, *out;
  } cases[] = {
      {"plain", "plain"},
      {"\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t"},
      {"\\u0041\\u00e9\\u20AC", "A\xc3\xa9\xe2\x82\xac"},
      {"\\ud83d\\ude00!", "\xf0\x9f\x98\x80!"},       /* U+1F600 */
      {"\\uDBFF\\uDFFF", "\xf4\x8f\xbf\xbf"},         /* U+10FFFF */
      {"\\ud800x", "\xef\xbf\xbdx"},                  /* lone high */
      {"a\\udc00", "a\xef\xbf\xbd"},                  /* lone low */
      {"\\ud800\\u0041", "\357\277\275A"},            /* high + non-low */
      {"\\ude00\\ud83d", "\xef\xbf\xbd\xef\xbf\xbd"}, /* pair reversed */
      {"\\ud83d\\ud83d\\ude00", "\xef\xbf\xbd\xf0\x9f\x98\x80"},
      {"caf\xc3\xa9 \\u007f", "caf\xc3\xa9 \x7f"},
  };
  char out[32];
  vigil_jval_t v;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof cases / sizeof *cases; i++) {
    v = jstr(cases[i].in);
    assert_int_equal(vigil_jval_str(&v, out, sizeof out), strlen(cases[i].out));
    assert_string_equal(out, cases[i].out);
    assert_true(vigil_jval_streq(&v, cases[i].out));
  }
}

static void streq_compares_exactly(void **state) {
  vigil_jval_t v = jstr("AssumeRole");
  vigil_jval_t e = jstr("Assume\\u0052ole");
  vigil_jval_t nul = jstr("a\\u0000");
  vigil_jval_t num = {VIGIL_J_NUMBER, 0, "1", 1};

  (void)state;
  assert_true(vigil_jval_streq(&v, "AssumeRole"));
  assert_false(vigil_jval_streq(&v, "AssumeRol"));
  assert_false(vigil_jval_streq(&v, "AssumeRoles"));
  assert_false(vigil_jval_streq(&v, "assumeRole"));
  assert_true(vigil_jval_streq(&e, "AssumeRole"));
  assert_false(vigil_jval_streq(&e, "AssumeRol"));
  assert_false(vigil_jval_streq(&e, "AssumeRoleX"));
  assert_false(vigil_jval_streq(&e, "AssumeQole"));
  assert_false(vigil_jval_streq(&nul, "a")); /* a NUL byte is no terminator */
  assert_false(vigil_jval_streq(&num, "1"));
  assert_false(vigil_jval_streq(NULL, ""));
}

static void str_truncates_on_character_boundaries(void **state) {
  vigil_jval_t plain = jstr("abcdef");
  vigil_jval_t raw8 = jstr("a\xc3\xa9z");         /* unescaped UTF-8 */
  vigil_jval_t esc = jstr("a\\u00e9b");           /* decodes to 4 bytes */
  vigil_jval_t emoji = jstr("\\ud83d\\ude00\\n"); /* 4 + 1 bytes */
  vigil_jval_t mixed = jstr("\\n\xe2\x82\xac");   /* \n then a raw euro sign */
  vigil_jval_t num = {VIGIL_J_NUMBER, 0, "12", 2};
  char out[8];

  (void)state;
  memset(out, 'Z', sizeof out);
  assert_int_equal(vigil_jval_str(&plain, out, 0), 6);
  assert_int_equal(out[0], 'Z'); /* cap 0: nothing written */
  assert_int_equal(vigil_jval_str(&esc, NULL, 0), 4);
  assert_int_equal(vigil_jval_str(&plain, out, 1), 6);
  assert_string_equal(out, "");
  assert_int_equal(vigil_jval_str(&plain, out, 4), 6);
  assert_string_equal(out, "abc");
  assert_int_equal(vigil_jval_str(&plain, out, 7), 6);
  assert_string_equal(out, "abcdef");

  assert_int_equal(vigil_jval_str(&raw8, out, 3), 4);
  assert_string_equal(out, "a"); /* not half of the e-acute */
  assert_int_equal(vigil_jval_str(&raw8, out, 4), 4);
  assert_string_equal(out, "a\xc3\xa9");

  assert_int_equal(vigil_jval_str(&esc, out, 3), 4);
  assert_string_equal(out, "a");
  assert_int_equal(vigil_jval_str(&esc, out, 4), 4);
  assert_string_equal(out, "a\xc3\xa9");
  assert_int_equal(vigil_jval_str(&esc, out, 5), 4);
  assert_string_equal(out, "a\303\251b");

  assert_int_equal(vigil_jval_str(&emoji, out, 4), 5);
  assert_string_equal(out, "");
  assert_int_equal(vigil_jval_str(&emoji, out, 5), 5);
  assert_string_equal(out, "\xf0\x9f\x98\x80");

  assert_int_equal(vigil_jval_str(&mixed, out, 3), 4);
  assert_string_equal(out, "\n");
  assert_int_equal(vigil_jval_str(&mixed, out, 5), 4);
  assert_string_equal(out, "\n\xe2\x82\xac");

  assert_int_equal(vigil_jval_str(&num, out, sizeof out), 0);
  assert_string_equal(out, "");
}

/* A value built by hand with broken escapes decodes without overreading. */
static void decode_never_reads_past_value(void **state) {
  static const char *const texts[] = {"ab\\", "\\u12", "\\ud83d\\ude", "\\q"};
  static const char *const want[] = {"ab\\", "\357\277\27512", "\357\277\275\357\277\275de", "q"};
  vigil_jval_t v;
  char out[16];
  size_t i, n;
  char *b;

  (void)state;
  for (i = 0; i < 4; i++) {
    n = strlen(texts[i]);
    b = exact(texts[i], n);
    v.type = VIGIL_J_STRING;
    v.escaped = 1;
    v.p = b;
    v.len = n;
    assert_int_equal(vigil_jval_str(&v, out, sizeof out), strlen(want[i]));
    assert_string_equal(out, want[i]);
    assert_true(vigil_jval_streq(&v, want[i]));
    free(b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(top_level_keys_only),
      cmocka_unit_test(nested_keys_never_match),
      cmocka_unit_test(last_duplicate_wins),
      cmocka_unit_test(escaped_names_match_as_decoded),
      cmocka_unit_test(empty_name_and_many_keys),
      cmocka_unit_test(every_value_type),
      cmocka_unit_test(scalars_at_top_level),
      cmocka_unit_test(backslash_before_closing_quote),
      cmocka_unit_test(malformed_inputs),
      cmocka_unit_test(not_an_object),
      cmocka_unit_test(nesting_depth),
      cmocka_unit_test(nested_objects_depth),
      cmocka_unit_test(every_prefix_of_a_record),
      cmocka_unit_test(iterate_empty_arrays),
      cmocka_unit_test(iterate_elements_and_nested_arrays),
      cmocka_unit_test(iterate_malformed_mid_array),
      cmocka_unit_test(iterate_non_arrays),
      cmocka_unit_test(decode_escapes),
      cmocka_unit_test(streq_compares_exactly),
      cmocka_unit_test(str_truncates_on_character_boundaries),
      cmocka_unit_test(decode_never_reads_past_value),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
