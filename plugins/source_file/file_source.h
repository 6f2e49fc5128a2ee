/* The `file` source: one instance reads a list of files and folders once. */
#ifndef VP_FILE_SOURCE_H
#define VP_FILE_SOURCE_H

#include "config.h"
#include "reader.h"
#include "source.h"

typedef struct file_source_s {
  vp_source_t src;
  vp_emitter_t em;
  vp_strings_t paths;
  uint64_t files;   /* files opened and read, zip archives included */
  uint64_t members; /* zip archive members read */
  uint64_t missing; /* paths that could not be found or opened */
} file_source_t;

/* The reader thread's body: reads every configured path in order. */
int file_source_read_all(vp_source_t *src, void *ctx);

/* Does the regular file open on fd start with a zip local file header? */
int file_source_is_zip(int fd);

/*
 * Reads every regular member of the zip archive open on fd (which this
 * takes over and closes) as its own stream "<path>!<member>". A damaged
 * archive or member is logged and counted; reading goes on.
 */
int file_source_read_zip(file_source_t *fs, int fd, const char *path);

#endif
