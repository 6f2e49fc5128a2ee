/*
 * Follow mode of the `file` source: the shared types of follow.c (the
 * loop), follow_scan.c (finding files), follow_read.c (reading them),
 * follow_table.c (the files known), follow_acks.c (acknowledgements) and
 * checkpoint.c (the state file). Internal names use the `ff_` prefix.
 *
 * Threads: everything here runs on the source's reader thread except
 * ff_acks_on_ack() (the host's loop thread) and the final checkpoint in
 * destroy() (after the reader thread is joined). The fields marked "acks"
 * are shared with the loop thread and read or written under acks.mu only.
 */
#ifndef FF_FOLLOW_H
#define FF_FOLLOW_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "checkpoint.h"
#include "reader.h"
#include "source.h"
#include "watch.h"

typedef struct ff_entry_s {
  dev_t dev;
  ino_t ino;
  char *path;    /* where it was last seen */
  ff_kind_t kind;
  int named;     /* listed in `paths` (read whatever it holds) */
  int fd;        /* open while tailed; -1 otherwise */
  uint64_t size; /* as last seen */
  int64_t mtime_ns;
  int64_t changed_ms; /* monotonic ms of the last size/mtime change seen */
  int64_t wake_ms;    /* look again then (0: only when it changes) */
  int due;            /* changed since last processed */
  uint64_t seen;      /* generation of the last full scan that found it */
  uint64_t fp;        /* FNV-1a of the first fp_len bytes: tells reuse of an inode */
  uint32_t fp_len;
  uint64_t gen;       /* bumped when the file restarts at 0 (truncated, replaced) */
  uint64_t read_off;  /* consumed: everything before is emitted or skipped */
  uint64_t read_line; /* lines before read_off */
  int long_line;      /* tail: inside a line over max_line_bytes */
  int whole_done;     /* whole kinds: read to the end at this size/mtime */
  int failed;         /* gave up on it at this size/mtime */
  int gone;           /* no longer found; forgotten once nothing is pending */
  int cp_by_path;     /* first scan: no checkpoint entry has its inode; try its path after */
  /* acks */
  uint64_t acked_off, acked_line; /* end of the last acknowledged record */
  uint32_t pending;               /* records emitted, not acknowledged */
  int stuck;                      /* an ack failed: never move past acked_off */
} ff_entry_t;

typedef struct ff_table_s {
  ff_entry_t **v;
  size_t n, cap;
  int32_t *slots; /* open addressing over (dev, ino): index into v, or -1 */
  size_t nslots;
} ff_table_t;

typedef struct ff_slot_s ff_slot_t;

/* Records emitted with emit_acked and not yet retired, in emit order. */
typedef struct ff_acks_s {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  ff_slot_t *ring;
  size_t cap;
  uint64_t head, tail; /* oldest unretired, next free (sequence numbers) */
  int dirty;           /* positions moved since the last checkpoint */
  const atomic_int *stop;
} ff_acks_t;

typedef struct ff_options_s {
  size_t settle_ms, poll_ms, checkpoint_ms, incomplete_ms;
} ff_options_t;

typedef struct file_source_s file_source_t;

typedef struct ff_follow_s {
  file_source_t *fs;
  ff_options_t opt;
  ff_table_t table;
  ff_acks_t acks;
  ff_watch_t watch;
  int tracking;       /* acks and a checkpoint are kept */
  char *cp_path;      /* <state_dir>/checkpoint.json, or NULL */
  char *cp_last;      /* the text last written, to skip identical writes */
  dev_t state_dev;    /* the state folder, never read as input */
  ino_t state_ino;
  int *named_state;   /* per configured path: errno last reported, -1 not regular, 0 ok */
  char **named_parent; /* per configured path: its folder, watched when it is a file */
  char **named_key;    /* per configured path: "<folder>/<name>" as inotify events spell it */
  ff_cp_t restore;    /* loaded checkpoint entries not yet matched to a file */
  int64_t cp_last_ms; /* when the checkpoint was last written */
  int loaded;         /* the old checkpoint was read: a new one may replace it */
  int cp_dirty;       /* files were scanned or read since the last checkpoint */
  int cp_failing;     /* the last write failed (said once) */
  uint64_t scan_gen;
  int64_t next_scan_ms;
  int rescan; /* a path changed inode: scan everything before reading */
  ff_entry_t *cur;     /* the entry being read whole */
  uint64_t skip_until; /* whole reads: records ending at or before are not emitted */
  uint64_t nopen;      /* tail descriptors open */
  uint64_t files_done, retried, gave_up;
} ff_follow_t;

