/* The `http` source: options, the listening socket, and the life cycle. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "http_source.h"
#include "listen_addr.h"
#include "secret.h"
#include "services.h"

#define DEFAULT_LISTEN "127.0.0.1:8089"
#define BACKLOG 128

static const char schema[] = "{\"type\":\"object\",\"properties\":{"
                             "\"listen\":{\"type\":\"string\"},"
                             "\"token_file\":{\"type\":\"string\"},"
                             "\"token_env\":{\"type\":\"string\"},"
                             "\"max_body_bytes\":{\"type\":\"integer\"},"
                             "\"max_connections\":{\"type\":\"integer\"},"
                             "\"max_header_bytes\":{\"type\":\"integer\"},"
                             "\"header_timeout_ms\":{\"type\":\"integer\"},"
                             "\"request_timeout_ms\":{\"type\":\"integer\"},"
                             "\"idle_timeout_ms\":{\"type\":\"integer\"},"
                             "\"busy_timeout_ms\":{\"type\":\"integer\"},"
                             "\"retry_after_seconds\":{\"type\":\"integer\"},"
                             "\"ack\":{\"type\":\"string\"},"
                             "\"ack_timeout_ms\":{\"type\":\"integer\"}},"
                             "\"additionalProperties\":false}";

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  vh_server_t *srv = instance;

  if (srv == NULL)
    return;
  free(srv->conf.listen);
  free(srv->conf.token_file);
  free(srv->conf.token_env);
  free(srv->conf.ack);
  vp_secret_free(srv->token);
  free(srv->rbuf);
  free(srv);
}

static int load_options(vh_server_t *srv, const char *json) {
  vh_conf_t *cf = &srv->conf;
  const vp_option_t opts[] = {
      {"listen", VP_OPT_STRING, 0, &cf->listen, NULL},
      {"token_file", VP_OPT_STRING, 0, &cf->token_file, NULL},
      {"token_env", VP_OPT_STRING, 0, &cf->token_env, NULL},
      {"max_body_bytes", VP_OPT_SIZE, 0, &cf->max_body, NULL},
      {"max_connections", VP_OPT_SIZE, 0, &cf->max_conns, NULL},
      {"max_header_bytes", VP_OPT_SIZE, 0, &cf->max_header, NULL},
      {"header_timeout_ms", VP_OPT_SIZE, 0, &cf->header_ms, NULL},
      {"request_timeout_ms", VP_OPT_SIZE, 0, &cf->request_ms, NULL},
      {"idle_timeout_ms", VP_OPT_SIZE, 0, &cf->idle_ms, NULL},
      {"busy_timeout_ms", VP_OPT_SIZE, 0, &cf->busy_ms, NULL},
      {"retry_after_seconds", VP_OPT_SIZE, 0, &cf->retry_after_s, NULL},
      {"ack", VP_OPT_STRING, 0, &cf->ack, NULL},
      {"ack_timeout_ms", VP_OPT_SIZE, 0, &cf->ack_ms, NULL},
  };

  cf->max_body = (size_t)16 << 20;
  cf->max_conns = 64;
  cf->max_header = 16384;
  cf->header_ms = 10000;
  cf->request_ms = 60000;
  cf->idle_ms = 30000;
  cf->busy_ms = 5000;
  cf->retry_after_s = 1;
  cf->ack_ms = 30000;
  if (vp_config_load(json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                     sizeof(create_err)) != 0)
    return -1;
  if (cf->listen == NULL && (cf->listen = strdup(DEFAULT_LISTEN)) == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  /* Bodies are handed to zlib in one piece, whose lengths are 32-bit. */
  if (cf->max_body > (size_t)1 << 30) {
    snprintf(create_err, sizeof(create_err), WHO ": max_body_bytes must be at most 1 GiB");
    return -1;
  }
  if (cf->ack != NULL && strcmp(cf->ack, "delivered") != 0 && strcmp(cf->ack, "accepted") != 0) {
    snprintf(create_err, sizeof(create_err),
             WHO ": ack must be \"delivered\" or \"accepted\", not \"%.100s\"", cf->ack);
    return -1;
  }
  if (cf->ack_ms == 0) {
    snprintf(create_err, sizeof(create_err), WHO ": ack_timeout_ms must be at least 1");
    return -1;
  }
  return 0;
}

