/*
 * A rule's `on` table: what the rule index may use to skip the rule
 * before an event is parsed. Every key is optional and they combine with
 * AND; the values of one key combine with OR.
 *
 *   eventSource          "iam.amazonaws.com" or a list
 *   eventName            "CreateUser", or "List*" (a prefix), or a list
 *   errorCode            "AccessDenied", "AccessDenied*", a list; true: any
 *                        failed call; false: only calls that succeeded
 *   ["userIdentity.type"] "Root" or a list
 *   eventType            "AwsVpceEvent" or a list
 *   unless               { ["field.path"] = value or list, ... }: the rule
 *                        is skipped when any listed field holds one of its
 *                        values: strings "X", "X*", "*X", "*X*" or "*"
 *                        (core/field_pat.h), { nocase = pattern(s) } to
 *                        match them ignoring ASCII case, or true/false for
 *                        JSON booleans. Any field path, read from the record's
 *                        bytes without parsing it (core/rule_index.c).
 *
 * A call failed when errorCode is a non-empty string (core/rule_index.c
 * applies the same definition on the fast path and from a parsed tree).
 */
#include <ctype.h>
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>

#include "field_pat.h"
#include "rules_int.h"

static const char *const on_keys[] = {"source",    "eventSource",       "eventName",
                                      "errorCode", "userIdentity.type", "eventType",
                                      "unless",    NULL};

/* A '*' is allowed only last and after at least one character: the index
 * matches exact values and prefixes, nothing else. */
static void check_patterns(lua_State *L, char **v, int n, const char *key, const char *rid) {
  int i;
  const char *star;

  for (i = 0; i < n; i++) {
    star = strchr(v[i], '*');
    if (v[i][0] == '\0' || (star && (star == v[i] || star[1] != '\0')))
      vigil_rl_error(L, "rule '%s': on.%s value '%s': use an exact value or a prefix "
                     "ending in '*' (leave the key out to match any)", rid, key, v[i]);
  }
}

/* A dotted path of 1 to VIGIL_UNLESS_MAX_DEPTH names, each 1 to 255 bytes. */
static int path_ok(const char *p) {
  int depth = 1;
  size_t n = 0;

  for (; *p; p++) {
    if (*p != '.') {
      if (++n > 255)
        return 0;
      continue;
    }
    if (n == 0 || ++depth > VIGIL_UNLESS_MAX_DEPTH)
      return 0;
    n = 0;
  }
  return n > 0;
}

/* Adds pattern s to u (lowercased when nocase), after checking it. */
static void add_pattern(lua_State *L, vigil_unless_t *u, const char *rid, int nocase) {
  vigil_fpat_t fp;
  const char *s;
  size_t len;
  size_t i;
  char **pats;
  unsigned char *flags;

  if (lua_type(L, -1) != LUA_TSTRING)
    vigil_rl_error(L, "rule '%s': on.unless[\"%s\"] values are strings or booleans, not %s",
                   rid, u->path, luaL_typename(L, -1));
  s = lua_tolstring(L, -1, &len);
  if (strlen(s) != len) /* C strings would end at the NUL and mean something else */
    vigil_rl_error(L, "rule '%s': on.unless[\"%s\"] value holds a NUL byte", rid, u->path);
  if (vigil_fpat_parse(s, &fp) != 0)
    vigil_rl_error(L, "rule '%s': on.unless[\"%s\"] value '%s': use \"X\", \"X*\", \"*X\", "
                   "\"*X*\" or \"*\" (a '*' only first or last)", rid, u->path, s);
  if (!(pats = realloc(u->pats, (size_t)(u->npats + 1) * sizeof(char *))))
    luaL_error(L, "out of memory");
  u->pats = pats;
  if (!(flags = realloc(u->nocase, (size_t)(u->npats + 1))))
    luaL_error(L, "out of memory");
  u->nocase = flags;
  if (!(u->pats[u->npats] = strdup(s)))
    luaL_error(L, "out of memory");
  for (i = 0; nocase && i < len; i++) /* ASCII only, as Lua's string.lower */
    u->pats[u->npats][i] = (char)tolower((unsigned char)s[i]);
  u->nocase[u->npats++] = (unsigned char)(nocase != 0);
}

/* 1 when the table on top is { nocase = ... } and nothing else. */
static int is_nocase(lua_State *L) {
  int n = 0;

  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    n++;
  }
  lua_getfield(L, -1, "nocase");
  n = n == 1 && !lua_isnil(L, -1);
  lua_pop(L, 1);
  return n;
}

/* One value of on.unless.<path> (at the top of the stack) into u: a
 * boolean, a pattern, or { nocase = pattern or list of patterns }. */
