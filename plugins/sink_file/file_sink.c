/*
 * The `file` sink: appends each alert as one JSON line to a file. A line is
 * written whole (and fsync'd when asked) before its delivery is reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "output.h"
#include "services.h"

#define WHO "file sink"

static const char schema[] = "{\"type\":\"object\","
                             "\"properties\":{"
                             "\"path\":{\"type\":\"string\"},"
                             "\"fsync\":{\"type\":\"boolean\"}},"
                             "\"required\":[\"path\"],"
                             "\"additionalProperties\":false}";

typedef struct file_sink_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  char *path;
  int fd;
  int fsync;
  int torn; /* a failed write left part of a line in the file */
  vp_buf_t line;
  char err[512];
} file_sink_t;

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  file_sink_t *fk = instance;

  if (fk == NULL)
    return;
  if (fk->fd >= 0)
    close(fk->fd);
  vp_buf_free(&fk->line);
  free(fk->path);
  free(fk);
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  file_sink_t *fk;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, delivered)) {
    *errmsg = WHO ": the host's services table lacks delivered";
    return VIGIL_EINVAL;
  }
  fk = calloc(1, sizeof(*fk));
  if (fk == NULL) {
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  fk->fd = -1;
  {
    const vp_option_t opts[] = {
        {"path", VP_OPT_STRING, 1, &fk->path, NULL},
        {"fsync", VP_OPT_BOOL, 0, &fk->fsync, NULL},
    };
    if (vp_config_load(config_json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                       sizeof(create_err)) != 0) {
      destroy(fk);
      *errmsg = create_err;
      return VIGIL_EINVAL;
    }
  }
  fk->fd = open(fk->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fk->fd < 0) {
    snprintf(create_err, sizeof(create_err), WHO ": cannot open \"%s\": %s", fk->path,
             strerror(errno));
    destroy(fk);
    *errmsg = create_err;
    return VIGIL_EIO;
  }
  fk->svc = svc;
  fk->host = host;
  *instance = fk;
  return VIGIL_OK;
}

static int start(void *instance) {
  return VIGIL_OK;
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  cb(arg); /* every alert is written before deliver() returns */
  return VIGIL_OK;
}

static const char *last_error(void *instance) {
  file_sink_t *fk = instance;

  return fk->err[0] != '\0' ? fk->err : NULL;
}

static void retry(file_sink_t *fk, const vigil_alert_t *a, const char *what, int err) {
  snprintf(fk->err, sizeof(fk->err), WHO ": %s \"%s\": %s", what, fk->path, strerror(err));
  fk->svc->delivered(fk->host, a->token, VIGIL_DELIVERY_RETRY);
}

static int deliver(void *instance, const vigil_alert_t *a) {
  file_sink_t *fk = instance;
  size_t written;
  int rc;

  fk->line.len = 0;
  /* End a fragment a failed write left, so the retried line stands alone. */
  rc = fk->torn ? vp_buf_addc(&fk->line, '\n') : 0;
  rc |= vp_buf_add(&fk->line, a->json, a->json_len);
  rc |= vp_buf_addc(&fk->line, '\n');
  if (rc != 0) {
    retry(fk, a, "out of memory writing to", ENOMEM);
    return VIGIL_OK;
  }
  /* One write per line: with O_APPEND, lines from two writers do not mix. */
  rc = vp_write_all(fk->fd, fk->line.p, fk->line.len, &written);
  if (rc != 0) {
    if (written > 0)
      fk->torn = 1;
    retry(fk, a, "cannot write to", rc);
    return VIGIL_OK;
  }
  fk->torn = 0;
  if (fk->fsync && fdatasync(fk->fd) != 0) {
    retry(fk, a, "cannot fsync", errno);
    return VIGIL_OK;
  }
  fk->svc->delivered(fk->host, a->token, VIGIL_DELIVERY_DONE);
  return VIGIL_OK;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "file",
    .version = "0.1.0",
    .description = "Appends each alert as one JSON line to a file",
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
