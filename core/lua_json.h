/* Lua values to cJSON: rule metadata and context() results become alert JSON. */
#ifndef VIGIL_LUA_JSON_H
#define VIGIL_LUA_JSON_H

#include <cjson/cJSON.h>
#include <lua.h>

/*
 * Converts the value at idx. A table whose keys are exactly 1..n becomes an
 * array, an empty table an empty object, any other table an object (keys
 * converted with tostring, members sorted by name so the output does not
 * change with Lua's hash order). Event views become copies of their JSON.
 * Functions, threads and userdata: NULL with *why set; so are cycles
 * (depth over 32).
 */
cJSON *vigil_lua_to_json(lua_State *L, int idx, const char **why);

#endif
