/*
 * require "vigil.json": JSON text to Lua values for rules, in C.
 *
 * CloudTrail logs policy documents (trust policies, bucket and key
 * policies, Lambda statements) as strings, and the policy rules decode one
 * on most of their events; a reader written in Lua cost 20-40 µs a
 * document in the sandbox, most of the pack's policy rules' time.
 *
 *   local json = require "vigil.json"
 *   local doc, err = json.decode(text)
 *
 * decode(s) returns the value, or nil and a message naming the character
 * where the text went wrong (or "at the end" when it stops short). The
 * text must be exactly one JSON value (RFC 8259, checked by core/scan.c),
 * nested at most 64 deep. Objects and arrays
 * become tables (arrays 1-based; a JSON null leaves its position empty),
 * null becomes nil, numbers read as tonumber() reads their text (12 an
 * integer, 1.5 and 1e3 floats), strings are decoded (\u0000 included; a
 * lone surrogate becomes U+FFFD). A repeated name keeps its last value.
 * The work is charged to the call's budget by the text's length, and what
 * it builds counts against the state's memory like any Lua value.
 */
#include "lua_jsonlib.h"

#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "lua_state.h"
#include "scan.h"

#define MAX_DEPTH 64

/* Pushes the Lua value of v (validated text); errors are Lua errors. */
static void push(lua_State *L, const vigil_jval_t *v, int depth);

static void push_string(lua_State *L, const vigil_jval_t *v) {
  luaL_Buffer b;
  size_t n;

  if (!v->escaped) {
    lua_pushlstring(L, v->p, v->len);
    return;
  }
  n = vigil_jval_str(v, NULL, 0);
  vigil_jval_str(v, luaL_buffinitsize(L, &b, n + 1), n + 1);
  luaL_pushresultsize(&b, n);
}

static void push_number(lua_State *L, const vigil_jval_t *v) {
  char buf[64];
  char *text = buf;

  if (v->len >= sizeof(buf))
    text = lua_newuserdatauv(L, v->len + 1, 0); /* freed by the collector */
  memcpy(text, v->p, v->len);
  text[v->len] = '\0';
  if (lua_stringtonumber(L, text) == 0)
    luaL_error(L, "vigil.json: bad number");
  if (text != buf)
    lua_remove(L, -2);
}

static void push_container(lua_State *L, const vigil_jval_t *v, int depth) {
  vigil_scan_iter_t it;
  vigil_jval_t name;
  vigil_jval_t val;
  lua_Integer i = 0;

  if (depth >= MAX_DEPTH) /* too_deep() refused such text already */
    luaL_error(L, "vigil.json: nesting too deep");
  luaL_checkstack(L, 4, "vigil.json");
  lua_newtable(L);
  if (v->type == VIGIL_J_ARRAY) {
    vigil_scan_array_begin(&it, v);
    while (vigil_scan_array_next(&it, &val, NULL) == 1) {
      i++;
      if (val.type == VIGIL_J_NULL)
        continue; /* the position stays empty */
      push(L, &val, depth + 1);
      lua_rawseti(L, -2, i);
    }
    return;
  }
  vigil_scan_members_begin(&it, v);
  while (vigil_scan_members_next(&it, &name, &val, NULL) == 1) {
    push_string(L, &name);
    if (val.type == VIGIL_J_NULL)
      lua_pushnil(L); /* a later null removes an earlier value, as in Lua */
    else
      push(L, &val, depth + 1);
    lua_rawset(L, -3);
  }
}

static void push(lua_State *L, const vigil_jval_t *v, int depth) {
  switch (v->type) {
  case VIGIL_J_OBJECT:
  case VIGIL_J_ARRAY:
    push_container(L, v, depth);
    break;
  case VIGIL_J_STRING:
    push_string(L, v);
    break;
  case VIGIL_J_NUMBER:
    push_number(L, v);
    break;
  case VIGIL_J_TRUE:
  case VIGIL_J_FALSE:
    lua_pushboolean(L, v->type == VIGIL_J_TRUE);
    break;
  default:
    lua_pushnil(L);
  }
}

/* How deep the value nests, stopping past MAX_DEPTH: a document too deep
 * is refused before anything is built. */
static int too_deep(const char *p, size_t len, size_t *at) {
  const char *end = p + len;
  const char *s = p;
  int depth = 0;

  for (; p < end; p++) {
    if (*p == '"') {
      for (p++; p < end && *p != '"'; p++) {
        if (*p == '\\')
          p++;
      }
    } else if (*p == '{' || *p == '[') {
      if (++depth > MAX_DEPTH) {
        *at = (size_t)(p - s);
        return 1;
      }
    } else if (*p == '}' || *p == ']') {
      depth--;
    }
  }
  return 0;
}

static int l_decode(lua_State *L) {
  vigil_scan_err_t err;
  vigil_jval_t v;
  const char *s;
  size_t len;
  size_t at;

  if (lua_type(L, 1) != LUA_TSTRING) {
    lua_pushnil(L);
    lua_pushliteral(L, "not a string");
    return 2;
  }
  s = lua_tolstring(L, 1, &len);
  vigil_lstate_charge(L, (lua_Unsigned)len);
  if (vigil_scan_value(s, len, &v, &err) != 0) {
    lua_pushnil(L);
    if (err.offset < len)
      lua_pushfstring(L, "%s at character %d of %d", err.what, (int)err.offset + 1, (int)len);
    else
      lua_pushfstring(L, "%s at the end (%d characters)", err.what, (int)len);
    return 2;
  }
  if (too_deep(v.p, v.len, &at)) {
    lua_pushnil(L);
    lua_pushfstring(L, "nesting too deep at character %d of %d", (int)(v.p - s + at) + 1,
                    (int)len);
    return 2;
  }
  push(L, &v, 0);
  return 1;
}

int vigil_open_json(lua_State *L) {
  static const luaL_Reg fns[] = {{"decode", l_decode}, {NULL, NULL}};

  luaL_newlib(L, fns);
  return 1;
}
