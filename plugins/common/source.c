/* Thread, wake-up pipe and uv_async_t behind every reading source. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"

enum { ST_IDLE, ST_RUNNING, ST_CLOSING, ST_DONE };

int vp_source_init(vp_source_t *s, const vigil_services_t *svc, vigil_host_t *host,
                   vp_source_body_fn body, void *ctx) {
  memset(s, 0, sizeof(*s));
  s->svc = svc;
  s->host = host;
  s->body = body;
  s->ctx = ctx;
  s->state = ST_IDLE;
  atomic_init(&s->stop, 0);
  atomic_init(&s->finished, 0);
  if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    snprintf(s->err, sizeof(s->err), "cannot create the wake-up pipe: %s", strerror(errno));
    s->wake[0] = s->wake[1] = -1;
    return VIGIL_EIO;
  }
  return VIGIL_OK;
}

int vp_source_wake_fd(const vp_source_t *s) {
  return s->wake[0];
}

static void on_closed(uv_handle_t *h) {
  vp_source_t *s = h->data;
  vigil_stopped_cb cb = s->stopped_cb;

  s->state = ST_DONE;
  s->stopped_cb = NULL;
  if (cb != NULL)
    cb(s->stopped_arg);
}

/* Loop thread: the reader thread has finished; reap it. */
static void on_async(uv_async_t *a) {
  vp_source_t *s = a->data;

  if (s->state != ST_RUNNING || !atomic_load(&s->finished))
    return;
  uv_thread_join(&s->thread);
  s->state = ST_CLOSING;
  uv_close((uv_handle_t *)&s->async, on_closed);
}

static void thread_main(void *arg) {
  vp_source_t *s = arg;

  if (s->body(s, s->ctx) == VP_READ_DONE)
    s->svc->source_done(s->host);
  atomic_store(&s->finished, 1);
  uv_async_send(&s->async);
}

int vp_source_start(vp_source_t *s) {
  int rc;

  if (s->state != ST_IDLE || atomic_load(&s->stop)) {
    snprintf(s->err, sizeof(s->err), "start called twice or after stop");
    return VIGIL_EINVAL;
  }
  rc = uv_async_init(s->svc->loop, &s->async, on_async);
  if (rc != 0) {
    snprintf(s->err, sizeof(s->err), "uv_async_init: %s", uv_strerror(rc));
    return VIGIL_ERR;
  }
  s->async.data = s;
  s->state = ST_RUNNING;
  rc = uv_thread_create(&s->thread, thread_main, s);
  if (rc != 0) {
    snprintf(s->err, sizeof(s->err), "cannot start the reader thread: %s", uv_strerror(rc));
    s->state = ST_CLOSING;
    uv_close((uv_handle_t *)&s->async, on_closed);
    return VIGIL_ERR;
  }
  return VIGIL_OK;
}

int vp_source_stop(vp_source_t *s, vigil_stopped_cb cb, void *arg) {
  ssize_t n;

  if (s->stopped_cb != NULL) {
    snprintf(s->err, sizeof(s->err), "stop called while a stop is in progress");
    return VIGIL_EINVAL;
  }
  atomic_store(&s->stop, 1);
  do
    n = write(s->wake[1], "x", 1);
  while (n < 0 && errno == EINTR);
  if (s->state == ST_IDLE || s->state == ST_DONE) {
    s->state = ST_DONE;
    cb(arg);
    return VIGIL_OK;
  }
  s->stopped_cb = cb;
  s->stopped_arg = arg;
  return VIGIL_OK;
}

void vp_source_fini(vp_source_t *s) {
  if (s->state == ST_RUNNING) {
    /* The host broke the contract (destroy before stop completed). At least
     * make sure no thread of ours outlives the instance it reads. */
    atomic_store(&s->stop, 1);
    if (write(s->wake[1], "x", 1) < 0) {
      /* The pipe is full or broken; the stop flag alone still ends the body. */
    }
    uv_thread_join(&s->thread);
  }
  if (s->wake[0] >= 0)
    close(s->wake[0]);
  if (s->wake[1] >= 0)
    close(s->wake[1]);
  s->wake[0] = s->wake[1] = -1;
}
