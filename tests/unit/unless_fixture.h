/*
 * What the on.unless tests share (test_rule_unless.c, test_rule_unless_real.c):
 * a rule set loaded from Lua text with its index, records decoded as the
 * pipeline decodes them, and both implementations asked for the rules a
 * record meets: the fast path (vigil_rule_index_match, then
 * vigil_rule_index_unless on the bytes, with the decoder's top-level values
 * or without) and the reference (vigil_rule_admits on a cJSON tree).
 */
#ifndef UNLESS_FIXTURE_H
#define UNLESS_FIXTURE_H

#include "test_unit_util.h"

#include <cjson/cJSON.h>

#include "decode.h"
#include "rule_index.h"
#include "scan.h"

#define CAP 64
#define END UINT32_MAX
/* A hand-written candidate list, ended by END. */
#define W(...) {__VA_ARGS__, END}

/* ---- loading rules and asking both implementations ---------------------- */

typedef struct set_s {
  tmpdir_t td;
  vigil_ruleset_t *rs;
  vigil_rule_index_t *ix;
  const char *const *names; /* top-level names unless reads */
  size_t ntop;              /* how many of them the decoder reads (capped) */
} set_t;

static TD_UNUSED void set_load(set_t *s, const char *lua) {
  const char *paths[1];
  char err[1024] = "";

  td_make(&s->td);
  td_write(&s->td, "u.lua", lua);
  paths[0] = s->td.path;
  s->rs = NULL;
  if (vigil_ruleset_load(paths, 1, NULL, 0, &s->rs, err, sizeof(err)) != 0)
    fail_msg("rules did not load: %s", err);
  s->ix = vigil_rule_index_build(s->rs);
  assert_non_null(s->ix);
  s->ntop = vigil_rule_index_top_names(s->ix, &s->names);
  if (s->ntop > VIGIL_K_EXTRA_MAX)
    s->ntop = VIGIL_K_EXTRA_MAX; /* as core/scan_stage.c does */
}

static TD_UNUSED void set_free(set_t *s) {
  vigil_rule_index_free(s->ix);
  vigil_ruleset_free(s->rs);
  td_remove(&s->td);
}

typedef struct one_s {
  vigil_record_t rec;
  size_t n;
} one_t;

static TD_UNUSED void on_one(void *arg, const vigil_record_t *rec) {
  one_t *o = arg;

  if (o->n++ == 0)
    o->rec = *rec;
}

static TD_UNUSED void on_decode_error(void *arg, uint64_t line, int64_t record, const char *msg) {
  (void)arg;
  fail_msg("decode error at line %llu record %lld: %s", (unsigned long long)line,
           (long long)record, msg);
}

/* The one record the pipeline finds in json[0..len): vigil_decode_ex
 * reads the index's top-level unless names in the same pass. */
static TD_UNUSED vigil_record_t decode_one(const set_t *s, const char *json, size_t len) {
  one_t o;
  vigil_decode_cb_t cb = {on_one, on_decode_error, NULL};
  vigil_decode_stats_t st;

  memset(&o, 0, sizeof(o));
  memset(&st, 0, sizeof(st));
  cb.arg = &o;
  vigil_decode_ex(json, len, 1, s->names, s->ntop, &cb, &st);
  if (o.n != 1)
    fail_msg("%zu records in %.300s", o.n, json);
  return o.rec;
}

/* String v as the pipeline hands it to the index (core/scan_stage.c):
 * its bytes when unescaped, else decoded into buf; NULL when no string. */
static TD_UNUSED const char *ev_text(const vigil_jval_t *v, char *buf, size_t *len) {
  *len = 0;
  if (v->type != VIGIL_J_STRING)
    return NULL;
  if (!v->escaped) {
    *len = v->len;
    return v->p;
  }
  *len = vigil_jval_str(v, buf, 256);
  assert_true(*len < 256); /* the test's own limit, not the index's */
  return buf;
}

