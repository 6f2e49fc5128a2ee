#include "lua_state.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lualib.h>

#include "jdoc.h"
#include "log.h"
#include "lua_event.h"
#include "lua_nativelib.h"
#include "lua_jsonlib.h"
#include "lua_pattern.h"

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
 *
 * The instruction budget counts VM instructions, so a C function that
 * loops on its own escaped it: string.rep("", 1e12) and table.move over a
 * huge range ran for minutes in one instruction, and Lua's pattern matcher
 * backtracks inside one C call (("a"):rep(300):find(("a*"):rep(4) .. "b")
 * ran for minutes too). Those functions charge their work to the budget
 * (charge()): the iterations of rep and move, and for string.find, match,
 * gmatch and gsub a step count of the same search made by
 * core/lua_pattern.c before the stock matcher runs (patterns without
 * repetition are charged a bound, and small searches, judged by a bound
 * from the pattern's shape in small_search(), are not walked). Each call
 * may also allocate at most churn_limit bytes in all, which bounds string
 * building.
 *
 * Some single instructions cost in proportion to their operands (== on
 * two long strings compares every byte), so no count bounds time alone:
 * one allocation may not exceed VIGIL_LUA_ALLOC_MAX, which bounds an
 * operand, and the hook that counts instructions also checks the call's
 * time every VIGIL_LUA_HOOK_STEP instructions.
 *
 * table.sort, insert, remove, unpack and utf8.len, offset loop over data
 * already in memory: they are charged by its length (charged_len()).
 *
 * The price, measured on the 100k-record bench corpus with 1 worker (the
 * shipped pack, Release, 4 alternating runs): rule evaluation 486-521 ms
 * without the charging, 529-565 ms with it; the scan's user CPU 0.86-0.90
 * s -> 0.87-0.95 s. What is left is the wrappers and the walks of searches
 * too large to leave uncharged; a matcher of our own that returns the
 * match (rather than costing it for Lua's) would take the walks back.
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

/*
 * The caps hold only while rule code runs (in_call). The host's own pushes
 * and reads between calls (the event view, a result turned into text or
 * JSON) happen outside any protected call, where a refused allocation
 * would be a Lua panic, an abort of the whole process: a rule that filled
 * the state to the byte and kept it in a global could make the next
 * event's push fail. Letting those few bytes through keeps the process
 * alive; the next rule call then meets the full state as a memory error.
 */
static void *lalloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  vigil_lstate_t *ls = ud;
  size_t old = ptr ? osize : 0;

  if (nsize == 0) {
    if (ptr)
      vigil_pool_free(&ls->pool, ptr, osize);
    ls->mem_used -= old;
    return NULL;
  }
  if (ls->in_call && nsize > old) {
    if (nsize > VIGIL_LUA_ALLOC_MAX) {
      ls->over = 3;
      return NULL;
    }
    if (ls->mem_used + (nsize - old) > ls->mem_limit) {
      ls->over = 1;
      return NULL;
    }
    if (ls->churn + (nsize - old) > ls->churn_limit) {
      ls->over = 2;
      return NULL;
    }
    ls->churn += nsize - old;
  }
  ptr = vigil_pool_realloc(&ls->pool, ptr, old, nsize);
  if (ptr)
    ls->mem_used = ls->mem_used - old + nsize;
  return ptr;
}

static int rule_pcall(lua_State *L);
static int charged_rep(lua_State *L);
static int charged_move(lua_State *L);
static void wrap(lua_State *L, const char *lib, const char *name, lua_CFunction fn);
static void wrap_pattern(lua_State *L, const char *name, int kind);
static void wrap_len(lua_State *L, const char *lib, const char *name, int kind);

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
  wrap(L, LUA_STRLIBNAME, "rep", charged_rep);
  wrap(L, LUA_TABLIBNAME, "move", charged_move);
  wrap_len(L, LUA_TABLIBNAME, "sort", 0);
  wrap_len(L, LUA_TABLIBNAME, "insert", 1);
  wrap_len(L, LUA_TABLIBNAME, "remove", 1);
  wrap_len(L, LUA_TABLIBNAME, "unpack", 2);
  wrap_len(L, LUA_UTF8LIBNAME, "len", 3);
  wrap_len(L, LUA_UTF8LIBNAME, "offset", 3);
  wrap_pattern(L, "find", 0);
  wrap_pattern(L, "match", 1);
  wrap_pattern(L, "gmatch", 2);
  wrap_pattern(L, "gsub", 3);
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

/* Makes require name find a module built into the binary. */
static void preload(lua_State *L, const char *name, lua_CFunction open) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
  lua_pushcfunction(L, open);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

lua_State *vigil_lstate_new(const char *const *rule_dirs, int ndirs, char *err, size_t errlen) {
  vigil_lstate_t *ls = calloc(1, sizeof(*ls));
  lua_State *L;

  if (!ls)
    goto nomem;
  ls->mem_limit = VIGIL_LUA_MEM_LIMIT_DEFAULT;
  ls->churn_limit = VIGIL_LUA_CHURN_LIMIT_DEFAULT;
  ls->budget = VIGIL_LUA_BUDGET_DEFAULT;
  ls->time_limit_ms = VIGIL_LUA_TIME_LIMIT_MS;
  ls->doc = vigil_jdoc_new();
  L = ls->doc ? lua_newstate(lalloc, ls) : NULL;
  if (!L) {
    vigil_pool_fini(&ls->pool); /* what a failed lua_newstate gave back */
    vigil_jdoc_free(ls->doc);
    free(ls);
    goto nomem;
  }
  *(vigil_lstate_t **)lua_getextraspace(L) = ls;
  open_libs(L);
  restrict_require(L, rule_dirs, ndirs);
  preload(L, "vigil.json", vigil_open_json);
  preload(L, "vigil.native", vigil_open_native);
  vigil_event_open(L);
  lua_pushfstring(L, "not enough memory: the rules' Lua state is at its cap (%d MiB)",
                  (int)(ls->mem_limit >> 20));
  ls->over_msg[1] = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushfstring(L, "allocation budget exceeded (%d MiB allocated in one call)",
                  (int)(ls->churn_limit >> 20));
  ls->over_msg[2] = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushfstring(L, "not enough memory: one allocation of more than %d MiB refused",
                  (int)(VIGIL_LUA_ALLOC_MAX >> 20));
  ls->over_msg[3] = luaL_ref(L, LUA_REGISTRYINDEX);
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
  vigil_pool_fini(&ls->pool);
  lua_close(L);
  vigil_jdoc_free(ls->doc);
  free(ls);
}

static int budget_error(lua_State *L) {
  vigil_lstate(L)->exhausted = 1;
  luaL_where(L, 1); /* the running Lua function's file:line */
  lua_pushfstring(L, "instruction budget exceeded (%d VM instructions)",
                  vigil_lstate(L)->budget);
  lua_concat(L, 2);
  return lua_error(L);
}

/* The coarse monotonic clock: no system call and a few ms of resolution,
 * cheap enough to read at every call and hook step. */
static int64_t clock_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The thread's CPU clock: a system call, so read only by calls that have
 * already run for half their time limit. */
static int64_t cpu_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Whether the call has used up its time. Wall time alone would stop a call
 * the scheduler starved (a loaded machine, a sanitizer build) though it did
 * little, and the CPU clock is too dear to read at every call. So the wall
 * clock measures the first half of the limit and the thread's CPU clock the
 * second: a call ends once it is half the limit old and has then spent the
 * other half on the CPU (at full speed, the limit in wall time).
 */
static int over_time(vigil_lstate_t *ls) {
  int64_t half = (int64_t)ls->time_limit_ms * 500000;

  if (ls->cpu_mark_ns < 0) {
    if (clock_ns() - ls->started_ns <= half)
      return 0;
    ls->cpu_mark_ns = cpu_ns();
    return 0;
  }
  return cpu_ns() - ls->cpu_mark_ns > half;
}

/* Runs every VIGIL_LUA_HOOK_STEP instructions: the instruction budget
 * (with the work C functions charged) and the call's time (over_time). */
static void budget_hook(lua_State *L, lua_Debug *ar) {
  vigil_lstate_t *ls = vigil_lstate(L);

  (void)ar;
  ls->instr += VIGIL_LUA_HOOK_STEP;
  if (ls->instr + ls->work > ls->budget) {
    ls->exhausted = 1;
    luaL_where(L, 0); /* the running Lua function's file:line */
    lua_pushfstring(L, "instruction budget exceeded (%d VM instructions)", ls->budget);
  } else if (over_time(ls)) {
    ls->exhausted = 1;
    luaL_where(L, 0);
    lua_pushfstring(L, "time budget exceeded (%d ms)", ls->time_limit_ms);
  } else {
    return;
  }
  lua_concat(L, 2);
  lua_error(L);
}

/* Charges n iterations of a C function's own loop to the call's budget. */
static void charge(lua_State *L, lua_Unsigned n);

void vigil_lstate_charge(lua_State *L, lua_Unsigned n) {
  /* Only inside a rule's call: the host's own conversions between calls
   * (a result printed for an error message) run with no budget, where an
   * error would abort the process. */
  if (vigil_lstate(L)->in_call)
    charge(L, n);
}

static void charge(lua_State *L, lua_Unsigned n) {
  vigil_lstate_t *ls = vigil_lstate(L);

  ls->work += n > (lua_Unsigned)ls->budget ? (int64_t)ls->budget + 1 : (int64_t)n;
  if (ls->work + ls->instr > ls->budget)
    budget_error(L);
}

/* Runs the stock C function (upvalue 1) in this same frame, on the
 * arguments as given: no second call through Lua, which cost ~10% of rule
 * time with the pack's many finds. The stock string and table functions
 * use no upvalues of their own (gmatch makes its iterator apart). */
static int call_stock(lua_State *L) {
  return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* string.rep(s, n, sep) loops n times even when s and sep are empty; with
 * any text, its bytes are bounded by the caps instead. */
static int charged_rep(lua_State *L) {
  lua_Integer n = luaL_checkinteger(L, 2);
  size_t l = 0;
  size_t lsep = 0;

  luaL_checklstring(L, 1, &l);
  luaL_optlstring(L, 3, "", &lsep);
  if (n > 0 && l + lsep == 0)
    charge(L, (lua_Unsigned)n);
  return call_stock(L);
}

/* table.move(a1, f, e, t [,a2]): e - f + 1 element moves. */
static int charged_move(lua_State *L) {
  lua_Integer f = luaL_checkinteger(L, 2);
  lua_Integer e = luaL_checkinteger(L, 3);

  if (e >= f) /* the full integer range wraps to 0: charge it all */
    charge(L, (lua_Unsigned)e - (lua_Unsigned)f + 1 ? (lua_Unsigned)e - (lua_Unsigned)f + 1
                                                    : LUA_MAXINTEGER);
  return call_stock(L);
}


/* Whether p has a character that makes Lua's find a pattern search (its
 * SPECIALS; NULs included: Lua reads past them). */
static int special_chars(const char *p, size_t lp) {
  size_t i;

  for (i = 0; i < lp; i++) {
    switch (p[i]) {
    case '^': case '$': case '*': case '+': case '?': case '.': case '(': case '[':
    case '%': case '-':
      return 1;
    default:
      break;
    }
  }
  return 0;
}

/* A search with r repetitions over n bytes tries at most (n + 1)^(r + 1)
 * paths, (n + 1)^r when anchored (one start), of at most lp + 1 items; a
 * repetition vigil_pattern_shape finds linear adds at most 2n + 3 steps to
 * a path instead of multiplying the paths. Under SMALL_SEARCH steps it
 * takes a few milliseconds at worst, and the time check every
 * VIGIL_LUA_HOOK_STEP instructions bounds how many run uncharged, so it is
 * not walked: most rule patterns (repetitions over an ARN up to the next
 * ':' or '/') end here at no extra cost. */
#define SMALL_SEARCH ((uint64_t)1 << 20)

static int small_search(size_t n, size_t lp, int reps, int anchored, int linear) {
  uint64_t bound = (uint64_t)lp + 1 + (uint64_t)linear * (2 * (uint64_t)n + 3);

  if (n >= SMALL_SEARCH || bound > SMALL_SEARCH)
    return 0;
  for (reps -= anchored; reps >= 0 && bound <= SMALL_SEARCH; reps--)
    bound *= n + 1;
  return bound <= SMALL_SEARCH;
}

/* string.find, match, gmatch, gsub (upvalue 2: 0, 1, 2, 3): the search is
 * costed by vigil_pattern_cost and charged before Lua's matcher runs. A
 * find without pattern characters compares bytes: charged by the bytes. */
static int charged_pattern(lua_State *L) {
  vigil_lstate_t *ls = vigil_lstate(L);
  int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
  size_t n;
  size_t lp;
  const char *s = luaL_checklstring(L, 1, &n);
  const char *p = luaL_checklstring(L, 2, &lp);
  lua_Integer init = kind < 3 ? luaL_optinteger(L, 3, 1) : 1;
  int64_t left = ls->budget - ls->work - ls->instr;
  int anchored;
  int linear;
  int reps;
  int all;

  if (init < 0)
    init = -init > (lua_Integer)n ? 1 : (lua_Integer)n + init + 1;
  else if (init == 0)
    init = 1;
  if (init > (lua_Integer)n + 1)
    return call_stock(L); /* nothing to search */
  if (kind == 0 && (lua_toboolean(L, 4) || !special_chars(p, lp))) {
    charge(L, 1 + (n >> 6) + (((uint64_t)n * lp) >> 8));
    return call_stock(L);
  }
  all = kind == 2 ? 2 : kind == 3;
  reps = vigil_pattern_shape(p, lp, all, &anchored, &linear);
  if (reps == 0 && linear == 0)
    /* each start tries each item at most once: a bound, no walk */
    charge(L, 1 + (((uint64_t)n + 1) * lp >> 3));
  else if (reps < 0 || !small_search(n, lp, reps, anchored, linear))
    /* malformed patterns too: Lua may backtrack long before the fault */
    charge(L, (lua_Unsigned)vigil_pattern_cost(s, n, p, lp, (size_t)init - 1, all, left));
  return call_stock(L);
}

static void wrap(lua_State *L, const char *lib, const char *name, lua_CFunction fn) {
  lua_getglobal(L, lib);
  lua_getfield(L, -1, name);
  lua_pushcclosure(L, fn, 1);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

/* Functions whose C loop runs over their data (upvalue 2 says which):
 * table.sort (n log n), table.insert and remove (shifts up to n),
 * table.unpack (its range), utf8.len and offset (a pass over the bytes). */
static int charged_len(lua_State *L) {
  int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
  lua_Unsigned n = lua_type(L, 1) == LUA_TTABLE ? (lua_Unsigned)lua_rawlen(L, 1)
                   : lua_type(L, 1) == LUA_TSTRING ? (lua_Unsigned)lua_rawlen(L, 1) / 8
                                                   : 0;
  lua_Unsigned logn = 1;
  lua_Integer i;
  lua_Integer e;

  if (kind == 0) {
    while (logn < 64 && ((lua_Unsigned)1 << logn) < n)
      logn++;
    n *= logn;
  } else if (kind == 2 && lua_type(L, 1) == LUA_TTABLE) {
    i = luaL_optinteger(L, 2, 1);
    e = luaL_opt(L, luaL_checkinteger, 3, (lua_Integer)lua_rawlen(L, 1));
    n = e >= i ? (lua_Unsigned)e - (lua_Unsigned)i + 1 : 0;
  }
  charge(L, n ? n : 1);
  return call_stock(L);
}

static void wrap_len(lua_State *L, const char *lib, const char *name, int kind) {
  lua_getglobal(L, lib);
  lua_getfield(L, -1, name);
  lua_pushinteger(L, kind);
  lua_pushcclosure(L, charged_len, 2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
}

static void wrap_pattern(lua_State *L, const char *name, int kind) {
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_getfield(L, -1, name);
  lua_pushinteger(L, kind);
  lua_pushcclosure(L, charged_pattern, 2);
  lua_setfield(L, -2, name);
  lua_pop(L, 1);
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

/* An error object that is not a string (error({code = 1}), error()) would
 * reach the log as no text at all: name its type and where it was raised,
 * the innermost Lua function's file:line. */
static int message_handler(lua_State *L) {
  lua_Debug ar;
  int level;

  if (lua_type(L, 1) == LUA_TSTRING)
    return 1;
  for (level = 1; lua_getstack(L, level, &ar); level++) {
    lua_getinfo(L, "Sl", &ar);
    if (ar.currentline > 0) {
      lua_pushfstring(L, "%s:%d: error object is a %s value", ar.short_src, ar.currentline,
                      luaL_typename(L, 1));
      return 1;
    }
  }
  lua_pushfstring(L, "error object is a %s value", luaL_typename(L, 1));
  return 1;
}

int vigil_lstate_pcall(lua_State *L, int nargs, int nresults) {
  vigil_lstate_t *ls = vigil_lstate(L);
  int base = lua_gettop(L) - nargs;
  int was = ls->in_call;
  int rc;

  /* Garbage a call left (a memory bomb's) would count against the next
   * call's cap: string.rep and table.concat grow their buffers through the
   * allocator directly, with no emergency collection to free it. Collect
   * when over half the cap and grown a quarter since the last time. */
  if (ls->mem_used > ls->mem_limit / 2 && ls->mem_used > ls->after_gc + ls->mem_limit / 4) {
    lua_gc(L, LUA_GCCOLLECT);
    ls->after_gc = ls->mem_used;
  }
  lua_pushcfunction(L, message_handler);
  lua_insert(L, base);
  ls->exhausted = 0;
  ls->over = 0;
  ls->work = 0;
  ls->instr = 0;
  ls->churn = 0;
  ls->in_call = 1;
  ls->started_ns = clock_ns();
  ls->cpu_mark_ns = -1;
  /* Re-arming the count hook resets its counter for this call. */
  lua_sethook(L, budget_hook, LUA_MASKCOUNT,
              ls->budget < VIGIL_LUA_HOOK_STEP ? ls->budget : VIGIL_LUA_HOOK_STEP);
  rc = lua_pcall(L, nargs, nresults, base);
  lua_sethook(L, NULL, 0, 0);
  ls->in_call = was;
  lua_remove(L, base);
  /* A memory error's message is fixed ("not enough memory"); say which
   * limit it was, with a string made at start: allocating one here could
   * fail outside any protected call. */
  if (rc == LUA_ERRMEM && ls->over) {
    lua_pop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, ls->over_msg[ls->over]);
  }
  return rc;
}
