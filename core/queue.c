#include "queue.h"

#include <stdlib.h>

int vigil_queue_init(vigil_queue_t *q, size_t cap) {
  q->items = calloc(cap, sizeof(void *));
  if (!q->items)
    return -1;
  q->cap = cap;
  q->head = q->len = q->high_water = 0;
  q->closed = 0;
  pthread_mutex_init(&q->mu, NULL);
  pthread_cond_init(&q->not_full, NULL);
  pthread_cond_init(&q->not_empty, NULL);
  return 0;
}

void vigil_queue_destroy(vigil_queue_t *q) {
  free(q->items);
  q->items = NULL;
  pthread_mutex_destroy(&q->mu);
  pthread_cond_destroy(&q->not_full);
  pthread_cond_destroy(&q->not_empty);
}

int vigil_queue_push(vigil_queue_t *q, void *item) {
  pthread_mutex_lock(&q->mu);
  while (q->len == q->cap && !q->closed)
    pthread_cond_wait(&q->not_full, &q->mu);
  if (q->closed) {
    pthread_mutex_unlock(&q->mu);
    return -1;
  }
  q->items[(q->head + q->len) % q->cap] = item;
  q->len++;
  if (q->len > q->high_water)
    q->high_water = q->len;
  pthread_cond_signal(&q->not_empty);
  pthread_mutex_unlock(&q->mu);
  return 0;
}

void *vigil_queue_pop(vigil_queue_t *q) {
  void *item = NULL;

  pthread_mutex_lock(&q->mu);
  while (q->len == 0 && !q->closed)
    pthread_cond_wait(&q->not_empty, &q->mu);
  if (q->len > 0) {
    item = q->items[q->head];
    q->head = (q->head + 1) % q->cap;
    q->len--;
    pthread_cond_signal(&q->not_full);
  }
  pthread_mutex_unlock(&q->mu);
  return item;
}

void vigil_queue_close(vigil_queue_t *q) {
  pthread_mutex_lock(&q->mu);
  q->closed = 1;
  pthread_cond_broadcast(&q->not_full);
  pthread_cond_broadcast(&q->not_empty);
  pthread_mutex_unlock(&q->mu);
}
