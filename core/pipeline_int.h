/* Pipeline internals shared by pipeline.c, ingest.c and worker.c. */
#ifndef VIGIL_PIPELINE_INT_H
#define VIGIL_PIPELINE_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "alert.h"
#include "pipeline.h"
#include "plugin_host.h"
#include "queue.h"
#include "rule_index.h"
#include "rules.h"

typedef struct vigil_pipeline_s vigil_pipeline_t;

typedef struct vigil_batch_s vigil_batch_t;
typedef struct vigil_track_s vigil_track_t;
typedef struct vigil_gen_s vigil_gen_t;

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
  /* Sources: the batch being filled and the acks waiting, in emit order. */
  pthread_mutex_t bmu;
  vigil_batch_t *open;
  uint64_t opened_ns;
  vigil_track_t *track_head;
  vigil_track_t *track_tail;
  /* Sinks: the on-disk spool and its replay (spool_sink.c); loop thread. */
  struct vigil_spool_s *spool;
  int down;                 /* new alerts go to the spool until it drains */
  int replay_timer_on;      /* replay_timer initialised */
  int in_round;             /* a round is being handed to the sink */
  int round_retry;          /* a record of the round came back RETRY */
  size_t window;            /* records per round: 1 to probe, more once up */
  int replay_ok;            /* the last round got through: the next is due at once */
  uint64_t backoff_ms;
  uv_timer_t replay_timer;
  struct vigil_replay_s *replay_head; /* the round, in spool order */
  struct vigil_replay_s *replay_tail;
  size_t replay_out;        /* of the round, not reported yet */
  struct vigil_held_s *held_head; /* alerts waiting for room in the spool */
  struct vigil_held_s *held_tail;
  size_t nheld;
  int full_warned;
  uint64_t spooled, replayed, replay_failed, held_total;
};

/*
 * An emit_acked() call in flight. One reference for its bytes until they
 * are scanned, one per candidate record until evaluated, one per alert
 * until every sink has reported: at zero it is done, and the loop acks
 * the source's done trackers in emit order.
 */
struct vigil_track_s {
  vigil_track_t *next;
  vigil_host_t *src;
  vigil_ack_cb ack;
  void *arg;
  atomic_int refs;
  atomic_int done;
  atomic_int lost;  /* an alert of it was given up undelivered (no spool) */
};

/* A top-level member of a record, as offsets into its text: stage 1 read
 * them, so the owner's byte view starts from them instead of a scan. */
typedef struct vigil_msg_member_s {
  uint32_t name_off;
  uint32_t name_len;
  uint32_t val_off;
  uint32_t val_len;
  uint8_t name_escaped;
  uint8_t val_type;     /* a vigil_jtype_t */
  uint8_t val_escaped;
} vigil_msg_member_t;

/* A record on its way to the worker that owns its principal. */
typedef struct vigil_msg_s {
  struct vigil_msg_s *next;
  vigil_host_t *source;
  vigil_gen_t *gen;      /* the rule set that chose it; evaluated with the same */
  vigil_track_t *track;
  uint64_t line;
  uint64_t record;
  uint32_t nrules;
  uint32_t *rules;
  char *stream;
  char *json;
  size_t len;
  vigil_msg_member_t *members; /* nmembers of them; 0: not read in stage 1 */
  uint32_t nmembers;
  /* then, at members + nmembers, those of the userIdentity object at
   * json + uid_off (nuid 0: not read in stage 1) */
  uint32_t nuid;
  uint32_t uid_off;
  uint32_t uid_len;
  int scanned_by;        /* the worker whose malloc() made it (it frees it) */
} vigil_msg_t;

/* In vigil_msg_t.rules: the rule's condition already held in stage 1. */
#define VIGIL_MSG_WHEN_HELD 0x80000000u
#define VIGIL_MSG_MAX_RULES 512 /* rules one record may carry (scan_stage.c caps it) */

typedef struct vigil_worker_s {
  vigil_pipeline_t *pl;
  int id;
  uv_thread_t thread;
  vigil_msg_t *inbox_head;  /* candidates of its partition, in order; under sched.mu */
  vigil_msg_t *inbox_tail;
  size_t inbox_len;
  struct vigil_state_s *state; /* stateful rule memory, kept across reloads */
  /* Blocks this worker allocated that another thread is done with, for
   * it to free: a free() of another thread's block takes that thread's
   * malloc arena lock, which its owner holds often (worker_give_back). */
  _Atomic(vigil_msg_t *) msgs_back;
  _Atomic(struct vigil_alert_item_s *) alerts_back;
} vigil_worker_t;

