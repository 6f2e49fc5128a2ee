/*
 * The `stdin` source: reads fd 0 (a pipe or a redirected file) once, plain
 * or gzip, JSON Lines or one document, found from the content.
 *
 * fd 0 is read in place and never closed: the host still owns it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "reader.h"
#include "services.h"
#include "source.h"

#define WHO "stdin source"

typedef struct stdin_source_s {
  vp_source_t src;
  vp_emitter_t em;
  char *name; /* stream name in positions and errors */
} stdin_source_t;

static const char schema[] = "{\"type\":\"object\","
                             "\"properties\":{"
                             "\"name\":{\"type\":\"string\"},"
                             "\"max_line_bytes\":{\"type\":\"integer\"},"
                             "\"max_document_bytes\":{\"type\":\"integer\"}},"
                             "\"additionalProperties\":false}";

static _Thread_local char create_err[512];

static int read_stdin(vp_source_t *src, void *ctx) {
  stdin_source_t *ss = ctx;
  const vp_read_stats_t *s = &ss->em.stats;
  vp_input_t in;
  int rc;

  if (vp_input_init(&in, STDIN_FILENO, vp_source_wake_fd(src)) != 0) {
    src->svc->log(src->host, VIGIL_LOG_ERROR, "%s: out of memory", ss->name);
    return VP_READ_DONE;
  }
  rc = vp_read_stream(&ss->em, &in, ss->name);
  vp_input_fini(&in);
  src->svc->log(src->host, VIGIL_LOG_INFO,
                "%s%" PRIu64 " bytes, %" PRIu64 " lines, %" PRIu64 " records; %" PRIu64 " errors",
                rc == VP_READ_DONE ? "done: " : "stopped: ", s->bytes, s->lines, s->records,
                s->errors);
  return rc;
}

static void destroy(void *instance) {
  stdin_source_t *ss = instance;

  if (ss == NULL)
    return;
  vp_source_fini(&ss->src);
  free(ss->name);
  free(ss);
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  stdin_source_t *ss;
  int rc;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, source_done)) {
    *errmsg = WHO ": the host's services table lacks source_done";
    return VIGIL_EINVAL;
  }
  ss = calloc(1, sizeof(*ss));
  if (ss == NULL) {
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  ss->em.max_line_bytes = VP_DEFAULT_MAX_LINE_BYTES;
  ss->em.max_document_bytes = VP_DEFAULT_MAX_DOCUMENT_BYTES;
  {
    const vp_option_t opts[] = {
        {"name", VP_OPT_STRING, 0, &ss->name, NULL},
        {"max_line_bytes", VP_OPT_SIZE, 0, &ss->em.max_line_bytes, NULL},
        {"max_document_bytes", VP_OPT_SIZE, 0, &ss->em.max_document_bytes, NULL},
    };
    if (vp_config_load(config_json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                       sizeof(create_err)) != 0) {
      rc = VIGIL_EINVAL;
      goto fail;
    }
  }
  if (ss->name == NULL && (ss->name = strdup("stdin")) == NULL) {
    snprintf(create_err, sizeof(create_err), WHO ": out of memory");
    rc = VIGIL_ENOMEM;
    goto fail;
  }
  rc = vp_source_init(&ss->src, svc, host, read_stdin, ss);
  if (rc != VIGIL_OK) {
    snprintf(create_err, sizeof(create_err), WHO ": %s", ss->src.err);
    goto fail;
  }
  ss->em.svc = svc;
  ss->em.host = host;
  ss->em.stop = &ss->src.stop;
  *instance = ss;
  return VIGIL_OK;

fail:
  *errmsg = create_err;
  free(ss->name);
  free(ss);
  return rc;
}

static int start(void *instance) {
  return vp_source_start(&((stdin_source_t *)instance)->src);
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  return vp_source_stop(&((stdin_source_t *)instance)->src, cb, arg);
}

static const char *last_error(void *instance) {
  stdin_source_t *ss = instance;

  return ss->src.err[0] != '\0' ? ss->src.err : NULL;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "stdin",
    .version = "0.1.0",
    .description = "Reads CloudTrail JSON, JSON Lines or gzip from standard input once",
    .kind = VIGIL_PLUGIN_SOURCE,
    .config_schema = schema,
    .create = create,
    .start = start,
    .stop = stop,
    .destroy = destroy,
    .last_error = last_error,
    .deliver = NULL,
};

VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {
  return &descriptor;
}
