/* The vigil.json module rules may require: JSON text to Lua values
 * (core/lua_jsonlib.c). */
#ifndef VIGIL_LUA_JSONLIB_H
#define VIGIL_LUA_JSONLIB_H

#include <lua.h>

/* The module's opener, for package.preload["vigil.json"]. */
int vigil_open_json(lua_State *L);

#endif
