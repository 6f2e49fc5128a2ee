/*
 * on.unless's value patterns (core/field_pat.c): every kind hits and
 * misses, matching is bounded by the given length, and the texts that are
 * not patterns are refused.
 */
#include "test_unit_util.h"

#include "field_pat.h"


typedef struct fp_case_s {
  const char *pat;
  const char *s;
  int hit;
} fp_case_t;

static const fp_case_t fp_cases[] = {
    /* exact: the whole text, case-sensitive */
    {"abc", "abc", 1}, {"abc", "ab", 0}, {"abc", "abcd", 0}, {"abc", "xabc", 0},
    {"abc", "ABC", 0}, {"abc", "", 0}, {"x", "x", 1},
    /* prefix */
    {"ab*", "ab", 1}, {"ab*", "abc", 1}, {"ab*", "a", 0}, {"ab*", "xab", 0},
    {"ab*", "Abc", 0}, {"a*", "a", 1}, {"a*", "", 0},
    /* suffix */
    {"*yz", "yz", 1}, {"*yz", "xyz", 1}, {"*yz", "yzx", 0}, {"*yz", "z", 0},
    {"*yz", "", 0}, {"*yz", "xYz", 0}, {"*a", "a", 1}, {"*a", "", 0},
    /* substring, at either end or inside; in "aaab" the first try at
     * "aa" fails and the match starts one byte later */
    {"*aab*", "aab", 1}, {"*aab*", "xaab", 1}, {"*aab*", "aabx", 1}, {"*aab*", "aaab", 1},
    {"*aab*", "aaaab", 1}, {"*aab*", "abaab", 1}, {"*aab*", "aba", 0}, {"*aab*", "aa", 0},
    {"*aab*", "aAb", 0}, {"*aab*", "baa", 0}, {"*b*", "b", 1}, {"*b*", "ab", 1},
    {"*b*", "ba", 1}, {"*b*", "", 0}, {"*b*", "B", 0}, {"*a*", "a", 1},
    /* any string, the empty one too */
    {"*", "", 1}, {"*", "anything", 1},
};

static void field_pat_hits_and_misses(void **state) {
  vigil_fpat_t p;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(fp_cases) / sizeof(fp_cases[0]); i++) {
    assert_int_equal(vigil_fpat_parse(fp_cases[i].pat, &p), 0);
    if (vigil_fpat_hit(&p, fp_cases[i].s, strlen(fp_cases[i].s)) != fp_cases[i].hit)
      print_error("pattern '%s' on '%s': want %d\n", fp_cases[i].pat, fp_cases[i].s,
                  fp_cases[i].hit);
    assert_int_equal(vigil_fpat_hit(&p, fp_cases[i].s, strlen(fp_cases[i].s)),
                     fp_cases[i].hit);
  }
}

/* The kind, and the text between the stars borrowed from the pattern. */
static void field_pat_kinds(void **state) {
  static const struct {
    const char *pat;
    vigil_fpat_kind_t kind;
    size_t off;
    size_t len;
  } k[] = {{"abc", VIGIL_FPAT_EXACT, 0, 3},     {"ab*", VIGIL_FPAT_PREFIX, 0, 2},
           {"*yz", VIGIL_FPAT_SUFFIX, 1, 2},    {"*aab*", VIGIL_FPAT_CONTAINS, 1, 3},
           {"*", VIGIL_FPAT_ANY, 0, 0},         {"x", VIGIL_FPAT_EXACT, 0, 1}};
  vigil_fpat_t p;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
    assert_int_equal(vigil_fpat_parse(k[i].pat, &p), 0);
    assert_int_equal(p.kind, k[i].kind);
    assert_ptr_equal(p.s, k[i].pat + k[i].off);
    assert_int_equal(p.len, k[i].len);
  }
}

/* Matching goes by the length given, never past it nor up to a NUL. */
static void field_pat_length_delimited(void **state) {
  vigil_fpat_t p;

  (void)state;
  assert_int_equal(vigil_fpat_parse("ab", &p), 0);
  assert_int_equal(vigil_fpat_hit(&p, "abc", 2), 1);
  assert_int_equal(vigil_fpat_hit(&p, "ab\0", 3), 0);
  assert_int_equal(vigil_fpat_parse("*yz", &p), 0);
  assert_int_equal(vigil_fpat_hit(&p, "xyz", 2), 0);
  assert_int_equal(vigil_fpat_hit(&p, "yz\0", 3), 0);
  assert_int_equal(vigil_fpat_parse("*b*", &p), 0);
  assert_int_equal(vigil_fpat_hit(&p, "abc", 1), 0);
  assert_int_equal(vigil_fpat_hit(&p, "a\0b", 3), 1);
  assert_int_equal(vigil_fpat_parse("ab*", &p), 0);
  assert_int_equal(vigil_fpat_hit(&p, "abc", 1), 0);
}

static void field_pat_rejects(void **state) {
  static const char *const bad[] = {"", "**", "***", "a*b", "*a*b", "a*b*", "a**", "*a**"};
  vigil_fpat_t p;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (vigil_fpat_parse(bad[i], &p) != -1)
      print_error("'%s' should not parse\n", bad[i]);
    assert_int_equal(vigil_fpat_parse(bad[i], &p), -1);
  }
}

/* vigil_fpat_contains against memmem: haystacks of every length to 70
 * over a small alphabet (many near misses), needles cut from them and
 * made up, each on an exact-size copy so ASan catches a read past it. */
static void contains_matches_memmem(void **state) {
  uint64_t x = 0x9e3779b97f4a7c15ull;
  char hay[70];
  char nee[20];
  size_t len;
  size_t n;
  size_t i;
  int round;
  char *h;
  char *q;

  (void)state;
  for (round = 0; round < 4000; round++) {
    len = (size_t)round % 70;
    for (i = 0; i < len; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      hay[i] = "abAB/ "[x % 6];
    }
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    n = (size_t)(x % 19) + 1;
    if (len >= n && x % 2) { /* cut from the haystack: a hit somewhere */
      memcpy(nee, hay + (x >> 8) % (len - n + 1), n);
    } else {
      for (i = 0; i < n; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        nee[i] = "abAB/ "[x % 6];
      }
    }
    h = malloc(len ? len : 1);
    q = malloc(n);
    assert_non_null(h);
    assert_non_null(q);
    memcpy(h, hay, len);
    memcpy(q, nee, n);
    if (vigil_fpat_contains(h, len, q, n) != (memmem(h, len, q, n) != NULL))
      fail_msg("round %d: '%.*s' in '%.*s'", round, (int)n, nee, (int)len, hay);
    free(h);
    free(q);
  }
  assert_true(vigil_fpat_contains("abc", 3, "", 0));
  assert_false(vigil_fpat_contains("ab", 2, "abc", 3));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(field_pat_hits_and_misses),
      cmocka_unit_test(field_pat_kinds),
      cmocka_unit_test(field_pat_length_delimited),
      cmocka_unit_test(field_pat_rejects),
      cmocka_unit_test(contains_matches_memmem),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
