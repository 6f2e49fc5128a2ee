/*
 * Change notification for the follow mode: Linux inotify, one watch per
 * folder, read on the source's own thread.
 *
 * Why not libuv's uv_fs_event: its handles live on the loop thread, while
 * the folders to watch are found (and vanish) on the reader thread that
 * walks them. Every new folder would need a round trip to the loop and
 * every event a trip back. inotify's descriptor can simply be polled by the
 * reader together with its stop descriptor. Watches are only a shortcut:
 * the periodic scan (poll_ms) finds everything anyway, so a system without
 * inotify, a full watch table (ENOSPC) or a queue overflow costs latency,
 * never data.
 */
#ifndef FF_WATCH_H
#define FF_WATCH_H

#include <stddef.h>

typedef struct ff_wd_s {
  int wd;
  int tree; /* a followed folder or one below it (else: parent of a named file) */
  char *dir;
} ff_wd_t;

typedef struct ff_watch_s {
  int fd; /* -1: no inotify, scans only */
  ff_wd_t *v;
  size_t n, cap;
  int full; /* the kernel refused a watch: said once */
} ff_watch_t;

/* Called for each path an event names; `tree` as in ff_wd_t. */
typedef void (*ff_watch_fn)(void *ctx, const char *path, int tree);

/* Returns 0, or -1 (errno set) when inotify is unavailable: w->fd is -1. */
int ff_watch_init(ff_watch_t *w);
void ff_watch_fini(ff_watch_t *w);

/* Watches dir for entries appearing, changing, moving and going.
 * Returns 0, or -1 with errno (ENOSPC: the user's watch limit). */
int ff_watch_add(ff_watch_t *w, const char *dir, int tree);

/*
 * Reads the queued events and calls fn once per distinct path. Returns 1
 * when events were lost (queue overflow, or too many to list): scan all.
 */
int ff_watch_drain(ff_watch_t *w, ff_watch_fn fn, void *ctx);

#endif
