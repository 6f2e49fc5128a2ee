/*
 * Stage 1's second filter, with more than one worker: run the conditions
 * (`when`) of a record's candidate rules on the scanning worker, so only
 * the rules whose condition held travel to the worker that owns the
 * record's principal.
 *
 * Why: workers own principals so that stateful rules see each principal's
 * events in order, and a busy principal (one IAM user making most of an
 * account's calls) then puts most of the evaluation on one worker. A
 * condition is a pure function of the event (forms, dedup and exceptions
 * come after it, on the owner), so it may run anywhere; what the owner
 * gets is what it would have kept.
 */
#ifndef VIGIL_SCAN_PREFILTER_H
#define VIGIL_SCAN_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "pipeline_int.h"

/* Keeps in cand[0..n) the rules whose condition holds on the record
 * rec, marked VIGIL_MSG_WHEN_HELD, and those whose condition
 * failed (the owner runs it again and reports the error), in order, and
 * returns how many. Dropped rules count as evaluated in worker w's
 * per-rule counters, as the owner would have counted them. Runs in w's
 * Lua state of gen, so only on w's thread. Conditions read a byte view
 * of the record (core/jdoc.h): nothing is parsed here; the owner parses
 * the record when some condition held. */
size_t vigil_prefilter(vigil_worker_t *w, vigil_gen_t *gen, const vigil_record_t *rec,
                       uint32_t *cand, size_t n);

#endif
