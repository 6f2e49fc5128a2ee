/*
 * libcurl's multi interface driven by the host's libuv loop: curl tells us
 * which sockets to watch (one uv_poll_t each) and when to call it back (one
 * uv_timer_t); we hand readiness back with curl_multi_socket_action(). No
 * thread, no blocking call: transfers progress between the loop's other
 * work.
 */
#ifndef WH_MULTI_H
#define WH_MULTI_H

#include <curl/curl.h>
#include <uv.h>

/* A transfer ended: `result` is curl's, the HTTP status is on `easy`. The
 * easy handle is already out of the multi; the callee owns it again. */
typedef void (*wh_done_cb)(void *arg, CURL *easy, CURLcode result);

typedef void (*wh_closed_cb)(void *arg);

typedef struct wh_multi_s {
  CURLM *multi;
  uv_loop_t *loop;
  uv_timer_t timer;
  int handles; /* open uv handles: the timer and one poll per socket */
  int closing;
  wh_done_cb done;
  void *arg;
  wh_closed_cb closed;
  void *closed_arg;
} wh_multi_t;

/* Returns 0, or -1 when curl cannot make a multi handle. */
int wh_multi_init(wh_multi_t *m, uv_loop_t *loop, wh_done_cb done, void *arg);

/* Starts a transfer; returns 0 or a CURLMcode. */
int wh_multi_add(wh_multi_t *m, CURL *easy);

/* Takes a transfer out before it ends (done is not called for it). */
void wh_multi_remove(wh_multi_t *m, CURL *easy);

/* Ends the multi (every easy handle must be out) and closes the uv
 * handles; cb(arg) runs once the last one is closed. */
void wh_multi_close(wh_multi_t *m, wh_closed_cb cb, void *arg);

#endif
