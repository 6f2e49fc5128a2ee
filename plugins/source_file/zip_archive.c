/*
 * Zip archives in the `file` source, found by their first four bytes.
 *
 * In follow mode (em.strict) an archive libzip cannot open yet is not an
 * error but VP_READ_RETRY: it may still be being written.
 *
 * Each member is streamed with zip_fread() through the same input (gzip
 * inside a member is found too) and the same reader as a plain file, so
 * formats, limits and positions are identical; nothing is written to disk.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "file_source.h"

typedef struct member_s {
  zip_file_t *zf;
  const atomic_int *stop;
} member_t;

int file_source_is_zip(int fd) {
  static const unsigned char magic[4] = {'P', 'K', 3, 4};
  unsigned char head[4];
  struct stat st;

  /* libzip needs to seek to the central directory: regular files only. */
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
    return 0;
  return pread(fd, head, sizeof(head), 0) == (ssize_t)sizeof(head) &&
         memcmp(head, magic, sizeof(magic)) == 0;
}

static int read_member(void *ctx, void *buf, size_t cap, size_t *got, char *err, size_t errlen) {
  member_t *m = ctx;
  zip_int64_t n;

  if (atomic_load(m->stop))
    return VP_IN_STOP;
  n = zip_fread(m->zf, buf, cap);
  if (n < 0) {
    snprintf(err, errlen, "zip: %s", zip_file_strerror(m->zf));
    return VP_IN_ERR;
  }
  *got = (size_t)n;
  return n > 0 ? VP_IN_OK : VP_IN_EOF;
}

static void zip_failed(file_source_t *fs, const char *path, const char *name, const char *what,
                       const char *why) {
  fs->em.stats.errors++;
  fs->src.svc->log(fs->src.host, VIGIL_LOG_ERROR, "%s%s%s: %s: %s", path, name ? "!" : "",
                   name ? name : "", what, why);
}

/* Directories (a name ending in '/') and, from Unix zips, links and devices.
 * Modes without a file type (Python's zipfile writes bare permission bits
 * for writestr()) are regular files. */
static int is_regular(zip_t *za, zip_uint64_t i, const char *name) {
  zip_uint8_t opsys;
  zip_uint32_t attr;
  mode_t mode;

  if (name[0] != '\0' && name[strlen(name) - 1] == '/')
    return 0;
  if (zip_file_get_external_attributes(za, i, 0, &opsys, &attr) != 0 || opsys != ZIP_OPSYS_UNIX)
    return 1;
  mode = (mode_t)(attr >> 16);
  return (mode & S_IFMT) == 0 || S_ISREG(mode);
}

static int read_one(file_source_t *fs, zip_t *za, zip_uint64_t i, const char *path) {
  member_t m = {NULL, &fs->src.stop};
  const char *name = zip_get_name(za, i, 0);
  char *stream;
  vp_input_t in;
  int rc = VP_READ_DONE;

  if (name == NULL) {
    zip_failed(fs, path, NULL, "cannot read member name", zip_strerror(za));
    return VP_READ_DONE;
  }
  if (!is_regular(za, i, name))
    return VP_READ_DONE;
  stream = malloc(strlen(path) + strlen(name) + 2);
  if (stream == NULL) {
    zip_failed(fs, path, name, "cannot read member", "out of memory");
    return VP_READ_DONE;
  }
  sprintf(stream, "%s!%s", path, name);
  m.zf = zip_fopen_index(za, i, 0);
  if (m.zf == NULL) {
    zip_failed(fs, path, name, "cannot open member", zip_strerror(za));
  } else if (vp_input_init_fn(&in, read_member, &m) != 0) {
    zip_failed(fs, path, name, "cannot read member", "out of memory");
    vp_input_fini(&in);
  } else {
    fs->members++;
    /* A member is never named by the user: one that is not JSON is skipped. */
    fs->em.skip_non_json = 1;
    rc = vp_read_stream(&fs->em, &in, stream);
    vp_input_fini(&in);
  }
  if (m.zf != NULL)
    zip_fclose(m.zf);
  free(stream);
  return rc;
}

int file_source_read_zip(file_source_t *fs, int fd, const char *path) {
  zip_error_t zerr;
  zip_int64_t n, i;
  zip_t *za;
  int code = 0, rc = VP_READ_DONE;

  za = zip_fdopen(fd, ZIP_RDONLY, &code);
  if (za == NULL) {
    zip_error_init_with_code(&zerr, code);
    if (fs->em.strict) {
      /* Follow mode: the archive may still be being written. */
      snprintf(fs->em.why, sizeof(fs->em.why), "cannot read zip archive: %s",
               zip_error_strerror(&zerr));
      rc = VP_READ_RETRY;
    } else {
      zip_failed(fs, path, NULL, "cannot read zip archive", zip_error_strerror(&zerr));
    }
    zip_error_fini(&zerr);
    close(fd);
    return rc;
  }
  n = zip_get_num_entries(za, 0);
  for (i = 0; i < n && rc == VP_READ_DONE && !atomic_load(&fs->src.stop); i++)
    rc = read_one(fs, za, (zip_uint64_t)i, path);
  zip_discard(za); /* closes fd */
  return atomic_load(&fs->src.stop) ? VP_READ_STOP : rc;
}
