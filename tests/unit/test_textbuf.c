/*
 * The text buffer alerts are written with (core/textbuf.c): JSON strings
 * escaped byte for byte as cJSON prints them, and valid JSON put on one
 * line (whitespace between tokens dropped, strings kept whole however
 * they are escaped), checked against cJSON's reading of the same text.
 */
#include "test_unit_util.h"

#include <cjson/cJSON.h>

#include "scan.h"
#include "textbuf.h"

/* b as jstr writes s must be what cJSON prints for it (c and at name the
 * byte under test and its place, for the message). */
static void jstr_like_cjson(vigil_tbuf_t *b, const char *s, int c, int at) {
  cJSON *item = cJSON_CreateString(s);
  char *want = cJSON_PrintUnformatted(item);

  b->len = 0;
  vigil_tbuf_jstr(b, s);
  assert_false(b->oom);
  if (strcmp(b->p, want) != 0)
    fail_msg("byte 0x%02x at %d of %zu: got %s, cJSON prints %s", c, at, strlen(s), b->p, want);
  cJSON_free(want);
  cJSON_Delete(item);
}

/* Every byte 1..255, alone and between letters, escaped as cJSON does. */
static void jstr_matches_cjson(void **state) {
  char s[4];
  vigil_tbuf_t b = {0};
  int c;

  (void)state;
  for (c = 1; c < 256; c++) {
    s[0] = 'a';
    s[1] = (char)c;
    s[2] = 'z';
    s[3] = '\0';
    jstr_like_cjson(&b, s, c, 1);
  }
  b.len = 0;
  vigil_tbuf_jstr(&b, "");
  assert_string_equal(b.p, "\"\"");
  b.len = 0;
  vigil_tbuf_jstr(&b, NULL);
  assert_string_equal(b.p, "null");
  vigil_tbuf_free(&b);
}

/* Strings of every length to 40 with each byte 1..255 at each place: the
 * 16-byte steps and the byte loop after them escape alike. */
static void jstr_long_strings(void **state) {
  char s[41];
  vigil_tbuf_t b = {0};
  int c, len, at;

  (void)state;
  for (len = 1; len <= 40; len++) {
    for (at = 0; at < len; at++) {
      for (c = 1; c < 256; c++) {
        memset(s, 'a', (size_t)len);
        s[at] = (char)c;
        s[len] = '\0';
        jstr_like_cjson(&b, s, c, at);
        assert_int_equal(b.len, strlen(b.p));
      }
    }
  }
  vigil_tbuf_free(&b);
}

/* in on one line: exactly want, and the same value as cJSON reads in. */
static void minifies(const char *in, const char *want) {
  vigil_tbuf_t b = {0};
  cJSON *a;
  cJSON *m;

  assert_int_equal(vigil_scan_value(in, strlen(in), NULL, NULL), 0);
  vigil_tbuf_put(&b, "x", 1); /* appends after what is there */
  vigil_tbuf_json_min(&b, in, strlen(in));
  assert_false(b.oom);
  if (strcmp(b.p + 1, want) != 0)
    fail_msg("minified %s\n got  %s\n want %s", in, b.p + 1, want);
  assert_int_equal(b.len, strlen(b.p));
  a = cJSON_Parse(in);
  m = cJSON_Parse(b.p + 1);
  assert_non_null(m);
  assert_true(cJSON_Compare(a, m, 1));
  cJSON_Delete(a);
  cJSON_Delete(m);
  vigil_tbuf_free(&b);
}

static void json_min_cases(void **state) {
  (void)state;
  minifies("{\"a\":1}", "{\"a\":1}");
  minifies(" {\n  \"a\" : [ 1 , 2.50 ,\t-3e2 ],\r\n  \"b\" : { } , \"c\":[ ] }\n",
           "{\"a\":[1,2.50,-3e2],\"b\":{},\"c\":[]}");
  minifies("{ \"user agent\" : \"aws cli / 2 \" }", "{\"user agent\":\"aws cli / 2 \"}");
  /* Quotes after backslash runs: escaped (odd run) or closing (even). */
  minifies("[ \"a\\\"  b\" , \"c\\\\\" , \"d\\\\\\\" e\" ,\"\\\\\\\\\" ]",
           "[\"a\\\"  b\",\"c\\\\\",\"d\\\\\\\" e\",\"\\\\\\\\\"]");
  minifies("{ \"u\" : \"\\u00e9 \\/ \\n\" , \"t\" : true , \"f\" : false , \"n\" : null }",
           "{\"u\":\"\\u00e9 \\/ \\n\",\"t\":true,\"f\":false,\"n\":null}");
  minifies("  \"only a string\"  ", "\"only a string\"");
  minifies("[[[ {\"\":\"\"} ]]]", "[[[{\"\":\"\"}]]]");
}

