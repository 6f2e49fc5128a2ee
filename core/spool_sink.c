/*
 * Sink outages: the host's side of each sink's spool (spool.c), on the
 * loop thread. docs/delivery.md tells the whole promise.
 *
 * A sink is "up" until it answers RETRY (it has done its own retries by
 * then). The alert is appended to its spool, which counts as accepted
 * (the tracker may ack), and the sink goes "down": later alerts go
 * straight to the spool, in order behind the others. A replay timer
 * then offers spooled records in rounds: one record while probing, a
 * window of them once one got through. A round's records that came back
 * DONE (or FAILED for good: resending cannot help) are consumed from the
 * front; the rest stay for the next round, after a backoff. When the spool
 * is empty the sink is up again.
 *
 * A full spool: the alert is held in memory (not accepted, so its
 * tracker does not ack), `pressure` is set and emit() waits, which slows
 * every source. Held alerts move into the spool as replay frees room.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "metrics.h"
#include "pipeline_int.h"
#include "spool.h"

#define DEFAULT_SPOOL_MB 256
#define ROUND_WINDOW 256
#define BACKOFF_FIRST_MS 250
#define BACKOFF_MAX_MS 5000

enum { RP_PENDING, RP_DONE, RP_FAILED, RP_RETRY };

typedef struct vigil_replay_s {
  struct vigil_replay_s *next;
  vigil_spool_rec_t rec;
  int state;
} vigil_replay_t;

typedef struct vigil_held_s {
  struct vigil_held_s *next;
  vigil_alert_item_t *a;
} vigil_held_t;

static void on_replay_timer(uv_timer_t *t);

/* What /metrics shows for this sink's spool. */
static void gauge(vigil_host_t *h) {
  vigil_metrics_set_spool(h->pl->metrics, (int)(h - h->pl->sinks), vigil_spool_count(h->spool),
                          vigil_spool_bytes(h->spool));
}

static void set_pressure(vigil_pipeline_t *pl) {
  int any = 0;

  for (int i = 0; i < pl->nsinks; i++)
    any = any || pl->sinks[i].nheld > 0;
  pthread_mutex_lock(&pl->press_mu);
  atomic_store(&pl->pressure, any);
  if (!any)
    pthread_cond_broadcast(&pl->press_cv);
  pthread_mutex_unlock(&pl->press_mu);
}

static void schedule(vigil_host_t *h, uint64_t ms) {
  if (h->replay_timer_on && !h->stopping && !h->replay_head)
    uv_timer_start(&h->replay_timer, on_replay_timer, ms, 0);
}

static void go_down(vigil_host_t *h) {
  if (h->down)
    return;
  h->down = 1;
  h->window = 1;
  h->backoff_ms = BACKOFF_FIRST_MS;
  vigil_warn(h->name, "delivery failing: alerts are kept in the spool until it recovers");
  schedule(h, h->backoff_ms);
}

/* Appends a; 1 when it is in the spool (accepted), 0 when it must wait. */
static int append(vigil_host_t *h, vigil_alert_item_t *a) {
  char err[512];
  int rc = vigil_spool_append(h->spool, &a->pub, err, sizeof(err));

  if (rc == VIGIL_OK) {
    h->spooled++;
    gauge(h);
    vigil_alert_finish(h->pl, a);
    return 1;
  }
  if (rc == VIGIL_EINVAL) {
    /* It can never fit: a delivery failure, not a reason to stop forever. */
    a->failed++;
    vigil_error(h->name, "alert %s not spooled: %s", a->rule_id, err);
    vigil_alert_finish(h->pl, a);
    return 1;
  }
  if (rc != VIGIL_EAGAIN)
    vigil_error(h->name, "spool: %s; holding the alert in memory", err);
  return 0;
}

