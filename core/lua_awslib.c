/*
 * require "vigil.aws_core": the hottest questions of vigil.aws answered in
 * C on byte views. Nearly every rule asks whether a call succeeded, came
 * from an AWS service or from the console; in Lua each answer cost a
 * wrapper, a function call and two or three field reads pushed as Lua
 * strings, every VM instruction of it also paying the instruction-budget
 * hook (docs/performance.md).
 *
 * Each constructor takes the Lua function it stands for and returns a C
 * closure that answers for a live byte view (remembering the answer for
 * the last view asked, as vigil.aws's per_event did) and calls the Lua
 * function for anything else: tree views (VIGIL_FAST_PATH=off), tables,
 * stale views. Both must give the same answer; tests/e2e/test_aws_helpers.sh
 * asks both over every userIdentity shape.
 */
#include "lua_awslib.h"

#include <string.h>

#include <lauxlib.h>

#include "lua_event.h"
#include "lua_state.h"

/* upvalues of each closure */
#define UP_LUA 1  /* the Lua function it stands for */
#define UP_VIEW 2 /* the last view answered, or nil */
#define UP_GEN 3  /* that view's generation */
#define UP_ANS 4  /* its answer */

typedef int (*answer_fn)(lua_State *L); /* 1/0, or -1: not a byte view */

/* Text of the field at path as e[path] gives it: 1 with *s, *n set; 0 when
 * absent or not a string; -1 when the view cannot answer. */
static int field(lua_State *L, const char *path, const char **s, size_t *n) {
  vigil_jval_t v;

  if (vigil_event_view_get(L, 1, path, strlen(path), &v) != 0)
    return -1;
  if (v.type != VIGIL_J_STRING)
    return 0;
  return (*s = vigil_event_view_str(L, &v, n)) ? 1 : -1;
}

static int is(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);

  return n == k && memcmp(s, lit, k) == 0;
}

static int ends(const char *s, size_t n, const char *lit) {
  size_t k = strlen(lit);

  return n >= k && memcmp(s + n - k, lit, k) == 0;
}

/* aws.succeeded */
static int succeeded(lua_State *L) {
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "errorCode", &s, &n)) < 0)
    return -1;
  if (r && n > 0)
    return 0;
  if ((r = field(L, "eventName", &s, &n)) < 0)
    return -1;
  if (!r || !is(s, n, "ConsoleLogin"))
    return 1;
  if ((r = field(L, "responseElements.ConsoleLogin", &s, &n)) < 0)
    return -1;
  return r && is(s, n, "Success");
}

/* aws.is_aws_service */
static int aws_service(lua_State *L) {
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "userIdentity.type", &s, &n)) < 0)
    return -1;
  if (r && is(s, n, "AWSService"))
    return 1;
  if ((r = field(L, "userIdentity.invokedBy", &s, &n)) < 0)
    return -1;
  return r && ends(s, n, ".amazonaws.com") && !is(s, n, "signin.amazonaws.com") &&
         !is(s, n, "console.amazonaws.com");
}

/* aws.is_console */
static int console(lua_State *L) {
  vigil_jval_t flag;
  const char *s;
  size_t n;
  int r;

  if ((r = field(L, "eventType", &s, &n)) < 0)
    return -1;
  if (r && is(s, n, "AwsConsoleSignIn"))
    return 1;
  if (vigil_event_view_get(L, 1, "sessionCredentialFromConsole", 28, &flag) != 0)
    return -1;
  if (flag.type == VIGIL_J_TRUE)
    return 1;
  if (flag.type == VIGIL_J_STRING) {
    if (!(s = vigil_event_view_str(L, &flag, &n)))
      return -1;
    if (is(s, n, "true"))
      return 1;
  }
  if ((r = field(L, "userAgent", &s, &n)) < 0)
    return -1;
  if (!r)
    return 0;
  return is(s, n, "signin.amazonaws.com") || is(s, n, "console.amazonaws.com") ||
         memmem(s, n, "Console/", 8) || memmem(s, n, "Console,", 8);
}

static int answer(lua_State *L, answer_fn fn) {
  lua_Integer gen = (lua_Integer)vigil_lstate(L)->event_gen;
  int r;

  lua_settop(L, 1);
  /* The view itself is kept, as per_event kept it: while it is held, no
   * other view of the record can take its address. */
  if (lua_rawequal(L, 1, lua_upvalueindex(UP_VIEW)) &&
      lua_tointeger(L, lua_upvalueindex(UP_GEN)) == gen) {
    lua_pushvalue(L, lua_upvalueindex(UP_ANS));
    return 1;
  }
  if ((r = fn(L)) < 0) {
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(UP_LUA));
    lua_insert(L, 1);
    lua_call(L, 1, 1);
    return 1;
  }
  lua_settop(L, 1);
  lua_pushvalue(L, 1);
  lua_replace(L, lua_upvalueindex(UP_VIEW));
  lua_pushinteger(L, gen);
  lua_replace(L, lua_upvalueindex(UP_GEN));
  lua_pushboolean(L, r);
  lua_replace(L, lua_upvalueindex(UP_ANS));
  lua_pushboolean(L, r);
  return 1;
}

static int l_succeeded(lua_State *L) {
  return answer(L, succeeded);
}

static int l_aws_service(lua_State *L) {
  return answer(L, aws_service);
}

static int l_console(lua_State *L) {
  return answer(L, console);
}

/* core.X(lua_fn) -> the C closure standing for lua_fn */
static int make(lua_State *L, lua_CFunction f) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_settop(L, 1);
  lua_pushnil(L);
  lua_pushinteger(L, -1);
  lua_pushboolean(L, 0);
  lua_pushcclosure(L, f, 4);
  return 1;
}

static int mk_succeeded(lua_State *L) {
  return make(L, l_succeeded);
}

static int mk_aws_service(lua_State *L) {
  return make(L, l_aws_service);
}

static int mk_console(lua_State *L) {
  return make(L, l_console);
}

static int open_aws_core(lua_State *L) {
  static const luaL_Reg fns[] = {{"succeeded", mk_succeeded},
                                 {"is_aws_service", mk_aws_service},
                                 {"is_console", mk_console},
                                 {NULL, NULL}};

  luaL_newlib(L, fns);
  return 1;
}

void vigil_awslib_register(lua_State *L) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open_aws_core);
  lua_setfield(L, -2, "vigil.aws_core");
  lua_pop(L, 1);
}
