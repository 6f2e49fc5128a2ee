/*
 * Stage 2 of the event path: a worker evaluates the candidates of its
 * partition, in order, in its own Lua state of the generation that chose
 * them. Rules read the record through a byte view (core/jdoc.h), the
 * conditions of all its rules first; an alert is written from the same
 * bytes, so no record is parsed into a tree.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>

#include "decode.h"
#include "engine.h"
#include "eval.h"
#include "log.h"
#include "lua_event.h"
#include "pipeline_int.h"

void vigil_msg_done(vigil_worker_t *w, vigil_msg_t *m) {
  vigil_worker_t *o;
  vigil_msg_t *top;

  if (m->track)
    vigil_track_release(m->track);
  vigil_gen_release(m->gen);
  if (m->scanned_by == w->id) {
    free(m); /* one block, see scan_stage.c */
    return;
  }
  o = &w->pl->workers[m->scanned_by];
  top = atomic_load_explicit(&o->msgs_back, memory_order_relaxed);
  do
    m->next = top;
  while (!atomic_compare_exchange_weak_explicit(&o->msgs_back, &top, m, memory_order_release,
                                                memory_order_relaxed));
}

void vigil_alert_give_back(vigil_pipeline_t *pl, vigil_alert_item_t *a) {
  vigil_worker_t *o;
  vigil_alert_item_t *top;

  if (a->worker < 0 || pl->joined) {
    vigil_alert_free(a);
    return;
  }
  o = &pl->workers[a->worker];
  top = atomic_load_explicit(&o->alerts_back, memory_order_relaxed);
  do
    a->next = top;
  while (!atomic_compare_exchange_weak_explicit(&o->alerts_back, &top, a, memory_order_release,
                                                memory_order_relaxed));
}

void vigil_worker_take_back(vigil_worker_t *w) {
  vigil_msg_t *m = atomic_exchange_explicit(&w->msgs_back, NULL, memory_order_acquire);
  vigil_alert_item_t *a = atomic_exchange_explicit(&w->alerts_back, NULL, memory_order_acquire);
  vigil_msg_t *mn;
  vigil_alert_item_t *an;

  for (; m; m = mn) {
    mn = m->next;
    free(m);
  }
  for (; a; a = an) {
    an = a->next;
    vigil_alert_free(a);
  }
}

static uint64_t mono_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int64_t now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Rule `rule` of m the whole way, on the record's bytes (the doc begun by
 * conditions()). *t is when it starts and becomes when it ended: one clock
 * reading per rule, the end of one rule being the start of the next. */
static void run_rule(vigil_worker_t *w, const vigil_msg_t *m, int64_t now, uint32_t rule,
                     uint64_t *t) {
  uint32_t ri = rule & ~VIGIL_MSG_WHEN_HELD;
  vigil_ruleset_t *rs = m->gen->rs[w->id];
  const vigil_rule_t *r = &rs->rules[ri];
  vigil_rstat_t *st = &m->gen->stats[ri]->w[w->id];
  vigil_origin_t origin = {m->source->name, m->stream, m->line, m->record};
  uint64_t now_ns;
  vigil_eval_t c = {rs, w->state, 1, &origin, now, &st->evicted, 0, {0}, 0};
  vigil_alert_item_t *a = NULL;
  int rc;

  VIGIL_STAT_ADD(st->evals, 1);
  c.when_held = (rule & VIGIL_MSG_WHEN_HELD) != 0;
  rc = vigil_eval_rule(&c, ri, &a);
  if (c.matched)
    VIGIL_STAT_ADD(st->matches, 1);
  if (c.err[0]) {
    /* With rc 1 the alert still goes out; only an optional part failed. */
    VIGIL_STAT_ADD(st->errors, 1);
    vigil_error("rules", "rule %s (%s:%d) failed on %s:%llu record %llu: %s", r->id, r->file,
                r->line, m->stream, (unsigned long long)m->line, (unsigned long long)m->record,
                c.err);
  }
  if (rc == 1 && a) {
    VIGIL_STAT_ADD(st->alerts, 1);
    a->track = m->track;
    if (a->track)
      vigil_track_ref(a->track);
    a->worker = w->id;
    vigil_pipeline_post(w->pl, a);
  }
  now_ns = mono_ns();
  VIGIL_STAT_ADD(st->ns, now_ns - *t);
  *t = now_ns;
}

