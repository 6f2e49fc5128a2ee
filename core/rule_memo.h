/* Answers of vigil_rule_index_match remembered by the five fields they
 * depend on (core/rule_memo.c): one thread's, kept in its index scratch. */
#ifndef VIGIL_RULE_MEMO_H
#define VIGIL_RULE_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "rule_index.h"

typedef struct vigil_ix_memo_s vigil_ix_memo_t;

/* vigil_rule_index_match's answer for ev: remembered in *memo (made on
 * first use; NULL to begin) when this combination was seen before, else
 * computed and remembered. */
size_t vigil_ix_memo_match(vigil_ix_memo_t **memo, const vigil_rule_index_t *ix,
                           const vigil_ix_event_t *ev, uint32_t *out, size_t cap);
void vigil_ix_memo_free(vigil_ix_memo_t *memo);

#endif
