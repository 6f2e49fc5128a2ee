/*
 * Pipeline set-up, the services plugins call, and the loop's life cycle:
 *
 *   RUNNING        sources produce; workers evaluate; alerts reach sinks
 *   DRAINING       every source has stopped: worker queues are closed and
 *                  drain; alerts still flow
 *   STOPPING_SINKS workers are gone and every alert is delivered: sinks
 *                  are asked to stop
 *   CLOSING        handles close; the loop ends
 *
 * SIGINT/SIGTERM stop the sources, which leads to DRAINING: what is in
 * flight is finished, not dropped. A second signal quits at once.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "log.h"
#include "metrics.h"
#include "pipeline_int.h"
#include "state.h"

#define RETRY_LIMIT 5

/* ---- services --------------------------------------------------------- */

static void svc_log(vigil_host_t *h, vigil_log_level_t level, const char *fmt, ...) {
  va_list ap;

  if (level == VIGIL_LOG_ERROR)
    atomic_fetch_add(&h->errors, 1);
  char component[96];

  snprintf(component, sizeof(component), "%s.%s", h->sink ? "sink" : "source",
           h->lib ? h->lib->desc.name : "?");
  va_start(ap, fmt);
  vigil_logv_inst(level, component, h->name, fmt, ap);
  va_end(ap);
}

static int known_format(vigil_format_t format) {
  return format == VIGIL_FORMAT_JSON || format == VIGIL_FORMAT_NDJSON;
}

static int svc_emit(vigil_host_t *h, const void *data, size_t len, vigil_format_t format,
                    const vigil_position_t *pos) {
  int rc;

  if (atomic_load(&h->pl->closing))
    return VIGIL_ECLOSED;
  if (!known_format(format) || (!data && len))
    return VIGIL_EINVAL;
  if ((rc = vigil_spool_wait_room(h->pl, 0)) != VIGIL_OK)
    return rc;
  return vigil_emit(h, data, len, format == VIGIL_FORMAT_NDJSON, pos, 0, NULL, NULL);
}

static int svc_try_emit(vigil_host_t *h, const void *data, size_t len, vigil_format_t format,
                        const vigil_position_t *pos) {
  if (atomic_load(&h->pl->closing))
    return VIGIL_ECLOSED;
  if (!known_format(format) || (!data && len))
    return VIGIL_EINVAL;
  if (vigil_spool_wait_room(h->pl, 1) != VIGIL_OK)
    return VIGIL_EAGAIN;
  return vigil_emit(h, data, len, format == VIGIL_FORMAT_NDJSON, pos, 1, NULL, NULL);
}

static int svc_emit_acked(vigil_host_t *h, const void *data, size_t len, vigil_format_t format,
                          const vigil_position_t *pos, vigil_ack_cb ack, void *arg) {
  int rc;

  if (atomic_load(&h->pl->closing))
    return VIGIL_ECLOSED;
  if (!known_format(format) || (!data && len) || !ack)
    return VIGIL_EINVAL;
  /* A full spool holds alerts unacknowledged; waiting here slows the source. */
  if ((rc = vigil_spool_wait_room(h->pl, 0)) != VIGIL_OK)
    return rc;
  return vigil_emit(h, data, len, format == VIGIL_FORMAT_NDJSON, pos, 0, ack, arg);
}

static int svc_try_emit_acked(vigil_host_t *h, const void *data, size_t len,
                              vigil_format_t format, const vigil_position_t *pos,
                              vigil_ack_cb ack, void *arg) {
  if (atomic_load(&h->pl->closing))
    return VIGIL_ECLOSED;
  if (!known_format(format) || (!data && len) || !ack)
    return VIGIL_EINVAL;
  if (vigil_spool_wait_room(h->pl, 1) != VIGIL_OK)
    return VIGIL_EAGAIN;
  return vigil_emit(h, data, len, format == VIGIL_FORMAT_NDJSON, pos, 1, ack, arg);
}

