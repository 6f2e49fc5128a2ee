/* Dotted paths into a cJSON tree: "userIdentity.sessionContext.attributes",
 * "resources.1.ARN" (array segments are 1-based, as in Lua). */
#ifndef VIGIL_JSON_PATH_H
#define VIGIL_JSON_PATH_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Child of an object by name or of an array by 1-based index written in
 * decimal; NULL when absent. seg need not be NUL-terminated. */
const cJSON *vigil_json_child(const cJSON *node, const char *seg, size_t len);

/* Follows path from node; NULL when any segment is absent. A JSON null
 * is returned as the cJSON_NULL node, so callers decide what it means. */
const cJSON *vigil_json_path(const cJSON *node, const char *path, size_t len);

/* The string at path, or NULL when absent, null or not a string. */
const char *vigil_json_str(const cJSON *node, const char *path);

#endif