static void hold(vigil_host_t *h, vigil_alert_item_t *a) {
  vigil_held_t *n = malloc(sizeof(*n));

  if (!n) {
    /* Out of memory: give the alert up loudly rather than lose track. */
    a->failed++;
    vigil_error(h->name, "alert %s dropped: out of memory with the spool full", a->rule_id);
    vigil_alert_finish(h->pl, a);
    return;
  }
  n->a = a;
  n->next = NULL;
  if (h->held_tail)
    h->held_tail->next = n;
  else
    h->held_head = n;
  h->held_tail = n;
  h->nheld++;
  h->held_total++;
  if (!h->full_warned) {
    vigil_warn(h->name, "spool full (%" PRIu64 " bytes): holding alerts in memory, not "
               "acknowledging them, and slowing the sources", vigil_spool_bytes(h->spool));
    h->full_warned = 1;
  }
  if (h->nheld == 1)
    set_pressure(h->pl);
}

/* Moves held alerts into the spool while there is room, oldest first. */
static void drain_held(vigil_host_t *h) {
  vigil_held_t *n;
  size_t before = h->nheld;

  while ((n = h->held_head) && append(h, n->a)) {
    h->held_head = n->next;
    if (!h->held_head)
      h->held_tail = NULL;
    h->nheld--;
    free(n);
  }
  if (before > 0 && h->nheld == 0) {
    h->full_warned = 0;
    vigil_info(h->name, "spool has room again: sources resume");
    set_pressure(h->pl);
  }
}

static void take(vigil_host_t *h, vigil_alert_item_t *a) {
  if (h->nheld > 0 || !append(h, a))
    hold(h, a);
}

int vigil_spool_route(vigil_host_t *h, vigil_alert_item_t *a) {
  if (!h->spool || (!h->down && h->nheld == 0))
    return 0;
  take(h, a);
  return 1;
}

int vigil_spool_take(vigil_host_t *h, vigil_alert_item_t *a) {
  if (!h->spool)
    return 0;
  go_down(h);
  take(h, a);
  return 1;
}

/* ---- replay ----------------------------------------------------------- */

static void end_round(vigil_host_t *h) {
  vigil_replay_t *r = h->replay_head, *next;
  vigil_spool_pos_t upto = {0, 0};
  uint64_t n = 0;
  int stuck = 0;

  for (; r; r = next) {
    next = r->next;
    if (!stuck && (r->state == RP_DONE || r->state == RP_FAILED)) {
      upto = r->rec.end;
      n++;
    } else {
      stuck = 1;
    }
    vigil_spool_rec_free(&r->rec);
    free(r);
  }
  h->replay_head = h->replay_tail = NULL;
  if (n > 0) {
    vigil_spool_consume(h->spool, upto, n);
    h->replayed += n;
    gauge(h);
  }
  drain_held(h);
  /* A drain may be waiting on this round (vigil_spools_busy). */
  if (h->pl->state == PL_DRAINING)
    uv_async_send(&h->pl->wakeup);
  h->replay_ok = !h->round_retry && !stuck;
  if (h->round_retry || stuck) {
    h->round_retry = 0;
    h->window = 1;
    schedule(h, h->backoff_ms);
    h->backoff_ms = h->backoff_ms * 2 < BACKOFF_MAX_MS ? h->backoff_ms * 2 : BACKOFF_MAX_MS;
    return;
  }
  h->window = ROUND_WINDOW;
  h->backoff_ms = BACKOFF_FIRST_MS;
  schedule(h, 0);
}