static void svc_source_done(vigil_host_t *h) {
  atomic_store(&h->done, 1);
  uv_async_send(&h->pl->wakeup);
}

static void deliver_to(vigil_host_t *sink, vigil_alert_item_t *a);

/* A deliver() call or retry wait ended. The last one may be what held a
 * drain up, and an alert held for a full spool finishes nothing that
 * would otherwise wake the loop to notice. */
static void delivery_ended(vigil_pipeline_t *pl) {
  if (--pl->deliveries_out == 0)
    uv_async_send(&pl->wakeup);
}

static void retry_cb(uv_timer_t *t) {
  void **pair = t->data;
  vigil_host_t *h = pair[0];

  delivery_ended(h->pl);
  deliver_to(pair[0], pair[1]);
  free(pair);
  uv_close((uv_handle_t *)t, (uv_close_cb)free);
}

void vigil_alert_finish(vigil_pipeline_t *pl, vigil_alert_item_t *a) {
  int tracked = a->track != NULL;

  if (--a->pending > 0)
    return;
  pl->inflight--;
  if (a->failed)
    pl->delivery_failures++;
  /* Every sink delivered it, spooled it, rejected it for good (FAILED:
   * logged and counted; reading the event again would get the same
   * answer), or gave it up with no spool to keep it, which marked the
   * tracker lost so the source's checkpoint stays before the event. */
  if (a->track)
    vigil_track_release(a->track);
  vigil_alert_give_back(pl, a);
  /* It may complete a drain or an acknowledgement. Otherwise the loop has
   * nothing to do for it: waking it per alert cost two syscalls each. */
  if (tracked || pl->state != PL_RUNNING)
    uv_async_send(&pl->wakeup);
}

static void svc_delivered(vigil_host_t *h, void *token, vigil_delivery_t outcome) {
  vigil_alert_item_t *a = token;
  uv_timer_t *t;
  void **pair;

  vigil_metrics_sink(h->pl->metrics, (int)(h - h->pl->sinks), outcome);
  if (vigil_spool_delivered(h, token, outcome))
    return;
  delivery_ended(h->pl);
  /* The sink has made its own retries: keep the alert on disk instead. */
  if (outcome == VIGIL_DELIVERY_RETRY && vigil_spool_take(h, a))
    return;
  if (outcome == VIGIL_DELIVERY_RETRY && a->attempts < RETRY_LIMIT) {
    /* Back off 100 ms, 200 ms, ... then try the same sink again. */
    t = malloc(sizeof(*t));
    pair = malloc(2 * sizeof(void *));
    if (t && pair) {
      pair[0] = h;
      pair[1] = a;
      t->data = pair;
      uv_timer_init(&h->pl->loop, t);
      uv_timer_start(t, retry_cb, 100u << a->attempts, 0);
      a->attempts++;
      h->pl->deliveries_out++;
      return;
    }
    free(t);
    free(pair);
  }
  if (outcome != VIGIL_DELIVERY_DONE) {
    a->failed++;
    if (outcome == VIGIL_DELIVERY_RETRY && a->track)
      vigil_track_lost(a->track);
    vigil_error(h->name, "alert %s for %s could not be delivered: %s", a->rule_id,
                a->pub.message, h->lib->desc.last_error(h->inst)
                                    ? h->lib->desc.last_error(h->inst)
                                    : "no reason given");
  }
  vigil_alert_finish(h->pl, a);
}

static const char *svc_state_dir(vigil_host_t *h) {
  return h->state_dir;
}

static const char *svc_instance_name(vigil_host_t *h) {
  return h->name;
}

/* ---- alerts to sinks (loop thread) ------------------------------------ */

void vigil_pipeline_post(vigil_pipeline_t *pl, vigil_alert_item_t *a) {
  pthread_mutex_lock(&pl->alert_mu);
  if (pl->alert_tail)
    pl->alert_tail->next = a;
  else
    pl->alert_head = a;
  pl->alert_tail = a;
  pthread_mutex_unlock(&pl->alert_mu);
  uv_async_send(&pl->wakeup);
}

