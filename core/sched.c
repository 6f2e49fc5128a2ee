/*
 * Work sharing between sources and workers.
 *
 * Stage 1 (scan) runs on whichever worker is free, a batch at a time, so
 * the cost of reading every record spreads over all cores. Stage 2
 * (evaluate) must see one principal's records in order on one worker, so
 * stateful rules count them right. The hand-over keeps that order: scan
 * results are parked by batch number and moved to the owners' inboxes
 * strictly in batch order, whoever finishes first.
 *
 * Memory stays bounded: sources wait when qcap batches are queued, and
 * workers stop scanning while pending_cap candidates wait for evaluation.
 * One mutex guards it all; it is taken a few times per batch (hundreds of
 * records), not per record.
 */
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "engine.h"
#include "json_arena.h"
#include "log.h"
#include "pipeline_int.h"
#include "state.h"

#define BATCHES_PER_WORKER 4
#define PENDING_PER_WORKER 8192
/* Queued bytes per worker: 4 ordinary batches. A batch holds a whole
 * emitted text, and an S3 object can be several MB, so counting batches
 * alone let a 2-worker scan of .json.gz queue tens of MB. */
#define QUEUE_BYTES_PER_WORKER (4u * 256u * 1024u)

int vigil_sched_init(vigil_pipeline_t *pl) {
  vigil_sched_t *s = &pl->sched;
  size_t i;
  size_t nw = (size_t)pl->nworkers;

  memset(s, 0, sizeof(*s));
  pthread_mutex_init(&s->mu, NULL);
  pthread_cond_init(&s->work, NULL);
  pthread_cond_init(&s->room, NULL);
  s->qcap = BATCHES_PER_WORKER * nw;
  s->qbytes_cap = QUEUE_BYTES_PER_WORKER * nw;
  s->pending_cap = PENDING_PER_WORKER * nw;
  /* Batches between pop and drain: a fast worker may run ahead of a slow
   * one by this many before it waits (see can_scan). */
  s->nring = 4 * nw + 1;
  s->ring = calloc(s->nring, sizeof(*s->ring));
  if (!s->ring)
    return -1;
  for (i = 0; i < s->nring; i++) {
    s->ring[i].head = calloc(nw, sizeof(vigil_msg_t *));
    s->ring[i].tail = calloc(nw, sizeof(vigil_msg_t *));
    s->ring[i].count = calloc(nw, sizeof(size_t));
    if (!s->ring[i].head || !s->ring[i].tail || !s->ring[i].count)
      return -1;
  }
  return 0;
}

void vigil_sched_destroy(vigil_pipeline_t *pl) {
  vigil_sched_t *s = &pl->sched;
  vigil_batch_t *b;
  size_t i;

  while ((b = s->qhead)) {
    s->qhead = b->next;
    vigil_batch_free(b);
  }
  for (i = 0; s->ring && i < s->nring; i++) {
    free(s->ring[i].head);
    free(s->ring[i].tail);
    free(s->ring[i].count);
  }
  free(s->ring);
  s->ring = NULL;
  pthread_mutex_destroy(&s->mu);
  pthread_cond_destroy(&s->work);
  pthread_cond_destroy(&s->room);
}

/* No room for b: too many batches, or too many bytes (an empty queue
 * always takes one, however big). Caller holds the mutex. */
static int no_room(const vigil_sched_t *s, size_t bytes) {
  return s->qlen >= s->qcap || (s->qlen > 0 && s->qbytes + bytes > s->qbytes_cap);
}

int vigil_sched_push(vigil_pipeline_t *pl, vigil_batch_t *b, int nonblock) {
  vigil_sched_t *s = &pl->sched;

  pthread_mutex_lock(&s->mu);
  while (no_room(s, b->used) && !s->closed && !nonblock)
    pthread_cond_wait(&s->room, &s->mu);
  if (s->closed || no_room(s, b->used)) {
    pthread_mutex_unlock(&s->mu);
    return -1;
  }
  b->next = NULL;
  b->seq = s->push_seq++;
  if (s->qtail)
    s->qtail->next = b;
  else
    s->qhead = b;
  s->qtail = b;
  s->qlen++;
  s->qbytes += b->used;
  pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
  return 0;
}

int vigil_sched_full(vigil_pipeline_t *pl) {
  int full;

  pthread_mutex_lock(&pl->sched.mu);
  full = pl->sched.qlen >= pl->sched.qcap || pl->sched.qbytes >= pl->sched.qbytes_cap ||
         pl->sched.closed;
  pthread_mutex_unlock(&pl->sched.mu);
  return full;
}

size_t vigil_sched_depth(vigil_pipeline_t *pl, size_t *pending) {
  size_t n;

  pthread_mutex_lock(&pl->sched.mu);
  n = pl->sched.qlen;
  *pending = pl->sched.pending;
  pthread_mutex_unlock(&pl->sched.mu);
  return n;
}

void vigil_sched_close(vigil_pipeline_t *pl) {
  pthread_mutex_lock(&pl->sched.mu);
  pl->sched.closed = 1;
  pthread_cond_broadcast(&pl->sched.work);
  pthread_cond_broadcast(&pl->sched.room);
  pthread_mutex_unlock(&pl->sched.mu);
}

/* Moves every scan result whose turn has come to its owners' inboxes.
 * Caller holds the mutex. */
