/*
 * The rule index's answers remembered per worker (rule_memo.h).
 */
#include "rule_memo.h"

#include <stdlib.h>
#include <string.h>

/* CloudTrail repeats a few hundred (eventSource, eventName, errorCode,
 * identity type, eventType) combinations, so most records are
 * answered by one hash and one compare instead of two map lookups, the
 * prefix list and a filter check per listed rule (vigil_rule_index_match).
 * Direct-mapped: a collision only costs the full match. */
#define MEMO_SLOTS 512
#define MEMO_KEY 160  /* longer keys are not remembered */
#define MEMO_RULES 14 /* nor longer answers */

typedef struct memo_s {
  uint64_t hash; /* 0: empty */
  uint8_t klen;
  uint8_t n;
  uint32_t rules[MEMO_RULES];
  char key[MEMO_KEY];
} memo_t;

struct vigil_ix_memo_s {
  memo_t slot[MEMO_SLOTS];
};

/* Appends a field to the memo key: a length byte (0 for none, else its
 * length + 1) and its bytes. 0, or -1 when the key would not fit. */
static int key_put(char *key, size_t *k, const char *s, size_t len) {
  if (!s) {
    if (*k + 1 > MEMO_KEY)
      return -1;
    key[(*k)++] = 0;
    return 0;
  }
  if (len > 254 || *k + 1 + len > MEMO_KEY)
    return -1;
  key[(*k)++] = (char)(len + 1);
  memcpy(key + *k, s, len);
  *k += len;
  return 0;
}

/* A hash of key[0..n), 8 bytes a step; never 0 (an empty slot). */
static uint64_t key_hash(const char *key, size_t n) {
  uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ n;
  uint64_t w;
  size_t i = 0;

  for (; i + 8 <= n; i += 8) {
    memcpy(&w, key + i, 8);
    h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 32;
  }
  if (i < n) {
    w = 0;
    memcpy(&w, key + i, n - i);
    h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 32;
  }
  return h ? h : 1;
}

size_t vigil_ix_memo_match(vigil_ix_memo_t **memo, const vigil_rule_index_t *ix,
                           const vigil_ix_event_t *ev, uint32_t *out, size_t cap) {
  char key[MEMO_KEY];
  size_t k = 0;
  size_t n;
  uint64_t h;
  memo_t *m;

  if (key_put(key, &k, ev->src, ev->srclen) || key_put(key, &k, ev->name, ev->namelen) ||
      key_put(key, &k, ev->err, ev->errlen) || key_put(key, &k, ev->type, ev->typelen) ||
      key_put(key, &k, ev->etype, ev->etypelen))
    return vigil_rule_index_match(ix, ev, out, cap);
  if (!*memo && !(*memo = calloc(1, sizeof(**memo))))
    return vigil_rule_index_match(ix, ev, out, cap);
  h = key_hash(key, k);
  m = &(*memo)->slot[h & (MEMO_SLOTS - 1)];
  if (m->hash == h && m->klen == k && memcmp(m->key, key, k) == 0 && m->n <= cap) {
    memcpy(out, m->rules, m->n * sizeof(uint32_t));
    return m->n;
  }
  n = vigil_rule_index_match(ix, ev, out, cap);
  if (n <= MEMO_RULES && n <= cap) {
    m->hash = h;
    m->klen = (uint8_t)k;
    m->n = (uint8_t)n;
    memcpy(m->rules, out, n * sizeof(uint32_t));
    memcpy(m->key, key, k);
  }
  return n;
}

void vigil_ix_memo_free(vigil_ix_memo_t *memo) {
  free(memo);
}
