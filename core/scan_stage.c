/*
 * Stage 1 of the event path, on any free worker: decode each record of a
 * batch, read the indexed fields with the scanner, ask the rule index,
 * and only for records some rule can match, copy them out for the worker
 * that owns their principal. A record that meets no rule costs one scan
 * and no allocation.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "decode.h"
#include "engine.h"
#include "json_arena.h"
#include "log.h"
#include "pipeline_int.h"
#include "scan_prefilter.h"

#define MAX_CANDIDATES VIGIL_MSG_MAX_RULES

static pthread_once_t fast_path_init = PTHREAD_ONCE_INIT;
static int fast_path = 1;
static int prefilter = 1;

typedef struct ingest_s {
  vigil_worker_t *w;
  vigil_host_t *h;
  const char *stream;
  vigil_track_t *track;
  vigil_gen_t *gen;
  vigil_scan_out_t *out;
  int nworkers;
  uint64_t candidates;
  vigil_ix_scratch_t *scratch; /* this worker's, for on.unless */
  size_t nextra;               /* unless names the decoder reads, from rec->f[VIGIL_K_COUNT] */
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

/* Partition key: the acting principal, as vigil_ct_actor_doc() picks it, so
 * one principal's events always reach the same worker in order. The
 * decoder read userIdentity's members in its pass (rec->uid). */
static uint64_t partition_key(const vigil_record_t *rec) {
  static const char *const user_id[] = {"userId"};
  vigil_jval_t v[5] = {rec->uid[VIGIL_U_ARN], rec->uid[VIGIL_U_INVOKED_BY],
                       rec->uid[VIGIL_U_USER_NAME], rec->uid[VIGIL_U_ON_BEHALF_OF],
                       rec->uid[VIGIL_U_PRINCIPAL_ID]};
  uint64_t h = 1469598103934665603ull;
  size_t i;
  size_t k;

  if (rec->f[VIGIL_K_USER_IDENTITY].type != VIGIL_J_OBJECT)
    return h;
  /* onBehalfOf counts through its userId (IdentityCenterUser records). */
  if (v[3].type == VIGIL_J_OBJECT &&
      vigil_scan_object_valid(v[3].p, v[3].len, user_id, 1, &v[3]) != 0)
    v[3].type = VIGIL_J_NULL;
  for (k = 0; k < 5; k++) {
    if (v[k].type == VIGIL_J_STRING && v[k].len > 0)
      break;
  }
  for (i = 0; k < 5 && i < v[k].len; i++) {
    h ^= (unsigned char)v[k].p[i];
    h *= 1099511628211ull;
  }
  return h;
}

/* The rules that may match rec, from the scanned fields (the fast path). */
static size_t fast_match(ingest_t *in, const vigil_record_t *rec, uint32_t *cand) {
  char sbuf[256];
  char nbuf[256];
  char ebuf[256];
  char tbuf[64];
  char ybuf[64];
  vigil_ix_event_t ev;
  size_t n;

  ev.src = text(&rec->f[VIGIL_K_EVENT_SOURCE], sbuf, sizeof(sbuf), &ev.srclen);
  ev.name = text(&rec->f[VIGIL_K_EVENT_NAME], nbuf, sizeof(nbuf), &ev.namelen);
  ev.err = text(&rec->f[VIGIL_K_ERROR_CODE], ebuf, sizeof(ebuf), &ev.errlen);
  if (ev.err && ev.errlen == 0)
    ev.err = NULL; /* an empty errorCode is no error, as in vigil_rule_admits */
  ev.etype = text(&rec->f[VIGIL_K_EVENT_TYPE], ybuf, sizeof(ybuf), &ev.etypelen);
  ev.type = NULL;
  ev.typelen = 0;

  if (vigil_rule_index_needs_type(in->gen->index))
    ev.type = text(&rec->uid[VIGIL_U_TYPE], tbuf, sizeof(tbuf), &ev.typelen);
  n = vigil_rule_index_match_memo(in->gen->index, in->scratch, &ev, cand, MAX_CANDIDATES);
  if (n > 0)
    n = vigil_rule_index_unless(in->gen->index, in->scratch, rec->p, rec->len,
                                rec->f + VIGIL_K_COUNT, in->nextra, cand,
                                n < MAX_CANDIDATES ? n : MAX_CANDIDATES);
  return n;
}

/* VIGIL_FAST_PATH=off: every record is parsed with cJSON and each enabled
 * rule's `on` is checked on the tree (vigil_rule_admits), with no index.
 * Slow; it exists so tests can show both ways give the same alerts. */
