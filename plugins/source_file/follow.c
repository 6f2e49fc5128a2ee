/*
 * Follow mode of the `file` source: the reader thread's loop, the state's
 * life cycle, and writing the checkpoint.
 *
 * The loop: a full scan every poll_ms; in between, the paths inotify
 * names; then every file that changed, or whose settle or incomplete
 * deadline passed, is read (follow_read.c); then the checkpoint is written
 * if checkpoint_ms passed and something moved. It sleeps in poll() on the
 * stop descriptor and the inotify descriptor until the next deadline. It
 * never ends on its own: follow mode never calls source_done().
 */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "file_source.h"
#include "follow.h"
#include "services.h"

#define DEFAULT_SETTLE_MS 1000
#define DEFAULT_POLL_MS 1000
#define DEFAULT_CHECKPOINT_MS 1000
#define DEFAULT_INCOMPLETE_MS 60000

/* Records in flight (emitted, not acknowledged) before the reader waits. */
#define ACK_RING 65536

int64_t ff_now_ms(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ff_stopping(const ff_follow_t *fw) {
  return atomic_load(&fw->fs->src.stop);
}

static void say(ff_follow_t *fw, vigil_log_level_t level, const char *fmt, const char *a,
                const char *b) {
  fw->fs->src.svc->log(fw->fs->src.host, level, fmt, a, b);
}

/* ---- checkpoint ----------------------------------------------------------------------------- */

static void snapshot_entry(const ff_entry_t *e, ff_cp_file_t *f) {
  int hold = e->pending > 0 || e->stuck; /* only acknowledged bytes count */

  memset(f, 0, sizeof(*f));
  f->path = e->path;
  f->dev = (uint64_t)e->dev;
  f->ino = (uint64_t)e->ino;
  f->kind = e->kind;
  f->size = e->size;
  f->mtime_ns = e->mtime_ns;
  f->fp = e->fp;
  f->fp_len = e->fp_len;
  f->offset = hold ? e->acked_off : e->read_off;
  f->line = hold ? e->acked_line : e->read_line;
  f->done = !hold && e->whole_done;
  f->failed = !hold && e->failed;
}

/* The checkpoint text; NULL when nothing moved (and not forced) or out of memory. */
static char *snapshot(ff_follow_t *fw, int force) {
  ff_cp_file_t *v = malloc((fw->table.n + fw->restore.n + 1) * sizeof(*v));
  size_t i, n = 0;
  char *text;

  if (v == NULL)
    return NULL;
  pthread_mutex_lock(&fw->acks.mu);
  if (!force && !fw->acks.dirty && !fw->cp_dirty) {
    pthread_mutex_unlock(&fw->acks.mu);
    free(v);
    return NULL;
  }
  fw->acks.dirty = fw->cp_dirty = 0;
  for (i = 0; i < fw->table.n; i++) {
    const ff_entry_t *e = fw->table.v[i];

    if (!e->gone && (e->kind != FF_UNKNOWN || e->read_off > 0))
      snapshot_entry(e, &v[n++]);
  }
  pthread_mutex_unlock(&fw->acks.mu);
  /* Before the first full scan matched them, loaded entries still hold. */
  for (i = 0; i < fw->restore.n; i++)
    if (!fw->restore.v[i].used)
      v[n++] = fw->restore.v[i];
  text = ff_cp_format(v, n);
  free(v);
  return text;
}

void ff_checkpoint(ff_follow_t *fw, int force) {
  char err[512];
  int64_t now;
  char *text;

  if (!fw->tracking || !fw->loaded)
    return;
  now = ff_now_ms();
  if (!force && now - fw->cp_last_ms < (int64_t)fw->opt.checkpoint_ms)
    return;
  fw->cp_last_ms = now;
  text = snapshot(fw, force);
  if (text == NULL)
    return;
  if (fw->cp_last != NULL && strcmp(text, fw->cp_last) == 0) {
    free(text);
    return;
  }
  if (ff_cp_save(fw->cp_path, text, err, sizeof(err)) != 0) {
    if (!fw->cp_failing)
      say(fw, VIGIL_LOG_ERROR, "checkpoint not saved: %s%s", err,
          "; tried again, a restart would read again what it does not cover");
    fw->cp_failing = 1;
    fw->cp_dirty = 1;
    free(text);
    return;
  }
  if (fw->cp_failing)
    say(fw, VIGIL_LOG_INFO, "checkpoint %s saved again%s", fw->cp_path, "");
  fw->cp_failing = 0;
  free(fw->cp_last);
  fw->cp_last = text;
}

static void load_checkpoint(ff_follow_t *fw) {
  char err[512], *aside;
  int rc;

  rc = ff_cp_load(fw->cp_path, &fw->restore, err, sizeof(err));
  if (rc == -1 && (aside = malloc(strlen(fw->cp_path) + 9)) != NULL) {
    sprintf(aside, "%s.corrupt", fw->cp_path);
    if (rename(fw->cp_path, aside) != 0)
      snprintf(aside, strlen(fw->cp_path) + 9, "%s", "(not renamed)");
    fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_ERROR,
                         "checkpoint %s: %s; set aside as %s, every file is read again from "
                         "its start",
                         fw->cp_path, err, aside);
    free(aside);
  } else if (rc != 0) {
    say(fw, VIGIL_LOG_ERROR, "checkpoint %s: %s; every file is read again from its start",
        fw->cp_path, err);
  } else if (fw->restore.n > 0) {
    fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_INFO, "checkpoint %s: %zu files",
                         fw->cp_path, fw->restore.n);
  }
  fw->loaded = 1;
}

