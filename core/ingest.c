/*
 * The event fast path, run on the thread that calls emit(): decode the
 * envelope, read the indexed fields with the scanner, ask the rule index,
 * and only for records some rule can match, copy them to a worker. A
 * record that meets no rule costs one scan and no allocation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "log.h"
#include "pipeline_int.h"

#define MAX_CANDIDATES 512

typedef struct ingest_s {
  vigil_host_t *h;
  const vigil_position_t *pos;
} ingest_t;

/* The string value of v: borrowed bytes when unescaped, else decoded
 * into scratch. NULL (len 0) when v is not a string. */
static const char *text(const vigil_jval_t *v, char *scratch, size_t cap, size_t *len) {
  if (v->type != VIGIL_J_STRING) {
    *len = 0;
    return NULL;
  }
  if (!v->escaped) {
    *len = v->len;
    return v->p;
  }
  *len = vigil_jval_str(v, scratch, cap);
  if (*len >= cap)
    *len = cap - 1;
  return scratch;
}

/* Partition key: the acting principal, as vigil_ct_actor() picks it, so
 * one principal's events always reach the same worker in order. */
static uint64_t partition_key(const vigil_jval_t *uid) {
  static const char *const keys[] = {"arn", "invokedBy", "userName", "principalId"};
  vigil_jval_t v[4];
  uint64_t h = 1469598103934665603ull;
  size_t i;
  size_t k;

  if (uid->type != VIGIL_J_OBJECT || vigil_scan_object(uid->p, uid->len, keys, 4, v, NULL) != 0)
    return h;
  for (k = 0; k < 4; k++) {
    if (v[k].type == VIGIL_J_STRING && v[k].len > 0)
      break;
  }
  for (i = 0; k < 4 && i < v[k].len; i++) {
    h ^= (unsigned char)v[k].p[i];
    h *= 1099511628211ull;
  }
  return h;
}

static void on_record(void *arg, const vigil_record_t *rec) {
  ingest_t *in = arg;
  vigil_pipeline_t *pl = in->h->pl;
  uint32_t cand[MAX_CANDIDATES];
  char sbuf[256];
  char nbuf[256];
  const char *src;
  const char *name;
  size_t slen;
  size_t nlen;
  size_t n;
  size_t stream_len;
  vigil_msg_t *m;
  int w = 0;

  src = text(&rec->f[VIGIL_K_EVENT_SOURCE], sbuf, sizeof(sbuf), &slen);
  name = text(&rec->f[VIGIL_K_EVENT_NAME], nbuf, sizeof(nbuf), &nlen);
  n = vigil_rule_index_match(pl->index, src, slen, name, nlen, cand, MAX_CANDIDATES);
  if (n == 0)
    return;
  if (n > MAX_CANDIDATES) {
    vigil_warn(in->h->name, "%zu rules match one event; only the first %d run", n,
               MAX_CANDIDATES);
    n = MAX_CANDIDATES;
  }
  atomic_fetch_add_explicit(&pl->candidates, 1, memory_order_relaxed);

  /* One block: the message, its rule list, stream name and record bytes. */
  stream_len = in->pos && in->pos->stream ? strlen(in->pos->stream) : 0;
  m = malloc(sizeof(*m) + n * sizeof(uint32_t) + stream_len + 1 + rec->len + 1);
  if (!m) {
    vigil_error(in->h->name, "out of memory: record %llu dropped",
                (unsigned long long)rec->index);
    return;
  }
  m->source = in->h;
  m->line = rec->line;
  m->record = rec->index;
  m->nrules = (uint32_t)n;
  m->rules = (uint32_t *)(m + 1);
  memcpy(m->rules, cand, n * sizeof(uint32_t));
  m->stream = (char *)(m->rules + n);
  if (stream_len)
    memcpy(m->stream, in->pos->stream, stream_len);
  m->stream[stream_len] = '\0';
  m->json = m->stream + stream_len + 1;
  memcpy(m->json, rec->p, rec->len);
  m->json[rec->len] = '\0';
  m->len = rec->len;
  if (pl->nworkers > 1)
    w = (int)(partition_key(&rec->f[VIGIL_K_USER_IDENTITY]) % (uint64_t)pl->nworkers);
  if (vigil_queue_push(&pl->workers[w].q, m) != 0) {
    vigil_error(in->h->name, "%s:%llu: record %llu arrived after shutdown; dropped",
                m->stream, (unsigned long long)m->line, (unsigned long long)m->record);
    vigil_msg_free(m);
  }
}

static void on_error(void *arg, uint64_t line, int64_t record, const char *msg) {
  ingest_t *in = arg;
  const char *stream = in->pos && in->pos->stream ? in->pos->stream : "(stream)";

  atomic_fetch_add_explicit(&in->h->pl->decode_errors, 1, memory_order_relaxed);
  if (record >= 0)
    vigil_error(in->h->name, "%s:%llu: record %lld: %s", stream, (unsigned long long)line,
                (long long)record, msg);
  else
    vigil_error(in->h->name, "%s:%llu: %s", stream, (unsigned long long)line, msg);
}

int vigil_ingest(vigil_host_t *h, const void *data, size_t len, const vigil_position_t *pos) {
  ingest_t in = {h, pos};
  vigil_decode_cb_t cb = {on_record, on_error, &in};
  vigil_decode_stats_t st = {0};
  vigil_pipeline_t *pl = h->pl;

  vigil_decode(data, len, pos && pos->line ? pos->line : 1, &cb, &st);
  /* Counted once per emit, not per record: the no-match path stays cheap. */
  atomic_fetch_add_explicit(&h->records, st.records, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->records, st.records, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->digests, st.digests, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->other, st.other, memory_order_relaxed);
  if (st.digests)
    vigil_info(h->name, "%s: CloudTrail digest skipped", pos && pos->stream ? pos->stream : "");
  return VIGIL_OK;
}

int vigil_ingest_busy(vigil_pipeline_t *pl) {
  int i;
  size_t len;

  /* Half full leaves room for the records of one emit. */
  for (i = 0; i < pl->nworkers; i++) {
    pthread_mutex_lock(&pl->workers[i].q.mu);
    len = pl->workers[i].q.len;
    pthread_mutex_unlock(&pl->workers[i].q.mu);
    if (len * 2 >= pl->workers[i].q.cap)
      return 1;
  }
  return 0;
}
