/*
 * A rule engine's Lua state: the sandbox it runs in, its memory cap and the
 * instruction budget of each call into a rule.
 */
#ifndef VIGIL_LUA_STATE_H
#define VIGIL_LUA_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <lua.h>

#define VIGIL_LUA_MEM_LIMIT_DEFAULT (256u << 20)
#define VIGIL_LUA_BUDGET_DEFAULT 1000000
/* Bytes one call may allocate in all (freed or not): C functions such as
 * string.rep do much work in one VM instruction, and this bounds it. */
#define VIGIL_LUA_CHURN_LIMIT_DEFAULT ((size_t)512 << 20)
/* The largest single allocation of a call: it bounds what one VM
 * instruction can cost (comparing two long strings reads both). */
#define VIGIL_LUA_ALLOC_MAX ((size_t)16 << 20)
/* Time one call may take, checked every VIGIL_LUA_HOOK_STEP
 * instructions: the backstop for work no count sees. One instruction can
 * cost up to a pass over a VIGIL_LUA_ALLOC_MAX operand (~10 ms), so a call
 * ends within the limit plus about a second. Hooking every 100 rather
 * than every 1000 instructions cost ~2% of user CPU in a pure Lua loop. */
#define VIGIL_LUA_TIME_LIMIT_MS 3000
#define VIGIL_LUA_HOOK_STEP 100

/* Per-state bookkeeping, reachable from any lua_State via its extra space. */
#include "lua_alloc.h"

typedef struct vigil_lstate_s {
  uint64_t event_gen;  /* see lua_event.h */
  struct vigil_jdoc_s *doc; /* the record byte views read (vigil_event_push_doc) */
  size_t mem_used;
  size_t mem_limit;    /* allocations beyond it fail: a Lua memory error */
  size_t churn;        /* bytes allocated during the current call */
  size_t after_gc;     /* mem_used after the last collection forced here */
  size_t churn_limit;  /* churn beyond it fails: a Lua memory error */
  int in_call;         /* limits apply only while rule code runs */
  int over;            /* why the last allocation failed: 1 cap, 2 churn, 3 size */
  int over_msg[4];     /* registry refs of the messages for each reason */
  int budget;          /* VM instructions allowed per protected call */
  int64_t work;        /* work charged by C functions in this call */
  int64_t instr;       /* VM instructions run in this call (by hook steps) */
  int64_t started_ns;  /* when this call began (coarse monotonic clock) */
  int64_t cpu_mark_ns; /* thread CPU clock at half the time limit, or -1 */
  int time_limit_ms;
  int exhausted;       /* the budget ran out: pcall inside rules re-raises */
  vigil_pool_t pool;   /* the state's small blocks (core/lua_alloc.h) */
  const void *view_mt; /* the event views' metatable (core/lua_event.c) */
  int view_mt_ref;     /* ... and its registry reference */
  int root_ref;        /* registry slot of the record's root view ... */
  uint64_t root_gen;   /* ... valid while event_gen is this */
} vigil_lstate_t;

static inline vigil_lstate_t *vigil_lstate(lua_State *L) {
  return *(vigil_lstate_t **)lua_getextraspace(L);
}

/* A new sandboxed state whose require() looks only in <dir>/lib for each
 * of the rule folders given. Returns NULL (err filled) on failure. */
lua_State *vigil_lstate_new(const char *const *rule_dirs, int ndirs, char *err, size_t errlen);
void vigil_lstate_close(lua_State *L);

/* Charges n units of work done by a C function to the current call's
 * budget (a Lua error when it runs out): for C code rules can call that
 * loops over its input. Nothing outside a call (vigil_lstate_pcall). */
void vigil_lstate_charge(lua_State *L, lua_Unsigned n);

/* lua_pcall under the instruction budget. On error the message is on the
 * stack, as with lua_pcall. */
int vigil_lstate_pcall(lua_State *L, int nargs, int nresults);

#endif
