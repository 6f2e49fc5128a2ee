#include "alert.h"

#include <stdlib.h>
#include <string.h>

#include "cloudtrail.h"
#include "json_path.h"
#include "template.h"

/* Top-level event fields copied into the alert under another name. */
static const struct {
  const char *alert;
  const char *event;
} copied[] = {{"region", "awsRegion"},         {"source_ip", "sourceIPAddress"},
              {"user_agent", "userAgent"},     {"event_id", "eventID"},
              {"event_name", "eventName"},     {"event_source", "eventSource"},
              {"error_code", "errorCode"},     {NULL, NULL}};

static void add_str(cJSON *o, const char *k, const char *v) {
  if (v)
    cJSON_AddStringToObject(o, k, v);
  else
    cJSON_AddNullToObject(o, k);
}

/* The fields templates may name directly, also part of the alert. */
static cJSON *identity_fields(const cJSON *event) {
  cJSON *f = cJSON_CreateObject();
  int i;

  add_str(f, "actor", vigil_ct_actor(event));
  add_str(f, "account", vigil_ct_account(event));
  for (i = 0; copied[i].alert; i++)
    add_str(f, copied[i].alert, vigil_json_str(event, copied[i].event));
  return f;
}

static cJSON *origin_json(const vigil_origin_t *o) {
  cJSON *j = cJSON_CreateObject();

  add_str(j, "source", o->source);
  add_str(j, "stream", o->stream);
  if (o->line)
    cJSON_AddNumberToObject(j, "line", (double)o->line);
  cJSON_AddNumberToObject(j, "record", (double)o->record);
  return j;
}

/* The rule's metadata members, from their text printed at load
 * (r->meta_text), else copied from the tree. */
static void add_meta(cJSON *alert, const vigil_rule_t *r) {
  const cJSON *m;
  int i = 0;

  cJSON_ArrayForEach(m, r->meta) {
    if (r->meta_text && r->meta_text[i])
      cJSON_AddRawToObject(alert, m->string, r->meta_text[i++]);
    else
      cJSON_AddItemToObject(alert, m->string, cJSON_Duplicate(m, 1));
  }
}

vigil_alert_item_t *vigil_alert_build(const vigil_rule_t *r, const cJSON *event, cJSON *ctx,
                                      const vigil_origin_t *origin, int64_t now_ms) {
  vigil_alert_opts_t o = {NULL, vigil_rule_severity(r), 1};

  return vigil_alert_build_ex(r, event, ctx, origin, now_ms, &o);
}

vigil_alert_item_t *vigil_alert_build_ex(const vigil_rule_t *r, const cJSON *event, cJSON *ctx,
                                         const vigil_origin_t *origin, int64_t now_ms,
                                         const vigil_alert_opts_t *o) {
  const char *title = o->title ? o->title : r->title;
  vigil_alert_item_t *a = calloc(1, sizeof(*a));
  cJSON *j = cJSON_CreateObject();
  cJSON *fields = identity_fields(event);
  cJSON *f;
  const char *etime = vigil_ct_time(event);
  char detected[40];

  if (!a || !j || !fields)
    goto fail;
  a->message = r->output ? vigil_render(r->output, fields, event) : strdup(title);
  a->rule_id = strdup(r->id);
  a->title = strdup(title);
  if (!a->message || !a->rule_id || !a->title)
    goto fail;
  if (vigil_parse_time(etime, &a->pub.event_time_ms) != 0)
    a->pub.event_time_ms = now_ms;
  vigil_format_time(now_ms, detected, sizeof(detected));

  cJSON_AddStringToObject(j, "rule_id", r->id);
  cJSON_AddStringToObject(j, "title", title);
  cJSON_AddStringToObject(j, "severity", vigil_severity_name(o->severity));
  cJSON_AddStringToObject(j, "message", a->message);
  add_str(j, "event_time", etime);
  cJSON_AddStringToObject(j, "detected_at", detected);
  cJSON_ArrayForEach(f, fields) {
    cJSON_AddItemToObject(j, f->string, cJSON_Duplicate(f, 1));
  }
  cJSON_AddItemToObject(j, "origin", origin_json(origin));
  add_meta(j, r);
  cJSON_AddItemToObject(j, "context", ctx ? ctx : cJSON_CreateObject());
  ctx = NULL;
  cJSON_AddNumberToObject(j, "duplicates", (double)(o->duplicates ? o->duplicates : 1));
  /* A reference: printed with the alert, not copied, not freed with it. */
  cJSON_AddItemReferenceToObject(j, "event", (cJSON *)event);
  a->json = cJSON_PrintUnformatted(j);
  if (!a->json)
    goto fail;
  cJSON_Delete(j);
  cJSON_Delete(fields);

  a->pub.size = sizeof(a->pub);
  a->pub.json = a->json;
  a->pub.json_len = strlen(a->json);
  a->pub.rule_id = a->rule_id;
  a->pub.title = a->title;
  a->pub.message = a->message;
  a->pub.severity = o->severity;
  a->pub.token = a;
  return a;

fail:
  cJSON_Delete(ctx);
  cJSON_Delete(j);
  cJSON_Delete(fields);
  vigil_alert_free(a);
  return NULL;
}

void vigil_alert_free(vigil_alert_item_t *a) {
  if (!a)
    return;
  cJSON_free(a->json);
  free(a->rule_id);
  free(a->title);
  free(a->message);
  free(a);
}
