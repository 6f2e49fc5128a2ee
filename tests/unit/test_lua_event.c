/*
 * The read-only Lua view over a cJSON event (lua_event.c) inside a real
 * rule sandbox: field and dotted-path access, 1-based arrays and their
 * length, pairs() over objects and arrays, null/missing as nil, integer vs
 * float numbers, booleans, writes refused, stale views refused after
 * vigil_event_next, tostring() as compact JSON.
 *
 * Each check is a Lua chunk run with the view as its argument `e`; it
 * fails the test through Lua's assert() with a message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "lua_event.h"
#include "lua_state.h"

static const char event_text[] =
    "{\"a\":\"x\",\"obj\":{\"inner\":{\"deep\":true},\"k\":\"v\"},"
    "\"list\":[10,\"two\",{\"id\":3},null],\"n\":null,"
    "\"i\":12,\"neg\":-7,\"f\":1.5,\"big\":1e300,\"zero\":0,"
    "\"t\":true,\"fa\":false,\"esc\":\"a\\\"b\\u00e9\","
    "\"empty\":{},\"a.b\":\"literal dotted key\"}";

typedef struct fix_s {
  lua_State *L;
  cJSON *ev;
} fix_t;

static int setup(void **state) {
  static fix_t f;
  char err[256];

  f.L = vigil_lstate_new(NULL, 0, err, sizeof(err));
  assert_non_null(f.L);
  f.ev = cJSON_Parse(event_text);
  assert_non_null(f.ev);
  *state = &f;
  return 0;
}

static int teardown(void **state) {
  fix_t *f = *state;

  vigil_lstate_close(f->L);
  cJSON_Delete(f->ev);
  return 0;
}

/* Runs code with e = a view of node; returns the pcall status and leaves
 * the error text (or "") in msg. */
