/* The `webhook` sink: options, headers, and the life cycle. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "config.h"
#include "secret.h"
#include "services.h"
#include "webhook_sink.h"

static const char schema[] = "{\"type\":\"object\",\"properties\":{"
                             "\"url\":{\"type\":\"string\"},"
                             "\"headers\":{\"type\":\"object\"},"
                             "\"bearer_token_env\":{\"type\":\"string\"},"
                             "\"format\":{\"type\":\"string\"},"
                             "\"log_path\":{\"type\":\"boolean\"},"
                             "\"timeout_ms\":{\"type\":\"integer\"},"
                             "\"batch_max\":{\"type\":\"integer\"},"
                             "\"batch_wait_ms\":{\"type\":\"integer\"},"
                             "\"max_retries\":{\"type\":\"integer\"},"
                             "\"retry_base_ms\":{\"type\":\"integer\"},"
                             "\"retry_max_ms\":{\"type\":\"integer\"},"
                             "\"parallel\":{\"type\":\"integer\"},"
                             "\"max_pending\":{\"type\":\"integer\"},"
                             "\"ca_file\":{\"type\":\"string\"}},"
                             "\"required\":[\"url\"],"
                             "\"additionalProperties\":false}";

static const char *const formats[] = {"json", "slack", NULL};

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  wh_sink_t *sk = instance;

  if (sk == NULL)
    return;
  free(sk->conf.url);
  free(sk->conf.bearer_env);
  free(sk->conf.ca_file);
  free(sk->shown_url);
  wh_secrets_free(&sk->secrets);
  curl_slist_free_all(sk->headers);
  free(sk);
  curl_global_cleanup();
}

/* A header name is an RFC 9110 token. */
static int valid_name(const char *s) {
  if (*s == '\0')
    return 0;
  for (; *s != '\0'; s++)
    if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') || ('0' <= *s && *s <= '9') ||
          strchr("!#$%&'*+-.^_`|~", *s) != NULL))
      return 0;
  return 1;
}

/* No CR, LF or other control byte may reach the request (header injection). */
static int valid_value(const char *s) {
  for (; *s != '\0'; s++)
    if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
      return 0;
  return 1;
}

/* Appends "Name: value" to the request headers; the value is a secret
 * when the name says so. Returns 0 or -1 with create_err set. */
