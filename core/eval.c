#include "eval.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <lauxlib.h>

#include "cloudtrail.h"
#include "jdoc.h"
#include "lua_state.h"

#define KEY_MAX 1024

/* Dedup entries live beside the form's under another signature. */
#define DEDUP_SIG_SALT 0x9e3779b97f4a7c15ull

static int in_list(const char *s, char *const *list, int n) {
  int i;

  if (n == 0)
    return 1;
  for (i = 0; s && i < n; i++) {
    if (strcmp(s, list[i]) == 0)
      return 1;
  }
  return 0;
}

static const char *number_text(double d, char *buf, size_t cap) {
  if (d == (double)(long long)d)
    snprintf(buf, cap, "%lld", (long long)d);
  else
    snprintf(buf, cap, "%.17g", d);
  return buf;
}

/* ---- the event: the record's bytes, through its byte view ---- */

static vigil_jdoc_t *doc_of(const vigil_eval_t *c) {
  return vigil_lstate(c->rs->L)->doc;
}

/* The value at path read from the doc, as vigil_json_path finds it. */
static int doc_at(const vigil_eval_t *c, const char *path, vigil_jval_t *v) {
  vigil_jval_t root = vigil_jdoc_root(doc_of(c));

  return vigil_jdoc_path(doc_of(c), &root, path, strlen(path), v);
}

/* The scalar at path as text: strings as they are (decoded), numbers and
 * booleans written; NULL for anything else or nothing. */
static const char *field_text(const vigil_eval_t *c, const char *path, char *buf, size_t cap) {
  vigil_jval_t v;

  if (!doc_at(c, path, &v))
    return NULL;
  switch (v.type) {
  case VIGIL_J_STRING:
    return vigil_jdoc_cstr(doc_of(c), &v);
  case VIGIL_J_TRUE:
    return "true";
  case VIGIL_J_FALSE:
    return "false";
  case VIGIL_J_NUMBER:
    return number_text(vigil_jdoc_number(&v), buf, cap);
  default:
    return NULL;
  }
}

/* The string at path, else NULL. */
static const char *field_str(const vigil_eval_t *c, const char *path) {
  vigil_jval_t v;

  return doc_at(c, path, &v) && v.type == VIGIL_J_STRING ? vigil_jdoc_cstr(doc_of(c), &v)
                                                          : NULL;
}

/* The Lua result on top as text (string or number); NULL for nil/false. */
static const char *top_text(lua_State *L, char *buf, size_t cap) {
  size_t n;
  const char *s;

  if (lua_type(L, -1) != LUA_TSTRING && lua_type(L, -1) != LUA_TNUMBER)
    return NULL;
  s = lua_tolstring(L, -1, &n);
  if (n >= cap)
    n = cap - 1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  return buf;
}

/* Builds the key of spec for event into buf. 1 ok, 0 no key (skip), -1
 * on a rule error. */
static int make_key(vigil_eval_t *c, const vigil_key_spec_t *k, char *buf,
                    size_t *len) {
  char num[64];
  const char *v;
  size_t n = 0;
  size_t vl;
  int i;

  if (k->fn_ref != LUA_NOREF) {
    if (vigil_ruleset_call(c->rs, k->fn_ref, NULL, c->err, sizeof(c->err)) != 0)
      return -1;
    v = top_text(c->rs->L, buf, KEY_MAX);
    lua_pop(c->rs->L, 1);
    if (!v)
      return 0;
    *len = strlen(buf);
    return 1;
  }
  if (k->npaths == 0) {
    v = vigil_ct_actor_doc(doc_of(c));
    *len = strlen(v) < KEY_MAX ? strlen(v) : KEY_MAX - 1;
    memcpy(buf, v, *len);
    return 1;
  }
  for (i = 0; i < k->npaths; i++) {
    v = field_text(c, k->paths[i], num, sizeof(num));
    vl = v ? strlen(v) : 0;
    if (n + vl + 1 >= KEY_MAX)
      vl = KEY_MAX - n - 2;
    memcpy(buf + n, v ? v : "", vl);
    n += vl;
    buf[n++] = '\x1f'; /* unit separator: "a","bc" differs from "ab","c" */
  }
  *len = n;
  return 1;
}

