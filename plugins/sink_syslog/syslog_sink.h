/*
 * The `syslog` sink: RFC 5424 messages over UDP (RFC 5426, one message a
 * datagram) or TCP (RFC 6587 octet counting: "LEN SP MSG"), on the loop.
 *
 *   syslog_sink.c    descriptor, options, create/start/stop/destroy
 *   syslog_conn.c    the socket: connect, reconnect with backoff, send
 *   syslog_format.c  the message itself
 *
 * What DONE means. UDP: the datagram left this host (nothing confirms it
 * arrived). TCP: the frame was written to the kernel; syslog over TCP has
 * no acknowledgement, so frames in flight when a connection breaks can be
 * lost even though they were reported DONE. An acknowledged protocol
 * (RELP, as rsyslog speaks it) would close that gap.
 *
 * While a TCP connection is being made, alerts wait (up to max_pending);
 * when the attempt fails they are handed back to the host (RETRY) and the
 * next attempt waits reconnect_min_ms, doubling up to reconnect_max_ms.
 */
#ifndef SL_SYSLOG_SINK_H
#define SL_SYSLOG_SINK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin.h>

#include "output.h"
#include "syslog_format.h"

#define WHO "syslog sink"

typedef enum sl_state_e { SL_DOWN = 0, SL_CONNECTING, SL_UP } sl_state_t;

typedef struct sl_item_s {
  const vigil_alert_t *alert;
  struct sl_item_s *next;
} sl_item_t;

typedef struct sl_sink_s {
  const vigil_services_t *svc;
  vigil_host_t *host;

  /* options */
  char *address;
  int tcp;
  char *hostname;
  char *app_name;
  char *sd_id;
  char *facility_name;
  int msg_json;
  size_t max_bytes;
  size_t max_pending;
  size_t reconnect_min_ms, reconnect_max_ms;

  sl_format_t fmt;
  struct sockaddr_storage addr;
  vp_buf_t buf;

  /* the socket */
  sl_state_t state;
  uv_udp_t *udp;
  uv_tcp_t *tcp_h; /* a fresh handle per connection */
  uv_connect_t connect_req;
  uv_timer_t timer; /* reconnect */
  int timer_open;
  uint64_t backoff_ms;
  int handles; /* open uv handles */
  int failures; /* connection attempts failed in a row */

  sl_item_t *head, *tail; /* waiting for a connection */
  size_t queued;
  size_t pending; /* taken, not yet reported */
  uint64_t sent, retried, cut;

  int started, stopping;
  vigil_stopped_cb stopped_cb;
  void *stopped_arg;
  char err[512];
} sl_sink_t;

/* ---- syslog_conn.c ---- */

/* Opens the UDP socket or starts the first TCP connection. 0 or a status. */
int sl_conn_start(sl_sink_t *sk);

/* Sends or queues one alert; reports it later. */
int sl_conn_send(sl_sink_t *sk, const vigil_alert_t *a);

/* Hands back what waits, closes every handle, then calls stopped_cb. */
void sl_conn_stop(sl_sink_t *sk);

#endif