static void deliver_to(vigil_host_t *sink, vigil_alert_item_t *a) {
  if (vigil_spool_route(sink, a))
    return;
  sink->pl->deliveries_out++;
  if (sink->lib->desc.deliver(sink->inst, &a->pub) != VIGIL_OK) {
    delivery_ended(sink->pl);
    vigil_metrics_sink(sink->pl->metrics, (int)(sink - sink->pl->sinks), VIGIL_DELIVERY_FAILED);
    /* A refusal (out of memory, an address it cannot use) may pass: the
     * spool keeps the alert for replay when there is one. */
    if (sink->spool) {
      vigil_warn(sink->name, "refused alert %s (%s); kept in the spool", a->rule_id,
                 sink->lib->desc.last_error(sink->inst) ? sink->lib->desc.last_error(sink->inst)
                                                        : "no reason given");
      vigil_spool_take(sink, a);
      return;
    }
    a->failed++;
    if (a->track)
      vigil_track_lost(a->track);
    vigil_error(sink->name, "refused alert %s: %s", a->rule_id,
                sink->lib->desc.last_error(sink->inst) ? sink->lib->desc.last_error(sink->inst)
                                                       : "no reason given");
    vigil_alert_finish(sink->pl, a);
  }
}

static void dispatch_alerts(vigil_pipeline_t *pl) {
  vigil_alert_item_t *a;
  vigil_alert_item_t *next;
  int i;

  pthread_mutex_lock(&pl->alert_mu);
  a = pl->alert_head;
  pl->alert_head = pl->alert_tail = NULL;
  pthread_mutex_unlock(&pl->alert_mu);
  for (; a; a = next) {
    next = a->next;
    a->next = NULL;
    a->pending = pl->nsinks;
    pl->inflight++;
    pl->alerts++;
    vigil_metrics_alert(pl->metrics, a->rule_id, a->pub.severity);
    for (i = 0; i < pl->nsinks; i++)
      deliver_to(&pl->sinks[i], a);
  }
}

/* ---- life cycle ------------------------------------------------------- */

static void source_stopped(void *arg) {
  vigil_host_t *h = arg;

  h->stopped = 1;
  uv_async_send(&h->pl->wakeup);
}

static void sink_stopped(void *arg) {
  vigil_host_t *h = arg;

  h->stopped = 1;
  uv_async_send(&h->pl->wakeup);
}

static void stop_source(vigil_host_t *h) {
  if (h->stopping)
    return;
  h->stopping = 1;
  if (h->lib->desc.stop(h->inst, source_stopped, h) != VIGIL_OK) {
    vigil_error(h->name, "stop failed: %s", h->lib->desc.last_error(h->inst));
    h->stopped = 1;
  }
}

static void close_all(vigil_pipeline_t *pl) {
  pl->state = PL_CLOSING;
  uv_close((uv_handle_t *)&pl->flush_timer, NULL);
  vigil_spools_close_timers(pl);
  vigil_reload_close(pl);
  vigil_stats_close(pl);
  vigil_metrics_stop(pl);
  uv_close((uv_handle_t *)&pl->wakeup, NULL);
  uv_close((uv_handle_t *)&pl->sigint, NULL);
  uv_close((uv_handle_t *)&pl->sigterm, NULL);
}

