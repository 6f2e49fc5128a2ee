/*
 * Stage 2 of the event path: a worker evaluates the candidates of its
 * partition, in order, in its own Lua state of the generation that chose
 * them. Only here are records parsed into trees, and only the rules the
 * index chose run on them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "eval.h"
#include "json_arena.h"
#include "log.h"
#include "lua_event.h"
#include "pipeline_int.h"

void vigil_msg_free(vigil_msg_t *m) {
  if (m->track)
    vigil_track_release(m->track);
  vigil_gen_release(m->gen);
  free(m); /* one block, see scan_stage.c */
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

static void run_rule(vigil_worker_t *w, const vigil_msg_t *m, const cJSON *ev, uint32_t rule) {
  uint32_t ri = rule & ~VIGIL_MSG_WHEN_HELD;
  vigil_ruleset_t *rs = m->gen->rs[w->id];
  const vigil_rule_t *r = &rs->rules[ri];
  vigil_rstat_t *st = &m->gen->stats[ri]->w[w->id];
  vigil_origin_t origin = {m->source->name, m->stream, m->line, m->record};
  vigil_eval_t c = {rs, w->state, 1, &origin, now_ms(), &st->evicted, 0, {0}, 0};
  vigil_alert_item_t *a = NULL;
  uint64_t t0 = mono_ns();
  int rc;

  VIGIL_STAT_ADD(st->evals, 1);
  c.when_held = (rule & VIGIL_MSG_WHEN_HELD) != 0;
  rc = vigil_eval_rule(&c, ri, ev, &a);
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
    vigil_pipeline_post(w->pl, a);
  }
  VIGIL_STAT_ADD(st->ns, mono_ns() - t0);
}

void vigil_worker_eval(vigil_worker_t *w, vigil_msg_t *m) {
  cJSON *ev = vigil_json_event_parse(m->json, m->len);
  lua_State *L = m->gen->rs[w->id]->L;
  uint32_t i;

  if (!ev) {
    vigil_json_event_free(ev);
    /* The scanner accepted it, so this is a cJSON limit (e.g. depth). */
    atomic_fetch_add(&w->pl->decode_errors, 1);
    vigil_log_inst(VIGIL_LOG_ERROR, "decode", m->source->name,
                   "%s:%llu: record %llu: cJSON cannot parse it", m->stream,
                   (unsigned long long)m->line, (unsigned long long)m->record);
    return;
  }
  vigil_event_next(L);
  for (i = 0; i < m->nrules; i++)
    run_rule(w, m, ev, m->rules[i]);
  vigil_event_next(L); /* views kept by a rule are now stale */
  vigil_json_event_free(ev);
}
