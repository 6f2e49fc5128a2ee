/*
 * The cost of a Lua pattern search (core/lua_pattern.c): small for what
 * rules do, over the limit for backtracking bombs however they are
 * dressed (long plain prefixes, captures, anchors, gsub over a subject),
 * and linear where Lua's own search is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lua_pattern.h"

#define LIMIT 1000000

static int64_t cost(const char *s, const char *p, int all) {
  return vigil_pattern_cost(s, strlen(s), p, strlen(p), 0, all, LIMIT);
}

static char *rep(char c, size_t n) {
  char *s = malloc(n + 1);

  assert_non_null(s);
  memset(s, c, n);
  s[n] = '\0';
  return s;
}

static void everyday_patterns_are_cheap(void **state) {
  (void)state;
  assert_true(cost("arn:aws:iam::111122223333:user/alice", "user/(%w+)$", 0) < 500);
  assert_true(cost("arn:aws:iam::aws:policy/AdministratorAccess", "([^/]*)$", 0) < 2000);
  assert_true(cost("a.b.c", "%.", 1) < 100);
  assert_true(cost("one two three", "%a+", 2) < 200);
  assert_true(cost("{\"Effect\" : \"Allow\"}", "\"Effect\"%s*:%s*\"(%a+)\"", 0) < 500);
  assert_true(cost("x(a(b)c)y", "%b()", 0) < 100);
  assert_true(cost("THE (quick) fox", "%f[%a]%a+", 1) < 500);
  assert_true(cost("abcabc", "(abc)%1", 0) < 100);
}

static void bombs_go_over(void **state) {
  char *a300 = rep('a', 300);
  char *a1m = rep('a', 1 << 20);
  char *padded = malloc(4096);

  (void)state;
  assert_true(cost(a300, "a*a*a*a*b", 0) > LIMIT);
  assert_true(cost(a1m, ".-b", 0) > LIMIT);
  assert_true(cost(a300, "(a*)(a*)(a*)(a*)b", 0) > LIMIT);
  assert_true(cost(a300, "[%a]*[%w]*.*.-b", 0) > LIMIT);
  assert_true(vigil_pattern_cost(a300, 300, "a*a*a*b", 7, 0, 1, LIMIT) > LIMIT);
  /* 300 plain items first: the walk loops over them as Lua does, so its
   * depth cannot run out before the bomb behind them. */
  snprintf(padded, 4096, "%sa*a*a*a*b", a300);
  {
    char *subject = rep('a', 2000);
    assert_true(cost(subject, padded, 0) > LIMIT);
    free(subject);
  }
  free(a300);
  free(a1m);
  free(padded);
}

static void linear_where_lua_is(void **state) {
  char *a1m = rep('a', 1 << 20);
  int64_t c;

  (void)state;
  /* Anchored: one attempt. */
  c = vigil_pattern_cost(a1m, 1 << 20, "^a*b", 4, 0, 0, INT64_MAX);
  assert_true(c < 3 * (1 << 20));
  /* A class that stops at once at each start. */
  c = vigil_pattern_cost(a1m, 1 << 20, "b+", 2, 0, 1, INT64_MAX);
  assert_true(c < 4 * (1 << 20));
  free(a1m);
}

static void malformed_stops_without_hanging(void **state) {
  (void)state;
  assert_true(cost("abc", "[a", 0) < 100);
  assert_true(cost("abc", "a%", 0) < 100);
  assert_true(cost("abc", "%f", 0) < 100);
  assert_true(cost("abc", "(a", 0) < 100);
  assert_true(cost("abc", "a)", 0) < 100);
}

static int reps(const char *p, int all, int *anchored, int *linear) {
  return vigil_pattern_reps(p, strlen(p), all, anchored, linear);
}

/* The shape read as Lua reads the pattern: escapes and set members are no
 * repetitions, a repetition is linear only when what follows stops it. */
static void shape_follows_lua(void **state) {
  int a;
  int l;

  (void)state;
  assert_int_equal(reps("^arn:[%w%-]+:iam::(%d+)", 0, &a, &l), 0);
  assert_int_equal(a, 1);
  assert_int_equal(l, 2);
  assert_int_equal(reps(":assumed%-role/[^/]+/i%-(%x+)$", 0, &a, &l), 0);
  assert_int_equal(a, 0);
  assert_int_equal(l, 2);
  assert_int_equal(reps("%-%w%w%w%w%w%w$", 1, &a, &l), 0);
  assert_int_equal(l, 0);
  assert_int_equal(reps("[*+?-]%?", 0, &a, &l), 0);
  assert_int_equal(l, 0);
  /* gmatch reads '^' as a character. */
  assert_int_equal(reps("^a", 2, &a, &l), 0);
  assert_int_equal(a, 0);
  /* Followed by what they match, by another repetition, by a class or
   * across captures into one: they multiply. */
  assert_int_equal(reps("a*a*a*a*b", 0, &a, &l), 3);
  assert_int_equal(l, 1);
  assert_int_equal(reps("(a*)(a*)b", 0, &a, &l), 1);
  assert_int_equal(l, 1);
  assert_int_equal(reps(".-b", 0, &a, &l), 1);
  assert_int_equal(reps("[^/]*/?x", 0, &a, &l), 1);
  assert_int_equal(reps("%d+%a", 0, &a, &l), 1);
  assert_int_equal(reps("%d+%1", 0, &a, &l), 2);
  assert_int_equal(reps("x%b()y", 0, &a, &l), 1);
  assert_int_equal(reps("%f[%w]%w+", 0, &a, &l), 0);
  assert_int_equal(l, 1);
  /* Malformed: -1, to be walked. */
  assert_int_equal(reps("a*[b", 0, &a, &l), -1);
  assert_int_equal(reps("a*%", 0, &a, &l), -1);
  assert_int_equal(reps("%bx", 0, &a, &l), -1);
  assert_int_equal(reps("%fx", 0, &a, &l), -1);
}

/* The cache answers by the pattern's bytes, not its address: new bytes at
 * an address it has seen (a collected string's, reused) are read anew. */
static void shape_cache_follows_the_bytes(void **state) {
  char p[64];
  int a;
  int l;
  int ra;
  int rl;

  (void)state;
  strcpy(p, "[^/]+/x");
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 0, &a, &l), 0);
  assert_int_equal(l, 1);
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 0, &a, &l), 0);
  assert_int_equal(l, 1);
  strcpy(p, "[^/]+.x"); /* same length, same address, now a multiplier */
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 0, &a, &l), 1);
  assert_int_equal(l, 0);
  /* The kind is part of the key: '^' anchors find, not gmatch. */
  strcpy(p, "^a*b");
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 0, &a, &l), 0);
  assert_int_equal(a, 1);
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 2, &a, &l), 0);
  assert_int_equal(a, 0);
  /* Longer than a slot holds: parsed every time, same answer. */
  memset(p, 'a', 60);
  strcpy(p + 60, "*a");
  assert_int_equal(vigil_pattern_shape(p, strlen(p), 0, &a, &l),
                   vigil_pattern_reps(p, strlen(p), 0, &ra, &rl));
  assert_int_equal(l, rl);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(everyday_patterns_are_cheap),
      cmocka_unit_test(bombs_go_over),
      cmocka_unit_test(linear_where_lua_is),
      cmocka_unit_test(malformed_stops_without_hanging),
      cmocka_unit_test(shape_follows_lua),
      cmocka_unit_test(shape_cache_follows_the_bytes),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
