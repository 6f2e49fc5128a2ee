/*
 * vp_json_complete (plugins/common/json_extent.c), the test a source makes
 * on a first line to tell JSON Lines from one document: hand-written cases
 * with their answers, then the word-at-a-time string skip against a
 * byte-at-a-time reference on random text dense in quotes and backslashes
 * (every alignment), and on every cut of the real logs in
 * ../shared/data/cloudtrail (skipped with a message when absent).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json_extent.h"

#define DATA_DIR VIGIL_SOURCE_DIR "/../shared/data/cloudtrail"

/* The reference: one byte at a time, the plain state machine. */
static int ref_complete(const char *p, size_t n) {
  size_t i = 0, depth = 0;
  int in_str = 0, esc = 0;

  while (i < n && vp_blank_char(p[i]))
    i++;
  if (i == n)
    return 0;
  if (p[i] != '{' && p[i] != '[' && p[i] != '"') {
    while (i < n && !vp_blank_char(p[i]))
      i++;
    return vp_blank(p + i, n - i);
  }
  for (; i < n; i++) {
    if (in_str) {
      if (esc)
        esc = 0;
      else if (p[i] == '\\')
        esc = 1;
      else if (p[i] == '"' && (in_str = 0, depth == 0))
        return vp_blank(p + i + 1, n - i - 1);
    } else if (p[i] == '"') {
      in_str = 1;
    } else if (p[i] == '{' || p[i] == '[') {
      depth++;
    } else if ((p[i] == '}' || p[i] == ']') && --depth == 0) {
      return vp_blank(p + i + 1, n - i - 1);
    }
  }
  return 0;
}

static int complete_s(const char *s) {
  return vp_json_complete(s, strlen(s));
}

static void test_cases(void **state) {
  static const struct {
    const char *text;
    int complete;
  } cases[] = {
      {"", 0},
      {"  \t\r\n", 0},
      {"{}", 1},
      {"  {\"a\":1}  \n", 1},
      {"{\"a\":1} x", 0},
      {"{\"a\":1}{}", 0},
      {"{", 0},
      {"{\"Records\":[", 0},
      {"[1,2,[3]]", 1},
      {"\"abc\"", 1},
      {"\"abc", 0},
      {"123", 1},
      {"true \n", 1},
      {"12 34", 0},
      /* Brackets and quotes inside strings do not count. */
      {"{\"a\":\"}]{[\"}", 1},
      {"{\"a\":\"}\"", 0},
      /* Escapes: an escaped quote does not close, an escaped backslash
       * does not escape the quote after it. */
      {"{\"a\":\"x\\\"}\"}", 1},
      {"{\"a\":\"x\\\"}", 0},
      {"{\"a\":\"x\\\\\"}", 1},
      {"{\"a\":\"x\\\\\\\"}\"}", 1},
      {"\"\\", 0},
      {"\"abcdefg\\", 0},
      {"\"abcdefgh\\\"\"", 1},
      /* The same with the quote or backslash at each place of an 8-byte word. */
      {"{\"k\":\"0123456\\\"9abcdef\"}", 1},
      {"{\"k\":\"01234567\\\"9abcdef\"}", 1},
      {"{\"k\":\"012345678\\\"9abcdef\"}", 1},
      {"{\"k\":\"0123456789abcdef\"", 0},
      /* Bytes with the high bit set (UTF-8) are string bytes like others. */
      {"{\"k\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xa2\xdc\"}", 1},
  };
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    if (complete_s(cases[i].text) != cases[i].complete)
      fail_msg("case %zu: \"%s\": want %d", i, cases[i].text, cases[i].complete);
    assert_int_equal(ref_complete(cases[i].text, strlen(cases[i].text)), cases[i].complete);
  }
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (unsigned)(rng >> 32);
}

/* Random text that is mostly strings, with quotes and backslashes close
 * together, placed at every offset from an aligned buffer. */
static void test_random_against_reference(void **state) {
  static const char alphabet[] = "\"\"\"\\\\{}[] ab\n\xc3\xa9:,0";
  char buf[128 + 8];
  size_t round, len, off, k;
  int want, got;

  (void)state;
  for (round = 0; round < 300000; round++) {
    off = round % 8;
    len = next_rand() % 120;
    buf[off] = next_rand() % 4 ? '{' : '"';
    for (k = 1; k < len; k++)
      buf[off + k] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
    if (len > 2 && next_rand() % 2)
      buf[off + len - 1] = buf[off] == '{' ? '}' : '"';
    want = ref_complete(buf + off, len);
    got = vp_json_complete(buf + off, len);
    if (want != got)
      fail_msg("round %zu: \"%.*s\": want %d, got %d", round, (int)len, buf + off, want, got);
  }
}

/* Every prefix-cut of a real file (at a stride) and the whole file, with
 * and without the blanks around it, against the reference. */
static size_t check_text(const char *path, const char *p, size_t n) {
  size_t stride = n / 97 + 1, cut, checks = 0;

  for (cut = 0; cut <= n; cut += stride, checks++)
    if (vp_json_complete(p, cut) != ref_complete(p, cut))
      fail_msg("%s cut at %zu: want %d", path, cut, ref_complete(p, cut));
  if (vp_json_complete(p, n) != ref_complete(p, n))
    fail_msg("%s whole: want %d", path, ref_complete(p, n));
  return checks + 1;
}

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  char *b = NULL;
  long n = -1;

  *len = 0;
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0)
    b = malloc((size_t)n + 1);
  if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
    free(b);
    b = NULL;
  }
  if (b)
    *len = (size_t)n;
  fclose(f);
  return b;
}

static size_t walk(const char *dir, size_t *files) {
  DIR *d = opendir(dir);
  struct dirent *e;
  char path[4096];
  size_t checks = 0, len, n;
  char *text;

  if (!d)
    return 0;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    n = strlen(e->d_name);
    if (e->d_type == DT_DIR) {
      checks += walk(path, files);
    } else if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0 && (text = slurp(path, &len))) {
      checks += check_text(path, text, len);
      (*files)++;
      free(text);
    }
  }
  closedir(d);
  return checks;
}

static void test_real_logs(void **state) {
  size_t files = 0, checks;

  (void)state;
  checks = walk(DATA_DIR, &files);
  if (files == 0) {
    print_message("SKIP: no .json files under %s\n", DATA_DIR);
    skip();
  }
  print_message("%zu cuts of %zu real files agree with the reference\n", checks, files);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cases),
      cmocka_unit_test(test_random_against_reference),
      cmocka_unit_test(test_real_logs),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