/* ---- the loop ------------------------------------------------------------------------------- */

static void on_event(void *ctx, const char *path, int tree) {
  ff_scan_path(ctx, path, tree);
}

/* Reads every file due now; *next is the earliest later deadline (or INT64_MAX). */
static int process(ff_follow_t *fw, int64_t *next) {
  int64_t now = ff_now_ms();
  size_t i;

  *next = INT64_MAX;
  for (i = 0; i < fw->table.n; i++) {
    ff_entry_t *e = fw->table.v[i];

    if (e->gone)
      continue;
    if (e->due || (e->wake_ms != 0 && now >= e->wake_ms)) {
      fw->cp_dirty = 1;
      if (ff_read_entry(fw, e) == VP_READ_STOP)
        return VP_READ_STOP;
    }
    if (e->wake_ms != 0 && e->wake_ms < *next)
      *next = e->wake_ms;
  }
  return VP_READ_DONE;
}

/* Sleeps until a deadline, a stop or an inotify event; returns 1 when events were lost. */
static int sleep_until(ff_follow_t *fw, int64_t next) {
  struct pollfd p[2];
  int64_t now = ff_now_ms(), wait;
  nfds_t n = 1;

  if (next > fw->next_scan_ms)
    next = fw->next_scan_ms;
  if (fw->tracking && next > now + (int64_t)fw->opt.checkpoint_ms)
    next = now + (int64_t)fw->opt.checkpoint_ms; /* acks may move positions meanwhile */
  wait = next > now ? next - now : 0;
  p[0].fd = vp_source_wake_fd(&fw->fs->src);
  p[0].events = POLLIN;
  p[1].fd = fw->watch.fd;
  p[1].events = POLLIN;
  p[1].revents = 0;
  if (fw->watch.fd >= 0)
    n = 2;
  if (poll(p, n, (int)wait) > 0 && n == 2 && (p[1].revents & POLLIN))
    return ff_watch_drain(&fw->watch, on_event, fw);
  return 0;
}

static void summary(ff_follow_t *fw) {
  const vp_read_stats_t *s = &fw->fs->em.stats;

  fw->fs->src.svc->log(fw->fs->src.host, VIGIL_LOG_INFO,
                       "stopped following: %zu files known, %" PRIu64 " read whole, %" PRIu64
                       " records; %" PRIu64 " errors, %" PRIu64 " incomplete files given up; "
                       "skipped %" PRIu64 " files that are not JSON",
                       fw->table.n, fw->files_done, s->records, s->errors, fw->gave_up,
                       s->skipped);
}

int file_source_follow(vp_source_t *src, void *ctx) {
  file_source_t *fs = ctx;
  ff_follow_t *fw = fs->fw;
  int64_t next;
  int lost = 1;

  if (fw->tracking)
    load_checkpoint(fw);
  if (ff_watch_init(&fw->watch) != 0)
    say(fw, VIGIL_LOG_INFO, "no inotify (%s)%s", strerror(errno),
        "; changes are found by scanning every poll_ms");
  while (!ff_stopping(fw)) {
    if (lost || fw->rescan || ff_now_ms() >= fw->next_scan_ms) {
      fw->cp_dirty = 1;
      fw->rescan = 0;
      ff_scan_all(fw);
      fw->next_scan_ms = ff_now_ms() + (int64_t)fw->opt.poll_ms;
    }
    if (process(fw, &next) == VP_READ_STOP)
      break;
    ff_checkpoint(fw, 0);
    lost = sleep_until(fw, next);
  }
  ff_checkpoint(fw, 1);
  summary(fw);
  (void)src;
  return VP_READ_STOP;
}

/* ---- life cycle ----------------------------------------------------------------------------- */

