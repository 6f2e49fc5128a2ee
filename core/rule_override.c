/*
 * override { id = ..., enabled = ..., severity = ..., exceptions = ...,
 * reason = ..., tests = ... } in a local rules folder changes a shipped
 * rule without editing it. Overrides are collected while files load and
 * applied once every rule is known, so file order does not matter; an
 * override of an id no file defines is a load error naming its file:line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "rules_int.h"

typedef struct vigil_override_s {
  struct vigil_override_s *next;
  char *id;
  char *where;
  int enabled;   /* -1 unset */
  int severity;  /* -1 unset */
  vigil_exception_t *exc;
  int nexc;
  int tests_ref;
} vigil_override_t;

static const char *const override_keys[] = {"id",         "enabled", "severity", "exceptions",
                                             "reason",     "tests",   NULL};

static void ov_free(lua_State *L, vigil_override_t *o) {
  free(o->id);
  free(o->where);
  vigil_exceptions_free(L, o->exc, o->nexc);
  if (L && o->tests_ref != LUA_NOREF)
    luaL_unref(L, LUA_REGISTRYINDEX, o->tests_ref);
  free(o);
}

static int l_override(lua_State *L) {
  vigil_ruleset_t *rs = lua_touserdata(L, lua_upvalueindex(1));
  vigil_override_t *o;
  vigil_override_t **tail;
  const char *id;
  int sev;

  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 1);
  vigil_rl_check_keys(L, 1, override_keys, "override");
  if (lua_getfield(L, 1, "id") != LUA_TSTRING || lua_rawlen(L, -1) == 0)
    return vigil_rl_error(L, "override needs the 'id' of the rule it changes");
  id = lua_tostring(L, -1);
  if (!(o = calloc(1, sizeof(*o))))
    return luaL_error(L, "out of memory");
  o->enabled = o->severity = -1;
  o->tests_ref = LUA_NOREF;
  /* Linked first, so a later error in this call frees it with the set. */
  for (tail = &rs->overrides; *tail; tail = &(*tail)->next)
    ;
  *tail = o;
  o->id = strdup(id);
  o->where = vigil_rl_where(L);
  if (lua_getfield(L, 1, "enabled") != LUA_TNIL) {
    if (!lua_isboolean(L, -1))
      return vigil_rl_error(L, "override of '%s': 'enabled' must be a boolean", id);
    o->enabled = lua_toboolean(L, -1);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, 1, "severity") != LUA_TNIL) {
    if (lua_type(L, -1) != LUA_TSTRING || (sev = vigil_severity_parse(lua_tostring(L, -1))) < 0)
      return vigil_rl_error(L,
                            "override of '%s': severity must be one of info, low, medium, "
                            "high, critical",
                            id);
    o->severity = sev;
  }
  lua_pop(L, 1);
  if (vigil_rl_opt(L, 1, "reason", LUA_TSTRING, id))
    lua_pop(L, 1);
  vigil_exceptions_parse(L, 1, id, &o->exc, &o->nexc);
  if (lua_getfield(L, 1, "tests") == LUA_TTABLE)
    o->tests_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  else if (!lua_isnil(L, -1))
    return vigil_rl_error(L, "override of '%s': 'tests' must be a list", id);
  rs->noverrides++;
  return 0;
}

void vigil_override_register(lua_State *L, vigil_ruleset_t *rs) {
  lua_pushlightuserdata(L, rs);
  lua_pushcclosure(L, l_override, 1);
  lua_setglobal(L, "override");
}

static vigil_rule_t *find(vigil_ruleset_t *rs, const char *id) {
  size_t i;

  for (i = 0; i < rs->nrules; i++) {
    if (strcmp(rs->rules[i].id, id) == 0)
      return &rs->rules[i];
  }
  return NULL;
}

int vigil_overrides_apply(vigil_ruleset_t *rs, char *err, size_t errlen) {
  vigil_override_t *o;
  vigil_rule_t *r;
  vigil_exception_t *e;

  for (o = rs->overrides; o; o = o->next) {
    if (!(r = find(rs, o->id))) {
      snprintf(err, errlen, "%s: override of unknown rule '%s'", o->where, o->id);
      return -1;
    }
    if (o->enabled >= 0)
      r->ov_enabled = o->enabled;
    if (o->severity >= 0)
      r->ov_severity = o->severity;
    if (o->nexc) {
      e = realloc(r->ov_exc, sizeof(*e) * (size_t)(r->nov_exc + o->nexc));
      if (!e) {
        snprintf(err, errlen, "out of memory");
        return -1;
      }
      memcpy(e + r->nov_exc, o->exc, sizeof(*e) * (size_t)o->nexc);
      r->ov_exc = e;
      r->nov_exc += o->nexc;
      free(o->exc);
      o->exc = NULL;
      o->nexc = 0;
    }
    if (o->tests_ref != LUA_NOREF) {
      if (r->ov_tests_ref != LUA_NOREF)
        luaL_unref(rs->L, LUA_REGISTRYINDEX, r->ov_tests_ref);
      r->ov_tests_ref = o->tests_ref;
      o->tests_ref = LUA_NOREF;
    }
    free(r->ov_where);
    r->ov_where = strdup(o->where);
  }
  return 0;
}

void vigil_overrides_free(vigil_ruleset_t *rs) {
  vigil_override_t *o;

  while ((o = rs->overrides)) {
    rs->overrides = o->next;
    ov_free(rs->L, o);
  }
}
