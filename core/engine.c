#include "engine.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static atomic_uint next_id = 1;

static void gen_free(vigil_gen_t *g) {
  int i;

  if (!g)
    return;
  for (i = 0; g->rs && i < g->nworkers; i++)
    vigil_ruleset_free(g->rs[i]);
  free(g->rs);
  for (i = 0; g->scratch && i < g->nworkers; i++)
    vigil_ix_scratch_free(g->scratch[i]);
  free(g->scratch);
  vigil_rule_index_free(g->index);
  free(g->stats);
  free(g);
}

/* One copy's load, on its own thread. */
typedef struct loader_s {
  const char *const *paths;
  int npaths;
  const char *const *libs;
  int nlib;
  vigil_ruleset_t **out;
  int rc;
  char err[1024];
} loader_t;

static void *load_one(void *arg) {
  loader_t *l = arg;

  l->rc = vigil_ruleset_load(l->paths, l->npaths, l->libs, l->nlib, l->out, l->err,
                             sizeof(l->err));
  return NULL;
}

/* Loads g->rs[0..nworkers): copy 0 on this thread, the others on threads
 * of their own (in turn here when a thread cannot start). The first error,
 * in worker order, goes into err. */
static int load_copies(vigil_gen_t *g, const char *const *paths, int npaths,
                       const char *const *libs, int nlib, char *err, size_t errlen) {
  loader_t *l = calloc((size_t)g->nworkers, sizeof(*l));
  pthread_t *t = calloc((size_t)g->nworkers, sizeof(*t));
  char *started = calloc((size_t)g->nworkers, 1);
  int rc = 0;
  int i;

  if (!l || !t || !started) {
    snprintf(err, errlen, "out of memory");
    rc = -1;
    goto done;
  }
  for (i = 0; i < g->nworkers; i++) {
    l[i] = (loader_t){paths, npaths, libs, nlib, &g->rs[i], 0, ""};
    started[i] = i > 0 && pthread_create(&t[i], NULL, load_one, &l[i]) == 0;
  }
  for (i = 0; i < g->nworkers; i++) {
    if (started[i])
      pthread_join(t[i], NULL);
    else
      load_one(&l[i]);
  }
  for (i = 0; i < g->nworkers && rc == 0; i++) {
    if (l[i].rc != 0) {
      snprintf(err, errlen, "%s", l[i].err);
      rc = -1;
    }
  }
done:
  free(l);
  free(t);
  free(started);
  return rc;
}

vigil_gen_t *vigil_gen_load(const char *const *paths, int npaths, const char *const *libs,
                            int nlib, int nworkers, char *err, size_t errlen) {
  vigil_gen_t *g = calloc(1, sizeof(*g));
  int i;

  if (!g || !(g->rs = calloc((size_t)nworkers, sizeof(*g->rs)))) {
    snprintf(err, errlen, "out of memory");
    free(g);
    return NULL;
  }
  g->nworkers = nworkers;
  atomic_init(&g->refs, 1);
  /* Every worker loads the same files in the same sorted order, so rule
   * numbers agree across the copies and with the index. The copies load
   * at once, one thread each: loading is most of start-up, and it grew
   * with the number of workers. */
  if (load_copies(g, paths, npaths, libs, nlib, err, errlen) != 0) {
    gen_free(g);
    return NULL;
  }
  g->index = vigil_rule_index_build(g->rs[0]);
  g->stats = calloc(g->rs[0]->nrules + 1, sizeof(*g->stats));
  g->scratch = calloc((size_t)nworkers, sizeof(*g->scratch));
  for (i = 0; g->index && g->scratch && i < nworkers; i++) {
    if (!(g->scratch[i] = vigil_ix_scratch_new(g->index)))
      break;
  }
  if (!g->index || !g->stats || !g->scratch || i < nworkers) {
    snprintf(err, errlen, "out of memory");
    gen_free(g);
    return NULL;
  }
  g->id = atomic_fetch_add(&next_id, 1);
  return g;
}

static vigil_rule_stats_t *stats_find(vigil_rule_stats_t **registry, const char *id, int nw) {
  vigil_rule_stats_t *s;

  for (s = *registry; s; s = s->next) {
    if (strcmp(s->id, id) == 0)
      return s->nworkers == nw ? s : NULL;
  }
  s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->id = strdup(id);
  s->nworkers = nw;
  s->w = aligned_alloc(64, sizeof(vigil_rstat_t) * (size_t)nw);
  if (!s->id || !s->w) {
    free(s->id);
    free(s->w);
    free(s);
    return NULL;
  }
  memset(s->w, 0, sizeof(vigil_rstat_t) * (size_t)nw);
  s->next = *registry;
  *registry = s;
  return s;
}

int vigil_gen_bind(vigil_gen_t *g, vigil_rule_stats_t **registry) {
  size_t r;

  for (r = 0; r < g->rs[0]->nrules; r++) {
    g->stats[r] = stats_find(registry, g->rs[0]->rules[r].id, g->nworkers);
    if (!g->stats[r])
      return -1;
  }
  return 0;
}

void vigil_gen_ref(vigil_gen_t *g) {
  atomic_fetch_add_explicit(&g->refs, 1, memory_order_relaxed);
}

void vigil_gen_release(vigil_gen_t *g) {
  if (g && atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) == 1)
    gen_free(g);
}

void vigil_stats_free(vigil_rule_stats_t *s) {
  vigil_rule_stats_t *next;

  for (; s; s = next) {
    next = s->next;
    free(s->id);
    free(s->w);
    free(s);
  }
}

void vigil_stats_sum(const vigil_rule_stats_t *s, vigil_rule_totals_t *t) {
  int i;

  memset(t, 0, sizeof(*t));
  for (i = 0; i < s->nworkers; i++) {
    t->evals += atomic_load_explicit(&s->w[i].evals, memory_order_relaxed);
    t->matches += atomic_load_explicit(&s->w[i].matches, memory_order_relaxed);
    t->alerts += atomic_load_explicit(&s->w[i].alerts, memory_order_relaxed);
    t->errors += atomic_load_explicit(&s->w[i].errors, memory_order_relaxed);
    t->evicted += s->w[i].evicted;
    t->ns += atomic_load_explicit(&s->w[i].ns, memory_order_relaxed);
  }
}
