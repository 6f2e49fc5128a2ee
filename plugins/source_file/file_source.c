/*
 * The `file` source: descriptor, options and life cycle. Reading once is in
 * walk.c, following in follow*.c.
 */
#include "file_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "services.h"

#define WHO "file source"

static const char schema[] = "{\"type\":\"object\","
                             "\"properties\":{"
                             "\"paths\":{\"type\":\"array\"},"
                             "\"max_line_bytes\":{\"type\":\"integer\"},"
                             "\"max_document_bytes\":{\"type\":\"integer\"},"
                             "\"follow\":{\"type\":\"boolean\"},"
                             "\"settle_ms\":{\"type\":\"integer\"},"
                             "\"poll_ms\":{\"type\":\"integer\"},"
                             "\"checkpoint_ms\":{\"type\":\"integer\"},"
                             "\"incomplete_ms\":{\"type\":\"integer\"}},"
                             "\"required\":[\"paths\"],"
                             "\"additionalProperties\":false}";

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  file_source_t *fs = instance;

  if (fs == NULL)
    return;
  vp_source_fini(&fs->src);
  file_source_follow_destroy(fs);
  vp_strings_free(&fs->paths);
  free(fs);
}

/* The follow mode's timing options: only with follow, defaults when absent. */
static int follow_options(file_source_t *fs, const size_t ms[4]) {
  static const char *const names[4] = {"settle_ms", "poll_ms", "checkpoint_ms", "incomplete_ms"};
  int i;

  for (i = 0; i < 4 && !fs->follow; i++) {
    if (ms[i] != 0) {
      snprintf(create_err, sizeof(create_err), WHO ": option \"%s\" needs \"follow\": true",
               names[i]);
      return VIGIL_EINVAL;
    }
  }
  if (!fs->follow)
    return VIGIL_OK;
  return file_source_follow_create(fs, ms[0], ms[1], ms[2], ms[3], create_err,
                                   sizeof(create_err));
}

/* Puts WHO in front of a message the follow code wrote without it. */
static void prefix_error(void) {
  char tail[sizeof(create_err)];

  snprintf(tail, sizeof(tail), "%s", create_err);
  snprintf(create_err, sizeof(create_err), WHO ": %.480s", tail);
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
  size_t ms[4] = {0, 0, 0, 0};
  file_source_t *fs;
  int rc;

  *instance = NULL;
  if (!VP_SVC_HAS(svc, source_done)) {
    *errmsg = WHO ": the host's services table lacks source_done";
    return VIGIL_EINVAL;
  }
  fs = calloc(1, sizeof(*fs));
  if (fs == NULL) {
    *errmsg = WHO ": out of memory";
    return VIGIL_ENOMEM;
  }
  fs->em.max_line_bytes = VP_DEFAULT_MAX_LINE_BYTES;
  fs->em.max_document_bytes = VP_DEFAULT_MAX_DOCUMENT_BYTES;
  {
    const vp_option_t opts[] = {
        {"paths", VP_OPT_STRINGS, 1, &fs->paths, NULL},
        {"max_line_bytes", VP_OPT_SIZE, 0, &fs->em.max_line_bytes, NULL},
        {"max_document_bytes", VP_OPT_SIZE, 0, &fs->em.max_document_bytes, NULL},
        {"follow", VP_OPT_BOOL, 0, &fs->follow, NULL},
        {"settle_ms", VP_OPT_SIZE, 0, &ms[0], NULL},
        {"poll_ms", VP_OPT_SIZE, 0, &ms[1], NULL},
        {"checkpoint_ms", VP_OPT_SIZE, 0, &ms[2], NULL},
        {"incomplete_ms", VP_OPT_SIZE, 0, &ms[3], NULL},
    };
    if (vp_config_load(config_json, WHO, opts, sizeof(opts) / sizeof(opts[0]), create_err,
                       sizeof(create_err)) != 0) {
      rc = VIGIL_EINVAL;
      goto fail;
    }
  }
  if (fs->paths.n == 0) {
    snprintf(create_err, sizeof(create_err), WHO ": option \"paths\" must not be empty");
    rc = VIGIL_EINVAL;
    goto fail;
  }
  rc = vp_source_init(&fs->src, svc, host, fs->follow ? file_source_follow : file_source_read_all,
                      fs);
  if (rc != VIGIL_OK) {
    snprintf(create_err, sizeof(create_err), WHO ": %s", fs->src.err);
    goto fail;
  }
  fs->em.svc = svc;
  fs->em.host = host;
  fs->em.stop = &fs->src.stop;
  if ((rc = follow_options(fs, ms)) != VIGIL_OK) {
    if (strncmp(create_err, WHO, strlen(WHO)) != 0)
      prefix_error();
    goto fail;
  }
  *instance = fs;
  return VIGIL_OK;

fail:
  *errmsg = create_err;
  file_source_follow_destroy(fs);
  if (fs->src.svc != NULL)
    vp_source_fini(&fs->src);
  vp_strings_free(&fs->paths);
  free(fs);
  return rc;
}

static int start(void *instance) {
  return vp_source_start(&((file_source_t *)instance)->src);
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  file_source_t *fs = instance;
  int rc = vp_source_stop(&fs->src, cb, arg);

  file_source_follow_wake(fs); /* a reader waiting for acks sees the stop flag */
  return rc;
}

static const char *last_error(void *instance) {
  file_source_t *fs = instance;

  return fs->src.err[0] != '\0' ? fs->src.err : NULL;
}

static const vigil_plugin_t descriptor = {
    .abi_major = VIGIL_ABI_MAJOR,
    .abi_minor = VIGIL_ABI_MINOR,
    .size = sizeof(vigil_plugin_t),
    .name = "file",
    .version = "0.1.0",
    .description = "Reads CloudTrail JSON, JSON Lines, gzip or zip files and folders, once or "
                   "following them",
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
