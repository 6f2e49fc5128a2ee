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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(everyday_patterns_are_cheap),
      cmocka_unit_test(bombs_go_over),
      cmocka_unit_test(linear_where_lua_is),
      cmocka_unit_test(malformed_stops_without_hanging),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
