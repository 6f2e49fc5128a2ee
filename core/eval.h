/*
 * One rule on one event, the whole way: condition (or sequence steps),
 * exceptions, stateful form, deduplication, then the alert with its
 * dynamic title, severity and context. Shared by the workers and by
 * `vigil test`, so tests exercise exactly what runs in the pipeline.
 */
#ifndef VIGIL_EVAL_H
#define VIGIL_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "alert.h"
#include "rules.h"
#include "state.h"

typedef struct vigil_eval_s {
  vigil_ruleset_t *rs;
  vigil_state_t *state;   /* the worker's (or the test's) stateful memory */
  int overrides;          /* apply override{} severity and exceptions */
  const vigil_origin_t *origin;
  int64_t now_ms;         /* detection time; also event time when it has none */
  uint64_t *evicted;      /* counter for entries of this rule evicted, or NULL */
  int matched;            /* out: the condition (or a sequence step) held */
  char err[1024];         /* out: a rule error; may be set with an alert (context) */
  int when_held;          /* the condition was run on this event already and held */
} vigil_eval_t;

/*
 * Runs rule ri on the record begun with vigil_event_doc_begin in c->rs's
 * Lua state, read from its bytes:
 * conditions, exceptions, keys and counted fields come from a byte view,
 * and so does the alert: nothing is parsed. Returns 1 with *out set when
 * an alert is raised, 0 when not, -1 on a rule error (c->err holds it).
 * An error in an optional part (context, dynamic title or severity) still
 * raises the alert, with defaults, and leaves c->err set.
 */
int vigil_eval_rule(vigil_eval_t *c, size_t ri, vigil_alert_item_t **out);

#endif