static int run(lua_State *L, const cJSON *node, const char *code, char *msg, size_t cap) {
  int rc;

  msg[0] = '\0';
  assert_int_equal(luaL_loadbuffer(L, code, strlen(code), "=check"), LUA_OK);
  vigil_event_push(L, node);
  rc = vigil_lstate_pcall(L, 1, 0);
  if (rc != LUA_OK) {
    snprintf(msg, cap, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  assert_int_equal(lua_gettop(L), 0);
  return rc;
}

static void lua_ok(fix_t *f, const char *code) {
  char msg[512];

  if (run(f->L, f->ev, code, msg, sizeof(msg)) != LUA_OK)
    fail_msg("%s", msg);
}

static void lua_fails(fix_t *f, const char *code, const char *want) {
  char msg[512];

  assert_int_not_equal(run(f->L, f->ev, code, msg, sizeof(msg)), LUA_OK);
  if (!strstr(msg, want))
    fail_msg("error '%s' lacks '%s'", msg, want);
}

static void fields_and_paths(void **state) {
  fix_t *f = *state;

  lua_ok(f, "local e = ...\n"
            "assert(e.a == 'x', 'e.a')\n"
            "assert(e['obj.inner.deep'] == true, 'dotted path')\n"
            "assert(e.obj.inner.deep == true, 'chained')\n"
            "assert(e['obj.k'] == 'v', 'dotted string')\n"
            "assert(e['list.3.id'] == 3, 'path through an array')\n"
            "assert(e['obj.nope.deeper'] == nil, 'missing middle')\n"
            "assert(e['a.b'] == nil, 'a dotted key is a path, not a name')\n"
            "assert(e.esc == 'a\"b\\u{e9}', 'escapes decoded')\n"
            "assert(e[true] == nil, 'odd key types read nil')\n");
}

static void arrays_are_one_based(void **state) {
  fix_t *f = *state;

  lua_ok(f, "local e = ...\n"
            "assert(e.list[1] == 10, 'first')\n"
            "assert(e.list[2] == 'two', 'second')\n"
            "assert(e.list[3].id == 3, 'object in array')\n"
            "assert(e.list[4] == nil, 'null element')\n"
            "assert(e.list[5] == nil and e.list[0] == nil and e.list[-1] == nil, 'out of range')\n"
            "assert(#e.list == 4, 'length counts every element')\n"
            "assert(#e.empty == 0, 'empty object')\n");
}

static void pairs_over_objects_and_arrays(void **state) {
  fix_t *f = *state;

  lua_ok(f, "local e = ...\n"
            "local keys = {}\n"
            "for k, v in pairs(e.obj) do keys[#keys + 1] = k .. '=' .. type(v) end\n"
            "local got = table.concat(keys, ',')\n"
            "assert(got == 'inner=userdata,k=string', got)\n"
            "local items = {}\n"
            "for i, v in pairs(e.list) do items[#items + 1] = i .. ':' .. tostring(v) end\n"
            "assert(#items == 4, 'null element still iterated: ' .. #items)\n"
            "assert(items[1] == '1:10' and items[2] == '2:two' and items[4] == '4:nil',\n"
            "       table.concat(items, ','))\n"
            "local n = 0\n"
            "for _ in pairs(e.empty) do n = n + 1 end\n"
            "assert(n == 0, 'empty object has no pairs')\n"
            "n = 0\n"
            "for _ in pairs(e) do n = n + 1 end\n"
            "assert(n == 14, 'top-level members, nulls too: ' .. n)\n");
}

static void null_missing_numbers_booleans(void **state) {
  fix_t *f = *state;

  lua_ok(f, "local e = ...\n"
            "assert(e.n == nil, 'JSON null is nil')\n"
            "assert(e.missing == nil, 'missing is nil')\n"
            "assert(math.type(e.i) == 'integer' and e.i == 12, 'integer')\n"
            "assert(math.type(e.neg) == 'integer' and e.neg == -7, 'negative integer')\n"
            "assert(math.type(e.zero) == 'integer', 'zero')\n"
            "assert(math.type(e.f) == 'float' and e.f == 1.5, 'float')\n"
            "assert(math.type(e.big) == 'float' and e.big == 1e300, 'huge is float')\n"
            "assert(e.t == true, 'true')\n"
            "assert(e.fa == false, 'false is false, not nil')\n"
            "local t = { [e.i] = 'hit' }\n"
            "assert(t[12] == 'hit', 'integer keys work as table keys')\n");
}

static void writes_are_refused(void **state) {
  fix_t *f = *state;

  lua_fails(f, "local e = ...\ne.a = 'y'\n", "read-only");
  lua_fails(f, "local e = ...\ne.obj.k = 1\n", "read-only");
  lua_fails(f, "local e = ...\ne.list[1] = 1\n", "read-only");
  lua_ok(f, "local e = ...\nassert(e.a == 'x' and e.obj.k == 'v', 'unchanged')\n");
  assert_string_equal(cJSON_GetObjectItem(f->ev, "a")->valuestring, "x");
}

static void stale_views_are_refused(void **state) {
  fix_t *f = *state;
  const cJSON *node;

  lua_ok(f, "local e = ...\nkept = e\nkept_obj = e.obj\n"
            "assert(kept.a == 'x', 'fine while the event lives')\n");
  lua_getglobal(f->L, "kept");
  node = vigil_event_check(f->L, -1);
  lua_pop(f->L, 1);
  assert_ptr_equal(node, f->ev);

  vigil_event_next(f->L);
  lua_getglobal(f->L, "kept");
  assert_null(vigil_event_check(f->L, -1));
  lua_pop(f->L, 1);
  lua_fails(f, "return kept.a", "used after its event was released");
  lua_fails(f, "return kept_obj.k", "used after its event was released");
  lua_fails(f, "return #kept.list", "used after its event was released");
  lua_fails(f, "for k in pairs(kept) do end", "used after its event was released");
  lua_fails(f, "return tostring(kept_obj)", "used after its event was released");
  /* A view pushed for the new generation works. */
  lua_ok(f, "local e = ...\nassert(e.obj.k == 'v', 'fresh view')\nkept = nil\nkept_obj = nil\n");
}

static void tostring_is_json(void **state) {
  fix_t *f = *state;

  lua_ok(f, "local e = ...\n"
            "local s = tostring(e.obj)\n"
            "assert(s == '{\"inner\":{\"deep\":true},\"k\":\"v\"}', s)\n"
            "s = tostring(e.list)\n"
            "assert(s == '[10,\"two\",{\"id\":3},null]', s)\n"
            "assert(tostring(e.empty) == '{}', tostring(e.empty))\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fields_and_paths),
      cmocka_unit_test(arrays_are_one_based),
      cmocka_unit_test(pairs_over_objects_and_arrays),
      cmocka_unit_test(null_missing_numbers_booleans),
      cmocka_unit_test(writes_are_refused),
      cmocka_unit_test(stale_views_are_refused),
      cmocka_unit_test(tostring_is_json),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
