/*
 * Emitting with acknowledgements, and moving each file's acknowledged
 * position only past records the host has acknowledged.
 *
 * Every record goes out with emit_acked() and takes a slot in a ring, in
 * emit order. An ack marks its slot; slots are retired from the oldest
 * while they are marked, so a file's position moves to the end of a record
 * only when that record and every record emitted before it are done: the
 * "highest contiguous acknowledged offset". The host promises acks in emit
 * order, which makes retiring immediate, but the ring does not rely on it.
 *
 * A full ring makes the reader wait: that bounds memory and the records a
 * crash can replay. A failed ack (the pipeline stopped first) pins the
 * file's position where it is for the rest of the run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file_source.h"
#include "follow.h"

enum { SL_FREE, SL_PENDING, SL_OK, SL_FAILED, SL_VOID };

struct ff_slot_s {
  ff_acks_t *acks;
  ff_entry_t *e;
  uint64_t gen;
  uint64_t end_off, end_line;
  int state;
};

int ff_acks_init(ff_acks_t *a, size_t cap, const atomic_int *stop) {
  memset(a, 0, sizeof(*a));
  a->ring = calloc(cap, sizeof(*a->ring));
  if (a->ring == NULL)
    return -1;
  a->cap = cap;
  a->stop = stop;
  pthread_mutex_init(&a->mu, NULL);
  pthread_cond_init(&a->cv, NULL);
  return 0;
}

void ff_acks_fini(ff_acks_t *a) {
  if (a->ring == NULL)
    return;
  pthread_cond_destroy(&a->cv);
  pthread_mutex_destroy(&a->mu);
  free(a->ring);
  a->ring = NULL;
}

void ff_acks_wake(ff_acks_t *a) {
  if (a->ring == NULL)
    return;
  pthread_mutex_lock(&a->mu);
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
}

uint64_t ff_acks_outstanding(ff_acks_t *a) {
  uint64_t n;

  pthread_mutex_lock(&a->mu);
  n = a->tail - a->head;
  pthread_mutex_unlock(&a->mu);
  return n;
}

/* Under mu: retires marked slots from the oldest, moving file positions. */
static void retire(ff_acks_t *a) {
  ff_slot_t *s;
  ff_entry_t *e;

  while (a->head < a->tail) {
    s = &a->ring[a->head % a->cap];
    if (s->state == SL_PENDING)
      break;
    e = s->e;
    e->pending--;
    if (s->gen == e->gen) {
      if (s->state == SL_OK && !e->stuck) {
        e->acked_off = s->end_off;
        e->acked_line = s->end_line;
      } else if (s->state == SL_FAILED) {
        e->stuck = 1;
      }
    }
    s->state = SL_FREE;
    a->head++;
    a->dirty = 1;
  }
  pthread_cond_broadcast(&a->cv);
}

/* The host's loop thread: one record (and those before it) may be done. */
static void on_ack(void *arg, int status) {
  ff_slot_t *s = arg;
  ff_acks_t *a = s->acks;

  pthread_mutex_lock(&a->mu);
  s->state = status == VIGIL_OK ? SL_OK : SL_FAILED;
  retire(a);
  pthread_mutex_unlock(&a->mu);
}

/* A free slot for a record of e, waiting while the ring is full; NULL on stop. */
static ff_slot_t *take(ff_acks_t *a, ff_entry_t *e, uint64_t end_off, uint64_t end_line) {
  struct timespec until;
  ff_slot_t *s = NULL;

  pthread_mutex_lock(&a->mu);
  while (a->tail - a->head == a->cap && !atomic_load(a->stop)) {
    /* stop() broadcasts; the timeout only guards against a missed wake-up. */
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 1;
    pthread_cond_timedwait(&a->cv, &a->mu, &until);
  }
  if (a->tail - a->head < a->cap) {
    s = &a->ring[a->tail % a->cap];
    a->tail++;
    s->acks = a;
    s->e = e;
    s->gen = e->gen;
    s->end_off = end_off;
    s->end_line = end_line;
    s->state = SL_PENDING;
    e->pending++;
  }
  pthread_mutex_unlock(&a->mu);
  return s;
}

int ff_emit(ff_follow_t *fw, ff_entry_t *e, const vigil_position_t *pos, const char *p, size_t n,
            uint64_t next_off, uint64_t next_line) {
  const vigil_services_t *svc = fw->fs->src.svc;
  vigil_host_t *host = fw->fs->src.host;
  ff_slot_t *s;
  int rc;

  if (!fw->tracking)
    return svc->emit(host, p, n, VIGIL_FORMAT_JSON, pos);
  s = take(&fw->acks, e, next_off, next_line);
  if (s == NULL)
    return VIGIL_ECLOSED;
  rc = svc->emit_acked(host, p, n, VIGIL_FORMAT_JSON, pos, on_ack, s);
  if (rc != VIGIL_OK) {
    /* No ack will come: the slot only keeps its place in the order. */
    pthread_mutex_lock(&fw->acks.mu);
    s->state = SL_VOID;
    retire(&fw->acks);
    pthread_mutex_unlock(&fw->acks.mu);
  }
  return rc;
}

int ff_emit_hook(vp_emitter_t *em, const vigil_position_t *pos, const char *p, size_t n,
                 uint64_t next) {
  ff_follow_t *fw = em->emit_ctx;
  ff_entry_t *e = fw->cur;
  int zip = e->kind == FF_ZIP, rc;

  /* Offsets inside a zip are per member: zips are redone whole, never resumed. */
  if (!zip && next <= fw->skip_until)
    return VP_EMIT_SKIPPED;
  rc = ff_emit(fw, e, pos, p, n, zip ? 0 : next, 0);
  if (rc == VIGIL_OK && !zip)
    e->read_off = next;
  ff_checkpoint(fw, 0);
  return rc;
}
