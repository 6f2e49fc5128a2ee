/*
 * A rule as JSON for `vigil explain --json`: what the page shows, in fields
 * a tool can read (the peer-case report reads the index from it).
 */
#include <lauxlib.h>

#include "explain.h"

static cJSON *strings(char **v, int n) {
  cJSON *a = cJSON_CreateArray();
  int i;

  for (i = 0; i < n; i++)
    cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
  return a;
}

static cJSON *on_json(char **sources, int nsources, char **names, int nnames) {
  cJSON *on = cJSON_CreateObject();

  cJSON_AddItemToObject(on, "eventSource", strings(sources, nsources));
  cJSON_AddItemToObject(on, "eventName", strings(names, nnames));
  return on;
}

/* on.unless: path -> its values, as the rule wrote them ({"nocase": p}). */
static cJSON *unless_json(const vigil_rule_t *r) {
  cJSON *o = cJSON_CreateObject();
  cJSON *vals;
  cJSON *v;
  int i;
  int j;

  for (i = 0; i < r->nunless; i++) {
    vals = cJSON_AddArrayToObject(o, r->unless[i].path);
    for (j = 0; j < r->unless[i].npats; j++) {
      if (r->unless[i].nocase[j])
        cJSON_AddStringToObject(v = cJSON_CreateObject(), "nocase", r->unless[i].pats[j]);
      else
        v = cJSON_CreateString(r->unless[i].pats[j]);
      cJSON_AddItemToArray(vals, v);
    }
    if (r->unless[i].bools & VIGIL_UNLESS_TRUE)
      cJSON_AddItemToArray(vals, cJSON_CreateTrue());
    if (r->unless[i].bools & VIGIL_UNLESS_FALSE)
      cJSON_AddItemToArray(vals, cJSON_CreateFalse());
  }
  return o;
}

static int has_ref(int ref) {
  return ref != LUA_NOREF && ref != LUA_REFNIL;
}

/* A key as paths, "actor" (the default) or "function". */
static cJSON *key_json(const vigil_key_spec_t *k) {
  if (has_ref(k->fn_ref))
    return cJSON_CreateString("function");
  if (k->npaths == 0)
    return cJSON_CreateString("actor");
  return strings(k->paths, k->npaths);
}

static cJSON *form_json(const vigil_form_t *f) {
  static const char *const kinds[] = {"none", "threshold", "distinct", "sequence"};
  cJSON *o = cJSON_CreateObject();
  cJSON *steps;
  cJSON *d;
  cJSON *st;
  uint32_t i;

  cJSON_AddStringToObject(o, "kind", kinds[f->kind]);
  if (f->kind != VIGIL_FORM_NONE) {
    cJSON_AddNumberToObject(o, "window_ms", (double)f->window_ms);
    cJSON_AddItemToObject(o, "key", key_json(&f->key));
  }
  if (f->kind == VIGIL_FORM_THRESHOLD || f->kind == VIGIL_FORM_DISTINCT)
    cJSON_AddNumberToObject(o, "count", f->count);
  if (f->kind == VIGIL_FORM_DISTINCT)
    cJSON_AddStringToObject(o, "field", f->field ? f->field : "function");
  if (f->kind == VIGIL_FORM_SEQUENCE) {
    steps = cJSON_AddArrayToObject(o, "steps");
    for (i = 0; i < f->nsteps; i++) {
      st =
          on_json(f->steps[i].sources, f->steps[i].nsources, f->steps[i].names, f->steps[i].nnames);
      if (f->steps[i].name)
        cJSON_AddStringToObject(st, "name", f->steps[i].name);
      cJSON_AddItemToArray(steps, st);
    }
  }
  if (f->dedup) {
    d = cJSON_AddObjectToObject(o, "dedup");
    cJSON_AddNumberToObject(d, "window_ms", (double)f->dedup_ms);
    cJSON_AddItemToObject(d, "key", key_json(&f->dedup_key));
  }
  return o;
}

static void add_exceptions(cJSON *arr, const vigil_exception_t *e, int n, int override) {
  cJSON *o;
  int i;

  for (i = 0; i < n; i++) {
    o = cJSON_CreateObject();
    if (e[i].field) {
      cJSON_AddStringToObject(o, "field", e[i].field);
      cJSON_AddItemToObject(o, "values", strings(e[i].values, e[i].nvalues));
    } else {
      cJSON_AddBoolToObject(o, "function", 1);
    }
    if (e[i].where)
      cJSON_AddStringToObject(o, "where", e[i].where);
    cJSON_AddBoolToObject(o, "override", override);
    cJSON_AddItemToArray(arr, o);
  }
}

static cJSON *attack_json(const cJSON *tags) {
  static const char *const kinds[] = {"t",        "technique", "g",      "group", "s",
                                      "software", "a",         "tactic", NULL};
  cJSON *arr = cJSON_CreateArray();
  cJSON *a;
  const cJSON *it;
  char name[64];
  char url[128];
  int kind;
  int i;

  cJSON_ArrayForEach(it, tags) {
    if (!cJSON_IsString(it) ||
        !(kind = vigil_attack_tag(it->valuestring, name, sizeof(name), url, sizeof(url))))
      continue;
    for (i = 0; kinds[i][0] != kind; i += 2)
      ;
    a = cJSON_CreateObject();
    cJSON_AddStringToObject(a, "tag", it->valuestring);
    cJSON_AddStringToObject(a, "kind", kinds[i + 1]);
    cJSON_AddStringToObject(a, kind == 'a' ? "name" : "id", name);
    if (url[0])
      cJSON_AddStringToObject(a, "url", url);
    cJSON_AddItemToArray(arr, a);
  }
  return arr;
}

cJSON *vigil_explain_json(const vigil_rule_t *r) {
  cJSON *o = cJSON_CreateObject();
  cJSON *exc;
  const cJSON *it;

  cJSON_AddStringToObject(o, "id", r->id);
  cJSON_AddStringToObject(o, "title", r->title);
  cJSON_AddStringToObject(o, "severity", vigil_severity_name(vigil_rule_severity(r)));
  cJSON_AddStringToObject(o, "severity_written", vigil_severity_name(r->severity));
  cJSON_AddBoolToObject(o, "severity_function", has_ref(r->severity_ref));
  if (r->ov_where)
    cJSON_AddStringToObject(o, "override", r->ov_where);
  cJSON_AddBoolToObject(o, "enabled", vigil_rule_enabled(r));
  cJSON_AddItemToObject(o, "on", on_json(r->sources, r->nsources, r->names, r->nnames));
  if (r->nunless)
    cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(o, "on"), "unless", unless_json(r));
  if (r->form.kind != VIGIL_FORM_NONE || r->form.dedup)
    cJSON_AddItemToObject(o, "form", form_json(&r->form));
  if (r->nexc || r->nov_exc) {
    exc = cJSON_AddArrayToObject(o, "exceptions");
    add_exceptions(exc, r->exc, r->nexc, 0);
    add_exceptions(exc, r->ov_exc, r->nov_exc, 1);
  }
  cJSON_AddStringToObject(o, "file", r->file);
  cJSON_AddNumberToObject(o, "line", r->line);
  cJSON_ArrayForEach(it, r->meta) cJSON_AddItemToObject(o, it->string, cJSON_Duplicate(it, 1));
  cJSON_AddItemToObject(o, "attack",
                        attack_json(cJSON_GetObjectItemCaseSensitive(r->meta, "tags")));
  return o;
}