static void unpack(const vigil_msg_t *m, const vigil_msg_member_t *o, size_t n,
                   vigil_scan_member_t *mem) {
  size_t i;

  for (i = 0; i < n; i++, o++) {
    mem[i].name = (vigil_jval_t){VIGIL_J_STRING, o->name_escaped, m->json + o->name_off,
                                 o->name_len};
    mem[i].val = (vigil_jval_t){(vigil_jtype_t)o->val_type, o->val_escaped,
                                m->json + o->val_off, o->val_len};
  }
}

/* The record's top-level members stage 1 read, and userIdentity's, for
 * the byte view: the members of userIdentity (the most read object, in
 * nearly every rule) are then not listed again. */
static void prime(lua_State *L, const vigil_msg_t *m) {
  vigil_scan_member_t mem[VIGIL_DECODE_MEMBERS];
  vigil_jval_t uid;

  if (m->nmembers == 0 || m->nmembers > VIGIL_DECODE_MEMBERS)
    return;
  unpack(m, m->members, m->nmembers, mem);
  if (vigil_event_doc_members(L, NULL, mem, m->nmembers) != 0 || m->nuid == 0 ||
      m->nuid > VIGIL_DECODE_UID_MEMBERS)
    return;
  /* the object the top-level key "userIdentity" gives, as the view finds it */
  uid = (vigil_jval_t){VIGIL_J_OBJECT, 0, m->json + m->uid_off, m->uid_len};
  unpack(m, m->members + m->nmembers, m->nuid, mem);
  vigil_event_doc_members(L, &uid, mem, m->nuid);
}

/* Conditions first, on a byte view of the record (core/jdoc.h): a rule
 * whose when is false costs no tree. Keeps in keep[] the rules that go on
 * (held, without a when, or failed: the tree pass reports the failure) and
 * returns how many. *t is the clock, as for run_rule. */
static size_t conditions(vigil_worker_t *w, const vigil_msg_t *m, uint32_t *keep, uint64_t *t) {
  vigil_ruleset_t *rs = m->gen->rs[w->id];
  vigil_rstat_t *st;
  char err[256];
  uint64_t now;
  uint32_t ri;
  size_t n = 0;
  uint32_t i;
  int rc;

  vigil_event_doc_begin(rs->L, m->json, m->len);
  prime(rs->L, m);
  for (i = 0; i < m->nrules; i++) {
    ri = m->rules[i] & ~VIGIL_MSG_WHEN_HELD;
    if ((m->rules[i] & VIGIL_MSG_WHEN_HELD) || rs->rules[ri].when_ref == LUA_NOREF) {
      keep[n++] = m->rules[i];
      continue;
    }
    rc = vigil_ruleset_when(rs, ri, NULL, err, sizeof(err));
    st = &m->gen->stats[ri]->w[w->id];
    now = mono_ns();
    VIGIL_STAT_ADD(st->ns, now - *t); /* run_rule counts the rest of a kept one */
    *t = now;
    if (rc != 0) {
      keep[n++] = rc == 1 ? ri | VIGIL_MSG_WHEN_HELD : ri;
      continue;
    }
    VIGIL_STAT_ADD(st->evals, 1);
  }
  /* The rules that go on read the same doc: views, the shared root view
   * and the lists made so far stay good until vigil_worker_eval ends. */
  return n;
}

void vigil_worker_eval(vigil_worker_t *w, vigil_msg_t *m) {
  lua_State *L = m->gen->rs[w->id]->L;
  uint32_t keep[VIGIL_MSG_MAX_RULES];
  uint64_t t = mono_ns();
  size_t n = conditions(w, m, keep, &t);
  int64_t now = n ? now_ms() : 0; /* detection time, one for the event */
  size_t i;

  for (i = 0; i < n; i++)
    run_rule(w, m, now, keep[i], &t);
  vigil_event_next(L); /* views kept by a rule are now stale */
}