static int add_header(wh_sink_t *sk, const char *name, const char *value, int secret) {
  struct curl_slist *l;
  size_t n = strlen(name) + strlen(value) + 3;
  char *line = malloc(n);

  if (line == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  /* "Name:" alone tells curl to leave that header out. */
  snprintf(line, n, *value != '\0' ? "%s: %s" : "%s:", name, value);
  l = curl_slist_append(sk->headers, line);
  memset(line, 0, n);
  free(line);
  if (l == NULL || (secret && wh_secrets_add(&sk->secrets, value) != 0)) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  sk->headers = l;
  return 0;
}

static int has_header(const cJSON *headers, const char *name) {
  const cJSON *h;

  cJSON_ArrayForEach(h, headers) {
    if (strcasecmp(h->string, name) == 0)
      return 1;
  }
  return 0;
}

/* The `headers` object: names and values checked, then added. */
static int load_headers(wh_sink_t *sk, const cJSON *headers) {
  const cJSON *h;

  if (headers != NULL && !cJSON_IsObject(headers)) {
    snprintf(create_err, sizeof(create_err), WHO ": option \"headers\" must be an object");
    return -1;
  }
  cJSON_ArrayForEach(h, headers) {
    if (!cJSON_IsString(h) || !valid_name(h->string) || !valid_value(h->valuestring)) {
      snprintf(create_err, sizeof(create_err),
               WHO ": header \"%.64s\" needs a token name and a string value without line "
                   "breaks",
               h->string);
      return -1;
    }
    if (strcasecmp(h->string, "content-length") == 0 ||
        strcasecmp(h->string, "transfer-encoding") == 0 || strcasecmp(h->string, "host") == 0) {
      snprintf(create_err, sizeof(create_err), WHO ": header \"%s\" is set by the sink itself",
               h->string);
      return -1;
    }
    if (add_header(sk, h->string, h->valuestring, wh_secret_header(h->string)) != 0)
      return -1;
  }
  /* "Expect:" with no value stops curl waiting for 100 Continue. */
  if (add_header(sk, "Expect", "", 0) != 0)
    return -1;
  if (!has_header(headers, "content-type") &&
      add_header(sk, "Content-Type", "application/json", 0) != 0)
    return -1;
  return 0;
}

static int load_bearer(wh_sink_t *sk, const cJSON *headers) {
  char *token = NULL, *value;
  char warn[8], err[300];
  size_t n;
  int rc;

  if (sk->conf.bearer_env == NULL)
    return 0;
  if (has_header(headers, "authorization")) {
    snprintf(create_err, sizeof(create_err),
             WHO ": give bearer_token_env or an Authorization header, not both");
    return -1;
  }
  if (vp_secret_load(NULL, sk->conf.bearer_env, &token, warn, sizeof(warn), err,
                     sizeof(err)) != 0) {
    snprintf(create_err, sizeof(create_err), WHO ": bearer_token_env: %s", err);
    return -1;
  }
  n = strlen(token) + 8;
  value = malloc(n);
  if (value == NULL) {
    vp_secret_free(token);
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  snprintf(value, n, "Bearer %s", token);
  rc = add_header(sk, "Authorization", value, 1);
  if (rc == 0 && wh_secrets_add(&sk->secrets, token) != 0)
    rc = -1;
  vp_secret_free(value);
  vp_secret_free(token);
  return rc;
}

static int check_limits(const wh_conf_t *cf) {
  if (cf->retry_base_ms > cf->retry_max_ms) {
    snprintf(create_err, sizeof(create_err), WHO ": retry_base_ms exceeds retry_max_ms");
    return -1;
  }
  if (cf->timeout_ms > 24u * 3600 * 1000 || cf->retry_max_ms > 24u * 3600 * 1000) {
    snprintf(create_err, sizeof(create_err), WHO ": timeouts are limited to one day");
    return -1;
  }
  return 0;
}

/* max_retries may be 0 (hand failures back at once), which the shared
 * table's positive integers do not allow: read it here. */
static int load_retries(wh_conf_t *cf, cJSON *root) {
  cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(root, "max_retries");
  int ok = v == NULL || (cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 100 &&
                         v->valuedouble == (double)(int)v->valuedouble);

  if (v != NULL && ok)
    cf->max_retries = (size_t)v->valuedouble;
  cJSON_Delete(v);
  if (!ok)
    snprintf(create_err, sizeof(create_err),
             WHO ": option \"max_retries\" must be an integer from 0 to 100");
  return ok ? 0 : -1;
}

/* Reads everything but `headers` with the shared options table. */
static int load_options(wh_sink_t *sk, cJSON *root) {
  wh_conf_t *cf = &sk->conf;
  const vp_option_t opts[] = {
      {"url", VP_OPT_STRING, 1, &cf->url, NULL},
      {"bearer_token_env", VP_OPT_STRING, 0, &cf->bearer_env, NULL},
      {"ca_file", VP_OPT_STRING, 0, &cf->ca_file, NULL},
      {"format", VP_OPT_ENUM, 0, &cf->format, formats},
      {"log_path", VP_OPT_BOOL, 0, &cf->log_path, NULL},
      {"timeout_ms", VP_OPT_SIZE, 0, &cf->timeout_ms, NULL},
      {"batch_max", VP_OPT_SIZE, 0, &cf->batch_max, NULL},
      {"batch_wait_ms", VP_OPT_SIZE, 0, &cf->batch_wait_ms, NULL},
      {"retry_base_ms", VP_OPT_SIZE, 0, &cf->retry_base_ms, NULL},
      {"retry_max_ms", VP_OPT_SIZE, 0, &cf->retry_max_ms, NULL},
      {"parallel", VP_OPT_SIZE, 0, &cf->parallel, NULL},
      {"max_pending", VP_OPT_SIZE, 0, &cf->max_pending, NULL},
  };
  char *rest;
  int rc;

  cf->format = WH_FORMAT_JSON;
  cf->timeout_ms = 10000;
  cf->batch_max = 1;
  cf->batch_wait_ms = 1000;
  cf->max_retries = 4;
  cf->retry_base_ms = 500;
  cf->retry_max_ms = 30000;
  cf->parallel = 2;
  cf->max_pending = 10000;
  if (load_retries(cf, root) != 0)
    return -1;
  rest = cJSON_PrintUnformatted(root);
  if (rest == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    return -1;
  }
  rc = vp_config_load(rest, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                      sizeof(create_err));
  cJSON_free(rest);
  return rc != 0 ? -1 : check_limits(cf);
}

static int configure(wh_sink_t *sk, const char *json) {
  cJSON *root = cJSON_Parse(json != NULL ? json : "{}");
  cJSON *headers = NULL;
  char err[256];
  int rc = -1;

  if (root == NULL || !cJSON_IsObject(root)) {
    snprintf(create_err, sizeof(create_err), WHO ": configuration must be a JSON object");
    goto out;
  }
  /* The options table has no object type: take `headers` out first. */
  headers = cJSON_DetachItemFromObjectCaseSensitive(root, "headers");
  if (load_options(sk, root) != 0 || load_headers(sk, headers) != 0 ||
      load_bearer(sk, headers) != 0)
    goto out;
  sk->shown_url = wh_redact_url(sk->conf.url, sk->conf.log_path, &sk->secrets, err, sizeof(err));
  if (sk->shown_url == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": %s", err);
    goto out;
  }
  rc = 0;
out:
  cJSON_Delete(headers);
  cJSON_Delete(root);
  return rc;
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  wh_sink_t *sk;
  struct timespec ts;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, delivered)) {
    *errmsg = WHO ": the host's services table lacks delivered";
    return VIGIL_EINVAL;
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    *errmsg = WHO ": libcurl did not start";
    return VIGIL_ERR;
  }
  sk = calloc(1, sizeof(*sk));
  if (sk == NULL) {
    curl_global_cleanup();
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  sk->svc = svc;
  sk->host = host;
  if (configure(sk, config_json) != 0) {
    destroy(sk);
    *errmsg = create_err;
    return VIGIL_EINVAL;
  }
  clock_gettime(CLOCK_REALTIME, &ts);
  sk->seed = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
  sk->seed |= 1; /* xorshift must not start at zero */
  *instance = sk;
  return VIGIL_OK;
}