static size_t slow_match(ingest_t *in, const vigil_record_t *rec, uint32_t *cand) {
  const vigil_ruleset_t *rs = in->gen->rs[0];
  cJSON *tree = vigil_json_event_parse(rec->p, rec->len);
  size_t n = 0;
  size_t i;

  if (!tree) {
    /* Valid JSON cJSON refuses (a lone surrogate escape): counted and
     * named, as the fast path does when such a record would alert. */
    vigil_json_event_free(tree);
    atomic_fetch_add(&in->h->pl->decode_errors, 1);
    vigil_log_inst(VIGIL_LOG_ERROR, "decode", in->h->name, "%s:%llu: record %llu: cJSON cannot "
                   "parse it", in->stream[0] ? in->stream : "(stream)",
                   (unsigned long long)rec->line, (unsigned long long)rec->index);
    return 0;
  }
  for (i = 0; i < rs->nrules && n < MAX_CANDIDATES; i++) {
    if (vigil_rule_enabled(&rs->rules[i]) && vigil_rule_admits(&rs->rules[i], tree))
      cand[n++] = (uint32_t)i;
  }
  vigil_json_event_free(tree);
  return n;
}

/* VIGIL_PREFILTER=off: with several workers, hand every candidate to its
 * owner unfiltered, as before scan_prefilter.c (for measuring it). */
static void fast_path_once(void) {
  const char *v = getenv("VIGIL_FAST_PATH");
  const char *p = getenv("VIGIL_PREFILTER");

  fast_path = !(v && strcmp(v, "off") == 0);
  prefilter = !(p && strcmp(p, "off") == 0);
}

/* A member as offsets into the record's text, which the message copies. */
static void keep_member(vigil_msg_member_t *o, const vigil_scan_member_t *m, const char *base) {
  o->name_off = (uint32_t)(m->name.p - base);
  o->name_len = (uint32_t)m->name.len;
  o->name_escaped = (uint8_t)m->name.escaped;
  o->val_off = (uint32_t)(m->val.p - base);
  o->val_len = (uint32_t)m->val.len;
  o->val_type = (uint8_t)m->val.type;
  o->val_escaped = (uint8_t)m->val.escaped;
}

static void on_record(void *arg, const vigil_record_t *rec) {
  ingest_t *in = arg;
  uint32_t cand[MAX_CANDIDATES];
  size_t n;
  size_t i;
  size_t stream_len;
  vigil_msg_t *m;
  int w = 0;

  n = fast_path ? fast_match(in, rec, cand) : slow_match(in, rec, cand);
  if (n == 0)
    return;
  if (n > MAX_CANDIDATES) {
    vigil_warn(in->h->name, "%zu rules match one event; only the first %d run", n,
               MAX_CANDIDATES);
    n = MAX_CANDIDATES;
  }
  in->candidates++;
  if (in->nworkers > 1 && fast_path && prefilter) {
    n = vigil_prefilter(in->w, in->gen, rec, cand, n);
    if (n == 0)
      return;
  }

  /* One block: the message, its rule list, the record's top-level and
   * userIdentity members (offsets), stream name and record bytes. */
  stream_len = strlen(in->stream);
  m = malloc(sizeof(*m) + n * sizeof(uint32_t) +
             (rec->nmembers + rec->nuid) * sizeof(vigil_msg_member_t) + stream_len + 1 +
             rec->len + 1);
  if (!m) {
    vigil_error(in->h->name, "out of memory: record %llu dropped",
                (unsigned long long)rec->index);
    return;
  }
  m->next = NULL;
  m->scanned_by = in->w->id;
  m->source = in->h;
  m->gen = in->gen;
  vigil_gen_ref(in->gen);
  m->track = in->track;
  if (m->track)
    vigil_track_ref(m->track);
  m->line = rec->line;
  m->record = rec->index;
  m->nrules = (uint32_t)n;
  m->rules = (uint32_t *)(m + 1);
  memcpy(m->rules, cand, n * sizeof(uint32_t));
  m->members = (vigil_msg_member_t *)(m->rules + n);
  m->nmembers = (uint32_t)rec->nmembers;
  for (i = 0; i < rec->nmembers; i++)
    keep_member(&m->members[i], &rec->members[i], rec->p);
  m->nuid = m->nmembers ? (uint32_t)rec->nuid : 0; /* primed after the top level's */
  m->uid_off = m->nuid ? (uint32_t)(rec->f[VIGIL_K_USER_IDENTITY].p - rec->p) : 0;
  m->uid_len = m->nuid ? (uint32_t)rec->f[VIGIL_K_USER_IDENTITY].len : 0;
  for (i = 0; i < m->nuid; i++)
    keep_member(&m->members[m->nmembers + i], &rec->uid_members[i], rec->p);
  m->stream = (char *)(m->members + m->nmembers + m->nuid);
  if (stream_len)
    memcpy(m->stream, in->stream, stream_len);
  m->stream[stream_len] = '\0';
  m->json = m->stream + stream_len + 1;
  memcpy(m->json, rec->p, rec->len);
  m->json[rec->len] = '\0';
  m->len = rec->len;
  if (in->nworkers > 1)
    w = (int)(partition_key(rec) % (uint64_t)in->nworkers);
  if (in->out->tail[w])
    in->out->tail[w]->next = m;
  else
    in->out->head[w] = m;
  in->out->tail[w] = m;
  in->out->count[w]++;
}

