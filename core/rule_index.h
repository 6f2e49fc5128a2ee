/*
 * The rule index: which rules can match an event, from a few top-level
 * fields read by the scanner, before anything is parsed. Rules are filed
 * by exact eventName (a hash map), by eventName prefix (a short list), by
 * eventSource for rules that name no eventName (a hash map), and in a list
 * for rules that name neither; every rule found is then checked against
 * the rest of its `on` (source, errorCode, userIdentity.type, eventType;
 * then unless, from the bytes, vigil_rule_index_unless). Read-only
 * once built, so every thread may use it at once.
 */
#ifndef VIGIL_RULE_INDEX_H
#define VIGIL_RULE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "rules.h"
#include "scan.h"

typedef struct vigil_rule_index_s vigil_rule_index_t;

/* The fields an event is indexed by; a NULL pointer when the event lacks
 * the field (err: NULL when the call succeeded, i.e. errorCode is absent,
 * not a string or empty). type is needed only when
 * vigil_rule_index_needs_type() says so. */
typedef struct vigil_ix_event_s {
  const char *src;
  size_t srclen;
  const char *name;
  size_t namelen;
  const char *err;
  size_t errlen;
  const char *type;
  size_t typelen;
  const char *etype; /* eventType */
  size_t etypelen;
} vigil_ix_event_t;

vigil_rule_index_t *vigil_rule_index_build(const vigil_ruleset_t *rs);
void vigil_rule_index_free(vigil_rule_index_t *ix);

/*
 * Writes into out (capacity cap) the numbers of the rules that may match
 * event ev, in ascending order, and returns how many there are (possibly
 * more than cap: then only cap were written). Allocates nothing.
 */
size_t vigil_rule_index_match(const vigil_rule_index_t *ix, const vigil_ix_event_t *ev,
                              uint32_t *out, size_t cap);

/*
 * on.unless, applied to the rules vigil_rule_index_match() found for the
 * record json[0..len) (already validated by the scanner): removes from
 * cand[0..n) every rule one of whose unless fields the record meets, keeps
 * the order, returns how many are left. The fields are read from the bytes
 * (top-level names in one scan, nested objects on demand), only when a
 * candidate has an unless. sc is per thread (vigil_ix_scratch_new); it
 * grows only for escaped strings longer than 1 KiB.
 *
 * A repeated member name gives its last value, and an escaped one compares
 * decoded (cut at a \u0000), on both paths, as the Lua view reads them.
 */
typedef struct vigil_ix_scratch_s vigil_ix_scratch_t;

/* The same answer, remembered in sc (one thread's, vigil_ix_scratch_new)
 * for the next event with the same five fields. */
size_t vigil_rule_index_match_memo(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                                   const vigil_ix_event_t *ev, uint32_t *out, size_t cap);

vigil_ix_scratch_t *vigil_ix_scratch_new(const vigil_rule_index_t *ix);
void vigil_ix_scratch_free(vigil_ix_scratch_t *sc);
size_t vigil_rule_index_unless(const vigil_rule_index_t *ix, vigil_ix_scratch_t *sc,
                               const char *json, size_t len, const vigil_jval_t *top,
                               size_t ntop, uint32_t *cand, size_t n);
/* The top-level names unless reads (*names, the count returned): a caller
 * that reads the first ntop of them while scanning the record passes their
 * values as top[0..ntop) above, and the record is not scanned again (top
 * NULL, ntop 0: unless scans for them itself). */
size_t vigil_rule_index_top_names(const vigil_rule_index_t *ix, const char *const **names);
/* 1 when some enabled rule has an unless. */
int vigil_rule_index_has_unless(const vigil_rule_index_t *ix);

/* 1 when some enabled rule filters on userIdentity.type. */
int vigil_rule_index_needs_type(const vigil_rule_index_t *ix);

/* Number of rules that run on every event. */
size_t vigil_rule_index_wildcards(const vigil_rule_index_t *ix);

/*
 * The same decision for one rule from a parsed event, written apart from
 * the index (plain string compares, no maps): what rule tests use, and the
 * reference the fast path is checked against (VIGIL_FAST_PATH=off).
 */
int vigil_rule_admits(const vigil_rule_t *r, const cJSON *ev);

#endif