static void start_round(vigil_host_t *h) {
  vigil_spool_pos_t pos = vigil_spool_cursor(h->spool);
  vigil_replay_t *r;
  size_t i;

  if (h->replay_head || h->stopping)
    return;
  gauge(h); /* the metrics exist only once the pipeline started */
  for (i = 0; i < h->window; i++) {
    r = calloc(1, sizeof(*r));
    if (!r || vigil_spool_read(h->spool, &pos, &r->rec) != 1) {
      free(r);
      break;
    }
    r->rec.pub.token = r;
    if (h->replay_tail)
      h->replay_tail->next = r;
    else
      h->replay_head = r;
    h->replay_tail = r;
  }
  if (!h->replay_head) {
    h->replay_ok = 0;
    if (h->nheld == 0 && vigil_spool_count(h->spool) == 0) {
      if (h->replayed > 0 || h->down)
        vigil_info(h->name, "delivering again; the spool is empty (%" PRIu64 " alerts "
                   "replayed from it)", h->replayed);
      h->down = 0;
    } else {
      schedule(h, h->backoff_ms);
    }
    return;
  }
  /* Reports may come back inside deliver(); the round ends after the loop. */
  h->in_round = 1;
  for (r = h->replay_head; r; r = r->next) {
    h->replay_out++;
    if (h->lib->desc.deliver(h->inst, &r->rec.pub) != VIGIL_OK) {
      r->state = RP_RETRY;
      h->round_retry = 1;
      h->replay_out--;
    }
  }
  h->in_round = 0;
  if (h->replay_out == 0)
    end_round(h);
}

static void on_replay_timer(uv_timer_t *t) {
  start_round(t->data);
}

int vigil_spool_delivered(vigil_host_t *h, void *token, vigil_delivery_t outcome) {
  vigil_replay_t *r;

  for (r = h->replay_head; r && r != token; r = r->next)
    ;
  if (!r)
    return 0;
  if (r->state != RP_PENDING)
    return 1;
  if (outcome == VIGIL_DELIVERY_DONE) {
    r->state = RP_DONE;
  } else if (outcome == VIGIL_DELIVERY_FAILED) {
    /* Rejected for good: sending it again cannot help. */
    r->state = RP_FAILED;
    h->replay_failed++;
    h->pl->delivery_failures++;
    vigil_error(h->name, "spooled alert %s for %s rejected: %s", r->rec.pub.rule_id,
                r->rec.pub.message,
                h->lib->desc.last_error(h->inst) ? h->lib->desc.last_error(h->inst)
                                                 : "no reason given");
  } else {
    r->state = RP_RETRY;
    h->round_retry = 1;
  }
  if (--h->replay_out == 0 && !h->in_round)
    end_round(h);
  return 1;
}

/* ---- set-up and tear-down ---------------------------------------------- */

static int spool_root(const vigil_conf_t *c, char *out, size_t cap) {
  if (c->spool_dir)
    snprintf(out, cap, "%s", c->spool_dir);
  else if (c->state_dir)
    snprintf(out, cap, "%s/spool", c->state_dir);
  else
    return 0;
  return 1;
}

int vigil_spools_open(vigil_pipeline_t *pl) {
  char root[PATH_MAX], dir[PATH_MAX + 256], err[1024];
  uint64_t max = (uint64_t)(pl->conf->spool_max_mb > 0 ? pl->conf->spool_max_mb
                                                       : DEFAULT_SPOOL_MB) << 20;
  vigil_host_t *h;

  if (!spool_root(pl->conf, root, sizeof(root)))
    return VIGIL_OK;
  if (pl->conf->state_dir)
    mkdir(pl->conf->state_dir, 0750);
  if (mkdir(root, 0750) != 0 && errno != EEXIST) {
    vigil_error(NULL, "cannot create spool folder %s: %s", root, strerror(errno));
    return VIGIL_EIO;
  }
  for (int i = 0; i < pl->nsinks; i++) {
    h = &pl->sinks[i];
    snprintf(dir, sizeof(dir), "%s/%s", root, h->name);
    if (vigil_spool_open(dir, max, h->name, &h->spool, err, sizeof(err)) != VIGIL_OK) {
      vigil_error(h->name, "%s", err);
      return VIGIL_EIO;
    }
    uv_timer_init(&pl->loop, &h->replay_timer);
    h->replay_timer.data = h;
    h->replay_timer_on = 1;
    h->window = 1;
    h->backoff_ms = BACKOFF_FIRST_MS;
    if (vigil_spool_count(h->spool) > 0) {
      vigil_info(h->name, "%" PRIu64 " alerts spooled by an earlier run; delivering them first",
                 vigil_spool_count(h->spool));
      h->down = 1;
      schedule(h, 0);
    }
  }
  return VIGIL_OK;
}

