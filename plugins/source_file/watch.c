/* inotify folder watches for the follow mode; see watch.h for why not uv_fs_event. */
#include "watch.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/inotify.h>

#define MASK                                                                                       \
  (IN_CREATE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |              \
   IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* More distinct paths than this in one drain: cheaper to scan everything. */
#define MAX_PATHS 512

int ff_watch_init(ff_watch_t *w) {
  memset(w, 0, sizeof(*w));
  w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  return w->fd >= 0 ? 0 : -1;
}

void ff_watch_fini(ff_watch_t *w) {
  size_t i;

  if (w->fd >= 0)
    close(w->fd);
  for (i = 0; i < w->n; i++)
    free(w->v[i].dir);
  free(w->v);
  memset(w, 0, sizeof(*w));
  w->fd = -1;
}

static ff_wd_t *find(ff_watch_t *w, int wd) {
  size_t i;

  for (i = 0; i < w->n; i++)
    if (w->v[i].wd == wd)
      return &w->v[i];
  return NULL;
}

int ff_watch_add(ff_watch_t *w, const char *dir, int tree) {
  ff_wd_t *slot, *nv;
  char *copy;
  int wd;

  if (w->fd < 0) {
    errno = ENOSYS;
    return -1;
  }
  wd = inotify_add_watch(w->fd, dir, MASK);
  if (wd < 0)
    return -1;
  copy = strdup(dir);
  if (copy == NULL)
    return -1;
  slot = find(w, wd);
  if (slot == NULL) {
    if (w->n == w->cap) {
      nv = realloc(w->v, (w->cap ? w->cap * 2 : 16) * sizeof(*nv));
      if (nv == NULL) {
        free(copy);
        return -1;
      }
      w->v = nv;
      w->cap = w->cap ? w->cap * 2 : 16;
    }
    slot = &w->v[w->n++];
    slot->wd = wd;
    slot->tree = 0;
    slot->dir = NULL;
  }
  /* The same folder may be reached by two paths; the last name wins. */
  free(slot->dir);
  slot->dir = copy;
  slot->tree |= tree;
  return 0;
}

static void forget(ff_watch_t *w, int wd) {
  ff_wd_t *slot = find(w, wd);

  if (slot != NULL) {
    free(slot->dir);
    *slot = w->v[--w->n];
  }
}

typedef struct found_s {
  char *path[MAX_PATHS];
  int tree[MAX_PATHS];
  size_t n;
  int lost;
} found_t;

static void note(found_t *f, const ff_wd_t *slot, const char *name) {
  size_t i, len = strlen(slot->dir);
  char *path;

  if (name[0] == '.' && slot->tree)
    return; /* hidden entries of followed folders are never read */
  path = malloc(len + strlen(name) + 2);
  if (path == NULL) {
    f->lost = 1;
    return;
  }
  memcpy(path, slot->dir, len);
  path[len] = '/';
  strcpy(path + len + 1, name);
  for (i = 0; i < f->n; i++) {
    if (strcmp(f->path[i], path) == 0) {
      f->tree[i] |= slot->tree;
      free(path);
      return;
    }
  }
  if (f->n == MAX_PATHS) {
    f->lost = 1;
    free(path);
    return;
  }
  f->path[f->n] = path;
  f->tree[f->n++] = slot->tree;
}

static void parse(ff_watch_t *w, found_t *f, const char *buf, ssize_t len) {
  const struct inotify_event *ev;
  const ff_wd_t *slot;
  ssize_t off = 0;

  while (off + (ssize_t)sizeof(*ev) <= len) {
    ev = (const struct inotify_event *)(buf + off);
    off += (ssize_t)sizeof(*ev) + ev->len;
    if (ev->mask & IN_Q_OVERFLOW) {
      f->lost = 1;
    } else if (ev->mask & IN_IGNORED) {
      forget(w, ev->wd);
    } else if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
      f->lost = 1; /* a watched folder went: let a scan sort out the files */
    } else if (ev->len > 0 && (slot = find(w, ev->wd)) != NULL) {
      note(f, slot, ev->name);
    }
  }
}

int ff_watch_drain(ff_watch_t *w, ff_watch_fn fn, void *ctx) {
  _Alignas(struct inotify_event) char buf[16384];
  found_t *f;
  ssize_t len;
  size_t i;
  int lost;

  if (w->fd < 0)
    return 0;
  f = calloc(1, sizeof(*f));
  if (f == NULL)
    return 1;
  for (;;) {
    len = read(w->fd, buf, sizeof(buf));
    if (len < 0 && errno == EINTR)
      continue;
    if (len <= 0)
      break; /* EAGAIN: all read */
    parse(w, f, buf, len);
  }
  for (i = 0; i < f->n; i++) {
    fn(ctx, f->path[i], f->tree[i]);
    free(f->path[i]);
  }
  lost = f->lost;
  free(f);
  return lost;
}

#else /* no inotify: the periodic scan does all the work */

int ff_watch_init(ff_watch_t *w) {
  memset(w, 0, sizeof(*w));
  w->fd = -1;
  errno = ENOSYS;
  return -1;
}

void ff_watch_fini(ff_watch_t *w) {
  (void)w;
}

int ff_watch_add(ff_watch_t *w, const char *dir, int tree) {
  (void)w, (void)dir, (void)tree;
  errno = ENOSYS;
  return -1;
}

int ff_watch_drain(ff_watch_t *w, ff_watch_fn fn, void *ctx) {
  (void)w, (void)fn, (void)ctx;
  return 0;
}

#endif
