#include "alert.h"

#include <stdlib.h>
#include <string.h>

#include "cloudtrail.h"
#include "template.h"
#include "textbuf.h"

/* Top-level event fields copied into the alert under another name. */
static const struct {
  const char *alert;
  const char *event;
} copied[] = {{"region", "awsRegion"},         {"source_ip", "sourceIPAddress"},
              {"user_agent", "userAgent"},     {"event_id", "eventID"},
              {"event_name", "eventName"},     {"event_source", "eventSource"},
              {"error_code", "errorCode"},     {NULL, NULL}};

#define NFIELDS (2 + sizeof(copied) / sizeof(copied[0]) - 1)

/* The string at path in the record (the last of a repeated name, as
 * rules read it), or NULL. */
static const char *doc_str(vigil_jdoc_t *doc, const char *path) {
  vigil_jval_t root = vigil_jdoc_root(doc);
  vigil_jval_t v;

  if (!vigil_jdoc_path(doc, &root, path, strlen(path), &v) || v.type != VIGIL_J_STRING)
    return NULL;
  return vigil_jdoc_cstr(doc, &v);
}

/* The fields templates may name directly, also part of the alert. */
static void identity_fields(vigil_jdoc_t *doc, vigil_tfield_t *f) {
  size_t i;

  f[0] = (vigil_tfield_t){"actor", vigil_ct_actor_doc(doc)};
  f[1] = (vigil_tfield_t){"account", vigil_ct_account_doc(doc)};
  for (i = 0; copied[i].alert; i++)
    f[2 + i] = (vigil_tfield_t){copied[i].alert, doc_str(doc, copied[i].event)};
}

/* ,"name": as the start of a member of an object already opened; name
 * is one of ours, which needs no escape. */
static void key(vigil_tbuf_t *b, const char *name) {
  size_t n = strlen(name);

  if (vigil_tbuf_reserve(b, n + 4) != 0)
    return;
  b->p[b->len++] = ',';
  b->p[b->len++] = '"';
  memcpy(b->p + b->len, name, n);
  b->len += n;
  b->p[b->len++] = '"';
  b->p[b->len++] = ':';
  b->p[b->len] = '\0';
}

/* The same for a name that comes from a rule. */
static void rule_key(vigil_tbuf_t *b, const char *name) {
  vigil_tbuf_put(b, ",", 1);
  vigil_tbuf_jstr(b, name);
  vigil_tbuf_put(b, ":", 1);
}

static void str_member(vigil_tbuf_t *b, const char *name, const char *v) {
  key(b, name);
  vigil_tbuf_jstr(b, v);
}

/* cJSON's text of v as the member name's value (v is not freed); name
 * from the rule. */
static void tree_member(vigil_tbuf_t *b, const char *name, const cJSON *v) {
  char *text = cJSON_PrintUnformatted(v);

  if (!text) {
    b->oom = 1;
    return;
  }
  rule_key(b, name);
  vigil_tbuf_puts(b, text);
  cJSON_free(text);
}

static void origin_member(vigil_tbuf_t *b, const vigil_origin_t *o) {
  key(b, "origin");
  vigil_tbuf_put(b, "{\"source\":", 10);
  vigil_tbuf_jstr(b, o->source);
  str_member(b, "stream", o->stream);
  if (o->line) {
    key(b, "line");
    vigil_tbuf_u64(b, o->line);
  }
  key(b, "record");
  vigil_tbuf_u64(b, o->record);
  vigil_tbuf_put(b, "}", 1);
}

/* The rule's metadata members, from their text printed at load
 * (r->meta_text), else printed from the tree. */
