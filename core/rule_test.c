#include "rule_test.h"

#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "alert.h"
#include "eval.h"
#include "json_path.h"
#include "lua_event.h"
#include "lua_json.h"
#include "rule_index.h"
#include "state.h"

static const char *const test_keys[] = {"name", "event", "events", "fires", "alerts", "alert",
                                        NULL};

typedef struct tcase_s {
  vigil_ruleset_t *rs;
  size_t ri;
  int n;             /* 1-based test number */
  char name[128];
  FILE *out;
  int verbose;
  int overrides;     /* a test given with override{}: run with overrides */
  vigil_test_report_t *rep;
} tcase_t;

static void fail(tcase_t *t, const char *fmt, const char *a, const char *b) {
  const vigil_rule_t *r = &t->rs->rules[t->ri];

  t->rep->failed++;
  if (t->overrides)
    fprintf(t->out, "FAIL %s override test %d (%s) [%s]: ", r->id, t->n, t->name, r->ov_where);
  else
    fprintf(t->out, "FAIL %s test %d (%s) [%s:%d]: ", r->id, t->n, t->name, r->file, r->line);
  fprintf(t->out, fmt, a, b);
  fputc('\n', t->out);
}

static cJSON *read_event(tcase_t *t, const char *rel, char *why, size_t cap) {
  const vigil_rule_t *r = &t->rs->rules[t->ri];
  char dir[PATH_MAX];
  char path[PATH_MAX * 2];
  FILE *f;
  char *buf;
  long n;
  cJSON *ev = NULL;

  snprintf(dir, sizeof(dir), "%s", r->file);
  if ((size_t)snprintf(path, sizeof(path), "%s/%s", dirname(dir), rel) >= sizeof(path)) {
    snprintf(why, cap, "event file path too long");
    return NULL;
  }
  f = fopen(path, "rb");
  if (!f) {
    snprintf(why, cap, "cannot open event file %.900s: %m", path);
    return NULL;
  }
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = malloc((size_t)n + 1);
  if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
    buf[n] = '\0';
    ev = cJSON_Parse(buf);
    if (!ev)
      snprintf(why, cap, "%.900s: not valid JSON", path);
  }
  free(buf);
  fclose(f);
  return ev;
}

/* Compares the fields named in the test's alert table (on the stack top)
 * with the alert that was built. */
static void check_alert(tcase_t *t, const vigil_alert_item_t *a) {
  lua_State *L = t->rs->L;
  cJSON *got = cJSON_Parse(a->json);
  const cJSON *field;
  const char *why = NULL;
  cJSON *want;
  char *gs;
  char *ws;
  int differs = 0;

  lua_pushnil(L);                                        /* alert, key */
  while (lua_next(L, -2)) {                              /* alert, key, value */
    field = lua_type(L, -2) == LUA_TSTRING
                ? cJSON_GetObjectItemCaseSensitive(got, lua_tostring(L, -2))
                : NULL;
    want = vigil_lua_to_json(L, -1, &why);
    if (!cJSON_Compare(field, want, 1)) {
      gs = field ? cJSON_PrintUnformatted(field) : NULL;
      ws = want ? cJSON_PrintUnformatted(want) : NULL;
      /* One failure per test, however many fields differ; each is shown. */
      if (!differs++)
        fail(t, "alert field differs:%s%s", "", "");
      fprintf(t->out, "       want %s\n       got  %s (field %s)\n", ws ? ws : "?",
              gs ? gs : "(absent)", lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "?");
      cJSON_free(gs);
      cJSON_free(ws);
    }
    cJSON_Delete(want);
    lua_pop(L, 1);                                       /* alert, key */
  }
  cJSON_Delete(got);
}

static int known_key(lua_State *L) {
  const char *const *k;

  if (lua_type(L, -1) != LUA_TSTRING)
    return 0;
  for (k = test_keys; *k; k++) {
    if (strcmp(lua_tostring(L, -1), *k) == 0)
      return 1;
  }
  return 0;
}

