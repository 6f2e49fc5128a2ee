/* The files the follow mode knows, found by (device, inode) in a small hash. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "follow.h"

static size_t hash(dev_t dev, ino_t ino, size_t nslots) {
  uint64_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)ino * 0xc2b2ae3d27d4eb4full);

  return (size_t)(h ^ (h >> 29)) & (nslots - 1);
}

static void place(ff_table_t *t, size_t i) {
  size_t s = hash(t->v[i]->dev, t->v[i]->ino, t->nslots);

  while (t->slots[s] >= 0)
    s = (s + 1) & (t->nslots - 1);
  t->slots[s] = (int32_t)i;
}

/* Rebuilds the hash with room for at least 2n entries (a power of two). */
static int rehash(ff_table_t *t, size_t want) {
  size_t nslots = 64, i;
  int32_t *slots;

  while (nslots < 2 * want)
    nslots *= 2;
  slots = malloc(nslots * sizeof(*slots));
  if (slots == NULL)
    return -1;
  free(t->slots);
  t->slots = slots;
  t->nslots = nslots;
  memset(slots, 0xff, nslots * sizeof(*slots)); /* all -1 */
  for (i = 0; i < t->n; i++)
    place(t, i);
  return 0;
}

int ff_table_init(ff_table_t *t) {
  memset(t, 0, sizeof(*t));
  return rehash(t, 0);
}

static void free_entry(ff_entry_t *e) {
  if (e->fd >= 0)
    close(e->fd);
  free(e->path);
  free(e);
}

void ff_table_fini(ff_table_t *t) {
  size_t i;

  for (i = 0; i < t->n; i++)
    free_entry(t->v[i]);
  free(t->v);
  free(t->slots);
  memset(t, 0, sizeof(*t));
}

ff_entry_t *ff_table_find(const ff_table_t *t, dev_t dev, ino_t ino) {
  size_t s = hash(dev, ino, t->nslots);
  ff_entry_t *e;

  while (t->slots[s] >= 0) {
    e = t->v[t->slots[s]];
    if (e->dev == dev && e->ino == ino)
      return e;
    s = (s + 1) & (t->nslots - 1);
  }
  return NULL;
}

/* Linear: only needed when a path shows a new inode (rotation), which is rare. */
ff_entry_t *ff_table_find_path(const ff_table_t *t, const char *path) {
  size_t i;

  for (i = 0; i < t->n; i++)
    if (!t->v[i]->gone && strcmp(t->v[i]->path, path) == 0)
      return t->v[i];
  return NULL;
}

ff_entry_t *ff_table_add(ff_table_t *t, dev_t dev, ino_t ino, const char *path) {
  ff_entry_t *e, **nv;

  if (2 * (t->n + 1) > t->nslots && rehash(t, t->n + 1) != 0)
    return NULL;
  if (t->n == t->cap) {
    nv = realloc(t->v, (t->cap ? t->cap * 2 : 64) * sizeof(*nv));
    if (nv == NULL)
      return NULL;
    t->v = nv;
    t->cap = t->cap ? t->cap * 2 : 64;
  }
  e = calloc(1, sizeof(*e));
  if (e == NULL || (e->path = strdup(path)) == NULL) {
    free(e);
    return NULL;
  }
  e->dev = dev;
  e->ino = ino;
  e->fd = -1;
  t->v[t->n++] = e;
  place(t, t->n - 1);
  return e;
}

size_t ff_table_sweep(ff_table_t *t, int (*drop)(ff_entry_t *e, void *ctx), void *ctx) {
  size_t i, kept = 0, dropped;

  for (i = 0; i < t->n; i++) {
    if (drop(t->v[i], ctx))
      free_entry(t->v[i]);
    else
      t->v[kept++] = t->v[i];
  }
  dropped = t->n - kept;
  t->n = kept;
  if (dropped > 0 && rehash(t, t->n) != 0) {
    /* No memory for a smaller hash: the old one is big enough; refill it. */
    memset(t->slots, 0xff, t->nslots * sizeof(*t->slots));
    for (i = 0; i < t->n; i++)
      place(t, i);
  }
  return dropped;
}
