/*
 * Acknowledgements of emit_acked(): a tracker counts what is still in
 * flight for one emit (its bytes until scanned, its candidates until
 * evaluated, its alerts until every sink has reported). Trackers finish
 * in any order, on any thread; the loop acks them per source in emit
 * order, so a source may move its checkpoint to the last acked position.
 */
#include <stdlib.h>

#include "pipeline_int.h"

/* Caller holds h->bmu, so the list order is the emit order. */
vigil_track_t *vigil_track_new(vigil_host_t *h, vigil_ack_cb ack, void *arg) {
  vigil_track_t *t = malloc(sizeof(*t));

  if (!t)
    return NULL;
  t->next = NULL;
  t->src = h;
  t->ack = ack;
  t->arg = arg;
  atomic_init(&t->refs, 1);
  atomic_init(&t->done, 0);
  atomic_init(&t->lost, 0);
  if (h->track_tail)
    h->track_tail->next = t;
  else
    h->track_head = t;
  h->track_tail = t;
  return t;
}

void vigil_track_ref(vigil_track_t *t) {
  atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void vigil_track_release(vigil_track_t *t) {
  if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
    return;
  atomic_store_explicit(&t->done, 1, memory_order_release);
  uv_async_send(&t->src->pl->wakeup);
}

void vigil_track_lost(vigil_track_t *t) {
  atomic_store_explicit(&t->lost, 1, memory_order_relaxed);
}

/* Unlinks the head of h's list if `all` or it is done. */
static vigil_track_t *pop_head(vigil_host_t *h, int all) {
  vigil_track_t *t;

  pthread_mutex_lock(&h->bmu);
  t = h->track_head;
  if (t && (all || atomic_load_explicit(&t->done, memory_order_acquire))) {
    h->track_head = t->next;
    if (!h->track_head)
      h->track_tail = NULL;
  } else {
    t = NULL;
  }
  pthread_mutex_unlock(&h->bmu);
  return t;
}

void vigil_track_ack_done(vigil_pipeline_t *pl) {
  vigil_track_t *t;
  int i;

  for (i = 0; i < pl->nsources; i++) {
    while ((t = pop_head(&pl->sources[i], 0))) {
      t->ack(t->arg, atomic_load(&t->lost) ? VIGIL_EIO : VIGIL_OK);
      free(t);
    }
  }
}

void vigil_track_ack_closed(vigil_pipeline_t *pl) {
  vigil_track_t *t;
  int i;

  for (i = 0; i < pl->nsources; i++) {
    while ((t = pop_head(&pl->sources[i], 1))) {
      /* A tracker not done may still be referenced by an unscanned
       * batch or a message; both are gone by tear-down, so freeing is
       * safe only once the workers have been joined. */
      t->ack(t->arg, !atomic_load(&t->done) ? VIGIL_ECLOSED
                     : atomic_load(&t->lost) ? VIGIL_EIO
                                             : VIGIL_OK);
      free(t);
    }
  }
}
