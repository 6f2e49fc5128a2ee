/* Checks that a host's services table is new enough for what a plugin calls. */
#ifndef VP_SERVICES_H
#define VP_SERVICES_H

#include <stddef.h>

#include <vigil/plugin.h>

/* True when `svc` is set and its size covers `field`. */
#define VP_SVC_HAS(svc, field)                                                                     \
  ((svc) != NULL &&                                                                                \
   (svc)->size >= offsetof(vigil_services_t, field) + sizeof(((vigil_services_t *)0)->field) &&    \
   (svc)->field != NULL)

#endif
