#include "lua_json.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua_event.h"

#define MAX_DEPTH 32

static cJSON *convert(lua_State *L, int idx, int depth, const char **why);

/* 1..n with no other keys? */
static int is_sequence(lua_State *L, int idx) {
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
  lua_Integer count = 0;

  lua_pushnil(L);
  while (lua_next(L, idx)) {
    lua_pop(L, 1);
    count++;
  }
  return n > 0 && count == n;
}

static int by_name(const void *a, const void *b) {
  return strcmp((*(cJSON *const *)a)->string, (*(cJSON *const *)b)->string);
}

/* A Lua table's keys come in hash order, which changes from run to run
 * (Lua seeds its string hash), so an object's members are sorted by name:
 * the same alert prints the same bytes every time. */
static int sort_members(cJSON *obj) {
  cJSON *c, **v;
  size_t n = 0, i;

  for (c = obj->child; c; c = c->next)
    n++;
  if (n < 2)
    return 0;
  if (!(v = malloc(n * sizeof(*v))))
    return -1;
  for (i = 0, c = obj->child; c; c = c->next)
    v[i++] = c;
  qsort(v, n, sizeof(*v), by_name);
  for (i = 0; i < n; i++) {
    v[i]->next = i + 1 < n ? v[i + 1] : NULL;
    v[i]->prev = i > 0 ? v[i - 1] : v[n - 1]; /* cJSON: the first's prev is the last */
  }
  obj->child = v[0];
  free(v);
  return 0;
}

static cJSON *table(lua_State *L, int idx, int depth, const char **why) {
  int seq = is_sequence(L, idx);
  cJSON *out = seq ? cJSON_CreateArray() : cJSON_CreateObject();
  cJSON *item;
  lua_Integer i;
  lua_Integer n = (lua_Integer)lua_rawlen(L, idx);

  if (seq) {
    for (i = 1; i <= n; i++) {
      lua_rawgeti(L, idx, i);
      item = convert(L, lua_gettop(L), depth + 1, why);
      lua_pop(L, 1);
      if (!item)
        goto fail;
      cJSON_AddItemToArray(out, item);
    }
    return out;
  }
  lua_pushnil(L);                                  /* first key */
  while (lua_next(L, idx)) {                       /* key, value */
    item = convert(L, lua_gettop(L), depth + 1, why);
    if (!item) {
      lua_pop(L, 2);
      goto fail;
    }
    lua_pushvalue(L, -2);                          /* key, value, key copy */
    cJSON_AddItemToObject(out, luaL_tolstring(L, -1, NULL), item);
    lua_pop(L, 3);                                 /* key */
  }
  if (sort_members(out) != 0) {
    *why = "out of memory";
    goto fail;
  }
  return out;

fail:
  cJSON_Delete(out);
  return NULL;
}

static cJSON *convert(lua_State *L, int idx, int depth, const char **why) {
  cJSON *node;

  if (depth > MAX_DEPTH) {
    *why = "nested too deep (a cycle?)";
    return NULL;
  }
  switch (lua_type(L, idx)) {
  case LUA_TNIL:
    return cJSON_CreateNull();
  case LUA_TBOOLEAN:
    return cJSON_CreateBool(lua_toboolean(L, idx));
  case LUA_TNUMBER:
    return cJSON_CreateNumber(lua_tonumber(L, idx));
  case LUA_TSTRING:
    return cJSON_CreateString(lua_tostring(L, idx));
  case LUA_TTABLE:
    return table(L, idx, depth, why);
  case LUA_TUSERDATA:
    if ((node = vigil_event_copy(L, idx)))
      return node;
    /* fall through */
  default:
    *why = lua_typename(L, lua_type(L, idx));
    return NULL;
  }
}

cJSON *vigil_lua_to_json(lua_State *L, int idx, const char **why) {
  return convert(L, lua_absindex(L, idx), 0, why);
}