/* Moves the life cycle on; called whenever something may have changed. */
static void advance(vigil_pipeline_t *pl) {
  int i;
  int all = 1;

  if (pl->state == PL_RUNNING) {
    for (i = 0; i < pl->nsources; i++) {
      if (atomic_load(&pl->sources[i].done))
        stop_source(&pl->sources[i]);
      all = all && pl->sources[i].stopped;
    }
    if (!all)
      return;
    atomic_store(&pl->closing, 1);
    /* Workers never wait on the loop, so this wait ends. */
    for (i = 0; i < pl->nsources; i++)
      vigil_emit_flush(&pl->sources[i], 0);
    vigil_sched_close(pl);
    pl->state = PL_DRAINING;
  }
  if (pl->state == PL_DRAINING) {
    if (atomic_load(&pl->workers_alive) > 0)
      return;
    if (!pl->joined) {
      /* Workers have posted their last wakeup; joining makes sure none
       * touches the async handle once it is closed. */
      vigil_workers_join(pl);
      pl->joined = 1;
      dispatch_alerts(pl);
    }
    /* Alerts held for a full spool do not hold the stop up: their
     * trackers are answered VIGIL_ECLOSED, so sources read them again. */
    if (pl->alert_head || pl->deliveries_out > 0 || vigil_spools_busy(pl))
      return;
    pl->state = PL_STOPPING_SINKS;
    vigil_spools_stop(pl);
    for (i = 0; i < pl->nsinks; i++) {
      pl->sinks[i].stopping = 1;
      if (pl->sinks[i].lib->desc.stop(pl->sinks[i].inst, sink_stopped, &pl->sinks[i]) != 0)
        pl->sinks[i].stopped = 1;
    }
  }
  if (pl->state == PL_STOPPING_SINKS) {
    for (i = 0; i < pl->nsinks; i++)
      all = all && pl->sinks[i].stopped;
    if (all)
      close_all(pl);
  }
}

static void on_wakeup(uv_async_t *a) {
  vigil_pipeline_t *pl = a->data;

  dispatch_alerts(pl);
  vigil_track_ack_done(pl);
  advance(pl);
}

/* A quiet source's half-filled batch would otherwise wait for more input;
 * this bounds the added latency. Never blocks the loop. */
#define FLUSH_MS 20

static void on_flush_timer(uv_timer_t *t) {
  vigil_pipeline_t *pl = t->data;
  uint64_t now = uv_hrtime();
  int i;

  for (i = 0; i < pl->nsources; i++) {
    if (pl->sources[i].open && now - pl->sources[i].opened_ns >= FLUSH_MS * 1000000ull)
      vigil_emit_flush(&pl->sources[i], 1);
  }
}

static void on_signal(uv_signal_t *s, int signum) {
  vigil_pipeline_t *pl = s->data;
  int i;

  if (++pl->signals > 1) {
    vigil_error(NULL, "second signal: quitting without draining");
    _exit(130);
  }
  vigil_warn(NULL, "%s: stopping; finishing the events in flight (again to quit at once)",
             signum == SIGINT ? "SIGINT" : "SIGTERM");
  /* A source waiting for spool room could otherwise never see its stop. */
  pthread_mutex_lock(&pl->press_mu);
  atomic_store(&pl->stop_asked, 1);
  pthread_cond_broadcast(&pl->press_cv);
  pthread_mutex_unlock(&pl->press_mu);
  for (i = 0; i < pl->nsources; i++)
    stop_source(&pl->sources[i]);
  advance(pl);
}

/* ---- set-up ----------------------------------------------------------- */

static int exe_dir(char *out, size_t cap) {
  ssize_t n = readlink("/proc/self/exe", out, cap - 1);
  char *slash;

  if (n <= 0)
    return -1;
  out[n] = '\0';
  slash = strrchr(out, '/');
  if (slash)
    *slash = '\0';
  return 0;
}

const char *vigil_default_rules_dir(void) {
  static char found[PATH_MAX];
  char dir[PATH_MAX];
  char path[PATH_MAX + 64];
  struct stat st;

  if (found[0])
    return found;
  if (exe_dir(dir, sizeof(dir)) != 0)
    return NULL;
  snprintf(path, sizeof(path), "%s/rules", dir);
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
    snprintf(path, sizeof(path), "%s/%s", dir, VIGIL_RULES_SUBDIR);
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode) || !realpath(path, found)) {
    found[0] = '\0';
    return NULL;
  }
  return found;
}

