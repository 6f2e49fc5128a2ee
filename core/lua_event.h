/*
 * The event as rules see it: a read-only Lua view over a cJSON tree.
 *
 * e.eventName, e.userIdentity.type, e["requestParameters.roleName"],
 * e.resources[1].ARN, #e.resources, pairs(e.requestParameters). JSON null
 * and missing both read as nil. Nothing is copied into Lua tables: each
 * access looks into the tree. Views carry the generation of the event they
 * belong to; using one after its event is released raises a Lua error
 * instead of reading freed memory.
 */
#ifndef VIGIL_LUA_EVENT_H
#define VIGIL_LUA_EVENT_H

#include <stdint.h>

#include <cjson/cJSON.h>
#include <lua.h>

/* Registers the view's metatable in L. Call once per state. */
void vigil_event_open(lua_State *L);

/* Starts a new event generation; views of earlier events become stale. */
void vigil_event_next(lua_State *L);

/* Pushes a view of node for the current generation. */
void vigil_event_push(lua_State *L, const cJSON *node);

/* Pushes the Lua value for a JSON node: nil, boolean, integer or float,
 * string, or a view for objects and arrays. */
void vigil_event_push_value(lua_State *L, const cJSON *node);

/* The node behind the view at idx, or NULL if idx is not a live view. */
const cJSON *vigil_event_check(lua_State *L, int idx);

#endif