static void drain_ready(vigil_pipeline_t *pl) {
  vigil_sched_t *s = &pl->sched;
  vigil_scan_out_t *o;
  vigil_worker_t *w;
  int i;

  for (;;) {
    o = &s->ring[s->drain_seq % s->nring];
    if (!o->ready)
      return;
    for (i = 0; i < pl->nworkers; i++) {
      if (!o->head[i])
        continue;
      w = &pl->workers[i];
      if (w->inbox_tail)
        w->inbox_tail->next = o->head[i];
      else
        w->inbox_head = o->head[i];
      w->inbox_tail = o->tail[i];
      w->inbox_len += o->count[i];
      s->pending += o->count[i];
      o->head[i] = o->tail[i] = NULL;
      o->count[i] = 0;
    }
    o->ready = 0;
    s->drain_seq++;
    s->scanning--;
  }
}

static void scan_one(vigil_worker_t *w, vigil_batch_t *b, vigil_gen_t *gen) {
  vigil_pipeline_t *pl = w->pl;
  vigil_sched_t *s = &pl->sched;
  vigil_scan_out_t *o = &s->ring[b->seq % s->nring];

  /* The slot is ours alone until marked ready: no lock while filling. */
  vigil_scan_batch(w, b, gen, o);
  vigil_gen_release(gen);
  pthread_mutex_lock(&s->mu);
  o->ready = 1;
  drain_ready(pl);
  pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
}

static void eval_list(vigil_worker_t *w, vigil_msg_t *m, size_t n) {
  vigil_sched_t *s = &w->pl->sched;
  vigil_msg_t *next;

  for (; m; m = next) {
    next = m->next;
    vigil_worker_eval(w, m);
    vigil_msg_done(w, m);
  }
  pthread_mutex_lock(&s->mu);
  s->pending -= n;
  if (s->pending + n >= s->pending_cap && s->pending < s->pending_cap)
    pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
}

/* The next batch may be scanned when memory allows and its result slot
 * is free: it must not wrap onto a batch still waiting for its turn. */
static int can_scan(const vigil_sched_t *s) {
  return s->qhead && s->pending < s->pending_cap && s->qhead->seq < s->drain_seq + s->nring;
}

static void worker_main(void *arg) {
  vigil_worker_t *w = arg;
  vigil_pipeline_t *pl = w->pl;
  vigil_sched_t *s = &pl->sched;
  vigil_msg_t *m;
  vigil_batch_t *b;
  vigil_gen_t *gen;
  size_t n;

  pthread_mutex_lock(&s->mu);
  for (;;) {
    if (atomic_load_explicit(&w->msgs_back, memory_order_relaxed) ||
        atomic_load_explicit(&w->alerts_back, memory_order_relaxed)) {
      pthread_mutex_unlock(&s->mu);
      vigil_worker_take_back(w);
      pthread_mutex_lock(&s->mu);
    }
    if (w->inbox_head) {
      /* Evaluating first keeps the candidates bounded. */
      m = w->inbox_head;
      n = w->inbox_len;
      w->inbox_head = w->inbox_tail = NULL;
      w->inbox_len = 0;
      pthread_mutex_unlock(&s->mu);
      eval_list(w, m, n);
      pthread_mutex_lock(&s->mu);
      continue;
    }
    if (can_scan(s)) {
      b = s->qhead;
      s->qhead = b->next;
      if (!s->qhead)
        s->qtail = NULL;
      s->qlen--;
      s->qbytes -= b->used;
      s->scanning++;
      gen = pl->gen;
      vigil_gen_ref(gen);
      /* A blocked source is woken once the queue is down to half, not at
       * every pop: it then refills several batches in a row, and a worker
       * pays one futex wake-up per qcap/2 batches instead of per batch (a
       * wake-up costs the waker several microseconds on a VM). The worker
       * still holds half a queue of work, so it never waits for that. */
      if (s->qlen <= s->qcap / 2 || s->qbytes <= s->qbytes_cap / 2)
        pthread_cond_broadcast(&s->room); /* a freed byte budget may suit any */
      pthread_mutex_unlock(&s->mu);
      scan_one(w, b, gen);
      vigil_batch_free(b);
      pthread_mutex_lock(&s->mu);
      continue;
    }
    if (s->closed && !s->qhead && s->scanning == 0)
      break;
    pthread_cond_wait(&s->work, &s->mu);
  }
  pthread_cond_broadcast(&s->work);
  pthread_mutex_unlock(&s->mu);
  vigil_json_arena_release();
  atomic_fetch_sub(&pl->workers_alive, 1);
  uv_async_send(&pl->wakeup);
}

int vigil_workers_start(vigil_pipeline_t *pl) {
  int i;

  atomic_store(&pl->workers_alive, pl->nworkers);
  for (i = 0; i < pl->nworkers; i++) {
    if (uv_thread_create(&pl->workers[i].thread, worker_main, &pl->workers[i]) != 0) {
      vigil_error(NULL, "cannot start worker thread %d", i);
      atomic_fetch_sub(&pl->workers_alive, pl->nworkers - i);
      pl->nworkers_started = i;
      return VIGIL_ERR;
    }
  }
  pl->nworkers_started = pl->nworkers;
  return VIGIL_OK;
}

void vigil_workers_join(vigil_pipeline_t *pl) {
  int i;

  for (i = 0; i < pl->nworkers_started; i++)
    uv_thread_join(&pl->workers[i].thread);
  /* what was given back after a worker's last look */
  for (i = 0; i < pl->nworkers_started; i++)
    vigil_worker_take_back(&pl->workers[i]);
  pl->nworkers_started = 0;
}