/* Long strings and runs: an escape, a quote after backslashes and spaces
 * at every place of a 40-byte string and of a 40-byte number, so each
 * falls before, on and after the edges of the 16-byte steps. */
static void json_min_long_runs(void **state) {
  static const char *const esc[] = {"\\\"", "\\\\", "\\\\\\\"", "\\u00e9", " ", "\\/"};
  char payload[128];
  char in[1024];
  char want[1024];
  size_t e, at;

  (void)state;
  for (e = 0; e < sizeof(esc) / sizeof(esc[0]); e++) {
    for (at = 0; at <= 40; at++) {
      snprintf(payload, sizeof(payload), "%.*s%s%.*s", (int)at,
               "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", esc[e], (int)(40 - at),
               "0123456789012345678901234567890123456789");
      snprintf(in, sizeof(in), "[ \"%s\" ,\n  %.*s1 , {\"%s\" :\t\"%s\"} ,\r\n\"x\" ]",
               payload, (int)at, "1234567890123456789012345678901234567890", payload, payload);
      snprintf(want, sizeof(want), "[\"%s\",%.*s1,{\"%s\":\"%s\"},\"x\"]", payload, (int)at,
               "1234567890123456789012345678901234567890", payload, payload);
      minifies(in, want);
    }
  }
  /* whitespace only, long: nothing left but the value */
  minifies("                                        7                 ", "7");
}

#define DATA_DIR VIGIL_SOURCE_DIR "/../shared/data/cloudtrail"

static size_t nfiles;

/* One real file: on one line, and the same value as cJSON reads. */
static int visit(const char *path, const struct stat *st, int kind, struct FTW *ftw) {
  vigil_tbuf_t b = {0};
  size_t len = 0;
  size_t n = strlen(path);
  char *text;
  cJSON *a;
  cJSON *m;

  (void)st;
  (void)ftw;
  if (kind != FTW_F || n < 5 || strcmp(path + n - 5, ".json") != 0)
    return 0;
  if (!(text = td_slurp(path, &len)))
    fail_msg("cannot read %s", path);
  a = cJSON_ParseWithLength(text, len);
  if (a && vigil_scan_value(text, len, NULL, NULL) == 0) {
    vigil_tbuf_json_min(&b, text, len);
    assert_false(b.oom);
    if (memchr(b.p, '\n', b.len) || memchr(b.p, '\r', b.len) || memchr(b.p, '\t', b.len))
      fail_msg("%s: minified text keeps a line break or tab", path);
    m = cJSON_ParseWithLength(b.p, b.len);
    if (!m || !cJSON_Compare(a, m, 1))
      fail_msg("%s: minified text is not the same value", path);
    cJSON_Delete(m);
    nfiles++;
  }
  cJSON_Delete(a);
  vigil_tbuf_free(&b);
  free(text);
  return 0;
}

/* The real CloudTrail files, pretty-printed ones among them. */
static void json_min_real_files(void **state) {
  struct stat st;

  (void)state;
  if (stat(DATA_DIR, &st) != 0 || !S_ISDIR(st.st_mode)) {
    printf("[ SKIP     ] no CloudTrail data at %s\n", DATA_DIR);
    return;
  }
  assert_int_equal(nftw(DATA_DIR, visit, 16, FTW_PHYS), 0);
  printf("  %zu files minified\n", nfiles);
  assert_true(nfiles > 10);
}

static void take_and_numbers(void **state) {
  vigil_tbuf_t b = {0};
  char *s;

  (void)state;
  s = vigil_tbuf_take(&b); /* nothing written: an empty string, not NULL */
  assert_non_null(s);
  assert_string_equal(s, "");
  free(s);
  vigil_tbuf_u64(&b, 0);
  vigil_tbuf_puts(&b, ",");
  vigil_tbuf_u64(&b, UINT64_MAX);
  s = vigil_tbuf_take(&b);
  assert_string_equal(s, "0,18446744073709551615");
  assert_null(b.p);
  free(s);
  b.oom = 1; /* after running out, puts do nothing and take gives NULL */
  vigil_tbuf_puts(&b, "lost");
  assert_null(b.p);
  assert_null(vigil_tbuf_take(&b));
  assert_false(b.oom);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(jstr_matches_cjson),
      cmocka_unit_test(jstr_long_strings),
      cmocka_unit_test(json_min_cases),
      cmocka_unit_test(json_min_long_runs),
      cmocka_unit_test(json_min_real_files),
      cmocka_unit_test(take_and_numbers),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
