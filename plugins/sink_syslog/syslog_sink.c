/* The `syslog` sink: options, the destination address, and the life cycle. */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "services.h"
#include "syslog_sink.h"

/* 32473 is the enterprise number RFC 5612 sets aside for documentation:
 * vigil has none of its own, and a site with one sets sd_id. */
#define DEFAULT_SD_ID "vigil@32473"
#define MIN_MESSAGE 480      /* what RFC 5426 says every receiver takes */
#define MAX_UDP_MESSAGE 65000

static const char schema[] = "{\"type\":\"object\",\"properties\":{"
                             "\"address\":{\"type\":\"string\"},"
                             "\"transport\":{\"type\":\"string\"},"
                             "\"facility\":{\"type\":\"string\"},"
                             "\"hostname\":{\"type\":\"string\"},"
                             "\"app_name\":{\"type\":\"string\"},"
                             "\"sd_id\":{\"type\":\"string\"},"
                             "\"message\":{\"type\":\"string\"},"
                             "\"max_message_bytes\":{\"type\":\"integer\"},"
                             "\"max_pending\":{\"type\":\"integer\"},"
                             "\"reconnect_min_ms\":{\"type\":\"integer\"},"
                             "\"reconnect_max_ms\":{\"type\":\"integer\"}},"
                             "\"additionalProperties\":false}";

static const char *const transports[] = {"udp", "tcp", NULL};
static const char *const messages[] = {"text", "json", NULL};

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  sl_sink_t *sk = instance;

  if (sk == NULL)
    return;
  free(sk->address);
  free(sk->hostname);
  free(sk->app_name);
  free(sk->sd_id);
  free(sk->facility_name);
  vp_buf_free(&sk->buf);
  free(sk);
}

