/*
 * Shared by the loader's test plugins: small but working instance functions,
 * so a test can tell that the host copied real function pointers. Each test
 * plugin includes this and declares one (possibly broken) descriptor.
 */
#ifndef VIGIL_TEST_PLUGIN_STUBS_H
#define VIGIL_TEST_PLUGIN_STUBS_H

#include <stdlib.h>

#include "vigil/plugin.h"

typedef struct stub_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  int started;
} stub_t;

/* Not every test plugin uses every stub. */
#define STUB static __attribute__((unused))

STUB int stub_create(const vigil_services_t *svc, vigil_host_t *host, const char *config,
                     void **instance, const char **errmsg) {
  stub_t *s = calloc(1, sizeof(*s));

  if (s == NULL) {
    *errmsg = "out of memory";
    return VIGIL_ENOMEM;
  }
  s->svc = svc;
  s->host = host;
  *instance = s;
  return VIGIL_OK;
}

STUB int stub_start(void *instance) {
  ((stub_t *)instance)->started = 1;
  return VIGIL_OK;
}

STUB int stub_stop(void *instance, vigil_stopped_cb cb, void *arg) {
  ((stub_t *)instance)->started = 0;
  cb(arg);
  return VIGIL_OK;
}

STUB void stub_destroy(void *instance) {
  free(instance);
}

STUB const char *stub_last_error(void *instance) {
  return ((stub_t *)instance)->started ? "stub is running" : "stub is stopped";
}

STUB int stub_deliver(void *instance, const vigil_alert_t *alert) {
  stub_t *s = instance;

  s->svc->delivered(s->host, alert->token, VIGIL_DELIVERY_DONE);
  return VIGIL_OK;
}

/* Entry point boilerplate: the descriptor is the static `plugin`. */
#define STUB_ENTRY(plugin)                                                                         \
  VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void);                              \
  VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void) {                             \
    return (const vigil_plugin_t *)&(plugin);                                                      \
  }

#endif
