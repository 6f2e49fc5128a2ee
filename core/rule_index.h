/*
 * The rule index: which rules can match an event, from its eventSource and
 * eventName alone, before anything is parsed. A hash map from eventName to
 * rules, one from eventSource for rules that name only a source, and a list
 * of rules that run on every event. Read-only once built, so every thread
 * may use it at once.
 */
#ifndef VIGIL_RULE_INDEX_H
#define VIGIL_RULE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

typedef struct vigil_rule_index_s vigil_rule_index_t;

vigil_rule_index_t *vigil_rule_index_build(const vigil_ruleset_t *rs);
void vigil_rule_index_free(vigil_rule_index_t *ix);

/*
 * Writes into out (capacity cap) the numbers of the rules that may match an
 * event with this source and name (either may be NULL when the event lacks
 * it), in ascending order, and returns how many there are (possibly more
 * than cap: then only cap were written). Allocates nothing.
 */
size_t vigil_rule_index_match(const vigil_rule_index_t *ix, const char *src, size_t srclen,
                              const char *name, size_t namelen, uint32_t *out, size_t cap);

/* Number of rules that run on every event. */
size_t vigil_rule_index_wildcards(const vigil_rule_index_t *ix);

#endif
