/* The vigil.native module that vigil.aws and vigil.data build on: their
 * hottest helpers in C for byte views (core/lua_nativelib.c). */
#ifndef VIGIL_LUA_NATIVELIB_H
#define VIGIL_LUA_NATIVELIB_H

#include <lua.h>

/* Makes require "vigil.native" find the module in L (package.preload). */
void vigil_nativelib_register(lua_State *L);

#endif
