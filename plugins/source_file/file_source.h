/*
 * The `file` source: one instance reads a list of files and folders, once
 * (walk.c) or following them as they grow (follow*.c).
 */
#ifndef VP_FILE_SOURCE_H
#define VP_FILE_SOURCE_H

#include "config.h"
#include "reader.h"
#include "source.h"

struct ff_follow_s;

typedef struct file_source_s {
  vp_source_t src;
  vp_emitter_t em;
  vp_strings_t paths;
  int follow;               /* option `follow` */
  struct ff_follow_s *fw;   /* follow mode's state; NULL when one-shot */
  uint64_t files;   /* files opened and read, zip archives included */
  uint64_t members; /* zip archive members read */
  uint64_t missing; /* paths that could not be found or opened */
} file_source_t;

/* The reader thread's body: reads every configured path in order. */
int file_source_read_all(vp_source_t *src, void *ctx);

/*
 * Follow mode (follow.c). create() makes the state (options, acks,
 * checkpoint path), follow() is the reader thread's body and never ends on
 * its own, destroy() writes the last checkpoint and frees everything.
 * Options are the *_ms values; 0 means the default.
 */
int file_source_follow_create(file_source_t *fs, size_t settle_ms, size_t poll_ms,
                              size_t checkpoint_ms, size_t incomplete_ms, char *err,
                              size_t errlen);
int file_source_follow(vp_source_t *src, void *ctx);
void file_source_follow_wake(file_source_t *fs);
void file_source_follow_destroy(file_source_t *fs);

/* Does the regular file open on fd start with a zip local file header? */
int file_source_is_zip(int fd);

/*
 * Reads every regular member of the zip archive open on fd (which this
 * takes over and closes) as its own stream "<path>!<member>". A damaged
 * archive or member is logged and counted; reading goes on.
 */
int file_source_read_zip(file_source_t *fs, int fd, const char *path);

#endif