int vigil_spool_wait_room(vigil_pipeline_t *pl, int nonblock) {
  struct timespec until;
  int rc = VIGIL_OK;

  if (!atomic_load(&pl->pressure))
    return VIGIL_OK;
  if (nonblock)
    return VIGIL_EAGAIN;
  /* The loop thread drains the spool: it must never wait for it. */
  if (pthread_equal(pthread_self(), pl->loop_thread))
    return VIGIL_OK;
  pthread_mutex_lock(&pl->press_mu);
  while (atomic_load(&pl->pressure) && !atomic_load(&pl->closing) &&
         !atomic_load(&pl->stop_asked)) {
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_nsec += 200000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    pthread_cond_timedwait(&pl->press_cv, &pl->press_mu, &until);
  }
  if (atomic_load(&pl->pressure))
    rc = VIGIL_ECLOSED; /* stopping while full: the caller stops emitting */
  pthread_mutex_unlock(&pl->press_mu);
  return rc;
}

/*
 * When the input has ended, the drain waits while a sink that recovered
 * empties its spool, so a one-shot run delivers what an earlier run kept.
 * It does not wait for a sink that still fails (its alerts stay on disk for
 * the next start), nor after a signal: a stop should not last as long as a
 * large spool takes to replay.
 */
int vigil_spools_busy(vigil_pipeline_t *pl) {
  vigil_host_t *h;

  if (atomic_load(&pl->stop_asked))
    return 0;
  for (int i = 0; i < pl->nsinks; i++) {
    h = &pl->sinks[i];
    if (h->spool && (h->replay_head || (h->replay_ok && vigil_spool_count(h->spool) > 0)))
      return 1;
  }
  return 0;
}

/* Before the sinks stop: no new rounds. */
void vigil_spools_stop(vigil_pipeline_t *pl) {
  for (int i = 0; i < pl->nsinks; i++)
    if (pl->sinks[i].replay_timer_on)
      uv_timer_stop(&pl->sinks[i].replay_timer);
}

/* Loop is closing: the timers' handles go with it. */
void vigil_spools_close_timers(vigil_pipeline_t *pl) {
  for (int i = 0; i < pl->nsinks; i++)
    if (pl->sinks[i].replay_timer_on &&
        !uv_is_closing((uv_handle_t *)&pl->sinks[i].replay_timer))
      uv_close((uv_handle_t *)&pl->sinks[i].replay_timer, NULL);
}

void vigil_spools_free(vigil_pipeline_t *pl) {
  vigil_host_t *h;
  vigil_replay_t *r, *rn;
  vigil_held_t *n, *nn;

  /* A start-up that failed never reached close_all(). */
  vigil_spools_close_timers(pl);
  for (int i = 0; i < pl->nsinks; i++) {
    h = &pl->sinks[i];
    if (h->nheld > 0)
      vigil_warn(h->name, "%zu alerts did not fit in the full spool and were never "
                 "acknowledged: their sources read those events again after a restart",
                 h->nheld);
    for (n = h->held_head; n; n = nn) {
      nn = n->next;
      /* Trackers were answered VIGIL_ECLOSED already; free the alert once
       * no other sink holds it either. */
      n->a->track = NULL;
      if (--n->a->pending == 0)
        vigil_alert_free(n->a);
      free(n);
    }
    for (r = h->replay_head; r; r = rn) {
      rn = r->next;
      vigil_spool_rec_free(&r->rec);
      free(r);
    }
    if (h->spool) {
      if (h->spooled || h->replayed || vigil_spool_count(h->spool))
        vigil_info(h->name, "spool: %" PRIu64 " alerts spooled, %" PRIu64 " replayed, %" PRIu64
                   " waiting on disk for the next start", h->spooled, h->replayed,
                   vigil_spool_count(h->spool));
      vigil_spool_close(h->spool);
    }
  }
}
