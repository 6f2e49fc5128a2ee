/*
 * Hot reload of the rules. SIGHUP, or a change seen under the rule folders
 * with watch_rules, loads a new generation on libuv's thread pool, runs
 * every test it carries, and only if it loads and passes makes it current.
 * Otherwise the running set stays and the reason is logged.
 *
 * The swap is one pointer under the scheduler's mutex: a batch is scanned
 * with the generation current when a worker takes it, and its records are
 * evaluated with that same generation, so each event meets exactly one
 * rule set. Stateful memory belongs to the workers and is keyed by each
 * rule's signature, so rules whose file did not change keep their state.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"
#include "log.h"
#include "pipeline_int.h"
#include "rule_test.h"

#define WATCH_MS 1000

typedef struct reload_s {
  uv_work_t req;
  vigil_pipeline_t *pl;
  vigil_gen_t *gen;
  char err[2048];
  char *report;      /* failing tests, as vigil test prints them */
  size_t report_len;
} reload_t;

static void load_work(uv_work_t *req) {
  reload_t *r = req->data;
  vigil_pipeline_t *pl = r->pl;
  vigil_test_report_t rep;
  FILE *out;

  r->gen = vigil_gen_load((const char *const *)pl->rule_paths, pl->nrule_paths,
                          (const char *const *)pl->rule_libs, pl->nrule_libs, pl->nworkers, r->err,
                          sizeof(r->err));
  if (!r->gen)
    return;
  out = open_memstream(&r->report, &r->report_len);
  if (!out) {
    snprintf(r->err, sizeof(r->err), "out of memory");
    return;
  }
  /* The tests run in the first worker's copy; they use fresh stateful
   * memory of their own, never the workers'. */
  vigil_rule_tests_run(r->gen->rs[0], 0, out, &rep);
  fclose(out);
  if (rep.failed)
    snprintf(r->err, sizeof(r->err), "%d of %d rule tests failed", rep.failed,
             rep.passed + rep.failed);
}

static void load_done(uv_work_t *req, int status) {
  reload_t *r = req->data;
  vigil_pipeline_t *pl = r->pl;
  vigil_gen_t *old;
  char *line;
  char *save = NULL;

  pl->reloading = 0;
  if (status == 0 && !r->err[0] && r->gen && vigil_gen_bind(r->gen, &pl->stats) != 0)
    snprintf(r->err, sizeof(r->err), "out of memory");
  if (status != 0 || r->err[0]) {
    vigil_error("rules", "reload refused, the running rules stay: %s",
                status ? uv_strerror(status) : r->err);
    for (line = r->report ? strtok_r(r->report, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
      if (strncmp(line, "FAIL", 4) == 0)
        vigil_error("rules", "%s", line);
    }
    vigil_gen_release(r->gen);
  } else {
    pthread_mutex_lock(&pl->sched.mu);
    old = pl->gen;
    pl->gen = r->gen;
    pthread_mutex_unlock(&pl->sched.mu);
    vigil_info("rules", "reloaded: %zu rules (%zu disabled), generation %u replaces %u",
               r->gen->rs[0]->nrules, r->gen->rs[0]->ndisabled, r->gen->id, old->id);
    pl->reloads++;
    /* Freed once the last record it chose has been evaluated. */
    vigil_gen_release(old);
  }
  free(r->report);
  free(r);
  if (pl->reload_again) {
    pl->reload_again = 0;
    vigil_reload_start(pl);
  }
}

void vigil_reload_start(vigil_pipeline_t *pl) {
  reload_t *r;

  if (pl->state != PL_RUNNING)
    return;
  if (pl->reloading) {
    pl->reload_again = 1; /* a change arrived while loading: load again after */
    return;
  }
  if (!(r = calloc(1, sizeof(*r)))) {
    vigil_error("rules", "reload: out of memory");
    return;
  }
  r->pl = pl;
  r->req.data = r;
  pl->reloading = 1;
  vigil_info("rules", "reloading rules");
  if (uv_queue_work(&pl->loop, &r->req, load_work, load_done) != 0) {
    pl->reloading = 0;
    free(r);
    vigil_error("rules", "reload: cannot queue the work");
  }
}

static void on_sighup(uv_signal_t *s, int signum) {
  (void)signum;
  vigil_reload_start(s->data);
}

/* A fingerprint of every .lua file under dir: names, sizes, mtimes. */
static uint64_t fingerprint(const char *dir, uint64_t h, int depth) {
  char path[4096];
  struct dirent *e;
  struct stat st;
  DIR *d;
  size_t i;

  if (depth > 16 || !(d = opendir(dir)))
    return h;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
    if (stat(path, &st) != 0)
      continue;
    if (S_ISDIR(st.st_mode)) {
      h = fingerprint(path, h, depth + 1);
    } else if (strlen(e->d_name) > 4 && strcmp(e->d_name + strlen(e->d_name) - 4, ".lua") == 0) {
      /* Order-independent: readdir order is not stable. */
      uint64_t f = 1469598103934665603ull;
      for (i = 0; path[i]; i++)
        f = (f ^ (unsigned char)path[i]) * 1099511628211ull;
      f ^= (uint64_t)st.st_size * 0x9e3779b97f4a7c15ull;
      f ^= (uint64_t)st.st_mtim.tv_sec * 1000000007ull + (uint64_t)st.st_mtim.tv_nsec;
      h += f * 0xff51afd7ed558ccdull;
    }
  }
  closedir(d);
  return h;
}

static uint64_t watch_print(vigil_pipeline_t *pl) {
  uint64_t h = 0;
  struct stat st;
  int i;

  for (i = 0; i < pl->nrule_paths; i++) {
    if (stat(pl->rule_paths[i], &st) == 0 && !S_ISDIR(st.st_mode))
      h += (uint64_t)st.st_mtim.tv_nsec + (uint64_t)st.st_size * 31 + (uint64_t)st.st_mtim.tv_sec;
    else
      h = fingerprint(pl->rule_paths[i], h, 0);
  }
  return h;
}

/* A change is acted on once it has held still for one tick, so an editor
 * saving in several writes causes one reload. */
static void on_watch(uv_timer_t *t) {
  vigil_pipeline_t *pl = t->data;
  uint64_t now = watch_print(pl);

  if (now == pl->watch_seen) {
    if (pl->watch_pending) {
      pl->watch_pending = 0;
      vigil_info("rules", "rule files changed");
      vigil_reload_start(pl);
    }
    return;
  }
  pl->watch_seen = now;
  pl->watch_pending = 1;
}

void vigil_reload_setup(vigil_pipeline_t *pl) {
  uv_signal_init(&pl->loop, &pl->sighup);
  pl->sighup.data = pl;
  uv_signal_start(&pl->sighup, on_sighup, SIGHUP);
  uv_timer_init(&pl->loop, &pl->watch_timer);
  pl->watch_timer.data = pl;
  if (pl->conf->watch_rules) {
    pl->watch_seen = watch_print(pl);
    uv_timer_start(&pl->watch_timer, on_watch, WATCH_MS, WATCH_MS);
  }
}

void vigil_reload_close(vigil_pipeline_t *pl) {
  uv_close((uv_handle_t *)&pl->sighup, NULL);
  uv_close((uv_handle_t *)&pl->watch_timer, NULL);
}