static int load_token(vh_server_t *srv) {
  const vh_conf_t *cf = &srv->conf;
  char warn[512], err[400];

  if (cf->token_file != NULL && cf->token_env != NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": give token_file or token_env, not both");
    return -1;
  }
  if (cf->token_file == NULL && cf->token_env == NULL)
    return 0;
  if (vp_secret_load(cf->token_file, cf->token_env, &srv->token, warn, sizeof(warn), err,
                     sizeof(err)) != 0) {
    snprintf(create_err, sizeof(create_err), WHO ": %s", err);
    return -1;
  }
  if (warn[0] != '\0')
    srv->svc->log(srv->host, VIGIL_LOG_WARN, WHO ": %s", warn);
  srv->token_len = strlen(srv->token);
  return 0;
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  vh_server_t *srv;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, try_emit)) {
    *errmsg = WHO ": the host lacks try_emit (plugin ABI 1.1); a blocking emit would stall "
                  "every connection";
    return VIGIL_EINVAL;
  }
  srv = calloc(1, sizeof(*srv));
  if (srv == NULL || (srv->rbuf = malloc((size_t)64 << 10)) == NULL) {
    destroy(srv);
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  srv->svc = svc;
  srv->host = host;
  if (load_options(srv, config_json) != 0 || load_token(srv) != 0) {
    destroy(srv);
    *errmsg = create_err;
    return VIGIL_EINVAL;
  }
  srv->acked = srv->conf.ack == NULL || strcmp(srv->conf.ack, "delivered") == 0;
  if (srv->acked && !VP_SVC_HAS(svc, try_emit_acked)) {
    srv->acked = 0;
    svc->log(host, srv->conf.ack != NULL ? VIGIL_LOG_WARN : VIGIL_LOG_INFO,
             WHO ": the host lacks try_emit_acked (plugin ABI 1.2): 202 will mean only "
                 "accepted into memory");
  }
  *instance = srv;
  return VIGIL_OK;
}

static void on_connection(uv_stream_t *s, int status) {
  vh_server_t *srv = s->data;

  if (status < 0) {
    srv->svc->log(srv->host, VIGIL_LOG_WARN, WHO ": accept failed: %s", uv_strerror(status));
    return;
  }
  vh_conn_accept(srv);
}

static int start(void *instance) {
  vh_server_t *srv = instance;
  struct sockaddr_storage ss;
  char err[256];
  int fd, rc;

  if (vp_listen_parse(srv->conf.listen, &ss, err, sizeof(err)) != 0) {
    snprintf(srv->err, sizeof(srv->err), WHO ": %s", err);
    return VIGIL_EINVAL;
  }
  fd = vp_listen_open(&ss, BACKLOG);
  if (fd < 0) {
    snprintf(srv->err, sizeof(srv->err), WHO ": cannot listen on %s: %s", srv->conf.listen,
             strerror(-fd));
    return VIGIL_EIO;
  }
  uv_tcp_init(srv->svc->loop, &srv->listener);
  srv->listener.data = srv;
  srv->listener_open = 1;
  rc = uv_tcp_open(&srv->listener, fd);
  if (rc == 0)
    rc = uv_listen((uv_stream_t *)&srv->listener, BACKLOG, on_connection);
  if (rc != 0) {
    /* Cannot happen on a socket that listens already; kept honest anyway. */
    snprintf(srv->err, sizeof(srv->err), WHO ": cannot listen on %s: %s", srv->conf.listen,
             uv_strerror(rc));
    return VIGIL_EIO;
  }
  vp_listen_name(&srv->listener, srv->bound, sizeof(srv->bound));
  srv->svc->log(srv->host, VIGIL_LOG_INFO, WHO ": listening on %s (POST /v1/events)",
                srv->bound);
  if (srv->token == NULL)
    srv->svc->log(srv->host, VIGIL_LOG_WARN,
                  WHO ": no token_file or token_env: authentication is off, anyone who can "
                      "reach %s can send events",
                  srv->bound);
  return VIGIL_OK;
}

static void maybe_stopped(vh_server_t *srv) {
  vigil_stopped_cb cb = srv->stopped_cb;
  const vh_stats_t *st = &srv->stats;

  if (!srv->stopping || srv->listener_open || srv->conns != NULL || cb == NULL)
    return;
  srv->stopped_cb = NULL;
  srv->svc->log(srv->host, VIGIL_LOG_INFO,
                WHO ": stopped; %llu requests, %llu JSON texts accepted, %llu refused, "
                    "%llu answered busy, %llu connections over the limit",
                (unsigned long long)st->requests, (unsigned long long)st->events,
                (unsigned long long)st->rejected, (unsigned long long)st->busy,
                (unsigned long long)st->conns_refused);
  cb(srv->stopped_arg);
}

void vh_server_conn_gone(vh_server_t *srv) {
  maybe_stopped(srv);
}

static void on_listener_closed(uv_handle_t *h) {
  vh_server_t *srv = h->data;

  srv->listener_open = 0;
  maybe_stopped(srv);
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  vh_server_t *srv = instance;
  vh_conn_t *c;

  srv->stopping = 1;
  srv->stopped_cb = cb;
  srv->stopped_arg = arg;
  if (srv->listener_open && !uv_is_closing((uv_handle_t *)&srv->listener))
    uv_close((uv_handle_t *)&srv->listener, on_listener_closed);
  /* Closing frees nothing before the loop runs the close callbacks, so the
   * list stays walkable here. */
  for (c = srv->conns; c != NULL; c = c->next) {
    if (c->state == VH_EMITTING)
      vh_request_abort(c);
    else
      vh_conn_close(c);
  }
  maybe_stopped(srv);
  return VIGIL_OK;
}

static const char *last_error(void *instance) {
  vh_server_t *srv = instance;

  return srv->err[0] != '\0' ? srv->err : NULL;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "http",
    .version = "0.1.0",
    .description = "Takes events by HTTP POST (JSON Lines, CloudTrail, EventBridge, gzip)",
    .kind = VIGIL_PLUGIN_SOURCE,
    .config_schema = schema,
    .create = create,
    .start = start,
    .stop = stop,
    .destroy = destroy,
    .last_error = last_error,
};

VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &descriptor;
}
