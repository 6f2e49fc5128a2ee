/*
 * vigil_lua_to_json (core/lua_json.c), which turns a rule's context and
 * runbook tables into an alert's JSON: sequences become arrays, other
 * tables objects whose members are sorted by name, so an alert prints the
 * same bytes in every run whatever order Lua's seeded hash gives the keys.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua_json.h"

/* The JSON text of what chunk returns, or NULL with *why set. */
static char *json_of(const char *chunk, const char **why) {
  lua_State *L = luaL_newstate();
  cJSON *j;
  char *text = NULL;

  assert_non_null(L);
  luaL_openlibs(L);
  assert_int_equal(luaL_dostring(L, chunk), LUA_OK);
  *why = NULL;
  j = vigil_lua_to_json(L, -1, why);
  if (j)
    text = cJSON_PrintUnformatted(j);
  cJSON_Delete(j);
  lua_close(L);
  return text;
}

static void expect_json(const char *chunk, const char *want) {
  const char *why;
  char *got = json_of(chunk, &why);

  if (!got)
    fail_msg("%s: %s", chunk, why ? why : "(no reason)");
  assert_string_equal(got, want);
  free(got);
}

static void test_members_sorted(void **state) {
  (void)state;
  expect_json("return { zeta = 1, alpha = 'a', mid = true }",
              "{\"alpha\":\"a\",\"mid\":true,\"zeta\":1}");
  /* Nested objects too, and arrays keep their order. */
  expect_json(
      "return { runbook = { risks = 'r', about = 'a', cli = {'b', 'a'}, console = 'c' },"
      " context = { via_console = false, root = true } }",
      "{\"context\":{\"root\":true,\"via_console\":false},"
      "\"runbook\":{\"about\":\"a\",\"cli\":[\"b\",\"a\"],\"console\":\"c\",\"risks\":\"r\"}}");
}

/* Many keys inserted in reverse: whatever the hash order, the output is
 * sorted, and appending to the object afterwards still works (cJSON keeps
 * the last member in the first one's prev). */
static void test_many_keys_and_append(void **state) {
  lua_State *L = luaL_newstate();
  const char *why = NULL;
  cJSON *j, *c, *prev = NULL;
  int n = 0;

  (void)state;
  luaL_openlibs(L);
  assert_int_equal(luaL_dostring(L, "local t = {} for i = 60, 1, -1 do"
                                    " t[string.format('k%02d', i)] = i end return t"),
                   LUA_OK);
  j = vigil_lua_to_json(L, -1, &why);
  assert_non_null(j);
  for (c = j->child; c; c = c->next, n++) {
    if (prev)
      assert_true(strcmp(prev->string, c->string) < 0);
    assert_ptr_equal(c->prev, prev ? prev : j->child->prev);
    prev = c;
  }
  assert_int_equal(n, 60);
  assert_ptr_equal(j->child->prev, prev);
  cJSON_AddNumberToObject(j, "zz", 1);
  assert_string_equal(j->child->prev->string, "zz");
  assert_int_equal(cJSON_GetArraySize(j), 61);
  cJSON_Delete(j);
  lua_close(L);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_members_sorted),
      cmocka_unit_test(test_many_keys_and_append),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