static void on_error(void *arg, uint64_t line, int64_t record, const char *msg) {
  ingest_t *in = arg;
  const char *stream = in->stream[0] ? in->stream : "(stream)";

  atomic_fetch_add_explicit(&in->h->pl->decode_errors, 1, memory_order_relaxed);
  if (record >= 0)
    vigil_log_inst(VIGIL_LOG_ERROR, "decode", in->h->name, "%s:%llu: record %lld: %s", stream,
                   (unsigned long long)line, (long long)record, msg);
  else
    vigil_log_inst(VIGIL_LOG_ERROR, "decode", in->h->name, "%s:%llu: %s", stream,
                   (unsigned long long)line, msg);
}

/* Whitespace only, as the line reader counts a blank line. */
static int is_blank(const char *p, const char *end) {
  for (; p < end; p++)
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\f' && *p != '\v')
      return 0;
  return 1;
}

/*
 * A lines entry, decoded line by line as if each had been emitted alone:
 * a '\r' before the '\n' is dropped and blank lines are skipped, as the
 * sources' line reader does.
 */
static void decode_lines(const vigil_decoder_t *dec, const char *p, size_t len, uint64_t line,
                         const vigil_decode_cb_t *cb, vigil_decode_stats_t *st) {
  const char *end = p + len, *nl, *q;

  for (;; line++) {
    nl = memchr(p, '\n', (size_t)(end - p));
    q = nl ? nl : end;
    if (q > p && q[-1] == '\r')
      q--;
    if (!is_blank(p, q))
      vigil_decode_with(dec, p, (size_t)(q - p), line, cb, st);
    if (!nl)
      return;
    p = nl + 1;
  }
}

void vigil_scan_batch(vigil_worker_t *w, vigil_batch_t *b, vigil_gen_t *gen,
                      vigil_scan_out_t *out) {
  vigil_pipeline_t *pl = w->pl;
  vigil_host_t *h = b->src;
  ingest_t in = {w, h, "", NULL, gen, out, pl->nworkers, 0, gen->scratch[w->id], 0};
  const char *const *extra;
  vigil_decode_cb_t cb = {on_record, on_error, &in};
  vigil_decode_stats_t st = {0};
  vigil_decoder_t dec;
  const vigil_entry_t *e;
  size_t off = 0;
  uint64_t digests;

  pthread_once(&fast_path_init, fast_path_once);
  /* The decoder reads unless's top-level fields in its own pass; its keys
   * are prepared once for the batch's records. */
  in.nextra = vigil_rule_index_top_names(gen->index, &extra);
  if (in.nextra > VIGIL_K_EXTRA_MAX)
    in.nextra = VIGIL_K_EXTRA_MAX;
  vigil_decoder_init(&dec, extra, in.nextra);
  while (off < b->used) {
    e = (const vigil_entry_t *)(b->data + off);
    off += sizeof(*e) + ((e->len + 1u + 7u) & ~(size_t)7u);
    if (e->kind == VIGIL_ENTRY_STREAM) {
      in.stream = (const char *)(e + 1);
      continue;
    }
    in.track = e->track;
    digests = st.digests;
    if (e->kind == VIGIL_ENTRY_LINES)
      decode_lines(&dec, (const char *)(e + 1), e->len, e->line, &cb, &st);
    else
      vigil_decode_with(&dec, (const char *)(e + 1), e->len, e->line, &cb, &st);
    if (st.digests != digests)
      vigil_info(h->name, "%s: CloudTrail digest skipped", in.stream);
    if (e->track)
      vigil_track_release(e->track);
  }
  /* Counted once per batch, not per record: the no-match path stays cheap. */
  atomic_fetch_add_explicit(&h->records, st.records, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->records, st.records, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->candidates, in.candidates, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->digests, st.digests, memory_order_relaxed);
  atomic_fetch_add_explicit(&pl->other, st.other, memory_order_relaxed);
}

/* Tracked entries of a batch freed unscanned (shutdown) keep their
 * reference: their acks then say VIGIL_ECLOSED at tear-down. A batch of
 * the standard size goes back to the pipeline's pool: malloc'd on a
 * source thread and freed on a worker, 256 KiB blocks made glibc trim
 * and regrow the source thread's arena (mprotect, page faults) per batch. */
void vigil_batch_free(vigil_batch_t *b) {
  vigil_pipeline_t *pl = b && b->src ? b->src->pl : NULL;

  if (pl && b->cap == VIGIL_BATCH_CAP) {
    pthread_mutex_lock(&pl->pool_mu);
    if (pl->npool < VIGIL_BATCH_POOL) {
      b->next = pl->pool;
      pl->pool = b;
      pl->npool++;
      b = NULL;
    }
    pthread_mutex_unlock(&pl->pool_mu);
  }
  free(b);
}

void vigil_batch_pool_free(vigil_pipeline_t *pl) {
  vigil_batch_t *b;

  while ((b = pl->pool)) {
    pl->pool = b->next;
    free(b);
  }
  pl->npool = 0;
}
