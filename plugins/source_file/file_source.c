/* The `file` source: descriptor, options and lifecycle. Reading is in walk.c. */
#include "file_source.h"

#include <stdio.h>
#include <stdlib.h>

#include "services.h"

#define WHO "file source"

static const char schema[] = "{\"type\":\"object\","
                             "\"properties\":{"
                             "\"paths\":{\"type\":\"array\"},"
                             "\"max_line_bytes\":{\"type\":\"integer\"},"
                             "\"max_document_bytes\":{\"type\":\"integer\"}},"
                             "\"required\":[\"paths\"],"
                             "\"additionalProperties\":false}";

static _Thread_local char create_err[512];

static void destroy(void *instance) {
  file_source_t *fs = instance;

  if (fs == NULL)
    return;
  vp_source_fini(&fs->src);
  vp_strings_free(&fs->paths);
  free(fs);
}

static int create(const vigil_services_t *svc, vigil_host_t *host, const char *config_json,
                  void **instance, const char **errmsg) {
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
  rc = vp_source_init(&fs->src, svc, host, file_source_read_all, fs);
  if (rc != VIGIL_OK) {
    snprintf(create_err, sizeof(create_err), WHO ": %s", fs->src.err);
    goto fail;
  }
  fs->em.svc = svc;
  fs->em.host = host;
  fs->em.stop = &fs->src.stop;
  *instance = fs;
  return VIGIL_OK;

fail:
  *errmsg = create_err;
  vp_strings_free(&fs->paths);
  free(fs);
  return rc;
}

static int start(void *instance) {
  return vp_source_start(&((file_source_t *)instance)->src);
}

static int stop(void *instance, vigil_stopped_cb cb, void *arg) {
  return vp_source_stop(&((file_source_t *)instance)->src, cb, arg);
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
    .description = "Reads CloudTrail JSON, JSON Lines, gzip or zip files and folders once",
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
