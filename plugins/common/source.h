/*
 * The life of a source that reads on its own thread.
 *
 * start() runs `body` on a new thread; emit() from there may block, which
 * is how the host slows a source down. When the body has read all its input
 * the thread calls svc->source_done() once. stop() raises a flag the body
 * polls and makes the wake-up descriptor readable (so a read() waiting on
 * a quiet pipe returns), then the loop thread joins the thread and calls
 * the stopped callback. The uv_async_t is closed before that callback runs,
 * so destroy() may free the instance as soon as it has been called.
 */
#ifndef VP_SOURCE_H
#define VP_SOURCE_H

#include <stdatomic.h>

#include <vigil/plugin.h>

typedef struct vp_source_s vp_source_t;

/* Runs on the source thread; returns VP_READ_DONE or VP_READ_STOP. */
typedef int (*vp_source_body_fn)(vp_source_t *src, void *ctx);

struct vp_source_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  vp_source_body_fn body;
  void *ctx;
  atomic_int stop;     /* set by stop(); read by the body */
  atomic_int finished; /* set by the thread as its last act but one */
  int wake[2];         /* wake[0] turns readable on stop() */
  int state;
  uv_thread_t thread;
  uv_async_t async;
  vigil_stopped_cb stopped_cb;
  void *stopped_arg;
  char err[256];
};

/* Returns VIGIL_OK or VIGIL_EIO (no pipe) with s->err set. */
int vp_source_init(vp_source_t *s, const vigil_services_t *svc, vigil_host_t *host,
                   vp_source_body_fn body, void *ctx);
int vp_source_start(vp_source_t *s);
int vp_source_stop(vp_source_t *s, vigil_stopped_cb cb, void *arg);

/* Releases the descriptors. Call after the stop callback has run. */
void vp_source_fini(vp_source_t *s);

/* The descriptor a blocking read should poll along with its own. */
int vp_source_wake_fd(const vp_source_t *s);

#endif
