/*
 * The `stdout` sink: one line per alert on standard output, readable text
 * or JSON Lines, written and flushed before the delivery is reported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert_line.h"
#include "config.h"
#include "output.h"
#include "services.h"

#define WHO "stdout sink"

enum { FMT_TEXT, FMT_JSON };
enum { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

static const char *const formats[] = {"text", "json", NULL};
static const char *const colors[] = {"auto", "always", "never", NULL};

static const char schema[] = "{\"type\":\"object\","
                             "\"properties\":{"
                             "\"format\":{\"type\":\"string\"},"
                             "\"color\":{\"type\":\"string\"}},"
                             "\"additionalProperties\":false}";

typedef struct stdout_sink_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  int format;
  int color; /* resolved: 1 to colour */
  vp_buf_t line;
  char err[256];
} stdout_sink_t;

static _Thread_local char create_err[512];

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  stdout_sink_t *ss;
  int color = COLOR_AUTO;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, delivered)) {
    *errmsg = WHO ": the host's services table lacks delivered";
    return VIGIL_EINVAL;
  }
  ss = calloc(1, sizeof(*ss));
  if (ss == NULL) {
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  ss->format = FMT_TEXT;
  {
    const vp_option_t opts[] = {
        {"format", VP_OPT_ENUM, 0, &ss->format, formats},
        {"color", VP_OPT_ENUM, 0, &color, colors},
    };
    if (vp_config_load(config_json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                       sizeof(create_err)) != 0) {
      free(ss);
      *errmsg = create_err;
      return VIGIL_EINVAL;
    }
  }
  ss->svc = svc;
  ss->host = host;
  ss->color = color == COLOR_ALWAYS || (color == COLOR_AUTO && isatty(STDOUT_FILENO));
  *instance = ss;
  return VIGIL_OK;
}

static int start(void *instance) {
  return VIGIL_OK;
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  cb(arg); /* every alert is written before deliver() returns */
  return VIGIL_OK;
}

static void destroy(void *instance) {
  stdout_sink_t *ss = instance;

  if (ss == NULL)
    return;
  vp_buf_free(&ss->line);
  free(ss);
}

static const char *last_error(void *instance) {
  stdout_sink_t *ss = instance;

  return ss->err[0] != '\0' ? ss->err : NULL;
}

static int deliver(void *instance, const vigil_alert_t *a) {
  stdout_sink_t *ss = instance;
  size_t written;
  int rc;

  ss->line.len = 0;
  if (ss->format == FMT_JSON)
    rc = vp_buf_add(&ss->line, a->json, a->json_len) | vp_buf_addc(&ss->line, '\n');
  else
    rc = vp_alert_line(&ss->line, a, ss->color);
  if (rc != 0) {
    snprintf(ss->err, sizeof(ss->err), WHO ": out of memory formatting an alert");
    ss->svc->delivered(ss->host, a->token, VIGIL_DELIVERY_RETRY);
    return VIGIL_OK;
  }
  /* Whatever the process left in stdio's buffer goes first, to keep order;
   * the line itself is written whole with write(2), so a failed attempt
   * leaves nothing behind in a buffer to be written twice on retry. */
  fflush(stdout);
  rc = vp_write_all(STDOUT_FILENO, ss->line.p, ss->line.len, &written);
  if (rc != 0) {
    snprintf(ss->err, sizeof(ss->err), WHO ": cannot write to standard output: %s", strerror(rc));
    ss->svc->delivered(ss->host, a->token, VIGIL_DELIVERY_RETRY);
    return VIGIL_OK;
  }
  ss->svc->delivered(ss->host, a->token, VIGIL_DELIVERY_DONE);
  return VIGIL_OK;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "stdout",
    .version = "0.1.0",
    .description = "Writes each alert to standard output as a text line or JSON Lines",
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
