/*
 * Listening TCP sockets from a "host:port" text: shared by the http source
 * and the core's metrics endpoint, so both accept the same addresses and
 * report them alike.
 */
#ifndef VP_LISTEN_ADDR_H
#define VP_LISTEN_ADDR_H

#include <stddef.h>
#include <sys/socket.h>

#include <uv.h>

/* "host:port" or "[v6]:port" with an IP literal host; port 0 picks one.
 * Names are not resolved. 0, or -1 with a reason in err. */
int vp_listen_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen);

/* A non-blocking listening socket bound to ss, made without libuv so a
 * failure leaves no handle to close. The fd, or -errno. */
int vp_listen_open(const struct sockaddr_storage *ss, int backlog);

/* The address a libuv TCP handle is bound to, as "ip:port" or "[ip]:port". */
void vp_listen_name(const uv_tcp_t *tcp, char *out, size_t cap);

#endif
