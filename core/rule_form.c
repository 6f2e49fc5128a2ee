/*
 * The parts of rule{} beyond a condition: the stateful forms (threshold,
 * distinct, sequence, dedup), exceptions and tag checks. Everything is
 * validated at load, so a rule that loads cannot fail on its shape later.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "rules_int.h"
#include "state.h"

static const char *const threshold_keys[] = {"count", "window", "key", NULL};
static const char *const distinct_keys[] = {"count", "window", "key", "field", NULL};
static const char *const sequence_keys[] = {"window", "key", "steps", NULL};
static const char *const dedup_keys[] = {"window", "key", NULL};
static const char *const step_keys[] = {"name", "on", "when", NULL};
static const char *const on_keys[] = {"eventSource", "eventName", NULL};
static const char *const exception_keys[] = {"field", "values", NULL};

/* Windows: whole seconds as a number, or "90s", "5m", "2h", "1d". */
#define WINDOW_MAX_MS (30LL * 24 * 3600 * 1000)

static int64_t parse_window(lua_State *L, int idx, const char *what, const char *rid) {
  const char *s;
  char *end;
  long long v;
  int64_t unit = 1000;

  if (lua_isinteger(L, idx)) {
    v = (long long)lua_tointeger(L, idx);
  } else if (lua_type(L, idx) == LUA_TSTRING) {
    s = lua_tostring(L, idx);
    v = strtoll(s, &end, 10);
    if (end == s || !end[0] || end[1])
      vigil_rl_error(L, "rule '%s': %s.window '%s' must look like 90s, 5m, 2h or 1d", rid, what,
                     s);
    switch (*end) {
    case 's': unit = 1000; break;
    case 'm': unit = 60000; break;
    case 'h': unit = 3600000; break;
    case 'd': unit = 86400000; break;
    default:
      vigil_rl_error(L, "rule '%s': %s.window '%s': unit must be s, m, h or d", rid, what, s);
    }
  } else {
    return vigil_rl_error(L, "rule '%s': %s needs a window (\"5m\", or seconds)", rid, what);
  }
  if (v <= 0 || v * unit > WINDOW_MAX_MS)
    vigil_rl_error(L, "rule '%s': %s.window must be between 1 second and 30 days", rid, what);
  return (int64_t)(v * unit);
}

void vigil_rl_strings(lua_State *L, int idx, const char *what, const char *rid, char ***dst,
                      int *n) {
  int i;
  int len;

  idx = lua_absindex(L, idx);
  *dst = NULL;
  *n = 0;
  if (lua_type(L, idx) == LUA_TSTRING) {
    len = 1;
  } else if (lua_type(L, idx) == LUA_TTABLE && (len = (int)lua_rawlen(L, idx)) > 0) {
    for (i = 1; i <= len; i++) {
      if (lua_rawgeti(L, idx, i) != LUA_TSTRING)
        vigil_rl_error(L, "rule '%s': %s[%d] must be a string", rid, what, i);
      lua_pop(L, 1);
    }
  } else {
    vigil_rl_error(L, "rule '%s': %s must be a string or a non-empty list of strings", rid, what);
    return;
  }
  if (!(*dst = calloc((size_t)len, sizeof(char *))))
    luaL_error(L, "out of memory");
  for (i = 0; i < len; i++) {
    if (lua_type(L, idx) == LUA_TSTRING)
      lua_pushvalue(L, idx);
    else
      lua_rawgeti(L, idx, i + 1);
    if (!((*dst)[i] = strdup(lua_tostring(L, -1))))
      luaL_error(L, "out of memory");
    *n = i + 1;
    lua_pop(L, 1);
  }
}

char *vigil_rl_where(lua_State *L) {
  const char *w;
  char *s;

  luaL_where(L, 1);
  w = lua_tostring(L, -1);
  s = strdup(w);
  lua_pop(L, 1);
  if (s && strlen(s) >= 2 && s[strlen(s) - 2] == ':')
    s[strlen(s) - 2] = '\0'; /* luaL_where ends with ": " */
  return s;
}

/* key = { "path", ... } | "path" | function(e); absent: the actor. */
static void parse_key(lua_State *L, int spec, const char *what, const char *rid,
                      vigil_key_spec_t *k) {
  char name[64];

  k->fn_ref = LUA_NOREF;
  lua_getfield(L, spec, "key");
  if (lua_isfunction(L, -1)) {
    k->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return;
  }
  if (!lua_isnil(L, -1)) {
    snprintf(name, sizeof(name), "%s.key", what);
    vigil_rl_strings(L, -1, name, rid, &k->paths, &k->npaths);
  }
  lua_pop(L, 1);
}

