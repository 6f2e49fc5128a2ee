/*
 * require "vigil.json" (core/lua_jsonlib.c) inside a real rule sandbox:
 * what decode() builds for every JSON type, the errors it returns (with
 * the character where the text went wrong), the nesting limit, and that
 * its work is charged to the call's instruction budget.
 *
 * Each check is a Lua chunk; it fails the test through Lua's assert().
 */
#include "test_unit_util.h"

#include <lauxlib.h>

#include "lua_state.h"

static int setup(void **state) {
  static lua_State *L;
  char err[256];

  L = vigil_lstate_new(NULL, 0, err, sizeof(err));
  assert_non_null(L);
  *state = L;
  return 0;
}

static int teardown(void **state) {
  vigil_lstate_close(*state);
  return 0;
}

/* Runs code under the sandbox's pcall; returns its status, the error
 * text (or "") in msg. */
static int run(lua_State *L, const char *code, char *msg, size_t cap) {
  int rc;

  msg[0] = '\0';
  assert_int_equal(luaL_loadbuffer(L, code, strlen(code), "=check"), LUA_OK);
  rc = vigil_lstate_pcall(L, 0, 0);
  if (rc != LUA_OK) {
    snprintf(msg, cap, "%s", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return rc;
}

static void lua_ok(lua_State *L, const char *code) {
  char msg[512];

  if (run(L, code, msg, sizeof(msg)) != LUA_OK)
    fail_msg("%s", msg);
}

static void values(void **state) {
  lua_ok(*state,
         "local json = require 'vigil.json'\n"
         "local v = json.decode('{\"a\":\"x\",\"n\":12,\"f\":1.5,\"e\":1e3,\"neg\":-7,'\n"
         "  .. '\"t\":true,\"no\":false,\"z\":null,\"o\":{},\"l\":[],'\n"
         "  .. '\"s\":[\"p\",{\"q\":[1,[2]]}]}')\n"
         "assert(v.a == 'x')\n"
         "assert(math.type(v.n) == 'integer' and v.n == 12)\n"
         "assert(math.type(v.f) == 'float' and v.f == 1.5)\n"
         "assert(math.type(v.e) == 'float' and v.e == 1000)\n"
         "assert(v.neg == -7 and v.t == true and v.no == false)\n"
         "assert(v.z == nil and next(v.o) == nil and next(v.l) == nil)\n"
         "assert(v.s[1] == 'p' and v.s[2].q[1] == 1 and v.s[2].q[2][1] == 2)\n"
         "local big = json.decode('123456789012345678901234567890')\n"
         "assert(math.type(big) == 'float' and big > 1e29)\n"
         "assert(json.decode('  \"top\"  ') == 'top')\n"
         "assert(json.decode('null') == nil)\n");
}

static void strings_and_names(void **state) {
  lua_ok(*state,
         "local json = require 'vigil.json'\n"
         "local v = json.decode('{\"e\":\"a\\\\\"b\\\\\\\\c\\\\/d\\\\n'\n"
         "  .. '\\\\u00e9\\\\ud83d\\\\ude00\",'\n"
         "  .. '\"z\":\"x\\\\u0000y\",\"lone\":\"\\\\ud800!\",\"k\\\\u0041\":1}')\n"
         "assert(v.e == 'a\"b\\\\c/d\\n\\xc3\\xa9\\xf0\\x9f\\x98\\x80', v.e)\n"
         "assert(v.z == 'x\\0y' and #v.z == 3)\n"
         "assert(v.lone == '\\xef\\xbf\\xbd!', v.lone)\n"
         "assert(v.kA == 1)\n");
}

static void arrays_nulls_and_repeats(void **state) {
  lua_ok(*state,
         "local json = require 'vigil.json'\n"
         "local a = json.decode('[1,null,3]')\n"
         "assert(a[1] == 1 and a[2] == nil and a[3] == 3)\n"
         "local o = json.decode('{\"d\":1,\"d\":2}')\n"
         "assert(o.d == 2)\n"
         "o = json.decode('{\"d\":1,\"d\":null}')\n"
         "assert(o.d == nil and next(o) == nil)\n");
}

static void errors(void **state) {
  lua_ok(*state,
         "local json = require 'vigil.json'\n"
         "local function bad(text, want)\n"
         "  local v, err = json.decode(text)\n"
         "  assert(v == nil and type(err) == 'string', tostring(text))\n"
         "  assert(err:find(want, 1, true), tostring(text) .. ': ' .. err)\n"
         "end\n"
         "bad(42, 'not a string')\n"
         "bad('{\"a\":1,}', 'trailing comma at character 8 of 8')\n"
         "bad('{\"a\":1} x', 'trailing')\n"
         "bad('[01]', 'leading zero in number at character 2 of 4')\n"
         "bad('', 'at the end (0 characters)')\n"
         "bad('{\"a\":\"unterminated}', 'unterminated')\n"
         "bad(string.rep('[', 65) .. string.rep(']', 65), 'nesting too deep at character 65')\n"
         "bad(string.rep('[', 10000) .. string.rep(']', 10000), 'nesting too deep')\n"
         "bad('1.', 'digit expected after \\'.\\' at the end (2 characters)')\n"
         "assert(json.decode(string.rep('[', 64) .. string.rep(']', 64)))\n"
         "assert(json.decode(string.rep('[', 64) .. '\"[[[\"' .. string.rep(']', 64)))\n");
}

/* A long text costs its length against the call's budget. */
static void charged_by_length(void **state) {
  char msg[512];

  assert_int_not_equal(run(*state,
                           "local json = require 'vigil.json'\n"
                           "local s = '[' .. string.rep('1,', 600000) .. '1]'\n"
                           "json.decode(s)\n",
                           msg, sizeof(msg)),
                       LUA_OK);
  assert_non_null(strstr(msg, "instruction budget exceeded"));
  lua_ok(*state,
         "local json = require 'vigil.json'\n"
         "assert(#json.decode('[' .. string.rep('1,', 1000) .. '1]') == 1001)\n");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(values),
      cmocka_unit_test(strings_and_names),
      cmocka_unit_test(arrays_nulls_and_repeats),
      cmocka_unit_test(errors),
      cmocka_unit_test(charged_by_length),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