int vigil_rule_test_unknown_key(lua_State *L, char *name, size_t cap) {
  int bad = 0;

  lua_pushnil(L);
  while (!bad && lua_next(L, -2)) {
    lua_pop(L, 1);
    if (!known_key(L)) {
      snprintf(name, cap, "%s", luaL_tolstring(L, -1, NULL));
      lua_pop(L, 1); /* the string luaL_tolstring pushed */
      bad = 1;
    }
  }
  if (bad)
    lua_pop(L, 1); /* the key lua_next left */
  return bad;
}

/* The event at stack top: a file path (next to the rule) or a table. */
static cJSON *event_at_top(tcase_t *t, char *err, size_t cap) {
  const char *why = NULL;
  cJSON *ev = NULL;

  if (lua_type(t->rs->L, -1) == LUA_TSTRING)
    ev = read_event(t, lua_tostring(t->rs->L, -1), err, cap);
  else if (lua_istable(t->rs->L, -1) && !(ev = vigil_lua_to_json(t->rs->L, -1, &why)))
    snprintf(err, cap, "inline event holds a %s", why);
  else if (!lua_istable(t->rs->L, -1))
    snprintf(err, cap, "an event is a \"file.json\" path or an inline table");
  return ev;
}

/* Feeds one event through the rule as the pipeline would. Returns 1 when
 * it raised an alert (kept in *last), 0 when not, -1 on a failure. */
static int feed(tcase_t *t, vigil_eval_t *c, const cJSON *ev, vigil_alert_item_t **last) {
  const vigil_rule_t *r = &t->rs->rules[t->ri];
  vigil_alert_item_t *a = NULL;
  int got;

  char *text;

  if (!vigil_rule_admits(r, ev)) /* `on`, as the index applies it */
    return 0;
  /* As the pipeline runs it: on the record's text, through a byte view,
   * the alert written from the same bytes. */
  if (!(text = cJSON_PrintUnformatted(ev))) {
    fail(t, "out of memory printing the test event%s%s", "", "");
    return -1;
  }
  vigil_event_doc_begin(t->rs->L, text, strlen(text));
  got = vigil_eval_rule(c, t->ri, &a);
  vigil_event_next(t->rs->L);
  cJSON_free(text);
  if (c->err[0]) {
    fail(t, "rule error: %s%s", c->err, "");
    vigil_alert_free(a);
    return -1;
  }
  if (got == 1) {
    vigil_alert_free(*last);
    *last = a;
  }
  return got == 1;
}