static int excepted_by(vigil_eval_t *c, const vigil_exception_t *e, int n) {
  char num[64];
  const char *v;
  int i;
  int j;
  int hit;

  for (i = 0; i < n; i++) {
    if (e[i].fn_ref != LUA_NOREF) {
      if (vigil_ruleset_call(c->rs, e[i].fn_ref, NULL, c->err, sizeof(c->err)) != 0)
        return -1;
      hit = lua_toboolean(c->rs->L, -1);
      lua_pop(c->rs->L, 1);
      if (hit)
        return 1;
      continue;
    }
    v = field_text(c, e[i].field, num, sizeof(num));
    for (j = 0; v && j < e[i].nvalues; j++) {
      if (strcmp(v, e[i].values[j]) == 0)
        return 1;
    }
  }
  return 0;
}

/* Which sequence steps the event satisfies, as a bit mask. */
static int step_bits(vigil_eval_t *c, const vigil_rule_t *r, uint32_t *bits) {
  const char *src = field_str(c, "eventSource");
  const char *name = field_str(c, "eventName");
  const vigil_step_t *st;
  uint32_t i;
  int ok;

  *bits = 0;
  for (i = 0; i < r->form.nsteps; i++) {
    st = &r->form.steps[i];
    if (!in_list(src, st->sources, st->nsources) || !in_list(name, st->names, st->nnames))
      continue;
    ok = 1;
    if (st->when_ref != LUA_NOREF) {
      if (vigil_ruleset_call(c->rs, st->when_ref, NULL, c->err, sizeof(c->err)) != 0)
        return -1;
      ok = lua_toboolean(c->rs->L, -1);
      lua_pop(c->rs->L, 1);
    }
    if (ok)
      *bits |= 1u << i;
  }
  return 0;
}

/* *ctx, made when the first extra goes in: most stateful events fire
 * nothing and need none. */
static cJSON *ctx_of(cJSON **ctx) {
  if (!*ctx)
    *ctx = cJSON_CreateObject();
  return *ctx;
}

static void add_window(cJSON **ctx, const char *name, uint32_t n, int64_t window_ms) {
  cJSON *s = cJSON_AddObjectToObject(ctx_of(ctx), name);

  if (s) {
    cJSON_AddNumberToObject(s, "count", n);
    cJSON_AddNumberToObject(s, "window_seconds", (double)(window_ms / 1000));
  }
}

/* Applies the stateful form. 1 fire, 0 not yet, -1 error; extras added
 * to *ctx (created on demand). */
static int apply_form(vigil_eval_t *c, const vigil_rule_t *r, int64_t t,
                      uint32_t bits, cJSON **ctx) {
  const vigil_form_t *f = &r->form;
  char key[KEY_MAX];
  char val[KEY_MAX];
  vigil_state_key_t k = {r->sig, key, 0, c->evicted};
  const char *v;
  uint64_t h = 1469598103934665603ull;
  uint32_t n = 0;
  int64_t started = 0;
  char when[40];
  int rc;
  size_t i;

  if (f->kind == VIGIL_FORM_NONE)
    return 1;
  if ((rc = make_key(c, &f->key, key, &k.len)) != 1)
    return rc;
  switch (f->kind) {
  case VIGIL_FORM_THRESHOLD:
    rc = vigil_state_threshold(c->state, &k, t, f->window_ms, f->count, &n);
    if (rc == 1)
      add_window(ctx, "threshold", n, f->window_ms);
    return rc;
  case VIGIL_FORM_DISTINCT:
    if (f->field_ref != LUA_NOREF) {
      if (vigil_ruleset_call(c->rs, f->field_ref, NULL, c->err, sizeof(c->err)) != 0)
        return -1;
      v = top_text(c->rs->L, val, sizeof(val));
      lua_pop(c->rs->L, 1);
    } else {
      v = field_text(c, f->field, val, sizeof(val));
    }
    if (!v)
      return 0; /* nothing to count */
    for (i = 0; v[i]; i++)
      h = (h ^ (unsigned char)v[i]) * 1099511628211ull;
    rc = vigil_state_distinct(c->state, &k, t, f->window_ms, f->count, h, &n);
    if (rc == 1)
      add_window(ctx, "distinct", n, f->window_ms);
    return rc;
  case VIGIL_FORM_SEQUENCE:
    rc = vigil_state_sequence(c->state, &k, t, f->window_ms, f->nsteps, bits, &n, &started);
    if (rc == 1) {
      cJSON *s = cJSON_AddObjectToObject(ctx_of(ctx), "sequence");
      vigil_format_time(started, when, sizeof(when));
      cJSON_AddNumberToObject(s, "steps", n);
      cJSON_AddStringToObject(s, "started_at", when);
    }
    return rc;
  default:
    return 1;
  }
}