static uint32_t parse_count(lua_State *L, int spec, const char *what, const char *rid) {
  lua_Integer c;

  lua_getfield(L, spec, "count");
  if (!lua_isinteger(L, -1))
    vigil_rl_error(L, "rule '%s': %s.count must be a whole number", rid, what);
  c = lua_tointeger(L, -1);
  if (c < 1 || c > (lua_Integer)VIGIL_STATE_MAX_COUNT)
    vigil_rl_error(L, "rule '%s': %s.count must be between 1 and %d", rid, what,
                   VIGIL_STATE_MAX_COUNT);
  lua_pop(L, 1);
  return (uint32_t)c;
}

static int64_t get_window(lua_State *L, int spec, const char *what, const char *rid) {
  int64_t ms;

  lua_getfield(L, spec, "window");
  ms = parse_window(L, -1, what, rid);
  lua_pop(L, 1);
  return ms;
}

static void parse_steps(lua_State *L, int spec, vigil_form_t *f, const char *rid) {
  vigil_step_t *st;
  char what[64];
  int steps;
  int n;
  int i;

  if (lua_getfield(L, spec, "steps") != LUA_TTABLE)
    vigil_rl_error(L, "rule '%s': sequence.steps must be a list of steps", rid);
  steps = lua_gettop(L);
  n = (int)lua_rawlen(L, steps);
  if (n < 2 || n > (int)VIGIL_STATE_MAX_STEPS)
    vigil_rl_error(L, "rule '%s': a sequence needs 2 to %d steps", rid, (int)VIGIL_STATE_MAX_STEPS);
  if (!(f->steps = calloc((size_t)n, sizeof(*f->steps))))
    luaL_error(L, "out of memory");
  for (i = 0; i < n; i++)
    f->steps[i].when_ref = LUA_NOREF;
  f->nsteps = (uint32_t)n;
  for (i = 0; i < n; i++) {
    st = &f->steps[i];
    if (lua_rawgeti(L, steps, i + 1) != LUA_TTABLE)
      vigil_rl_error(L, "rule '%s': sequence step %d must be a table", rid, i + 1);
    snprintf(what, sizeof(what), "sequence step %d", i + 1);
    vigil_rl_check_keys(L, lua_gettop(L), step_keys, what);
    if (lua_getfield(L, -1, "name") == LUA_TSTRING)
      st->name = strdup(lua_tostring(L, -1));
    else if (!lua_isnil(L, -1))
      vigil_rl_error(L, "rule '%s': %s: name must be a string", rid, what);
    lua_pop(L, 1);
    if (lua_getfield(L, -1, "on") != LUA_TTABLE)
      vigil_rl_error(L, "rule '%s': %s needs on = { eventName = ... }", rid, what);
    vigil_rl_check_keys(L, lua_gettop(L), on_keys, what);
    vigil_rl_string_list(L, lua_gettop(L), "eventSource", &st->sources, &st->nsources, rid);
    vigil_rl_string_list(L, lua_gettop(L), "eventName", &st->names, &st->nnames, rid);
    lua_pop(L, 1);
    st->when_ref = vigil_rl_ref_fn(L, lua_gettop(L), "when", rid);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

static void parse_one(lua_State *L, int idx, const char *what, vigil_form_t *f, const char *rid) {
  int spec;

  if (lua_getfield(L, idx, what) == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1))
    vigil_rl_error(L, "rule '%s': '%s' must be a table", rid, what);
  if (f->kind != VIGIL_FORM_NONE)
    vigil_rl_error(L, "rule '%s': use one of threshold, distinct or sequence, not several", rid);
  spec = lua_gettop(L);
  if (strcmp(what, "threshold") == 0) {
    vigil_rl_check_keys(L, spec, threshold_keys, what);
    f->kind = VIGIL_FORM_THRESHOLD;
    f->count = parse_count(L, spec, what, rid);
  } else if (strcmp(what, "distinct") == 0) {
    vigil_rl_check_keys(L, spec, distinct_keys, what);
    f->kind = VIGIL_FORM_DISTINCT;
    f->count = parse_count(L, spec, what, rid);
    lua_getfield(L, spec, "field");
    if (lua_isfunction(L, -1)) {
      f->field_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else if (lua_type(L, -1) == LUA_TSTRING) {
      f->field = strdup(lua_tostring(L, -1));
      lua_pop(L, 1);
    } else {
      vigil_rl_error(L, "rule '%s': distinct.field must be a dotted path or a function", rid);
    }
  } else {
    vigil_rl_check_keys(L, spec, sequence_keys, what);
    f->kind = VIGIL_FORM_SEQUENCE;
    parse_steps(L, spec, f, rid);
  }
  f->window_ms = get_window(L, spec, what, rid);
  parse_key(L, spec, what, rid, &f->key);
  lua_pop(L, 1);
}

void vigil_form_parse(lua_State *L, int idx, vigil_rule_t *r, const char *rid) {
  vigil_form_t *f = &r->form;
  uint32_t i;
  int j;
  int n;

  f->field_ref = LUA_NOREF;
  f->key.fn_ref = f->dedup_key.fn_ref = LUA_NOREF;
  parse_one(L, idx, "threshold", f, rid);
  parse_one(L, idx, "distinct", f, rid);
  parse_one(L, idx, "sequence", f, rid);
  if (lua_getfield(L, idx, "dedup") != LUA_TNIL) {
    if (!lua_istable(L, -1))
      vigil_rl_error(L, "rule '%s': 'dedup' must be a table", rid);
    vigil_rl_check_keys(L, lua_gettop(L), dedup_keys, "dedup");
    f->dedup = 1;
    f->dedup_ms = get_window(L, lua_gettop(L), "dedup", rid);
    parse_key(L, lua_gettop(L), "dedup", rid, &f->dedup_key);
  }
  lua_pop(L, 1);
  if (f->kind != VIGIL_FORM_SEQUENCE)
    return;
  /* The index sees a sequence through the union of its steps' filters. */
  if (r->nnames || r->nsources)
    vigil_rl_error(L, "rule '%s': a sequence takes 'on' in each step, not at the top", rid);
  for (i = 0, n = 0; i < f->nsteps; i++)
    n += f->steps[i].nnames ? f->steps[i].nnames : 0;
  for (i = 0; i < f->nsteps; i++) {
    if (!f->steps[i].nnames && !f->steps[i].nsources)
      vigil_rl_error(L, "rule '%s': sequence step %d needs an eventName or eventSource", rid,
                     i + 1);
  }
  r->names = calloc((size_t)n + 1, sizeof(char *));
  r->sources = calloc(VIGIL_STATE_MAX_STEPS * 4, sizeof(char *));
  if (!r->names || !r->sources)
    luaL_error(L, "out of memory");
  for (i = 0; i < f->nsteps; i++) {
    for (j = 0; j < f->steps[i].nnames; j++)
      r->names[r->nnames++] = strdup(f->steps[i].names[j]);
    for (j = 0; j < f->steps[i].nsources && r->nsources < (int)VIGIL_STATE_MAX_STEPS * 4; j++)
      r->sources[r->nsources++] = strdup(f->steps[i].sources[j]);
  }
  /* A step without names (or sources) must not be narrowed by others'. */
  for (i = 0; i < f->nsteps; i++) {
    if (!f->steps[i].nnames && r->names) {
      vigil_rl_free_list(r->names, r->nnames);
      r->names = NULL;
      r->nnames = 0;
    }
    if (!f->steps[i].nsources && r->sources) {
      vigil_rl_free_list(r->sources, r->nsources);
      r->sources = NULL;
      r->nsources = 0;
    }
  }
}

static void key_free(lua_State *L, vigil_key_spec_t *k) {
  vigil_rl_free_list(k->paths, k->npaths);
  if (L && k->fn_ref != LUA_NOREF)
    luaL_unref(L, LUA_REGISTRYINDEX, k->fn_ref);
}

void vigil_form_free(lua_State *L, vigil_form_t *f) {
  uint32_t i;

  key_free(L, &f->key);
  key_free(L, &f->dedup_key);
  free(f->field);
  if (L && f->field_ref != LUA_NOREF)
    luaL_unref(L, LUA_REGISTRYINDEX, f->field_ref);
  for (i = 0; f->steps && i < f->nsteps; i++) {
    free(f->steps[i].name);
    vigil_rl_free_list(f->steps[i].sources, f->steps[i].nsources);
    vigil_rl_free_list(f->steps[i].names, f->steps[i].nnames);
    if (L && f->steps[i].when_ref != LUA_NOREF)
      luaL_unref(L, LUA_REGISTRYINDEX, f->steps[i].when_ref);
  }
  free(f->steps);
  memset(f, 0, sizeof(*f));
}

/* exceptions = { { field = "a.b", values = {...} }, function(e) ... end } */
void vigil_exceptions_parse(lua_State *L, int idx, const char *rid, vigil_exception_t **out,
                            int *n) {
  vigil_exception_t *e;
  int list;
  int len;
  int i;
  char what[64];

  if (lua_getfield(L, idx, "exceptions") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1))
    vigil_rl_error(L, "rule '%s': 'exceptions' must be a list", rid);
  list = lua_gettop(L);
  len = (int)lua_rawlen(L, list);
  e = realloc(*out, sizeof(*e) * (size_t)(*n + len + 1));
  if (!e)
    luaL_error(L, "out of memory");
  *out = e;
  for (i = 1; i <= len; i++) {
    e = &(*out)[*n];
    memset(e, 0, sizeof(*e));
    e->fn_ref = LUA_NOREF;
    snprintf(what, sizeof(what), "exceptions[%d]", i);
    lua_rawgeti(L, list, i);
    if (lua_isfunction(L, -1)) {
      e->fn_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else if (lua_istable(L, -1)) {
      vigil_rl_check_keys(L, lua_gettop(L), exception_keys, what);
      if (lua_getfield(L, -1, "field") != LUA_TSTRING)
        vigil_rl_error(L, "rule '%s': %s needs field = \"dotted.path\"", rid, what);
      e->field = strdup(lua_tostring(L, -1));
      lua_pop(L, 1);
      (*n)++; /* owned from here: freed with the rule on a later error */
      lua_getfield(L, -1, "values");
      vigil_rl_strings(L, -1, "exception values", rid, &e->values, &e->nvalues);
      lua_pop(L, 2);
      e->where = vigil_rl_where(L);
      continue;
    } else {
      vigil_rl_error(L, "rule '%s': %s must be { field = ..., values = ... } or a function", rid,
                     what);
    }
    e->where = vigil_rl_where(L);
    (*n)++;
  }
  lua_pop(L, 1);
}

void vigil_exceptions_free(lua_State *L, vigil_exception_t *e, int n) {
  int i;

  for (i = 0; e && i < n; i++) {
    free(e[i].field);
    free(e[i].where);
    vigil_rl_free_list(e[i].values, e[i].nvalues);
    if (L && e[i].fn_ref != LUA_NOREF)
      luaL_unref(L, LUA_REGISTRYINDEX, e[i].fn_ref);
  }
  free(e);
}

static const char *const tactics[] = {
    "reconnaissance",  "resource_development", "initial_access",  "execution",
    "persistence",     "privilege_escalation", "defense_evasion", "stealth",
    "defense_impairment", "credential_access", "discovery",       "lateral_movement",
    "collection",      "command_and_control",  "exfiltration",    "impact", NULL};

/* "t1098", "t1098.001", "g0016", "s0002". */
static int technique_like(const char *s) {
  int i;

  if (*s != 't' && *s != 'g' && *s != 's')
    return 0;
  for (i = 1; i <= 4; i++) {
    if (!isdigit((unsigned char)s[i]))
      return 0;
  }
  if (!s[5])
    return 1;
  return s[0] == 't' && s[5] == '.' && isdigit((unsigned char)s[6]) &&
         isdigit((unsigned char)s[7]) && isdigit((unsigned char)s[8]) && !s[9];
}

static int tactic_like(const char *s) {
  char buf[64];
  size_t i;
  const char *const *t;

  for (i = 0; s[i] && i < sizeof(buf) - 1; i++)
    buf[i] = s[i] == '-' ? '_' : s[i];
  buf[i] = '\0';
  for (t = tactics; *t; t++) {
    if (strcmp(buf, *t) == 0)
      return 1;
  }
  return 0;
}

void vigil_tags_check(lua_State *L, int idx, const char *rid) {
  lua_Integer i;
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  const char *t;

  for (i = 1; i <= n; i++) {
    lua_rawgeti(L, idx, i);
    t = lua_tostring(L, -1);
    if (t && strncmp(t, "attack.", 7) == 0 && !technique_like(t + 7) && !tactic_like(t + 7))
      vigil_rl_error(L,
                     "rule '%s': tag '%s' is not an ATT&CK id (attack.t1098, attack.t1098.001) "
                     "or tactic (attack.persistence)",
                     rid, t);
    lua_pop(L, 1);
  }
}