/* "<folder>/<name>" the way an inotify event on the folder spells the path. */
static int name_paths(ff_follow_t *fw) {
  size_t i, n = fw->fs->paths.n;
  char *a, *b;

  fw->named_state = calloc(n + 1, sizeof(*fw->named_state));
  fw->named_parent = calloc(n + 1, sizeof(*fw->named_parent));
  fw->named_key = calloc(n + 1, sizeof(*fw->named_key));
  if (fw->named_state == NULL || fw->named_parent == NULL || fw->named_key == NULL)
    return -1;
  for (i = 0; i < n; i++) {
    a = strdup(fw->fs->paths.v[i]);
    b = strdup(fw->fs->paths.v[i]);
    if (a != NULL && b != NULL) {
      fw->named_parent[i] = strdup(dirname(a));
      fw->named_key[i] = malloc(strlen(fw->named_parent[i] ? fw->named_parent[i] : "") +
                                strlen(basename(b)) + 2);
      if (fw->named_parent[i] != NULL && fw->named_key[i] != NULL)
        sprintf(fw->named_key[i], "%s/%s", fw->named_parent[i], basename(b));
    }
    free(a);
    free(b);
    if (fw->named_parent[i] == NULL || fw->named_key[i] == NULL)
      return -1;
  }
  return 0;
}

static int set_state(ff_follow_t *fw, char *err, size_t errlen) {
  const vigil_services_t *svc = fw->fs->src.svc;
  vigil_host_t *host = fw->fs->src.host;
  const char *dir = VP_SVC_HAS(svc, state_dir) ? svc->state_dir(host) : NULL;
  struct stat st;

  if (dir == NULL || !VP_SVC_HAS(svc, emit_acked)) {
    svc->log(host, VIGIL_LOG_WARN, "following without a checkpoint (%s); a restart reads every "
                                   "file again from its start",
             dir == NULL ? "the host gives no state folder"
                         : "the host cannot acknowledge records (no emit_acked)");
    return 0;
  }
  fw->cp_path = malloc(strlen(dir) + sizeof("/checkpoint.json"));
  if (fw->cp_path == NULL || ff_acks_init(&fw->acks, ACK_RING, &fw->fs->src.stop) != 0) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  sprintf(fw->cp_path, "%s/checkpoint.json", dir);
  if (stat(dir, &st) == 0) {
    fw->state_dev = st.st_dev;
    fw->state_ino = st.st_ino;
  }
  fw->tracking = 1;
  return 0;
}

int file_source_follow_create(file_source_t *fs, size_t settle_ms, size_t poll_ms,
                              size_t checkpoint_ms, size_t incomplete_ms, char *err,
                              size_t errlen) {
  ff_follow_t *fw = calloc(1, sizeof(*fw));

  if (fw == NULL) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_ENOMEM;
  }
  fs->fw = fw;
  fw->fs = fs;
  fw->watch.fd = -1;
  fw->opt.settle_ms = settle_ms ? settle_ms : DEFAULT_SETTLE_MS;
  fw->opt.poll_ms = poll_ms ? poll_ms : DEFAULT_POLL_MS;
  fw->opt.checkpoint_ms = checkpoint_ms ? checkpoint_ms : DEFAULT_CHECKPOINT_MS;
  fw->opt.incomplete_ms = incomplete_ms ? incomplete_ms : DEFAULT_INCOMPLETE_MS;
  if (fw->opt.incomplete_ms < fw->opt.settle_ms) {
    snprintf(err, errlen, "option \"incomplete_ms\" (%zu) must not be below settle_ms (%zu)",
             fw->opt.incomplete_ms, fw->opt.settle_ms);
    return VIGIL_EINVAL;
  }
  if (ff_table_init(&fw->table) != 0 || name_paths(fw) != 0) {
    snprintf(err, errlen, "out of memory");
    return VIGIL_ENOMEM;
  }
  return set_state(fw, err, errlen) == 0 ? VIGIL_OK : VIGIL_ENOMEM;
}

void file_source_follow_wake(file_source_t *fs) {
  if (fs->fw != NULL && fs->fw->tracking)
    ff_acks_wake(&fs->fw->acks);
}

void file_source_follow_destroy(file_source_t *fs) {
  ff_follow_t *fw = fs->fw;
  uint64_t left;
  size_t i;

  if (fw == NULL)
    return;
  if (fw->tracking && fw->loaded) {
    /* Acks that came after the reader stopped move positions too. */
    ff_checkpoint(fw, 1);
    left = ff_acks_outstanding(&fw->acks);
    if (left > 0)
      fs->src.svc->log(fs->src.host, VIGIL_LOG_WARN,
                       "%" PRIu64 " records were never acknowledged; the checkpoint stays "
                       "before them and a restart reads them again",
                       left);
  }
  ff_table_fini(&fw->table);
  ff_watch_fini(&fw->watch);
  ff_acks_fini(&fw->acks);
  ff_cp_free(&fw->restore);
  for (i = 0; i < fs->paths.n && fw->named_parent != NULL; i++) {
    free(fw->named_parent[i]);
    free(fw->named_key[i]);
  }
  free(fw->named_state);
  free(fw->named_parent);
  free(fw->named_key);
  free(fw->cp_path);
  free(fw->cp_last);
  free(fw);
  fs->fw = NULL;
}