/* Dynamic severity and title; errors leave the defaults and c->err. */
static void dynamic(vigil_eval_t *c, const vigil_rule_t *r,
                    vigil_alert_opts_t *o, char *title, size_t cap) {
  lua_State *L = c->rs->L;
  int sev;

  if (r->severity_ref != LUA_NOREF && !(c->overrides && r->ov_severity >= 0) &&
      vigil_ruleset_call(c->rs, r->severity_ref, NULL, c->err, sizeof(c->err)) == 0) {
    sev = lua_type(L, -1) == LUA_TSTRING ? vigil_severity_parse(lua_tostring(L, -1)) : -1;
    if (sev >= 0) {
      o->severity = (vigil_severity_t)sev;
    } else {
      snprintf(c->err, sizeof(c->err),
               "%s:%d: rule '%s': severity() returned %s, not a severity name; using %s",
               r->file, r->line, r->id, luaL_tolstring(L, -1, NULL),
               vigil_severity_name(o->severity));
      lua_pop(L, 1); /* luaL_tolstring's copy */
    }
    lua_pop(L, 1);
  }
  if (r->title_ref != LUA_NOREF &&
      vigil_ruleset_call(c->rs, r->title_ref, NULL, c->err, sizeof(c->err)) == 0) {
    if (top_text(L, title, cap))
      o->title = title;
    else
      snprintf(c->err, sizeof(c->err), "%s:%d: rule '%s': title() must return a string",
               r->file, r->line, r->id);
    lua_pop(L, 1);
  }
}

int vigil_eval_rule(vigil_eval_t *c, size_t ri, vigil_alert_item_t **out) {
  const vigil_rule_t *r = &c->rs->rules[ri];
  vigil_alert_opts_t o = {NULL, c->overrides ? vigil_rule_severity(r) : r->severity, 1};
  char key[KEY_MAX];
  char title[512];
  vigil_state_key_t k = {r->sig ^ DEDUP_SIG_SALT, key, 0, c->evicted};
  cJSON *ctx = NULL;
  cJSON *extra;
  cJSON *item;
  uint32_t bits = 0;
  int64_t t;
  int rc;

  *out = NULL;
  c->err[0] = '\0';
  c->matched = 0;
  rc = c->when_held ? 1 : vigil_ruleset_when(c->rs, ri, NULL, c->err, sizeof(c->err));
  if (rc <= 0)
    return rc;
  if (r->form.kind == VIGIL_FORM_SEQUENCE) {
    if (step_bits(c, r, &bits) != 0)
      return -1;
    if (!bits)
      return 0;
  }
  c->matched = 1;
  if ((rc = excepted_by(c, r->exc, r->nexc)) != 0 ||
      (c->overrides && (rc = excepted_by(c, r->ov_exc, r->nov_exc)) != 0))
    return rc < 0 ? -1 : 0;
  if (vigil_parse_time(vigil_ct_time_doc(doc_of(c)), &t) != 0)
    t = c->now_ms;
  if ((rc = apply_form(c, r, t, bits, &ctx)) != 1)
    goto done;
  if (r->form.dedup) {
    if ((rc = make_key(c, &r->form.dedup_key, key, &k.len)) != 1)
      goto done;
    if (!vigil_state_dedup(c->state, &k, t, r->form.dedup_ms, &o.duplicates)) {
      rc = 0;
      goto done;
    }
  }
  dynamic(c, r, &o, title, sizeof(title));
  extra = vigil_ruleset_context(c->rs, ri, NULL, c->err, sizeof(c->err));
  if (extra && ctx) {
    /* The form's figures go beside what the rule's context() returned. */
    while ((item = extra->child)) {
      cJSON_DetachItemViaPointer(extra, item);
      cJSON_AddItemToObject(ctx, item->string, item);
    }
    cJSON_Delete(extra);
  } else if (extra) {
    ctx = extra;
  }
  *out = vigil_alert_build_doc(r, doc_of(c), ctx, c->origin, c->now_ms, &o);
  ctx = NULL;
  if (!*out) {
    snprintf(c->err, sizeof(c->err), "rule '%s': out of memory building an alert", r->id);
    return -1;
  }
  return 1;
done:
  cJSON_Delete(ctx);
  return rc;
}
