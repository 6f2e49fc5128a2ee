/*
 * Finding the followed files: a full scan of every configured path every
 * poll_ms (the safety net), and a look at single paths inotify names in
 * between. A scan only notes what is new or changed (and watches every
 * folder it walks); reading is follow_read.c's job.
 *
 * A file is known by its device and inode, so a rename inside the
 * followed folders (app.log -> app.log.1) keeps its place. When a path
 * shows a new inode (rotation), a full scan follows at once, and the file
 * that had the path is read before the new one. A file a full scan no
 * longer finds is finished from its open descriptor, if any, and
 * forgotten.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "file_source.h"
#include "follow.h"

/* Tail descriptors kept open beyond this are closed once their file is quiet. */
#define MAX_OPEN 128

typedef struct frame_s {
  dev_t dev;
  ino_t ino;
  const struct frame_s *up;
} frame_t;

static void say(ff_follow_t *fw, vigil_log_level_t level, const char *fmt, const char *path,
                const char *why) {
  fw->fs->src.svc->log(fw->fs->src.host, level, fmt, path, why);
}

static int64_t mtime_ns(const struct stat *st) {
  return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* Do the first fp_len bytes at path hash to fp? (0 when unreadable.) */
static int same_start(const char *path, uint64_t fp, uint32_t fp_len) {
  unsigned char buf[FF_FP_MAX];
  ssize_t got = -1;
  int fd;

  if (fp_len > FF_FP_MAX || (fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0)
    return 0;
  got = pread(fd, buf, fp_len, 0);
  close(fd);
  return got == (ssize_t)fp_len && ff_hash(FF_HASH_INIT, buf, fp_len) == fp;
}

/* Applies a checkpoint entry to a file just found; see checkpoint.h. */
static void restore(ff_follow_t *fw, ff_entry_t *e, const ff_cp_file_t *c) {
  /* A whole file counts as done only if it is the same object: same size,
   * time and first bytes (an inode is reused once its file is deleted). */
  int same = c->size == e->size && c->mtime_ns == e->mtime_ns &&
             (!c->done || same_start(e->path, c->fp, c->fp_len));

  e->kind = c->kind;
  e->fp = c->fp;
  e->fp_len = c->fp_len;
  e->read_off = e->acked_off = c->offset;
  e->read_line = e->acked_line = c->line;
  if (c->kind == FF_TAIL || c->kind == FF_UNKNOWN || c->kind == FF_SKIP)
    return; /* positions are checked against the file when it is read */
  e->whole_done = c->done && same;
  e->failed = c->failed && same;
}

static void found_new(ff_follow_t *fw, const char *path, const struct stat *st, int named) {
  int64_t now = ff_now_ms(), age_ms;
  ff_entry_t *e, *old;
  ff_cp_file_t *c;

  /* Rotated: the old file is read first (it comes first in the table) once a
   * full scan has found where it went, or that it went away. */
  old = ff_table_find_path(&fw->table, path);
  if (old != NULL) {
    old->due = 1;
    fw->rescan = 1;
  }
  e = ff_table_add(&fw->table, st->st_dev, st->st_ino, path);
  if (e == NULL) {
    say(fw, VIGIL_LOG_ERROR, "%s: %s; not followed", path, "out of memory");
    return;
  }
  e->named = named;
  e->size = (uint64_t)st->st_size;
  e->mtime_ns = mtime_ns(st);
  e->seen = fw->scan_gen;
  e->due = 1;
  /* Already quiet for settle_ms: no need to watch it settle (files there at start). */
  age_ms = (int64_t)time(NULL) * 1000 - e->mtime_ns / 1000000;
  e->changed_ms = age_ms >= (int64_t)fw->opt.settle_ms ? now - (int64_t)fw->opt.settle_ms : now;
  c = ff_cp_find_ino(&fw->restore, (uint64_t)st->st_dev, (uint64_t)st->st_ino);
  if (c != NULL)
    restore(fw, e, c);
  else if (fw->restore.n > 0)
    e->cp_by_path = 1; /* once every file has had its chance by inode */
}

/*
 * The end of the first full scan: files no checkpoint entry knew by inode
 * may take the unused entry of their path (the same object copied or
 * restored onto another inode). Only whole reads do: a gzip, zip or
 * document whose first bytes still match is not read again. A tailed file
 * starts over instead: its fingerprint covers only its first 256 bytes,
 * and JSON Lines files often start alike, so resuming at the old offset
 * could skip lines of a different file; reading again costs duplicates,
 * never losses (and is what a file replaced while running gets too).
 */
static void restore_by_path(ff_follow_t *fw) {
  ff_cp_file_t *c;
  size_t i;

  for (i = 0; i < fw->table.n; i++) {
    ff_entry_t *e = fw->table.v[i];

    if (!e->cp_by_path)
      continue;
    e->cp_by_path = 0;
    if (e->gone || (c = ff_cp_find_path(&fw->restore, e->path)) == NULL)
      continue;
    if (c->kind == FF_DOC || c->kind == FF_GZIP || c->kind == FF_ZIP)
      restore(fw, e, c);
    else if (c->offset > 0)
      say(fw, VIGIL_LOG_INFO, "%s: %s", e->path,
          "another file than the checkpoint knew at this path (new inode); read from its start");
  }
}

static void visit_file(ff_follow_t *fw, const char *path, const struct stat *st, int named) {
  ff_entry_t *e = ff_table_find(&fw->table, st->st_dev, st->st_ino);
  char *copy;

  if (e == NULL) {
    found_new(fw, path, st, named);
    return;
  }
  e->seen = fw->scan_gen;
  e->gone = 0;
  e->named |= named;
  if (strcmp(e->path, path) != 0 && (copy = strdup(path)) != NULL) {
    free(e->path); /* renamed: later positions name the new path */
    e->path = copy;
  }
  if ((uint64_t)st->st_size == e->size && mtime_ns(st) == e->mtime_ns)
    return;
  e->size = (uint64_t)st->st_size;
  e->mtime_ns = mtime_ns(st);
  e->changed_ms = ff_now_ms();
  e->due = 1;
  if (e->kind == FF_DOC || e->kind == FF_GZIP || e->kind == FF_ZIP)
    e->whole_done = e->failed = 0;
}

static int visible(const struct dirent *d) {
  return d->d_name[0] != '.';
}

static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_state_dir(const ff_follow_t *fw, const struct stat *st) {
  return fw->cp_path != NULL && st->st_dev == fw->state_dev && st->st_ino == fw->state_ino;
}

static void walk_dir(ff_follow_t *fw, const char *path, const struct stat *st, const frame_t *up) {
  frame_t here = {st->st_dev, st->st_ino, up};
  struct dirent **names = NULL;
  struct stat cst;
  const frame_t *f;
  size_t len = strlen(path);
  char *child;
  int i, n;

  for (f = up; f != NULL; f = f->up)
    if (f->dev == st->st_dev && f->ino == st->st_ino)
      return; /* a symlink loop: already being walked */
  if (is_state_dir(fw, st))
    return; /* our own checkpoint is not input */
  if (ff_watch_add(&fw->watch, path, 1) != 0 && fw->watch.fd >= 0 && !fw->watch.full) {
    fw->watch.full = 1;
    say(fw, VIGIL_LOG_WARN, "%s: cannot watch folder (%s); changes below are found by scans",
        path, strerror(errno));
  }
  n = scandir(path, &names, visible, by_name);
  if (n < 0) {
    say(fw, VIGIL_LOG_WARN, "%s: cannot list folder: %s", path, strerror(errno));
    return;
  }
  for (i = 0; i < n; i++) {
    child = malloc(len + strlen(names[i]->d_name) + 2);
    if (child != NULL && !ff_stopping(fw)) {
      sprintf(child, "%s%s%s", path, len > 0 && path[len - 1] == '/' ? "" : "/",
              names[i]->d_name);
      /* An entry gone between listing and looking has nothing to follow. */
      if (stat(child, &cst) != 0)
        cst.st_mode = 0;
      if (S_ISDIR(cst.st_mode))
        walk_dir(fw, child, &cst, &here);
      else if (S_ISREG(cst.st_mode))
        visit_file(fw, child, &cst, 0);
    }
    free(child);
    free(names[i]);
  }
  free(names);
}

/* A path from the configuration: a folder, a file, or not there (yet). */
static void visit_named(ff_follow_t *fw, size_t i) {
  const char *path = fw->fs->paths.v[i];
  struct stat st;

  if (stat(path, &st) != 0) {
    if (fw->named_state[i] != errno)
      say(fw, errno == ENOENT ? VIGIL_LOG_INFO : VIGIL_LOG_WARN,
          "%s: %s; looked for again at every scan", path, strerror(errno));
    fw->named_state[i] = errno;
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    fw->named_state[i] = 0;
    walk_dir(fw, path, &st, NULL);
  } else if (S_ISREG(st.st_mode)) {
    fw->named_state[i] = 0;
    if (fw->named_parent[i] != NULL)
      ff_watch_add(&fw->watch, fw->named_parent[i], 0);
    visit_file(fw, path, &st, 1);
  } else if (fw->named_state[i] != -1) {
    fw->named_state[i] = -1;
    say(fw, VIGIL_LOG_WARN, "%s: %s", path,
        "not a regular file or folder; follow mode does not read it");
  }
}

static int drop_gone(ff_entry_t *e, void *ctx) {
  ff_follow_t *fw = ctx;
  int drop;

  if (!e->gone)
    return 0;
  if (!fw->tracking)
    return 1;
  pthread_mutex_lock(&fw->acks.mu);
  drop = e->pending == 0; /* acks in flight still point at it */
  pthread_mutex_unlock(&fw->acks.mu);
  return drop;
}

/* Quiet files beyond MAX_OPEN give back their descriptor; reopened on change. */
static void close_idle(ff_follow_t *fw) {
  int64_t now = ff_now_ms();
  size_t i;

  for (i = 0; i < fw->table.n && fw->nopen > MAX_OPEN; i++) {
    ff_entry_t *e = fw->table.v[i];

    if (e->fd >= 0 && !e->due && e->wake_ms == 0 &&
        now - e->changed_ms >= (int64_t)fw->opt.settle_ms)
      ff_close_fd(fw, e);
  }
}

void ff_scan_all(ff_follow_t *fw) {
  size_t i;

  fw->scan_gen++;
  for (i = 0; i < fw->fs->paths.n && !ff_stopping(fw); i++)
    visit_named(fw, i);
  if (ff_stopping(fw))
    return; /* a cut-short scan must not make files look gone */
  for (i = 0; i < fw->table.n; i++) {
    ff_entry_t *e = fw->table.v[i];

    if (e->gone || e->seen == fw->scan_gen)
      continue;
    if (ff_finish_entry(fw, e) == VP_READ_STOP)
      return;
    say(fw, VIGIL_LOG_DEBUG, "%s: %s", e->path, "gone; forgotten");
    e->gone = 1;
  }
  ff_table_sweep(&fw->table, drop_gone, fw);
  close_idle(fw);
  restore_by_path(fw);
  ff_cp_free(&fw->restore); /* what the first scan did not match is gone */
}

void ff_scan_path(ff_follow_t *fw, const char *path, int tree) {
  struct stat st;
  size_t i;

  if (!tree) {
    for (i = 0; i < fw->fs->paths.n; i++)
      if (fw->named_key[i] != NULL && strcmp(fw->named_key[i], path) == 0)
        visit_named(fw, i);
    return;
  }
  if (stat(path, &st) != 0)
    return; /* gone: the next full scan finishes and forgets it */
  if (S_ISDIR(st.st_mode))
    walk_dir(fw, path, &st, NULL);
  else if (S_ISREG(st.st_mode))
    visit_file(fw, path, &st, 0);
}
