#include "lua_event.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "jdoc.h"
#include "json_path.h"
#include "lua_state.h"

#define VIEW_MT "vigil.event"

/* A tree view (node) or, with node NULL, a byte view: an object or array
 * of the record in the state's doc (vigil_event_doc_begin). Both answer
 * alike; the byte view never builds a tree. */
typedef struct view_s {
  const cJSON *node;
  vigil_jval_t val;
  uint64_t gen;
} view_t;

/* The view at idx, or NULL: a userdata whose metatable is the views' own,
 * compared by address (luaL_testudata looks the metatable up by name in
 * the registry, a third of the cost of a field read). */
static view_t *testview(lua_State *L, int idx) {
  view_t *v = lua_touserdata(L, idx);
  int ok;

  if (!v || !lua_getmetatable(L, idx))
    return NULL;
  ok = lua_topointer(L, -1) == vigil_lstate(L)->view_mt;
  lua_pop(L, 1);
  return ok ? v : NULL;
}

static view_t *checkview(lua_State *L, int idx) {
  view_t *v = testview(L, idx);

  if (!v)
    luaL_typeerror(L, idx, "event"); /* does not return */
  if (v->gen != vigil_lstate(L)->event_gen)
    luaL_error(L, "event view used after its event was released");
  return v;
}

/* Gives the new userdata on top the views' metatable (by its registry
 * reference: luaL_setmetatable would look it up by name). */
static void set_view_mt(lua_State *L) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, vigil_lstate(L)->view_mt_ref);
  lua_setmetatable(L, -2);
}

void vigil_event_push(lua_State *L, const cJSON *node) {
  view_t *v = lua_newuserdatauv(L, sizeof(*v), 0);

  v->node = node;
  memset(&v->val, 0, sizeof(v->val));
  v->gen = vigil_lstate(L)->event_gen;
  set_view_mt(L);
}

static void push_bytes_view(lua_State *L, const vigil_jval_t *val) {
  view_t *v = lua_newuserdatauv(L, sizeof(*v), 0);

  v->node = NULL;
  v->val = *val;
  v->gen = vigil_lstate(L)->event_gen;
  set_view_mt(L);
}

/* Integral values read as Lua integers so 12 == e.count holds. */
static void push_number(lua_State *L, double d) {
  if (d == floor(d) && fabs(d) < 9007199254740992.0)
    lua_pushinteger(L, (lua_Integer)d);
  else
    lua_pushnumber(L, d);
}

/* The Lua value of a byte value, as vigil_event_push_value gives it for
 * the same JSON in a tree. */
static void push_jval(lua_State *L, const vigil_jval_t *v) {
  const char *s;
  size_t len;

  switch (v->type) {
  case VIGIL_J_TRUE:
  case VIGIL_J_FALSE:
    lua_pushboolean(L, v->type == VIGIL_J_TRUE);
    break;
  case VIGIL_J_NUMBER:
    push_number(L, vigil_jdoc_number(v));
    break;
  case VIGIL_J_STRING:
    if (!(s = vigil_jdoc_str_tmp(vigil_lstate(L)->doc, v, &len)))
      luaL_error(L, "out of memory");
    lua_pushlstring(L, s, len);
    break;
  case VIGIL_J_OBJECT:
  case VIGIL_J_ARRAY:
    push_bytes_view(L, v);
    break;
  default:
    lua_pushnil(L);
  }
}

void vigil_event_doc_begin(lua_State *L, const char *json, size_t len) {
  vigil_lstate_t *ls = vigil_lstate(L);

  ls->event_gen++;
  vigil_jdoc_reset(ls->doc, json, len);
}

int vigil_event_doc_members(lua_State *L, const vigil_jval_t *obj, const vigil_scan_member_t *m,
                            size_t n) {
  /* on failure they are read when needed */
  return vigil_jdoc_prime(vigil_lstate(L)->doc, obj, m, n);
}

/* Every rule of a record gets the same root view: views are read-only and
 * hold no state, so one made per generation is shared, not one per call. */
void vigil_event_push_doc(lua_State *L) {
  vigil_lstate_t *ls = vigil_lstate(L);
  vigil_jval_t root;

  if (ls->root_gen == ls->event_gen) {
    lua_rawgeti(L, LUA_REGISTRYINDEX, ls->root_ref);
    return;
  }
  root = vigil_jdoc_root(ls->doc);
  push_jval(L, &root);
  if (root.type == VIGIL_J_OBJECT || root.type == VIGIL_J_ARRAY) {
    lua_pushvalue(L, -1);
    lua_rawseti(L, LUA_REGISTRYINDEX, ls->root_ref);
    ls->root_gen = ls->event_gen;
  }
}

void vigil_event_push_value(lua_State *L, const cJSON *node) {
  if (!node || cJSON_IsNull(node) || cJSON_IsInvalid(node)) {
    lua_pushnil(L);
  } else if (cJSON_IsBool(node)) {
    lua_pushboolean(L, cJSON_IsTrue(node));
  } else if (cJSON_IsNumber(node)) {
    push_number(L, node->valuedouble);
  } else if (cJSON_IsString(node)) {
    lua_pushstring(L, node->valuestring);
  } else if (cJSON_IsRaw(node)) {
    lua_pushstring(L, node->valuestring);
  } else {
    vigil_event_push(L, node);
  }
}

/* __index: a name, a dotted path, or a 1-based array index. */
/* The child at key of byte value v: a dotted key is a path (e["a.b"]). */
static int byte_lookup(vigil_jdoc_t *doc, const vigil_jval_t *v, const char *key, size_t len,
                       vigil_jval_t *out) {
  return memchr(key, '.', len) ? vigil_jdoc_path(doc, v, key, len, out)
                               : vigil_jdoc_child(doc, v, key, len, out);
}

