/* The vigil.json module rules may require: JSON text to Lua values
 * (core/lua_jsonlib.c). */
#ifndef VIGIL_LUA_JSONLIB_H
#define VIGIL_LUA_JSONLIB_H

#include <lua.h>

/* Makes require "vigil.json" find the module in L (package.preload). */
void vigil_jsonlib_register(lua_State *L);

#endif
