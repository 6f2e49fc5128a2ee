/*
 * Event trees without malloc: the cJSON tree of a record parsed on the
 * event path is built in a per-thread arena and dropped whole when the
 * event is done, instead of a malloc and a free per node and string (which
 * were a fifth of a worker's time).
 *
 * The arena is used only inside vigil_json_event_parse(); every other cJSON
 * allocation (alerts, context tables, plugins) still goes to malloc, and
 * freeing an arena pointer is a no-op. A tree must be released with
 * vigil_json_event_free() on the thread that parsed it, before that thread
 * parses the next one: nothing may keep a node of it (alerts print the
 * event at once; Lua views of it go stale, see lua_event.h).
 */
#ifndef VIGIL_JSON_ARENA_H
#define VIGIL_JSON_ARENA_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Installs the cJSON allocation hooks. Call once, before any thread uses
 * cJSON. Without it the two calls below are cJSON_ParseWithLength and
 * cJSON_Delete. */
void vigil_json_arena_install(void);

cJSON *vigil_json_event_parse(const char *json, size_t len);
void vigil_json_event_free(cJSON *tree);

/* Frees this thread's arena (thread exit). */
void vigil_json_arena_release(void);

#endif
