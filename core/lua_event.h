/*
 * The event as rules see it: a read-only Lua view over a cJSON tree, or
 * over the record's bytes (a byte view, core/jdoc.h: fields are read from
 * the text on access, no tree is built; it answers every access as the
 * tree view would for the same JSON).
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

#include "scan.h"

/* Registers the view's metatable in L. Call once per state. */
void vigil_event_open(lua_State *L);

/* Starts a new event generation; views of earlier events become stale. */
void vigil_event_next(lua_State *L);

/* Pushes a view of node for the current generation. */
void vigil_event_push(lua_State *L, const cJSON *node);

/* Pushes the Lua value for a JSON node: nil, boolean, integer or float,
 * string, or a view for objects and arrays. */
void vigil_event_push_value(lua_State *L, const cJSON *node);

/* The node behind the view at idx, or NULL if idx is not a live tree view. */
const cJSON *vigil_event_check(lua_State *L, int idx);

/* A new tree holding the value of the live view at idx (either kind), or
 * NULL (not a live view, out of memory). */
cJSON *vigil_event_copy(lua_State *L, int idx);

/* Starts a new event generation on the record json[0..len), which the
 * scanner validated and which must stay put until the next one; then
 * vigil_event_push_doc pushes a byte view of it (its Lua value). */
void vigil_event_doc_begin(lua_State *L, const char *json, size_t len);
void vigil_event_push_doc(lua_State *L);
/* After doc_begin: the members of obj (NULL: the record's top-level ones)
 * as the scanner read them (vigil_jdoc_prime), so the view need not read
 * them again. 0, or -1 when they were not kept. */
int vigil_event_doc_members(lua_State *L, const vigil_jval_t *obj, const vigil_scan_member_t *m,
                            size_t n);

/* For helpers in C (core/lua_nativelib.c): the value at path (dotted, as
 * e["a.b"] reads it) of the live byte view at idx, in *out (type
 * VIGIL_J_NONE when absent); -1 when idx is anything else (a tree view, a
 * stale view, a table), for the caller to fall back on Lua. */
int vigil_event_view_get(lua_State *L, int idx, const char *path, size_t plen,
                         vigil_jval_t *out);
/* The decoded text of string value v as e.x would give it (borrowed until
 * the next read), or NULL when v is not a string (or out of memory). */
const char *vigil_event_view_str(lua_State *L, const vigil_jval_t *v, size_t *len);

#endif
