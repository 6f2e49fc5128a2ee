/* A bounded, blocking FIFO of pointers between threads (many producers,
 * one consumer). Producers wait while it is full: that wait is the
 * pipeline's back-pressure. */
#ifndef VIGIL_QUEUE_H
#define VIGIL_QUEUE_H

#include <pthread.h>
#include <stddef.h>

typedef struct vigil_queue_s {
  void **items;
  size_t cap;
  size_t head;
  size_t len;
  int closed;
  size_t high_water;
  pthread_mutex_t mu;
  pthread_cond_t not_full;
  pthread_cond_t not_empty;
} vigil_queue_t;

int vigil_queue_init(vigil_queue_t *q, size_t cap);
void vigil_queue_destroy(vigil_queue_t *q);

/* Waits for room, then appends. Returns -1 (item not taken) once closed. */
int vigil_queue_push(vigil_queue_t *q, void *item);

/* Waits for an item; NULL once the queue is closed and empty. */
void *vigil_queue_pop(vigil_queue_t *q);

/* No more pushes; pop drains what is left, then returns NULL. */
void vigil_queue_close(vigil_queue_t *q);

#endif
