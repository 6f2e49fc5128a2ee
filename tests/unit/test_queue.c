/*
 * The bounded blocking queue (queue.c): FIFO order across wrap-around, a
 * producer blocked while full until a pop makes room, close waking both
 * blocked producers and consumers, draining after close, push refused
 * after close.
 *
 * "Blocked" is checked by a flag the thread sets after its call returns:
 * still clear after a pause means the call is waiting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "queue.h"

#define ITEM(n) ((void *)(uintptr_t)(n))

typedef struct call_s {
  vigil_queue_t *q;
  void *item;     /* what to push, or what pop returned */
  int rc;         /* push's status */
  atomic_int done;
} call_t;

static void pause_ms(long ms) {
  struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

  nanosleep(&ts, NULL);
}

static void *push_thread(void *arg) {
  call_t *c = arg;

  c->rc = vigil_queue_push(c->q, c->item);
  atomic_store(&c->done, 1);
  return NULL;
}

static void *pop_thread(void *arg) {
  call_t *c = arg;

  c->item = vigil_queue_pop(c->q);
  atomic_store(&c->done, 1);
  return NULL;
}

static void fifo_order(void **state) {
  vigil_queue_t q;
  uintptr_t i;

  assert_int_equal(vigil_queue_init(&q, 4), 0);
  /* Several rounds so head and tail wrap around the ring. */
  for (i = 1; i <= 30; i += 3) {
    assert_int_equal(vigil_queue_push(&q, ITEM(i)), 0);
    assert_int_equal(vigil_queue_push(&q, ITEM(i + 1)), 0);
    assert_int_equal(vigil_queue_push(&q, ITEM(i + 2)), 0);
    assert_ptr_equal(vigil_queue_pop(&q), ITEM(i));
    assert_ptr_equal(vigil_queue_pop(&q), ITEM(i + 1));
    assert_ptr_equal(vigil_queue_pop(&q), ITEM(i + 2));
  }
  for (i = 1; i <= 4; i++)
    assert_int_equal(vigil_queue_push(&q, ITEM(i)), 0);
  assert_int_equal(q.high_water, 4);
  for (i = 1; i <= 4; i++)
    assert_ptr_equal(vigil_queue_pop(&q), ITEM(i));
  vigil_queue_destroy(&q);
}

static void full_queue_blocks_producer(void **state) {
  vigil_queue_t q;
  call_t c = {&q, ITEM(3), -2, 0};
  pthread_t t;

  assert_int_equal(vigil_queue_init(&q, 2), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(1)), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(2)), 0);
  assert_int_equal(pthread_create(&t, NULL, push_thread, &c), 0);
  pause_ms(150);
  assert_int_equal(atomic_load(&c.done), 0); /* still waiting for room */
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(1));
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(atomic_load(&c.done), 1);
  assert_int_equal(c.rc, 0);
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(2));
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(3));
  vigil_queue_destroy(&q);
}

static void empty_queue_blocks_consumer(void **state) {
  vigil_queue_t q;
  call_t c = {&q, NULL, 0, 0};
  pthread_t t;

  assert_int_equal(vigil_queue_init(&q, 2), 0);
  assert_int_equal(pthread_create(&t, NULL, pop_thread, &c), 0);
  pause_ms(150);
  assert_int_equal(atomic_load(&c.done), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(9)), 0);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_ptr_equal(c.item, ITEM(9));
  vigil_queue_destroy(&q);
}

static void close_wakes_waiters(void **state) {
  vigil_queue_t q;
  call_t pusher = {&q, ITEM(2), -2, 0};
  call_t popper = {NULL, ITEM(1), 0, 0};
  vigil_queue_t empty;
  pthread_t t1, t2;

  /* A producer waiting on a full queue gets -1; its item is not taken. */
  assert_int_equal(vigil_queue_init(&q, 1), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(1)), 0);
  assert_int_equal(pthread_create(&t1, NULL, push_thread, &pusher), 0);
  /* A consumer waiting on an empty queue gets NULL. */
  assert_int_equal(vigil_queue_init(&empty, 1), 0);
  popper.q = &empty;
  assert_int_equal(pthread_create(&t2, NULL, pop_thread, &popper), 0);
  pause_ms(150);
  assert_int_equal(atomic_load(&pusher.done), 0);
  assert_int_equal(atomic_load(&popper.done), 0);
  vigil_queue_close(&q);
  vigil_queue_close(&empty);
  assert_int_equal(pthread_join(t1, NULL), 0);
  assert_int_equal(pthread_join(t2, NULL), 0);
  assert_int_equal(pusher.rc, -1);
  assert_null(popper.item);
  /* What was queued before the close still drains. */
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(1));
  assert_null(vigil_queue_pop(&q));
  vigil_queue_destroy(&q);
  vigil_queue_destroy(&empty);
}

static void drain_after_close(void **state) {
  vigil_queue_t q;

  assert_int_equal(vigil_queue_init(&q, 8), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(1)), 0);
  assert_int_equal(vigil_queue_push(&q, ITEM(2)), 0);
  vigil_queue_close(&q);
  assert_int_equal(vigil_queue_push(&q, ITEM(3)), -1);
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(1));
  assert_ptr_equal(vigil_queue_pop(&q), ITEM(2));
  assert_null(vigil_queue_pop(&q));
  assert_null(vigil_queue_pop(&q)); /* stays closed, never blocks */
  assert_int_equal(vigil_queue_push(&q, ITEM(4)), -1);
  vigil_queue_destroy(&q);
}

typedef struct many_s {
  vigil_queue_t *q;
  uintptr_t base;
  int refused; /* cmocka asserts belong to the main thread */
} many_t;

static void *produce(void *arg) {
  many_t *m = arg;
  uintptr_t i;

  for (i = 1; i <= 2000; i++)
    m->refused += vigil_queue_push(m->q, ITEM(m->base + i)) != 0;
  return NULL;
}

/* Several producers through a tiny queue: nothing lost, and each
 * producer's items arrive in the order it pushed them. */
static void many_producers_keep_their_order(void **state) {
  vigil_queue_t q;
  many_t m[4];
  pthread_t t[4];
  uintptr_t last[4] = {0, 0, 0, 0};
  uintptr_t v;
  int i;
  int n;

  assert_int_equal(vigil_queue_init(&q, 3), 0);
  for (i = 0; i < 4; i++) {
    m[i].q = &q;
    m[i].base = (uintptr_t)(i + 1) * 100000;
    m[i].refused = 0;
    assert_int_equal(pthread_create(&t[i], NULL, produce, &m[i]), 0);
  }
  for (n = 0; n < 4 * 2000; n++) {
    v = (uintptr_t)vigil_queue_pop(&q);
    i = (int)(v / 100000) - 1;
    assert_true(i >= 0 && i < 4);
    assert_int_equal(v % 100000, last[i] + 1);
    last[i] = v % 100000;
  }
  for (i = 0; i < 4; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(m[i].refused, 0);
  }
  assert_true(q.high_water <= 3);
  vigil_queue_close(&q);
  assert_null(vigil_queue_pop(&q));
  vigil_queue_destroy(&q);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fifo_order),
      cmocka_unit_test(full_queue_blocks_producer),
      cmocka_unit_test(empty_queue_blocks_consumer),
      cmocka_unit_test(close_wakes_waiters),
      cmocka_unit_test(drain_after_close),
      cmocka_unit_test(many_producers_keep_their_order),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
