/* The vigil.native module that vigil.aws and vigil.data build on: their
 * hottest helpers in C for byte views (core/lua_nativelib.c). */
#ifndef VIGIL_LUA_NATIVELIB_H
#define VIGIL_LUA_NATIVELIB_H

#include <lua.h>

/* The module's opener, for package.preload["vigil.native"]. */
int vigil_open_native(lua_State *L);

#endif