/* The index's candidates for rec, before on.unless. */
static TD_UNUSED size_t candidates(const set_t *s, const vigil_record_t *rec, uint32_t *out) {
  static const char *const type_key[] = {"type"};
  const vigil_jval_t *uid = &rec->f[VIGIL_K_USER_IDENTITY];
  char buf[5][256];
  vigil_jval_t t = {VIGIL_J_NONE, 0, NULL, 0};
  vigil_ix_event_t ev;
  size_t n;

  ev.src = ev_text(&rec->f[VIGIL_K_EVENT_SOURCE], buf[0], &ev.srclen);
  ev.name = ev_text(&rec->f[VIGIL_K_EVENT_NAME], buf[1], &ev.namelen);
  ev.err = ev_text(&rec->f[VIGIL_K_ERROR_CODE], buf[2], &ev.errlen);
  if (ev.err && ev.errlen == 0)
    ev.err = NULL; /* an empty errorCode is no error */
  ev.etype = ev_text(&rec->f[VIGIL_K_EVENT_TYPE], buf[3], &ev.etypelen);
  if (uid->type == VIGIL_J_OBJECT)
    assert_int_equal(vigil_scan_object(uid->p, uid->len, type_key, 1, &t, NULL), 0);
  ev.type = ev_text(&t, buf[4], &ev.typelen);
  n = vigil_rule_index_match(s->ix, &ev, out, CAP);
  assert_true(n <= CAP);
  return n;
}

/* How unless gets the record's top-level values: all from the decoder
 * (the pipeline), none (it scans for them), or only the first half. */
enum { TOP_DECODER, TOP_NONE, TOP_HALF, TOP_MODES };

/* What the fast path keeps of rec's candidates, the top values given
 * the way `mode` says. */
static TD_UNUSED size_t fast(const set_t *s, vigil_ix_scratch_t *sc, const vigil_record_t *rec,
                   int mode, uint32_t *out) {
  size_t n = candidates(s, rec, out);
  const vigil_jval_t *top = mode == TOP_NONE ? NULL : rec->f + VIGIL_K_COUNT;
  size_t ntop = mode == TOP_NONE ? 0 : mode == TOP_HALF ? s->ntop / 2 : s->ntop;

  return vigil_rule_index_unless(s->ix, sc, rec->p, rec->len, top, ntop, out, n);
}

/* The reference: every enabled rule vigil_rule_admits lets through. */
static TD_UNUSED size_t slow(const set_t *s, const cJSON *tree, uint32_t *out) {
  size_t i;
  size_t n = 0;

  for (i = 0; i < s->rs->nrules; i++) {
    if (vigil_rule_enabled(&s->rs->rules[i]) && vigil_rule_admits(&s->rs->rules[i], tree)) {
      assert_true(n < CAP);
      out[n++] = (uint32_t)i;
    }
  }
  return n;
}

static TD_UNUSED size_t wlen(const uint32_t *want) {
  size_t n = 0;

  while (want[n] != END)
    n++;
  return n;
}

static TD_UNUSED void print_list(const char *label, const uint32_t *v, size_t n) {
  size_t i;

  print_error("  %s:", label);
  for (i = 0; i < n; i++)
    print_error(" %u", v[i]);
  print_error("\n");
}

/* got[0..n) is exactly want[0..nw); otherwise both are printed. */
static TD_UNUSED void same_list(const char *how, const char *json, const uint32_t *got, size_t n,
                      const uint32_t *want, size_t nw) {
  size_t i;
  int same = n == nw;

  for (i = 0; same && i < n; i++)
    same = got[i] == want[i];
  if (!same) {
    print_error("%s differs for %.300s\n", how, json);
    print_list("got ", got, n);
    print_list("want", want, nw);
  }
  assert_true(same);
}

static const char *const mode_name[TOP_MODES] = {
    "index + unless (top values from the decoder)", "index + unless (no top values)",
    "index + unless (half the top values)"};

/* Every way of asking, and the reference, give want for json (decoded
 * from an exact-size copy freed at the end, so ASan reports a read past
 * the record or a value the scratch kept from it). sc NULL: fresh ones. */
static TD_UNUSED void expect_both(const set_t *s, vigil_ix_scratch_t *sc, const char *json,
                        const uint32_t *want) {
  size_t len = strlen(json);
  char *b = malloc(len ? len : 1);
  vigil_ix_scratch_t *own;
  vigil_record_t rec;
  uint32_t out[CAP];
  cJSON *tree;
  int m;

  assert_non_null(b);
  memcpy(b, json, len);
  rec = decode_one(s, b, len);
  for (m = 0; m < TOP_MODES; m++) {
    own = sc ? NULL : vigil_ix_scratch_new(s->ix);
    assert_true(sc || own);
    same_list(mode_name[m], json, out, fast(s, sc ? sc : own, &rec, m, out), want, wlen(want));
    vigil_ix_scratch_free(own);
  }
  tree = cJSON_ParseWithLength(rec.p, rec.len);
  assert_non_null(tree);
  same_list("vigil_rule_admits", json, out, slow(s, tree, out), want, wlen(want));
  cJSON_Delete(tree);
  free(b);
}


#endif
