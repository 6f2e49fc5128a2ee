/*
 * The follow mode's checkpoint: one small JSON file per instance,
 * <state_dir>/checkpoint.json, saying for each file how far it is done.
 *
 *   {"version": 1, "files": [
 *     {"path": "/logs/app.log", "dev": "2049", "ino": "1835",
 *      "kind": "tail", "size": 5120, "mtime_ns": "1700000000123456789",
 *      "fp": "9a3c...", "fp_len": 256, "offset": 5120, "line": 40,
 *      "done": false, "failed": false}, ...]}
 *
 * dev, ino, mtime_ns and fp are strings because they may not fit a JSON
 * number exactly. `offset` is in the file's bytes for plain files and in
 * the decompressed stream for gzip; `line` counts the lines before it.
 * `fp` is a hash of the first `fp_len` bytes, so a reused inode is not
 * mistaken for the file that had it.
 *
 * Known limit: fp_len is at most 256 bytes. A tailed file deleted while
 * vigil is stopped, whose inode a new file takes, is mistaken for the old
 * one when the new file starts with the same 256 bytes and is at least as
 * long as the old offset: the bytes before that offset are skipped. A hash
 * of everything up to `offset` (kept as the file is read) would close it.
 *
 * It is replaced atomically: written to checkpoint.json.tmp, fsync'd,
 * renamed over the old one, and the folder fsync'd, so a crash leaves
 * either the old or the new checkpoint, never half of one.
 */
#ifndef FF_CHECKPOINT_H
#define FF_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

/* What a file turned out to be; decided from its first bytes. */
typedef enum ff_kind_e {
  FF_UNKNOWN = 0, /* not enough bytes seen yet */
  FF_TAIL,        /* plain JSON Lines (or one compact record): tailed */
  FF_DOC,         /* plain multi-line document: read whole once settled */
  FF_GZIP,        /* gzip: read whole once settled */
  FF_ZIP,         /* zip archive: read whole once settled */
  FF_SKIP         /* found in a folder and not JSON: left alone */
} ff_kind_t;

typedef struct ff_cp_file_s {
  char *path;
  uint64_t dev, ino;
  ff_kind_t kind;
  uint64_t size;
  int64_t mtime_ns;
  uint64_t fp;
  uint32_t fp_len;
  uint64_t offset, line;
  int done, failed;
  int used; /* matched to a file found on disk */
} ff_cp_file_t;

typedef struct ff_cp_s {
  ff_cp_file_t *v;
  size_t n;
  ff_cp_file_t **by_ino;  /* sorted by (dev, ino) */
  ff_cp_file_t **by_path; /* sorted by path */
} ff_cp_t;

/*
 * Loads the checkpoint at path. A missing file is an empty checkpoint.
 * Returns 0; -1 when the file is not a checkpoint this code wrote (bad
 * JSON, a missing or mistyped field, another version) with the reason and
 * the entry number in err; -2 when it cannot be read (err says why).
 */
int ff_cp_load(const char *path, ff_cp_t *cp, char *err, size_t errlen);

/*
 * The unused entry for (dev, ino), or for path; NULL when none. Callers try
 * every file found by inode before any by path: a file rotated while vigil
 * was stopped keeps its inode under a new name, and the new file at its old
 * path must not take its entry first.
 */
ff_cp_file_t *ff_cp_find_ino(ff_cp_t *cp, uint64_t dev, uint64_t ino);
ff_cp_file_t *ff_cp_find_path(ff_cp_t *cp, const char *path);

void ff_cp_free(ff_cp_t *cp);

/* The checkpoint text for n entries, malloc'd; NULL when out of memory. */
char *ff_cp_format(const ff_cp_file_t *v, size_t n);

/* Replaces path with text atomically (see above). Returns 0 or -1 with err. */
int ff_cp_save(const char *path, const char *text, char *err, size_t errlen);

#endif
