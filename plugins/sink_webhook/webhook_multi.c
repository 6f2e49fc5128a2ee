/* Glue between curl_multi_socket_action() and the uv loop (see webhook_multi.h). */
#include "webhook_multi.h"

#include <stdlib.h>

typedef struct sock_s {
  uv_poll_t poll;
  curl_socket_t fd;
  wh_multi_t *m;
} sock_t;

static void handle_closed(wh_multi_t *m) {
  if (--m->handles == 0 && m->closing && m->closed != NULL)
    m->closed(m->closed_arg);
}

static void on_sock_closed(uv_handle_t *h) {
  sock_t *s = h->data;
  wh_multi_t *m = s->m;

  free(s);
  handle_closed(m);
}

/* Hands every finished transfer to its owner. */
static void reap(wh_multi_t *m) {
  CURLMsg *msg;
  CURL *easy;
  CURLcode result;
  int left;

  while ((msg = curl_multi_info_read(m->multi, &left)) != NULL) {
    if (msg->msg != CURLMSG_DONE)
      continue;
    easy = msg->easy_handle;
    result = msg->data.result;
    curl_multi_remove_handle(m->multi, easy);
    m->done(m->arg, easy, result);
  }
}

static void on_poll(uv_poll_t *p, int status, int events) {
  sock_t *s = p->data;
  int flags = 0, running;

  if (status < 0)
    flags = CURL_CSELECT_ERR;
  if (events & UV_READABLE)
    flags |= CURL_CSELECT_IN;
  if (events & UV_WRITABLE)
    flags |= CURL_CSELECT_OUT;
  curl_multi_socket_action(s->m->multi, s->fd, flags, &running);
  reap(s->m);
}

static void on_timeout(uv_timer_t *t) {
  wh_multi_t *m = t->data;
  int running;

  curl_multi_socket_action(m->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  reap(m);
}

/* CURLMOPT_SOCKETFUNCTION: watch `fd` for what curl asks, or stop. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
  wh_multi_t *m = userp;
  sock_t *s = socketp;
  int events = 0;

  if (what == CURL_POLL_REMOVE) {
    if (s != NULL) {
      if (!m->closing)
        curl_multi_assign(m->multi, fd, NULL);
      uv_close((uv_handle_t *)&s->poll, on_sock_closed);
    }
    return 0;
  }
  if (s == NULL) {
    s = calloc(1, sizeof(*s));
    if (s == NULL || uv_poll_init_socket(m->loop, &s->poll, fd) != 0) {
      free(s);
      return -1; /* curl fails the transfer */
    }
    s->fd = fd;
    s->m = m;
    s->poll.data = s;
    m->handles++;
    curl_multi_assign(m->multi, fd, s);
  }
  if (what & CURL_POLL_IN)
    events |= UV_READABLE;
  if (what & CURL_POLL_OUT)
    events |= UV_WRITABLE;
  uv_poll_start(&s->poll, events, on_poll);
  return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer, re-armed whenever curl asks. */
static int on_timer_request(CURLM *multi, long timeout_ms, void *userp) {
  wh_multi_t *m = userp;

  if (m->closing)
    return 0;
  if (timeout_ms < 0)
    uv_timer_stop(&m->timer);
  else
    uv_timer_start(&m->timer, on_timeout, (uint64_t)timeout_ms, 0);
  return 0;
}

int wh_multi_init(wh_multi_t *m, uv_loop_t *loop, wh_done_cb done, void *arg) {
  m->multi = curl_multi_init();
  if (m->multi == NULL)
    return -1;
  m->loop = loop;
  m->done = done;
  m->arg = arg;
  m->closing = 0;
  uv_timer_init(loop, &m->timer);
  m->timer.data = m;
  m->handles = 1;
  curl_multi_setopt(m->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
  curl_multi_setopt(m->multi, CURLMOPT_SOCKETDATA, m);
  curl_multi_setopt(m->multi, CURLMOPT_TIMERFUNCTION, on_timer_request);
  curl_multi_setopt(m->multi, CURLMOPT_TIMERDATA, m);
  return 0;
}

int wh_multi_add(wh_multi_t *m, CURL *easy) {
  /* curl asks for its first timeout from here; the transfer starts there. */
  return (int)curl_multi_add_handle(m->multi, easy);
}

void wh_multi_remove(wh_multi_t *m, CURL *easy) {
  curl_multi_remove_handle(m->multi, easy);
}

static void on_timer_closed(uv_handle_t *h) {
  handle_closed(h->data);
}

void wh_multi_close(wh_multi_t *m, wh_closed_cb cb, void *arg) {
  m->closing = 1;
  m->closed = cb;
  m->closed_arg = arg;
  /* Closing cached connections calls on_socket with CURL_POLL_REMOVE. */
  curl_multi_cleanup(m->multi);
  m->multi = NULL;
  uv_close((uv_handle_t *)&m->timer, on_timer_closed);
}