static int make_state_dir(vigil_pipeline_t *pl, vigil_host_t *h) {
  char path[PATH_MAX];

  if (!pl->conf->state_dir)
    return 0;
  snprintf(path, sizeof(path), "%s/%s", pl->conf->state_dir, h->name);
  mkdir(pl->conf->state_dir, 0750);
  if (mkdir(path, 0750) != 0 && errno != EEXIST) {
    vigil_error(h->name, "cannot create state folder %s: %m", path);
    return -1;
  }
  h->state_dir = strdup(path);
  return 0;
}

static int create_instance(vigil_pipeline_t *pl, const vigil_plugin_dirs_t *dirs,
                           const vigil_instance_conf_t *ic, int sink, vigil_host_t *h) {
  char err[1024];
  const char *why = NULL;
  int rc;

  h->pl = pl;
  h->sink = sink;
  h->name = strdup(ic->name);
  rc = vigil_plugin_find(dirs, ic->type, sink ? VIGIL_PLUGIN_SINK : VIGIL_PLUGIN_SOURCE, &h->lib,
                         err, sizeof(err));
  if (rc != VIGIL_OK) {
    vigil_error(NULL, "%s", err);
    return rc;
  }
  if (make_state_dir(pl, h) != 0)
    return VIGIL_EIO;
  rc = h->lib->desc.create(&pl->svc, h, ic->config, &h->inst, &why);
  if (rc != VIGIL_OK) {
    vigil_error(h->name, "%s %s: cannot create: %s", sink ? "sink" : "source", ic->type,
                why ? why : "no reason given");
    h->inst = NULL;
  }
  return rc;
}

static int load_rules(vigil_pipeline_t *pl) {
  const vigil_conf_t *c = pl->conf;
  const char *paths[VIGIL_MAX_PATHS];
  const char *libs[1];
  int npaths = 0;
  int nlib = 0;
  int i;
  char err[2048];
  vigil_ruleset_t *rs;

  libs[0] = vigil_default_rules_dir();
  nlib = libs[0] ? 1 : 0;
  for (i = 0; i < c->nrules; i++)
    paths[npaths++] = c->rules[i];
  if (npaths == 0 && libs[0])
    paths[npaths++] = libs[0];
  /* Kept for reloads. */
  for (i = 0; i < npaths; i++)
    pl->rule_paths[pl->nrule_paths++] = strdup(paths[i]);
  if (nlib)
    pl->rule_libs[pl->nrule_libs++] = strdup(libs[0]);
  if (npaths == 0) {
    vigil_error(NULL, "no rules: the bundled rules folder was not found; give --rules PATH");
    return VIGIL_EINVAL;
  }
  for (i = 0; i < pl->nworkers; i++) {
    pl->workers[i].pl = pl;
    pl->workers[i].id = i;
    pl->workers[i].state = vigil_state_new(c->state_max_bytes);
    if (!pl->workers[i].state)
      return VIGIL_ENOMEM;
  }
  pl->gen = vigil_gen_load(paths, npaths, libs, nlib, pl->nworkers, err, sizeof(err));
  if (!pl->gen) {
    vigil_error("rules", "%s", err);
    return VIGIL_EINVAL;
  }
  if (vigil_gen_bind(pl->gen, &pl->stats) != 0)
    return VIGIL_ENOMEM;
  rs = pl->gen->rs[0];
  vigil_info("rules", "%zu rules from %zu files (%zu disabled), %zu run on every event",
             rs->nrules, rs->nfiles, rs->ndisabled, vigil_rule_index_wildcards(pl->gen->index));
  return VIGIL_OK;
}

