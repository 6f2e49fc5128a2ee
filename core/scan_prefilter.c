#include "scan_prefilter.h"

#include <time.h>

#include "engine.h"
#include "lua_event.h"

static uint64_t mono_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

size_t vigil_prefilter(vigil_worker_t *w, vigil_gen_t *gen, const vigil_record_t *rec,
                       uint32_t *cand, size_t n) {
  vigil_ruleset_t *rs = gen->rs[w->id];
  vigil_rstat_t *st;
  char err[256];
  uint64_t t;
  uint64_t now;
  size_t i;
  size_t kept = 0;
  int rc;

  /* A byte view of the record: no tree is built here (the owner parses
   * the record if a condition held). */
  vigil_event_doc_begin(rs->L, rec->p, rec->len);
  if (rec->nmembers && vigil_event_doc_members(rs->L, NULL, rec->members, rec->nmembers) == 0 &&
      rec->nuid)
    vigil_event_doc_members(rs->L, &rec->f[VIGIL_K_USER_IDENTITY], rec->uid_members, rec->nuid);
  t = mono_ns();
  for (i = 0; i < n; i++) { /* one clock reading per rule, as the worker's */
    rc = vigil_ruleset_when(rs, cand[i], NULL, err, sizeof(err));
    st = &gen->stats[cand[i]]->w[w->id];
    now = mono_ns();
    VIGIL_STAT_ADD(st->ns, now - t); /* the owner counts the rest of a kept one */
    t = now;
    if (rc != 0) {
      /* Held; or failed, and the owner runs it again to report it. */
      cand[kept++] = rc == 1 ? cand[i] | VIGIL_MSG_WHEN_HELD : cand[i];
      continue;
    }
    VIGIL_STAT_ADD(st->evals, 1);
  }
  vigil_event_next(rs->L); /* views kept by a condition are now stale */
  return kept;
}
