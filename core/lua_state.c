#include "lua_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "log.h"
#include "lua_event.h"

/*
 * The sandbox, on one screen. Rules get these libraries and nothing else:
 * no os, io, debug or coroutine. From the base library, the functions that
 * reach files or compile code are removed; require() finds Lua modules only
 * under the rule folders' lib/ directories and never loads C code.
 *
 * setmetatable is removed too: a metatable's methods run wherever Lua
 * touches the value, including places no budget or error handler covers: a
 * __gc finalizer at lua_close (a loop there hung the process at exit) and
 * C code that reads a rule's tables after the call returned (tests,
 * context and severity results: an erroring __index or __tostring there
 * aborted the process). What would let it back: running every such reader
 * under vigil_lstate_pcall and refusing __gc. The shared string metatable
 * is hidden for the same reason (its __tostring and __index are reached
 * from C).
 */
static const luaL_Reg allowed_libs[] = {
    {LUA_GNAME, luaopen_base},        {LUA_LOADLIBNAME, luaopen_package},
    {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
    {LUA_MATHLIBNAME, luaopen_math},  {LUA_UTF8LIBNAME, luaopen_utf8},
    {NULL, NULL}};

/* xpcall is left out: its handler could swallow an exhausted budget. */
static const char *const denied_globals[] = {"dofile",         "loadfile", "load",
                                             "collectgarbage", "xpcall",   "setmetatable",
                                             NULL};

static void *lalloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  vigil_lstate_t *ls = ud;
  size_t old = ptr ? osize : 0;

  if (nsize == 0) {
    free(ptr);
    ls->mem_used -= old;
    return NULL;
  }
  if (nsize > old && ls->mem_used + (nsize - old) > ls->mem_limit)
    return NULL;
  ptr = realloc(ptr, nsize);
  if (ptr)
    ls->mem_used = ls->mem_used - old + nsize;
  return ptr;
}

static int rule_pcall(lua_State *L);

