#include "json_path.h"

#include <string.h>

static const cJSON *array_at(const cJSON *arr, const char *seg, size_t len) {
  size_t idx = 0;
  size_t i;
  const cJSON *it;

  if (len == 0 || len > 9)
    return NULL;
  for (i = 0; i < len; i++) {
    if (seg[i] < '0' || seg[i] > '9')
      return NULL;
    idx = idx * 10 + (size_t)(seg[i] - '0');
  }
  if (idx == 0)
    return NULL;
  for (it = arr->child; it && --idx > 0; it = it->next)
    ;
  return it;
}

const cJSON *vigil_json_child(const cJSON *node, const char *seg, size_t len) {
  const cJSON *it;
  const cJSON *found = NULL;

  if (!node)
    return NULL;
  if (cJSON_IsArray(node))
    return array_at(node, seg, len);
  if (!cJSON_IsObject(node))
    return NULL;
  /* Last occurrence wins, as in the scanner, so both paths agree. */
  /* The first byte rules out most members before the strlen. */
  for (it = node->child; it; it = it->next) {
    if (it->string && (len ? it->string[0] == seg[0] : it->string[0] == '\0') &&
        strlen(it->string) == len && memcmp(it->string, seg, len) == 0)
      found = it;
  }
  return found;
}

const cJSON *vigil_json_path(const cJSON *node, const char *path, size_t len) {
  const char *end = path + len;
  const char *dot;

  while (node && path < end) {
    dot = memchr(path, '.', (size_t)(end - path));
    if (!dot)
      dot = end;
    node = vigil_json_child(node, path, (size_t)(dot - path));
    path = dot + 1;
  }
  return node;
}

const char *vigil_json_str(const cJSON *node, const char *path) {
  const cJSON *v = vigil_json_path(node, path, strlen(path));

  return cJSON_IsString(v) ? v->valuestring : NULL;
}