/* Scan results of one batch, by destination worker, until its turn. */
typedef struct vigil_scan_out_s {
  int ready;
  vigil_msg_t **head;
  vigil_msg_t **tail;
  size_t *count;
} vigil_scan_out_t;

/*
 * Work sharing between the sources and the workers, under one mutex.
 * Sources push batches of raw records; any idle worker scans the next
 * batch (stage 1); its candidates are handed, in batch order, to the
 * inbox of the worker owning each record's principal (stage 2).
 */
typedef struct vigil_sched_s {
  pthread_mutex_t mu;
  pthread_cond_t work;      /* workers: something to do, or closing */
  pthread_cond_t room;      /* sources: a batch slot is free */
  vigil_batch_t *qhead;
  vigil_batch_t *qtail;
  size_t qlen;
  size_t qcap;
  size_t qbytes;            /* bytes of the queued batches */
  size_t qbytes_cap;        /* above it sources wait too (one batch always fits) */
  uint64_t push_seq;        /* next batch number */
  uint64_t drain_seq;       /* next batch whose candidates go to inboxes */
  vigil_scan_out_t *ring;   /* scan results by batch number % nring */
  size_t nring;
  size_t scanning;          /* batches popped and not yet drained */
  size_t pending;           /* candidates in inboxes or being evaluated */
  size_t pending_cap;       /* above it, workers evaluate before scanning more */
  int closed;
} vigil_sched_t;

typedef enum { PL_RUNNING, PL_DRAINING, PL_STOPPING_SINKS, PL_CLOSING } pl_state_t;

struct vigil_pipeline_s {
  const vigil_conf_t *conf;
  uv_loop_t loop;
  uv_async_t wakeup;      /* alerts ready, a source done, a worker ended */
  uv_signal_t sigint;
  uv_signal_t sigterm;
  uv_signal_t sighup;       /* reload the rules */
  uv_timer_t watch_timer;   /* watch_rules: polls the rule folders */
  uv_timer_t stats_timer;   /* stats_interval: logs the figures */
  uint64_t watch_seen;
  int watch_pending;
  int reloading;
  int reload_again;
  unsigned reloads;
  uint64_t last_records;    /* at the previous stats line */
  uint64_t last_alerts;
  char *rule_paths[VIGIL_MAX_PATHS];
  int nrule_paths;
  char *rule_libs[1];
  int nrule_libs;
  pl_state_t state;
  int signals;
  vigil_services_t svc;

  vigil_host_t sources[VIGIL_MAX_INSTANCES];
  int nsources;
  vigil_host_t sinks[VIGIL_MAX_INSTANCES];
  int nsinks;

  vigil_sched_t sched;
  uv_timer_t flush_timer;   /* sends half-filled batches of quiet sources */
  vigil_gen_t *gen;         /* current rule set; under sched.mu */
  struct vigil_rule_stats_s *stats; /* per rule id, across reloads */
  vigil_worker_t *workers;
  int nworkers;
  int nworkers_started;
  atomic_int workers_alive;
  int joined;
  atomic_int closing;     /* emit() answers VIGIL_ECLOSED */

  /* Freed batches kept for reuse (vigil_batch_free). */
  pthread_mutex_t pool_mu;
  vigil_batch_t *pool;
  int npool;

  pthread_mutex_t alert_mu;
  vigil_alert_item_t *alert_head;
  vigil_alert_item_t *alert_tail;
  uint64_t inflight;      /* alerts handed to sinks, not yet reported */
  uint64_t deliveries_out; /* deliver() calls (and retry waits) not reported yet */
  pthread_t loop_thread;
  /* Back-pressure from full spools: emit() waits while it is set. */
  atomic_int pressure;
  atomic_int stop_asked;  /* a signal asked to stop: emit() no longer waits for room */
  pthread_mutex_t press_mu;
  pthread_cond_t press_cv;

  atomic_ullong records;
  atomic_ullong candidates;
  atomic_ullong digests;
  atomic_ullong other;
  atomic_ullong decode_errors;
  struct vigil_metrics_s *metrics; /* metrics*.c: GET /metrics and its counters */
  uint64_t alerts;
  uint64_t delivery_failures;
};

/* emit.c: the services' emit() family, on the caller's thread; `lines`
 * when the bytes are VIGIL_FORMAT_NDJSON. */
int vigil_emit(vigil_host_t *h, const void *data, size_t len, int lines,
               const vigil_position_t *pos, int nonblock, vigil_ack_cb ack, void *arg);
/* Sends a source's half-filled batch; blocking unless nonblock. */
void vigil_emit_flush(vigil_host_t *h, int nonblock);

/* sched.c: the work queue and the ordered hand-over. */
int vigil_sched_init(vigil_pipeline_t *pl);
void vigil_sched_destroy(vigil_pipeline_t *pl);
/* Queues a full batch; waits for room unless nonblock (then -1 when full,
 * or when closed). */
