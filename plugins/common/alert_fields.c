/* Reading display fields out of an alert's JSON with cJSON. */
#include "alert_fields.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

static void copy_field(const cJSON *root, const char *key, char *out, size_t cap) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, key);

  if (cJSON_IsString(v))
    snprintf(out, cap, "%s", v->valuestring);
}

int vp_alert_fields(const vigil_alert_t *a, vp_alert_fields_t *f) {
  cJSON *root;

  memset(f, 0, sizeof(*f));
  root = cJSON_ParseWithLength(a->json, a->json_len);
  if (root == NULL)
    return -1;
  copy_field(root, "actor", f->actor, sizeof(f->actor));
  copy_field(root, "event_time", f->event_time, sizeof(f->event_time));
  cJSON_Delete(root);
  return 0;
}

const char *vp_severity_name(vigil_severity_t s) {
  static const char *const names[] = {"info", "low", "medium", "high", "critical"};

  if ((int)s < 0 || (size_t)s >= sizeof(names) / sizeof(names[0]))
    return "unknown";
  return names[s];
}