/* Runs the test table on the stack top; may leave extra values above it. */
static void run_one(tcase_t *t) {
  lua_State *L = t->rs->L;
  const vigil_rule_t *r = &t->rs->rules[t->ri];
  vigil_origin_t origin = {"test", r->file, 0, 0};
  vigil_eval_t c = {t->rs, NULL, t->overrides, &origin, 0, NULL, 0, {0}, 0};
  vigil_alert_item_t *last = NULL;
  cJSON *ev;
  char err[1024] = "";
  int want;
  int want_alerts = -1;
  int got = 0;
  int alerts = 0;
  int n;
  int i;
  int before = t->rep->failed;

  lua_getfield(L, -1, "name");
  snprintf(t->name, sizeof(t->name), "%s", lua_isstring(L, -1) ? lua_tostring(L, -1) : "");
  lua_pop(L, 1);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    if (!known_key(L)) {
      fail(t, "unknown test field '%s'%s", luaL_tolstring(L, -1, NULL), "");
      return; /* the caller restores the stack */
    }
  }
  if (lua_getfield(L, -1, "fires") != LUA_TBOOLEAN) {
    fail(t, "needs fires = true or false%s%s", "", "");
    return;
  }
  want = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if (lua_getfield(L, -1, "alerts") != LUA_TNIL) {
    if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0) {
      fail(t, "alerts must be a count of alerts%s%s", "", "");
      return;
    }
    want_alerts = (int)lua_tointeger(L, -1);
  }
  lua_pop(L, 1);
  lua_getfield(L, -1, "event");
  lua_getfield(L, -2, "events");
  if (lua_isnil(L, -1) == lua_isnil(L, -2)) {
    fail(t, "needs event = ... or events = { ... } (one of them)%s%s", "", "");
    return;
  }
  /* A fresh memory per test: stateful rules see only its events. */
  if (!(c.state = vigil_state_new(1u << 20))) {
    fail(t, "out of memory%s%s", "", "");
    return;
  }
  n = lua_isnil(L, -1) ? 1 : (int)lua_rawlen(L, -1);
  for (i = 1; i <= n && t->rep->failed == before; i++) {
    if (lua_isnil(L, -1))
      lua_pushvalue(L, -2);
    else
      lua_rawgeti(L, -1, i);
    ev = event_at_top(t, err, sizeof(err));
    lua_pop(L, 1);
    if (!ev) {
      fail(t, "%s%s", n > 1 ? "events[...]: " : "", err);
      break;
    }
    c.now_ms = 0;
    got = feed(t, &c, ev, &last);
    alerts += got > 0;
    cJSON_Delete(ev);
  }
  lua_pop(L, 2);
  if (t->rep->failed == before) {
    if (got != want && n == 1)
      fail(t, "expected the rule %s, it %s", want ? "to fire" : "not to fire",
           got ? "fired" : "did not");
    else if (got != want)
      fail(t, "expected the last event %s, it %s", want ? "to raise an alert" : "to raise none",
           got ? "did" : "did not");
    else if (want_alerts >= 0 && alerts != want_alerts) {
      snprintf(err, sizeof(err), "expected %d alert(s) in all, got %d", want_alerts, alerts);
      fail(t, "%s%s", err, "");
    } else if (last && lua_getfield(L, -1, "alert") == LUA_TTABLE)
      check_alert(t, last);
  }
  vigil_alert_free(last);
  vigil_state_free(c.state);
  if (t->rep->failed == before) {
    t->rep->passed++;
    if (t->verbose)
      fprintf(t->out, "ok   %s %stest %d (%s)\n", r->id, t->overrides ? "override " : "", t->n,
              t->name);
  }
}

/* Runs the list of tests behind ref for rule i. */
static void run_list(vigil_ruleset_t *rs, size_t i, int ref, int overrides, int verbose,
                     FILE *out, vigil_test_report_t *rep) {
  lua_State *L = rs->L;
  lua_Integer k;
  lua_Integer n;
  tcase_t t;
  int top;

  lua_rawgeti(L, LUA_REGISTRYINDEX, ref); /* tests */
  n = (lua_Integer)lua_rawlen(L, -1);
  for (k = 1; k <= n; k++) {
    memset(&t, 0, sizeof(t));
    t.rs = rs;
    t.ri = i;
    t.n = (int)k;
    t.out = out;
    t.verbose = verbose;
    t.overrides = overrides;
    t.rep = rep;
    top = lua_gettop(L);
    if (lua_rawgeti(L, -1, k) == LUA_TTABLE) /* tests, test */
      run_one(&t);
    else
      fail(&t, "test must be a table%s%s", "", "");
    lua_settop(L, top); /* tests */
  }
  lua_pop(L, 1);
}

void vigil_rule_tests_run(vigil_ruleset_t *rs, int verbose, FILE *out, vigil_test_report_t *rep) {
  size_t i;

  memset(rep, 0, sizeof(*rep));
  for (i = 0; i < rs->nrules; i++) {
    if (rs->rules[i].tests_ref == LUA_NOREF) {
      rep->untested++;
    } else {
      rep->rules++;
      run_list(rs, i, rs->rules[i].tests_ref, 0, verbose, out, rep);
    }
    if (rs->rules[i].ov_tests_ref != LUA_NOREF)
      run_list(rs, i, rs->rules[i].ov_tests_ref, 1, verbose, out, rep);
  }
}