static int setup(vigil_pipeline_t *pl, const vigil_conf_t *conf) {
  vigil_plugin_dirs_t dirs = {{0}, 0};
  int i;
  int rc;
  long cores = sysconf(_SC_NPROCESSORS_ONLN);

  pl->conf = conf;
  pl->nworkers = conf->workers > 0 ? conf->workers : (cores > 0 ? (int)cores : 1);
  pl->workers = calloc((size_t)pl->nworkers, sizeof(vigil_worker_t));
  if (!pl->workers || uv_loop_init(&pl->loop) != 0)
    return VIGIL_ENOMEM;
  pthread_mutex_init(&pl->alert_mu, NULL);
  pthread_mutex_init(&pl->pool_mu, NULL);
  pthread_mutex_init(&pl->press_mu, NULL);
  pthread_cond_init(&pl->press_cv, NULL);
  pl->loop_thread = pthread_self();
  for (i = 0; i < VIGIL_MAX_INSTANCES; i++)
    pthread_mutex_init(&pl->sources[i].bmu, NULL);
  if (vigil_sched_init(pl) != 0)
    return VIGIL_ENOMEM;
  pl->svc.size = sizeof(pl->svc);
  pl->svc.loop = &pl->loop;
  pl->svc.log = svc_log;
  pl->svc.emit = svc_emit;
  pl->svc.source_done = svc_source_done;
  pl->svc.delivered = svc_delivered;
  pl->svc.state_dir = svc_state_dir;
  pl->svc.instance_name = svc_instance_name;
  pl->svc.try_emit = svc_try_emit;
  pl->svc.emit_acked = svc_emit_acked;
  pl->svc.try_emit_acked = svc_try_emit_acked;
  if ((rc = load_rules(pl)) != VIGIL_OK)
    return rc;

  for (i = 0; i < conf->nplugin_dirs && dirs.count < VIGIL_PLUGIN_MAX_DIRS; i++)
    dirs.dirs[dirs.count++] = conf->plugin_dirs[i];
  vigil_plugin_dirs_defaults(&dirs);
  /* Counted before creation so tear-down also frees a half-made one. */
  for (i = 0; i < conf->nsinks; i++) {
    pl->nsinks++;
    if ((rc = create_instance(pl, &dirs, &conf->sinks[i], 1, &pl->sinks[i])) != VIGIL_OK)
      return rc;
  }
  for (i = 0; i < conf->nsources; i++) {
    pl->nsources++;
    if ((rc = create_instance(pl, &dirs, &conf->sources[i], 0, &pl->sources[i])) != VIGIL_OK)
      return rc;
  }
  if ((rc = vigil_spools_open(pl)) != VIGIL_OK)
    return rc;
  uv_async_init(&pl->loop, &pl->wakeup, on_wakeup);
  pl->wakeup.data = pl;
  uv_timer_init(&pl->loop, &pl->flush_timer);
  pl->flush_timer.data = pl;
  uv_timer_start(&pl->flush_timer, on_flush_timer, FLUSH_MS, FLUSH_MS);
  uv_signal_init(&pl->loop, &pl->sigint);
  uv_signal_init(&pl->loop, &pl->sigterm);
  pl->sigint.data = pl->sigterm.data = pl;
  uv_signal_start(&pl->sigint, on_signal, SIGINT);
  uv_signal_start(&pl->sigterm, on_signal, SIGTERM);
  vigil_reload_setup(pl);
  vigil_stats_setup(pl);
  return VIGIL_OK;
}

static int start(vigil_pipeline_t *pl) {
  int i;
  vigil_host_t *h;

  if (vigil_workers_start(pl) != VIGIL_OK || vigil_metrics_start(pl) != VIGIL_OK)
    return VIGIL_ERR;
  for (i = 0; i < pl->nsinks + pl->nsources; i++) {
    h = i < pl->nsinks ? &pl->sinks[i] : &pl->sources[i - pl->nsinks];
    if (h->lib->desc.start(h->inst) != VIGIL_OK) {
      vigil_error(h->name, "cannot start: %s", h->lib->desc.last_error(h->inst)
                                                   ? h->lib->desc.last_error(h->inst)
                                                   : "no reason given");
      return VIGIL_ERR;
    }
  }
  return VIGIL_OK;
}

/* ---- tear-down and figures -------------------------------------------- */

