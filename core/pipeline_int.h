/* Pipeline internals shared by pipeline.c, ingest.c and worker.c. */
#ifndef VIGIL_PIPELINE_INT_H
#define VIGIL_PIPELINE_INT_H

#include <stdatomic.h>
#include <stdint.h>

#include <uv.h>

#include "alert.h"
#include "pipeline.h"
#include "plugin_host.h"
#include "queue.h"
#include "rule_index.h"
#include "rules.h"

typedef struct vigil_pipeline_s vigil_pipeline_t;

/* One plugin instance; its address is the vigil_host_t plugins see. */
struct vigil_host_s {
  vigil_pipeline_t *pl;
  vigil_plugin_lib_t *lib;
  void *inst;
  char *name;
  int sink;
  char *state_dir;
  atomic_int done;       /* source said source_done() */
  int stopping;          /* stop() called */
  int stopped;           /* stop's callback came */
  atomic_ullong records;
  atomic_ullong errors;  /* error lines it logged */
};

/* A record on its way to a worker: origin, candidate rules, bytes. */
typedef struct vigil_msg_s {
  vigil_host_t *source;
  uint64_t line;
  uint64_t record;
  uint32_t nrules;
  uint32_t *rules;
  char *stream;
  char *json;
  size_t len;
} vigil_msg_t;

typedef struct vigil_worker_s {
  vigil_pipeline_t *pl;
  int id;
  uv_thread_t thread;
  vigil_queue_t q;
  vigil_ruleset_t *rs;
  uint64_t *fired;       /* per rule */
  uint64_t *errors;      /* per rule */
  uint64_t *evals;       /* per rule */
} vigil_worker_t;

typedef enum { PL_RUNNING, PL_DRAINING, PL_STOPPING_SINKS, PL_CLOSING } pl_state_t;

struct vigil_pipeline_s {
  const vigil_conf_t *conf;
  uv_loop_t loop;
  uv_async_t wakeup;      /* alerts ready, a source done, a worker ended */
  uv_signal_t sigint;
  uv_signal_t sigterm;
  pl_state_t state;
  int signals;
  vigil_services_t svc;

  vigil_host_t sources[VIGIL_MAX_INSTANCES];
  int nsources;
  vigil_host_t sinks[VIGIL_MAX_INSTANCES];
  int nsinks;

  vigil_rule_index_t *index;
  vigil_worker_t *workers;
  int nworkers;
  atomic_int workers_alive;
  int joined;
  atomic_int closing;     /* emit() answers VIGIL_ECLOSED */

  pthread_mutex_t alert_mu;
  vigil_alert_item_t *alert_head;
  vigil_alert_item_t *alert_tail;
  uint64_t inflight;      /* alerts handed to sinks, not yet reported */

  atomic_ullong records;
  atomic_ullong candidates;
  atomic_ullong digests;
  atomic_ullong other;
  atomic_ullong decode_errors;
  uint64_t alerts;
  uint64_t delivery_failures;
};

/* ingest.c: the services' emit(), run on the caller's thread. */
int vigil_ingest(vigil_host_t *h, const void *data, size_t len, const vigil_position_t *pos);
/* True when an emit now would have to wait. */
int vigil_ingest_busy(vigil_pipeline_t *pl);

/* worker.c */
int vigil_workers_start(vigil_pipeline_t *pl);
void vigil_workers_close(vigil_pipeline_t *pl);
void vigil_workers_join(vigil_pipeline_t *pl);
void vigil_msg_free(vigil_msg_t *m);

/* pipeline.c: hands a finished alert to the loop (any thread). */
void vigil_pipeline_post(vigil_pipeline_t *pl, vigil_alert_item_t *a);

#endif
