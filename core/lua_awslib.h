/* The vigil.aws_core module that vigil.aws builds on: its hottest helpers
 * in C for byte views (core/lua_awslib.c). */
#ifndef VIGIL_LUA_AWSLIB_H
#define VIGIL_LUA_AWSLIB_H

#include <lua.h>

/* Makes require "vigil.aws_core" find the module in L (package.preload). */
void vigil_awslib_register(lua_State *L);

#endif
