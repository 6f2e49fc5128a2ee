/*
 * Workers: each owns a Lua state with the whole rule set and takes the
 * records of its partition in order. Only here are records parsed into
 * trees, and only the rules the index chose run on them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "lua_event.h"
#include "pipeline_int.h"

#define WORKER_QUEUE_CAP 1024

void vigil_msg_free(vigil_msg_t *m) {
  free(m); /* one block, see ingest.c */
}

static int64_t now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void run_rule(vigil_worker_t *w, const vigil_msg_t *m, const cJSON *ev, uint32_t ri) {
  vigil_ruleset_t *rs = w->rs;
  const vigil_rule_t *r = &rs->rules[ri];
  vigil_origin_t origin = {m->source->name, m->stream, m->line, m->record};
  vigil_alert_item_t *a;
  cJSON *ctx;
  char err[1024];
  int fired;

  w->evals[ri]++;
  fired = vigil_ruleset_when(rs, ri, ev, err, sizeof(err));
  if (fired < 0) {
    w->errors[ri]++;
    vigil_error("rules", "rule %s (%s:%d) failed on %s:%llu record %llu: %s", r->id, r->file,
                r->line, m->stream, (unsigned long long)m->line, (unsigned long long)m->record,
                err);
    return;
  }
  if (!fired)
    return;
  err[0] = '\0';
  ctx = vigil_ruleset_context(rs, ri, ev, err, sizeof(err));
  if (err[0]) {
    /* The alert still goes out; only its extra context is missing. */
    w->errors[ri]++;
    vigil_error("rules", "rule %s context on %s:%llu record %llu: %s", r->id, m->stream,
                (unsigned long long)m->line, (unsigned long long)m->record, err);
  }
  a = vigil_alert_build(r, ev, ctx, &origin, now_ms());
  if (!a) {
    vigil_error("rules", "rule %s: out of memory building an alert", r->id);
    return;
  }
  w->fired[ri]++;
  vigil_pipeline_post(w->pl, a);
}

static void handle(vigil_worker_t *w, vigil_msg_t *m) {
  cJSON *ev = cJSON_ParseWithLength(m->json, m->len);
  uint32_t i;

  if (!ev) {
    /* The scanner accepted it, so this is a cJSON limit (e.g. depth). */
    atomic_fetch_add(&w->pl->decode_errors, 1);
    vigil_error(m->source->name, "%s:%llu: record %llu: cJSON cannot parse it", m->stream,
                (unsigned long long)m->line, (unsigned long long)m->record);
    return;
  }
  vigil_event_next(w->rs->L);
  for (i = 0; i < m->nrules; i++)
    run_rule(w, m, ev, m->rules[i]);
  vigil_event_next(w->rs->L); /* views kept by a rule are now stale */
  cJSON_Delete(ev);
}

static void worker_main(void *arg) {
  vigil_worker_t *w = arg;
  vigil_msg_t *m;

  while ((m = vigil_queue_pop(&w->q))) {
    handle(w, m);
    vigil_msg_free(m);
  }
  atomic_fetch_sub(&w->pl->workers_alive, 1);
  uv_async_send(&w->pl->wakeup);
}

int vigil_workers_start(vigil_pipeline_t *pl) {
  int i;
  vigil_worker_t *w;

  for (i = 0; i < pl->nworkers; i++) {
    w = &pl->workers[i];
    if (vigil_queue_init(&w->q, WORKER_QUEUE_CAP) != 0)
      return VIGIL_ENOMEM;
  }
  atomic_store(&pl->workers_alive, pl->nworkers);
  for (i = 0; i < pl->nworkers; i++) {
    w = &pl->workers[i];
    if (uv_thread_create(&w->thread, worker_main, w) != 0) {
      vigil_error(NULL, "cannot start worker thread %d", i);
      return VIGIL_ERR;
    }
  }
  return VIGIL_OK;
}

void vigil_workers_close(vigil_pipeline_t *pl) {
  int i;

  for (i = 0; i < pl->nworkers; i++)
    vigil_queue_close(&pl->workers[i].q);
}

void vigil_workers_join(vigil_pipeline_t *pl) {
  int i;

  for (i = 0; i < pl->nworkers; i++) {
    uv_thread_join(&pl->workers[i].thread);
    vigil_queue_destroy(&pl->workers[i].q);
  }
}
