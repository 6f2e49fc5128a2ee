#include "lua_event.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "json_path.h"
#include "lua_state.h"

#define VIEW_MT "vigil.event"

typedef struct view_s {
  const cJSON *node;
  uint64_t gen;
} view_t;

static view_t *checkview(lua_State *L, int idx) {
  view_t *v = luaL_checkudata(L, idx, VIEW_MT);

  if (v->gen != vigil_lstate(L)->event_gen)
    luaL_error(L, "event view used after its event was released");
  return v;
}

void vigil_event_push(lua_State *L, const cJSON *node) {
  view_t *v = lua_newuserdatauv(L, sizeof(*v), 0);

  v->node = node;
  v->gen = vigil_lstate(L)->event_gen;
  luaL_setmetatable(L, VIEW_MT);
}

void vigil_event_push_value(lua_State *L, const cJSON *node) {
  double d;

  if (!node || cJSON_IsNull(node) || cJSON_IsInvalid(node)) {
    lua_pushnil(L);
  } else if (cJSON_IsBool(node)) {
    lua_pushboolean(L, cJSON_IsTrue(node));
  } else if (cJSON_IsNumber(node)) {
    d = node->valuedouble;
    /* Integral values read as Lua integers so 12 == e.count holds. */
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
      lua_pushinteger(L, (lua_Integer)d);
    else
      lua_pushnumber(L, d);
  } else if (cJSON_IsString(node)) {
    lua_pushstring(L, node->valuestring);
  } else if (cJSON_IsRaw(node)) {
    lua_pushstring(L, node->valuestring);
  } else {
    vigil_event_push(L, node);
  }
}

/* __index: a name, a dotted path, or a 1-based array index. */
static int view_index(lua_State *L) {
  view_t *v = checkview(L, 1);
  const cJSON *child = NULL;
  const char *key;
  size_t len;
  int isnum = 0;
  lua_Integer idx;
  char num[24];

  if (lua_type(L, 2) == LUA_TNUMBER) {
    /* 2.0 is index 2, as in a Lua table; 2.5 and 0 are nothing. */
    idx = lua_tointegerx(L, 2, &isnum);
    if (!isnum || idx < 1) {
      lua_pushnil(L);
      return 1;
    }
    len = (size_t)snprintf(num, sizeof(num), "%lld", (long long)idx);
    child = vigil_json_child(v->node, num, len);
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    key = lua_tolstring(L, 2, &len);
    child = memchr(key, '.', len) ? vigil_json_path(v->node, key, len)
                                  : vigil_json_child(v->node, key, len);
  }
  vigil_event_push_value(L, child);
  return 1;
}

static int view_len(lua_State *L) {
  view_t *v = checkview(L, 1);

  lua_pushinteger(L, cJSON_GetArraySize(v->node));
  return 1;
}

/* Iterator for pairs(): the control value is the previous key; the
 * current child is kept as a light userdata upvalue to stay O(1). */
static int view_next(lua_State *L) {
  view_t *v = checkview(L, 1);
  const cJSON *cur = lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));

  cur = cur ? cur->next : v->node->child;
  if (!cur)
    return 0;
  lua_pushlightuserdata(L, (void *)cur);
  lua_replace(L, lua_upvalueindex(1));
  lua_pushinteger(L, i + 1);
  lua_replace(L, lua_upvalueindex(2));
  if (cJSON_IsArray(v->node))
    lua_pushinteger(L, i + 1);     /* key: 1-based position */
  else
    lua_pushstring(L, cur->string); /* key: member name */
  vigil_event_push_value(L, cur);
  return 2;
}

static int view_pairs(lua_State *L) {
  checkview(L, 1);
  lua_pushnil(L);                       /* upvalue 1: current child */
  lua_pushinteger(L, 0);                /* upvalue 2: position */
  lua_pushcclosure(L, view_next, 2);    /* iterator */
  lua_pushvalue(L, 1);                  /* state: the view */
  lua_pushnil(L);                       /* initial control */
  return 3;
}

static int view_tostring(lua_State *L) {
  view_t *v = checkview(L, 1);
  char *text = cJSON_PrintUnformatted(v->node);

  if (!text)
    return luaL_error(L, "out of memory");
  lua_pushstring(L, text);
  cJSON_free(text);
  return 1;
}

static int view_newindex(lua_State *L) {
  return luaL_error(L, "events are read-only");
}

void vigil_event_open(lua_State *L) {
  static const luaL_Reg meta[] = {
      {"__index", view_index},       {"__len", view_len},           {"__pairs", view_pairs},
      {"__tostring", view_tostring}, {"__newindex", view_newindex}, {NULL, NULL}};

  luaL_newmetatable(L, VIEW_MT);
  luaL_setfuncs(L, meta, 0);
  lua_pushliteral(L, "event");
  lua_setfield(L, -2, "__name");
  /* getmetatable(e) returns this name, not the table every view shares:
   * a rule that rewrote __index would forge the events other rules see. */
  lua_pushliteral(L, "event");
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 1);
}

void vigil_event_next(lua_State *L) {
  vigil_lstate(L)->event_gen++;
}

const cJSON *vigil_event_check(lua_State *L, int idx) {
  view_t *v = luaL_testudata(L, idx, VIEW_MT);

  if (!v || v->gen != vigil_lstate(L)->event_gen)
    return NULL;
  return v->node;
}