static int start(void *instance) {
  wh_sink_t *sk = instance;

  if (wh_multi_init(&sk->multi, sk->svc->loop, wh_send_done, sk) != 0) {
    snprintf(sk->err, sizeof(sk->err), WHO ": libcurl cannot make a multi handle");
    return VIGIL_ERR;
  }
  sk->multi_open = 1;
  uv_timer_init(sk->svc->loop, &sk->flush);
  sk->flush.data = sk;
  sk->flush_open = 1;
  sk->handles++;
  sk->svc->log(sk->host, VIGIL_LOG_INFO, WHO ": posting alerts to %s (%s, up to %zu a POST)",
               sk->shown_url, formats[sk->conf.format], sk->conf.batch_max);
  return VIGIL_OK;
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  wh_sink_t *sk = instance;

  sk->stopped_cb = cb;
  sk->stopped_arg = arg;
  wh_send_stop(sk);
  return VIGIL_OK;
}

static int deliver(void *instance, const vigil_alert_t *a) {
  return wh_send_alert(instance, a);
}

static const char *last_error(void *instance) {
  wh_sink_t *sk = instance;

  return sk->err[0] != '\0' ? sk->err : NULL;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "webhook",
    .version = "0.1.0",
    .description = "POSTs alerts to an HTTP(S) webhook (JSON or Slack), with retries",
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