static void destroy_host(vigil_host_t *h) {
  if (h->lib && h->inst)
    h->lib->desc.destroy(h->inst);
  vigil_plugin_close(h->lib);
  free(h->name);
  free(h->state_dir);
}

static void teardown(vigil_pipeline_t *pl) {
  int i;

  vigil_track_ack_closed(pl);
  for (i = 0; i < pl->nsources; i++)
    destroy_host(&pl->sources[i]);
  vigil_spools_free(pl);
  for (i = 0; i < pl->nsinks; i++)
    destroy_host(&pl->sinks[i]);
  for (i = 0; i < pl->nsources; i++)
    vigil_batch_free(pl->sources[i].open);
  for (i = 0; i < VIGIL_MAX_INSTANCES; i++)
    pthread_mutex_destroy(&pl->sources[i].bmu);
  vigil_sched_destroy(pl);
  vigil_batch_pool_free(pl);
  pthread_mutex_destroy(&pl->pool_mu);
  for (i = 0; pl->workers && i < pl->nworkers; i++)
    vigil_state_free(pl->workers[i].state);
  free(pl->workers);
  vigil_gen_release(pl->gen);
  vigil_stats_free(pl->stats);
  vigil_metrics_free(pl->metrics);
  for (i = 0; i < pl->nrule_paths; i++)
    free(pl->rule_paths[i]);
  for (i = 0; i < pl->nrule_libs; i++)
    free(pl->rule_libs[i]);
  pthread_mutex_destroy(&pl->alert_mu);
  pthread_mutex_destroy(&pl->press_mu);
  pthread_cond_destroy(&pl->press_cv);
  /* Lets close callbacks of handles plugins closed in destroy() run. */
  uv_run(&pl->loop, UV_RUN_NOWAIT);
  if (uv_loop_close(&pl->loop) != 0)
    vigil_warn(NULL, "event loop closed with handles still open");
}

static void collect(vigil_pipeline_t *pl, vigil_run_stats_t *st) {
  int i;
  vigil_rule_stats_t *s;
  vigil_rule_totals_t t;

  st->records = atomic_load(&pl->records);
  st->candidates = atomic_load(&pl->candidates);
  st->digests = atomic_load(&pl->digests);
  st->other = atomic_load(&pl->other);
  st->decode_errors = atomic_load(&pl->decode_errors);
  st->alerts = pl->alerts;
  st->delivery_failures = pl->delivery_failures;
  for (s = pl->stats; s; s = s->next) {
    vigil_stats_sum(s, &t);
    st->rule_errors += t.errors;
  }
  for (i = 0; i < pl->nsources; i++)
    st->plugin_errors += atomic_load(&pl->sources[i].errors);
  for (i = 0; i < pl->nsinks; i++)
    st->plugin_errors += atomic_load(&pl->sinks[i].errors);
}

int vigil_pipeline_run(const vigil_conf_t *conf, vigil_run_stats_t *st, FILE *stats_out) {
  vigil_pipeline_t *pl = calloc(1, sizeof(*pl));
  uint64_t t0 = uv_hrtime();
  int rc;

  memset(st, 0, sizeof(*st));
  if (!pl)
    return VIGIL_ENOMEM;
  rc = setup(pl, conf);
  if (rc == VIGIL_OK) {
    rc = start(pl);
    if (rc != VIGIL_OK)
      on_signal(&pl->sigint, SIGTERM); /* start failed: drain what runs */
    uv_run(&pl->loop, UV_RUN_DEFAULT);
    if (!pl->joined) {
      vigil_workers_join(pl);
      pl->joined = 1; /* alerts finished from now on are freed at once */
    }
  }
  st->seconds = (double)(uv_hrtime() - t0) / 1e9;
  st->interrupted = pl->signals > 0;
  collect(pl, st);
  if (stats_out && pl->gen)
    vigil_stats_print(pl, st, stats_out);
  if (pl->gen && conf->log_rule_stats)
    vigil_stats_log_rules(pl);
  teardown(pl);
  free(pl);
  return rc;
}