static void unless_value(lua_State *L, vigil_unless_t *u, const char *rid) {
  int len;
  int i;

  if (lua_type(L, -1) == LUA_TBOOLEAN) {
    u->bools |= lua_toboolean(L, -1) ? VIGIL_UNLESS_TRUE : VIGIL_UNLESS_FALSE;
    return;
  }
  if (!lua_istable(L, -1)) {
    add_pattern(L, u, rid, 0);
    return;
  }
  if (!is_nocase(L))
    vigil_rl_error(L, "rule '%s': on.unless[\"%s\"]: a table value must be "
                   "{ nocase = \"pattern\" or a list of them }", rid, u->path);
  lua_getfield(L, -1, "nocase");
  if (!lua_istable(L, -1)) {
    add_pattern(L, u, rid, 1);
  } else {
    len = (int)lua_rawlen(L, -1);
    if (len == 0)
      vigil_rl_error(L, "rule '%s': on.unless[\"%s\"]: nocase lists no pattern", rid, u->path);
    for (i = 1; i <= len; i++) {
      lua_rawgeti(L, -1, i);
      add_pattern(L, u, rid, 1);
      lua_pop(L, 1);
    }
  }
  lua_pop(L, 1);
}

/* The values of one on.unless entry (on top of the stack) into u. */
static void unless_entry(lua_State *L, vigil_unless_t *u, const char *rid) {
  int len;
  int i;
  int count = 0;

  if (lua_type(L, -1) != LUA_TTABLE || is_nocase(L)) {
    unless_value(L, u, rid);
    return;
  }
  len = (int)lua_rawlen(L, -1);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    count++;
  }
  if (len == 0 || count != len)
    vigil_rl_error(L, "rule '%s': on.unless[\"%s\"] must be a value or a non-empty list of "
                   "values", rid, u->path);
  for (i = 1; i <= len; i++) {
    lua_rawgeti(L, -1, i);
    unless_value(L, u, rid);
    lua_pop(L, 1);
  }
}

static int cmp_unless(const void *a, const void *b) {
  return strcmp(((const vigil_unless_t *)a)->path, ((const vigil_unless_t *)b)->path);
}

/* on.unless at stack index idx. Entries are owned by r as they are made,
 * so an error half way leaves nothing unowned. */
static void parse_unless(lua_State *L, int idx, vigil_rule_t *r, const char *rid) {
  vigil_unless_t *u;
  const char *path;
  int n = 0;

  if (lua_getfield(L, idx, "unless") == LUA_TNIL) {
    lua_pop(L, 1);
    return;
  }
  if (!lua_istable(L, -1))
    vigil_rl_error(L, "rule '%s': on.unless must be a table of [\"field.path\"] = values",
                   rid);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING || !path_ok(lua_tostring(L, -1)) ||
        strlen(lua_tostring(L, -1)) != lua_rawlen(L, -1))
      vigil_rl_error(L, "rule '%s': on.unless key %s: want a field path such as "
                     "\"userAgent\" or \"userIdentity.type\" (at most %d names)", rid,
                     luaL_tolstring(L, -1, NULL), VIGIL_UNLESS_MAX_DEPTH);
    n++;
  }
  if (n == 0)
    vigil_rl_error(L, "rule '%s': on.unless is empty (leave it out)", rid);
  if (!(r->unless = calloc((size_t)n, sizeof(vigil_unless_t))))
    luaL_error(L, "out of memory");
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    path = lua_tostring(L, -2);
    u = &r->unless[r->nunless++];
    if (!(u->path = strdup(path)))
      luaL_error(L, "out of memory");
    unless_entry(L, u, rid);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  qsort(r->unless, (size_t)r->nunless, sizeof(vigil_unless_t), cmp_unless);
}

void vigil_rl_parse_on(lua_State *L, int idx, vigil_rule_t *r, const char *rid) {
  int t;

  vigil_rl_check_keys(L, idx, on_keys, "on");
  vigil_rl_string_list(L, idx, "eventSource", &r->sources, &r->nsources, rid);
  vigil_rl_string_list(L, idx, "eventName", &r->names, &r->nnames, rid);
  check_patterns(L, r->names, r->nnames, "eventName", rid);
  t = lua_getfield(L, idx, "errorCode");
  lua_pop(L, 1);
  if (t == LUA_TBOOLEAN) {
    lua_getfield(L, idx, "errorCode");
    r->error_need = lua_toboolean(L, -1) ? 1 : -1;
    lua_pop(L, 1);
  } else {
    vigil_rl_string_list(L, idx, "errorCode", &r->errors, &r->nerrors, rid);
    check_patterns(L, r->errors, r->nerrors, "errorCode", rid);
  }
  vigil_rl_string_list(L, idx, "userIdentity.type", &r->id_types, &r->nid_types, rid);
  check_patterns(L, r->id_types, r->nid_types, "userIdentity.type", rid);
  vigil_rl_string_list(L, idx, "eventType", &r->event_types, &r->nevent_types, rid);
  check_patterns(L, r->event_types, r->nevent_types, "eventType", rid);
  parse_unless(L, idx, r, rid);
}

void vigil_rl_free_on(vigil_rule_t *r) {
  int i;

  vigil_rl_free_list(r->sources, r->nsources);
  vigil_rl_free_list(r->names, r->nnames);
  vigil_rl_free_list(r->errors, r->nerrors);
  vigil_rl_free_list(r->id_types, r->nid_types);
  vigil_rl_free_list(r->event_types, r->nevent_types);
  for (i = 0; i < r->nunless; i++) {
    free(r->unless[i].path);
    vigil_rl_free_list(r->unless[i].pats, r->unless[i].npats);
    free(r->unless[i].nocase);
  }
  free(r->unless);
}