/* print() in a rule goes to the debug log, never to stdout where alerts go. */
static int rule_print(lua_State *L) {
  luaL_Buffer b;
  int i;
  int n = lua_gettop(L);

  luaL_buffinit(L, &b);
  for (i = 1; i <= n; i++) {
    if (i > 1)
      luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  vigil_debug("rule", "%s", lua_tostring(L, -1));
  return 0;
}

static void open_libs(lua_State *L) {
  const luaL_Reg *lib;
  const char *const *g;

  for (lib = allowed_libs; lib->func; lib++) {
    luaL_requiref(L, lib->name, lib->func, 1);
    lua_pop(L, 1);
  }
  for (g = denied_globals; *g; g++) {
    lua_pushnil(L);
    lua_setglobal(L, *g);
  }
  lua_pushcfunction(L, rule_print);
  lua_setglobal(L, "print");
  lua_pushcfunction(L, rule_pcall);
  lua_setglobal(L, "pcall");
  lua_pushliteral(L, "");
  if (lua_getmetatable(L, -1)) {                       /* "", string mt */
    lua_pushliteral(L, "string");
    lua_setfield(L, -2, "__metatable");                /* getmetatable("") = "string" */
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* The stock Lua searcher would load precompiled chunks too, and reads
 * package.path at each call, which a rule can rewrite to reach any folder.
 * This one finds the file the same way (package.searchpath) but in the
 * rule folders' path fixed at start (upvalue 2, with searchpath itself as
 * upvalue 1), and loads it as text only. */
static int text_searcher(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  const char *file;

  lua_pushvalue(L, lua_upvalueindex(1));               /* searchpath */
  lua_pushstring(L, name);
  lua_pushvalue(L, lua_upvalueindex(2));               /* searchpath, name, path */
  lua_call(L, 2, 2);                                   /* file|nil, msg */
  if (lua_isnil(L, -2))
    return 1;                                          /* the "no file" message */
  file = lua_tostring(L, -2);
  if (luaL_loadfilex(L, file, "t") != LUA_OK)
    return luaL_error(L, "error loading module '%s' from file '%s':\n\t%s", name, file,
                      lua_tostring(L, -1));
  lua_pushstring(L, file);                             /* loader, file */
  return 2;
}

/* package.path = <dir>/lib/?.lua;<dir>/lib/?/init.lua for each dir, for
 * rules to read; the searcher keeps its own copy. No C loaders: only the
 * preload and text Lua searchers stay. searchpath goes too: it would tell
 * a rule which files exist anywhere. */
static void restrict_require(lua_State *L, const char *const *dirs, int ndirs) {
  luaL_Buffer b;
  int i;

  lua_getglobal(L, LUA_LOADLIBNAME);                   /* package */
  luaL_buffinit(L, &b);
  for (i = 0; i < ndirs; i++) {
    if (i > 0)
      luaL_addchar(&b, ';');
    lua_pushfstring(L, "%s/lib/?.lua;%s/lib/?/init.lua", dirs[i], dirs[i]);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);                                 /* package, path */
  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "path");                         /* package, path */
  lua_pushliteral(L, "");
  lua_setfield(L, -3, "cpath");
  lua_pushnil(L);
  lua_setfield(L, -3, "loadlib");
  lua_getfield(L, -2, "searchpath");                   /* package, path, searchpath */
  lua_insert(L, -2);                                   /* package, searchpath, path */
  lua_pushcclosure(L, text_searcher, 2);               /* package, searcher */
  lua_pushnil(L);
  lua_setfield(L, -3, "searchpath");
  lua_getfield(L, -2, "searchers");                    /* package, searcher, searchers */
  lua_pushnil(L);
  lua_rawseti(L, -2, 4);                               /* drop all-in-one C loader */
  lua_pushnil(L);
  lua_rawseti(L, -2, 3);                               /* drop C loader */
  lua_insert(L, -2);                                   /* package, searchers, searcher */
  lua_rawseti(L, -2, 2);                               /* Lua loader, text only */
  lua_pop(L, 2);
}

lua_State *vigil_lstate_new(const char *const *rule_dirs, int ndirs, char *err, size_t errlen) {
  vigil_lstate_t *ls = calloc(1, sizeof(*ls));
  lua_State *L;

  if (!ls)
    goto nomem;
  ls->mem_limit = VIGIL_LUA_MEM_LIMIT_DEFAULT;
  ls->budget = VIGIL_LUA_BUDGET_DEFAULT;
  L = lua_newstate(lalloc, ls);
  if (!L) {
    free(ls);
    goto nomem;
  }
  *(vigil_lstate_t **)lua_getextraspace(L) = ls;
  open_libs(L);
  restrict_require(L, rule_dirs, ndirs);
  vigil_event_open(L);
  return L;

nomem:
  snprintf(err, errlen, "cannot create a Lua state: out of memory");
  return NULL;
}

void vigil_lstate_close(lua_State *L) {
  vigil_lstate_t *ls;

  if (!L)
    return;
  ls = vigil_lstate(L);
  lua_close(L);
  free(ls);
}

static void budget_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  vigil_lstate(L)->exhausted = 1;
  luaL_where(L, 0); /* the running Lua function's file:line */
  lua_pushfstring(L, "instruction budget exceeded (%d VM instructions)",
                  vigil_lstate(L)->budget);
  lua_concat(L, 2);
  lua_error(L);
}

/* pcall for rules: like the stock one, except that an exhausted budget is
 * re-raised, so `while true do pcall(f) end` cannot outlive it. Rules do
 * not yield (no coroutines), so no continuation is needed. */
static int rule_pcall(lua_State *L) {
  int status;

  luaL_checkany(L, 1);
  status = lua_pcall(L, lua_gettop(L) - 1, LUA_MULTRET, 0);
  if (status != LUA_OK && vigil_lstate(L)->exhausted)
    return lua_error(L);
  lua_pushboolean(L, status == LUA_OK);
  lua_insert(L, 1);
  return lua_gettop(L);
}

int vigil_lstate_pcall(lua_State *L, int nargs, int nresults) {
  int rc;

  /* Re-arming the count hook resets its counter for this call. */
  vigil_lstate(L)->exhausted = 0;
  lua_sethook(L, budget_hook, LUA_MASKCOUNT, vigil_lstate(L)->budget);
  rc = lua_pcall(L, nargs, nresults, 0);
  lua_sethook(L, NULL, 0, 0);
  return rc;
}