/* ---- follow.c ---- */
int64_t ff_now_ms(void);
int ff_stopping(const ff_follow_t *fw);

/* ---- follow_scan.c ---- */
/* Walks every configured path, noting new, changed and vanished files. */
void ff_scan_all(ff_follow_t *fw);
/* Looks at one path an inotify event named; `tree`: below a followed folder. */
void ff_scan_path(ff_follow_t *fw, const char *path, int tree);

/* ---- follow_read.c ---- */
/* Reads what is new in e, as far as its kind and settling allow.
 * Returns VP_READ_DONE or VP_READ_STOP. */
int ff_read_entry(ff_follow_t *fw, ff_entry_t *e);
/* The file is gone or replaced: read what its descriptor still holds. */
int ff_finish_entry(ff_follow_t *fw, ff_entry_t *e);
/* Forget what was read: the file restarts at offset 0. */
void ff_reset_entry(ff_follow_t *fw, ff_entry_t *e, const char *why);
void ff_close_fd(ff_follow_t *fw, ff_entry_t *e);
/* FNV-1a over p[0..n), continuing from h. */
uint64_t ff_hash(uint64_t h, const void *p, size_t n);
#define FF_HASH_INIT 14695981039346656037ull
#define FF_FP_MAX 256

/* ---- follow_table.c ---- */
int ff_table_init(ff_table_t *t);
void ff_table_fini(ff_table_t *t);
ff_entry_t *ff_table_find(const ff_table_t *t, dev_t dev, ino_t ino);
ff_entry_t *ff_table_find_path(const ff_table_t *t, const char *path);
/* A new entry for path, not yet read; NULL when out of memory. */
ff_entry_t *ff_table_add(ff_table_t *t, dev_t dev, ino_t ino, const char *path);
/* Drops the entries for which drop(e) is true, freeing them. */
size_t ff_table_sweep(ff_table_t *t, int (*drop)(ff_entry_t *e, void *ctx), void *ctx);

/* ---- follow_acks.c ---- */
int ff_acks_init(ff_acks_t *a, size_t cap, const atomic_int *stop);
void ff_acks_fini(ff_acks_t *a);
/* Wakes a reader waiting for room (stop() calls it). */
void ff_acks_wake(ff_acks_t *a);
/* Records not yet acknowledged, over all files. */
uint64_t ff_acks_outstanding(ff_acks_t *a);
/*
 * Emits one record of e ending at next_off/next_line: with emit_acked
 * when tracking (the entry's acknowledged position moves when its ack
 * comes back), else with emit. Returns a vigil status.
 */
int ff_emit(ff_follow_t *fw, ff_entry_t *e, const vigil_position_t *pos, const char *p, size_t n,
            uint64_t next_off, uint64_t next_line);
/* The vp_emitter_t hook for whole reads (fw->cur is the entry). */
int ff_emit_hook(vp_emitter_t *em, const vigil_position_t *pos, const char *p, size_t n,
                 uint64_t next);

/* ---- checkpoint writing (follow.c) ---- */
/* Writes the checkpoint if something moved and `force` or checkpoint_ms passed. */
void ff_checkpoint(ff_follow_t *fw, int force);

#endif