int vigil_sched_push(vigil_pipeline_t *pl, vigil_batch_t *b, int nonblock);
void vigil_sched_close(vigil_pipeline_t *pl);
int vigil_sched_full(vigil_pipeline_t *pl);
size_t vigil_sched_depth(vigil_pipeline_t *pl, size_t *pending);

/* scan_stage.c: stage 1, a batch's records to candidate messages. */
void vigil_scan_batch(vigil_worker_t *w, vigil_batch_t *b, vigil_gen_t *gen,
                      vigil_scan_out_t *out);
void vigil_batch_free(vigil_batch_t *b);
/* The batches kept for reuse, at tear-down. */
void vigil_batch_pool_free(vigil_pipeline_t *pl);

/* worker.c: threads running both stages; stage 2 evaluates candidates. */
int vigil_workers_start(vigil_pipeline_t *pl);
void vigil_workers_join(vigil_pipeline_t *pl);
void vigil_worker_eval(vigil_worker_t *w, vigil_msg_t *m);
/* w is done with m: its references go, and the block goes back to the
 * worker that allocated it (freed now when that is w). */
void vigil_msg_done(vigil_worker_t *w, vigil_msg_t *m);
/* Frees what other threads gave back to w; w's thread, or after join. */
void vigil_worker_take_back(vigil_worker_t *w);
/* The loop is done with alert a: it goes back to the worker that made it
 * while workers run, else it is freed. Loop thread. */
void vigil_alert_give_back(vigil_pipeline_t *pl, vigil_alert_item_t *a);

/* track.c: acks of emit_acked(). */
vigil_track_t *vigil_track_new(vigil_host_t *h, vigil_ack_cb ack, void *arg);
void vigil_track_ref(vigil_track_t *t);
void vigil_track_release(vigil_track_t *t);
/* An alert of t was given up without any sink keeping it: t acks with
 * VIGIL_EIO, so its source does not move a checkpoint past it. */
void vigil_track_lost(vigil_track_t *t);
/* Loop thread: acks every done tracker at the head of each source. */
void vigil_track_ack_done(vigil_pipeline_t *pl);
/* Loop thread, at tear-down: tells the rest they may not be done. */
void vigil_track_ack_closed(vigil_pipeline_t *pl);

/* reload.c: SIGHUP and watch_rules. */
void vigil_reload_setup(vigil_pipeline_t *pl);
void vigil_reload_start(vigil_pipeline_t *pl);
void vigil_reload_close(vigil_pipeline_t *pl);

/* pl_stats.c: figures for --stats, the periodic log line and shutdown. */
void vigil_stats_print(vigil_pipeline_t *pl, const vigil_run_stats_t *st, FILE *out);
void vigil_stats_setup(vigil_pipeline_t *pl);
void vigil_stats_close(vigil_pipeline_t *pl);
/* Logs each rule that saw events (shutdown of a long run). */
void vigil_stats_log_rules(vigil_pipeline_t *pl);

/* pipeline.c: hands a finished alert to the loop (any thread). */
void vigil_pipeline_post(vigil_pipeline_t *pl, vigil_alert_item_t *a);
/* pipeline.c: one sink is done with a (delivered, spooled or gave up). */
void vigil_alert_finish(vigil_pipeline_t *pl, vigil_alert_item_t *a);

/* spool_sink.c: sink outages kept on disk (docs/delivery.md). */
int vigil_spools_open(vigil_pipeline_t *pl);
/* Takes a live alert instead of the sink while the sink is down: 1 taken. */
int vigil_spool_route(vigil_host_t *sink, vigil_alert_item_t *a);
/* The sink answered RETRY: spool a (1), or 0 when the sink has no spool. */
int vigil_spool_take(vigil_host_t *sink, vigil_alert_item_t *a);
/* A delivery report: 1 when token was a replayed record (handled). */
int vigil_spool_delivered(vigil_host_t *sink, void *token, vigil_delivery_t outcome);
/* Emitting sources wait here while a spool is full; VIGIL_EAGAIN when
 * nonblock, VIGIL_ECLOSED when the pipeline stops (or a signal asked it
 * to) first. */
int vigil_spool_wait_room(vigil_pipeline_t *pl, int nonblock);
/* 1 while a drain should wait for a sink emptying its spool (see there). */
int vigil_spools_busy(vigil_pipeline_t *pl);
void vigil_spools_stop(vigil_pipeline_t *pl);
void vigil_spools_close_timers(vigil_pipeline_t *pl);
void vigil_spools_free(vigil_pipeline_t *pl);

#endif