static void meta_members(vigil_tbuf_t *b, const vigil_rule_t *r) {
  const cJSON *m;
  int i = 0;

  cJSON_ArrayForEach(m, r->meta) {
    if (r->meta_text && r->meta_text[i]) {
      rule_key(b, m->string);
      vigil_tbuf_puts(b, r->meta_text[i++]);
    } else {
      tree_member(b, m->string, m);
    }
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
  char *text = cJSON_PrintUnformatted(event);
  vigil_jdoc_t *doc = text ? vigil_jdoc_new() : NULL;
  vigil_alert_item_t *a = NULL;

  if (doc) {
    vigil_jdoc_reset(doc, text, strlen(text));
    a = vigil_alert_build_doc(r, doc, ctx, origin, now_ms, o);
    ctx = NULL;
  }
  cJSON_Delete(ctx);
  vigil_jdoc_free(doc);
  cJSON_free(text);
  return a;
}

/* A zeroed item with copies of id, title and message after it. */
static vigil_alert_item_t *new_item(const char *id, const char *title, const char *message) {
  size_t ni = strlen(id) + 1;
  size_t nt = strlen(title) + 1;
  size_t nm = strlen(message) + 1;
  vigil_alert_item_t *a = calloc(1, sizeof(*a) + ni + nt + nm);

  if (!a)
    return NULL;
  a->worker = -1;
  a->rule_id = memcpy((char *)(a + 1), id, ni);
  a->title = memcpy(a->rule_id + ni, title, nt);
  a->message = memcpy(a->title + nt, message, nm);
  return a;
}

vigil_alert_item_t *vigil_alert_build_doc(const vigil_rule_t *r, vigil_jdoc_t *doc, cJSON *ctx,
                                          const vigil_origin_t *origin, int64_t now_ms,
                                          const vigil_alert_opts_t *o) {
  const char *title = o->title ? o->title : r->title;
  vigil_alert_item_t *a = NULL;
  vigil_jval_t root = vigil_jdoc_root(doc);
  const char *etime = vigil_ct_time_doc(doc);
  vigil_tfield_t fields[NFIELDS];
  vigil_tbuf_t b = {0};
  char detected[40];
  char *msg;
  size_t i;

  identity_fields(doc, fields);
  msg = r->output ? vigil_render(r->output, fields, NFIELDS, doc) : NULL;
  if (r->output && !msg)
    goto fail;
  /* The item and its short strings in one block: the loop thread frees
   * what a worker allocated, and each free() of another thread's block
   * takes that thread's malloc arena lock, which the worker holds often. */
  if (!(a = new_item(r->id, title, msg ? msg : title)))
    goto fail;
  free(msg);
  msg = NULL;
  if (vigil_parse_time(etime, &a->pub.event_time_ms) != 0)
    a->pub.event_time_ms = now_ms;
  vigil_format_time(now_ms, detected, sizeof(detected));

  /* Written as text, member by member; the event goes in as the record's
   * own JSON on one line, never parsed into a tree. */
  vigil_tbuf_reserve(&b, root.len + 1024);
  vigil_tbuf_put(&b, "{\"rule_id\":", 11);
  vigil_tbuf_jstr(&b, r->id);
  str_member(&b, "title", title);
  str_member(&b, "severity", vigil_severity_name(o->severity));
  str_member(&b, "message", a->message);
  str_member(&b, "event_time", etime);
  str_member(&b, "detected_at", detected);
  for (i = 0; i < NFIELDS; i++)
    str_member(&b, fields[i].name, fields[i].value);
  origin_member(&b, origin);
  meta_members(&b, r);
  if (ctx)
    tree_member(&b, "context", ctx);
  else
    vigil_tbuf_puts(&b, ",\"context\":{}");
  key(&b, "duplicates");
  vigil_tbuf_u64(&b, o->duplicates ? o->duplicates : 1);
  key(&b, "event");
  if (root.type != VIGIL_J_NONE)
    vigil_tbuf_json_min(&b, root.p, root.len);
  else
    vigil_tbuf_put(&b, "null", 4);
  vigil_tbuf_put(&b, "}", 1);
  if (!(a->json = vigil_tbuf_take(&b)))
    goto fail;
  cJSON_Delete(ctx);

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
  free(msg);
  vigil_tbuf_free(&b);
  cJSON_Delete(ctx);
  vigil_alert_free(a);
  return NULL;
}

void vigil_alert_free(vigil_alert_item_t *a) {
  if (!a)
    return;
  free(a->json);
  free(a); /* rule_id, title and message with it */
}