static int set_default(char **field, const char *value) {
  if (*field == NULL && (*field = strdup(value)) == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  return 0;
}

static int load_options(sl_sink_t *sk, const char *json) {
  char host[256];
  const vp_option_t opts[] = {
      {"address", VP_OPT_STRING, 0, &sk->address, NULL},
      {"transport", VP_OPT_ENUM, 0, &sk->tcp, transports},
      {"facility", VP_OPT_STRING, 0, &sk->facility_name, NULL},
      {"hostname", VP_OPT_STRING, 0, &sk->hostname, NULL},
      {"app_name", VP_OPT_STRING, 0, &sk->app_name, NULL},
      {"sd_id", VP_OPT_STRING, 0, &sk->sd_id, NULL},
      {"message", VP_OPT_ENUM, 0, &sk->msg_json, messages},
      {"max_message_bytes", VP_OPT_SIZE, 0, &sk->max_bytes, NULL},
      {"max_pending", VP_OPT_SIZE, 0, &sk->max_pending, NULL},
      {"reconnect_min_ms", VP_OPT_SIZE, 0, &sk->reconnect_min_ms, NULL},
      {"reconnect_max_ms", VP_OPT_SIZE, 0, &sk->reconnect_max_ms, NULL},
  };

  sk->max_bytes = 8192;
  sk->max_pending = 10000;
  sk->reconnect_min_ms = 200;
  sk->reconnect_max_ms = 10000;
  if (vp_config_load(json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                     sizeof(create_err)) != 0)
    return -1;
  if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
    snprintf(host, sizeof(host), "-");
  host[sizeof(host) - 1] = '\0';
  if (set_default(&sk->address, "127.0.0.1:514") != 0 ||
      set_default(&sk->facility_name, "authpriv") != 0 || set_default(&sk->hostname, host) != 0 ||
      set_default(&sk->app_name, "vigil") != 0 || set_default(&sk->sd_id, DEFAULT_SD_ID) != 0)
    return -1;
  return 0;
}

static int check_options(sl_sink_t *sk) {
  sl_format_t *f = &sk->fmt;

  f->facility = sl_facility(sk->facility_name);
  if (f->facility < 0) {
    snprintf(create_err, sizeof(create_err),
             WHO ": unknown facility \"%.32s\" (kern, user, ..., authpriv, local0-local7)",
             sk->facility_name);
    return -1;
  }
  if (!sl_valid_sd_id(sk->sd_id)) {
    snprintf(create_err, sizeof(create_err),
             WHO ": sd_id must be 1-32 printable ASCII characters without '=', ']', '\"' or "
                 "spaces (name@number)");
    return -1;
  }
  if (sk->max_bytes < MIN_MESSAGE || (!sk->tcp && sk->max_bytes > MAX_UDP_MESSAGE)) {
    snprintf(create_err, sizeof(create_err), WHO ": max_message_bytes must be from %d to %s",
             MIN_MESSAGE, sk->tcp ? "any size" : "65000 over UDP");
    return -1;
  }
  if (sk->reconnect_min_ms > sk->reconnect_max_ms) {
    snprintf(create_err, sizeof(create_err), WHO ": reconnect_min_ms exceeds reconnect_max_ms");
    return -1;
  }
  f->hostname = sk->hostname;
  f->app_name = sk->app_name;
  f->sd_id = sk->sd_id;
  f->msg_json = sk->msg_json;
  f->max_bytes = sk->max_bytes;
  f->procid = (long)getpid();
  return 0;
}

/* "host:port", "[v6]:port" or "host" (port 514). Names are resolved here,
 * once: a restart picks up a changed address. */
static int resolve(sl_sink_t *sk) {
  struct addrinfo hints, *res = NULL;
  char host[256], port[8] = "514";
  const char *a = sk->address, *colon;
  size_t hlen;
  int rc;

  if (a[0] == '[') {
    colon = strchr(a, ']');
    hlen = colon != NULL ? (size_t)(colon - a - 1) : 0;
    a++;
    colon = colon != NULL && colon[1] == ':' ? colon + 1 : NULL;
  } else {
    colon = strrchr(a, ':');
    hlen = colon != NULL ? (size_t)(colon - a) : strlen(a);
  }
  if (hlen == 0 || hlen >= sizeof(host) || (colon != NULL && strlen(colon + 1) >= sizeof(port))) {
    snprintf(create_err, sizeof(create_err), WHO ": address \"%.200s\" is not host:port",
             sk->address);
    return -1;
  }
  memcpy(host, a, hlen);
  host[hlen] = '\0';
  if (colon != NULL)
    snprintf(port, sizeof(port), "%s", colon + 1);
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = sk->tcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0 || res == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": cannot resolve \"%.200s\": %s", sk->address,
             gai_strerror(rc));
    return -1;
  }
  memcpy(&sk->addr, res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  return 0;
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  sl_sink_t *sk;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, delivered)) {
    *errmsg = WHO ": the host's services table lacks delivered";
    return VIGIL_EINVAL;
  }
  sk = calloc(1, sizeof(*sk));
  if (sk == NULL) {
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  sk->svc = svc;
  sk->host = host;
  if (load_options(sk, config_json) != 0 || check_options(sk) != 0 || resolve(sk) != 0) {
    destroy(sk);
    *errmsg = create_err;
    return VIGIL_EINVAL;
  }
  *instance = sk;
  return VIGIL_OK;
}

static int start(void *instance) {
  sl_sink_t *sk = instance;
  int rc = sl_conn_start(sk);

  if (rc == VIGIL_OK)
    sk->svc->log(sk->host, VIGIL_LOG_INFO, WHO ": sending to %s over %s, facility %s",
                 sk->address, transports[sk->tcp], sk->facility_name);
  return rc;
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  sl_sink_t *sk = instance;

  sk->stopped_cb = cb;
  sk->stopped_arg = arg;
  sl_conn_stop(sk);
  return VIGIL_OK;
}

static int deliver(void *instance, const vigil_alert_t *a) {
  return sl_conn_send(instance, a);
}

static const char *last_error(void *instance) {
  sl_sink_t *sk = instance;

  return sk->err[0] != '\0' ? sk->err : NULL;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "syslog",
    .version = "0.1.0",
    .description = "Sends alerts as RFC 5424 syslog messages over UDP or TCP",
    .kind = VIGIL_PLUGIN_SINK,
    .config_schema = schema,
    .create = create,
    .start = start,
    .stop = stop,
    .destroy = destroy,
    .last_error = last_error,
    .deliver = deliver,
};

VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &descriptor;
}