static int view_index(lua_State *L) {
  view_t *v = checkview(L, 1);
  vigil_jdoc_t *doc = vigil_lstate(L)->doc;
  const cJSON *child = NULL;
  vigil_jval_t got;
  const char *key = NULL;
  size_t len = 0;
  int isnum = 0;
  int found = 0;
  lua_Integer idx;
  char num[24];

  if (lua_type(L, 2) == LUA_TNUMBER) {
    /* 2.0 is index 2, as in a Lua table; 2.5 and 0 are nothing. */
    idx = lua_tointegerx(L, 2, &isnum);
    if (!isnum || idx < 1) {
      lua_pushnil(L);
      return 1;
    }
    if (!v->node && v->val.type == VIGIL_J_ARRAY) { /* no text to make and parse again */
      if (vigil_jdoc_index(doc, &v->val, (size_t)idx, &got))
        push_jval(L, &got);
      else
        lua_pushnil(L);
      return 1;
    }
    len = (size_t)snprintf(num, sizeof(num), "%lld", (long long)idx);
    key = num;
  } else if (lua_type(L, 2) == LUA_TSTRING) {
    key = lua_tolstring(L, 2, &len);
  }
  if (key && v->node) {
    child = memchr(key, '.', len) ? vigil_json_path(v->node, key, len)
                                  : vigil_json_child(v->node, key, len);
  } else if (key) {
    found = byte_lookup(doc, &v->val, key, len, &got);
  }
  if (v->node || !key)
    vigil_event_push_value(L, child);
  else if (found)
    push_jval(L, &got);
  else
    lua_pushnil(L);
  return 1;
}

int vigil_event_view_get(lua_State *L, int idx, const char *path, size_t plen,
                         vigil_jval_t *out) {
  view_t *v = testview(L, idx);
  vigil_jdoc_t *doc = vigil_lstate(L)->doc;

  if (!v || v->node || v->gen != vigil_lstate(L)->event_gen)
    return -1;
  if (!byte_lookup(doc, &v->val, path, plen, out)) /* as view_index reads it */
    out->type = VIGIL_J_NONE;
  return 0;
}

const char *vigil_event_view_str(lua_State *L, const vigil_jval_t *v, size_t *len) {
  if (v->type != VIGIL_J_STRING)
    return NULL;
  return vigil_jdoc_str_tmp(vigil_lstate(L)->doc, v, len);
}

/* The entries of byte view v (an error when its text cannot be read). */
static size_t entries(lua_State *L, const view_t *v, const vigil_jdoc_ent_t **e) {
  size_t n = 0;

  if (vigil_jdoc_list(vigil_lstate(L)->doc, &v->val, e, &n) != 0)
    luaL_error(L, "event: out of memory or unreadable JSON");
  return n;
}

static int view_len(lua_State *L) {
  view_t *v = checkview(L, 1);
  const vigil_jdoc_ent_t *e;

  if (v->node)
    lua_pushinteger(L, cJSON_GetArraySize(v->node));
  else
    lua_pushinteger(L, (lua_Integer)entries(L, v, &e));
  return 1;
}

/* Iterator for pairs(): the control value is the previous key; the
 * current child is kept as a light userdata upvalue to stay O(1). */
static int view_next(lua_State *L) {
  view_t *v = checkview(L, 1);
  const cJSON *cur = lua_touserdata(L, lua_upvalueindex(1));
  lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
  const vigil_jdoc_ent_t *e;

  if (!v->node) { /* byte view: upvalue 2 is the position */
    if ((size_t)i >= entries(L, v, &e))
      return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    if (v->val.type == VIGIL_J_ARRAY)
      lua_pushinteger(L, i + 1);
    else
      lua_pushlstring(L, e[i].key, e[i].klen);
    push_jval(L, &e[i].val);
    return 2;
  }
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

/* A byte view's value as a new tree (cJSON parses its text). */
static cJSON *parse_bytes(const view_t *v) {
  return cJSON_ParseWithLength(v->val.p, v->val.len);
}

static int view_tostring(lua_State *L) {
  view_t *v = checkview(L, 1);
  cJSON *tree;

  if (!v->node) /* a parse and a print of the text: charged by its length */
    vigil_lstate_charge(L, (lua_Unsigned)v->val.len);
  tree = v->node ? NULL : parse_bytes(v);
  char *text = v->node ? cJSON_PrintUnformatted(v->node) : NULL;

  if (!v->node && tree)
    text = cJSON_PrintUnformatted(tree);
  cJSON_Delete(tree);
  if (!text)
    return luaL_error(L, "out of memory, or JSON cJSON cannot read");
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
  vigil_lstate(L)->view_mt = lua_topointer(L, -1); /* anchored in the registry */
  lua_pushvalue(L, -1);
  vigil_lstate(L)->view_mt_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_pushboolean(L, 0); /* the root view's slot, filled per record */
  vigil_lstate(L)->root_ref = luaL_ref(L, LUA_REGISTRYINDEX);
  vigil_lstate(L)->root_gen = UINT64_MAX;
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
  view_t *v = testview(L, idx);

  if (!v || v->gen != vigil_lstate(L)->event_gen)
    return NULL;
  return v->node;
}

cJSON *vigil_event_copy(lua_State *L, int idx) {
  view_t *v = testview(L, idx);

  if (!v || v->gen != vigil_lstate(L)->event_gen)
    return NULL;
  return v->node ? cJSON_Duplicate(v->node, 1) : parse_bytes(v);
}
