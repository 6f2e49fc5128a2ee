/* Reading, writing and looking up the follow mode's checkpoint file. */
#include "checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#define VERSION 1

/* Integers above 2^53 are not exact in a double: offsets stay below. */
#define MAX_EXACT 9007199254740992.0

static const char *const kinds[] = {"unknown", "tail", "doc", "gzip", "zip", "skip", NULL};

/* ---- loading -------------------------------------------------------------------------------- */

static int get_u64_str(const cJSON *o, const char *key, int hex, uint64_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
  char *end;

  if (!cJSON_IsString(v) || v->valuestring[0] == '\0' || v->valuestring[0] == '-')
    return -1;
  errno = 0;
  *out = strtoull(v->valuestring, &end, hex ? 16 : 10);
  return errno == 0 && *end == '\0' ? 0 : -1;
}

static int get_num(const cJSON *o, const char *key, uint64_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

  if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > MAX_EXACT ||
      v->valuedouble != (double)(uint64_t)v->valuedouble)
    return -1;
  *out = (uint64_t)v->valuedouble;
  return 0;
}

static int get_bool(const cJSON *o, const char *key, int *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

  if (!cJSON_IsBool(v))
    return -1;
  *out = cJSON_IsTrue(v);
  return 0;
}

static int get_kind(const cJSON *o, ff_kind_t *out) {
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "kind");
  int i;

  if (!cJSON_IsString(v))
    return -1;
  for (i = 0; kinds[i] != NULL; i++) {
    if (strcmp(kinds[i], v->valuestring) == 0) {
      *out = (ff_kind_t)i;
      return 0;
    }
  }
  return -1;
}

/* Fills f from o; returns NULL or the name of the first bad field. */
static const char *parse_file(const cJSON *o, ff_cp_file_t *f) {
  const cJSON *path = cJSON_GetObjectItemCaseSensitive(o, "path");
  uint64_t mtime, fp_len;

  if (!cJSON_IsObject(o))
    return "entry is not an object";
  if (!cJSON_IsString(path) || path->valuestring[0] == '\0')
    return "path";
  if (get_u64_str(o, "dev", 0, &f->dev) != 0)
    return "dev";
  if (get_u64_str(o, "ino", 0, &f->ino) != 0)
    return "ino";
  if (get_kind(o, &f->kind) != 0)
    return "kind";
  if (get_num(o, "size", &f->size) != 0)
    return "size";
  if (get_u64_str(o, "mtime_ns", 0, &mtime) != 0 || mtime > INT64_MAX)
    return "mtime_ns";
  if (get_u64_str(o, "fp", 1, &f->fp) != 0)
    return "fp";
  if (get_num(o, "fp_len", &fp_len) != 0 || fp_len > UINT32_MAX)
    return "fp_len";
  if (get_num(o, "offset", &f->offset) != 0)
    return "offset";
  if (get_num(o, "line", &f->line) != 0)
    return "line";
  if (get_bool(o, "done", &f->done) != 0)
    return "done";
  if (get_bool(o, "failed", &f->failed) != 0)
    return "failed";
  f->mtime_ns = (int64_t)mtime;
  f->fp_len = (uint32_t)fp_len;
  f->path = strdup(path->valuestring);
  return f->path != NULL ? NULL : "path (out of memory)";
}

static int by_ino(const void *a, const void *b) {
  const ff_cp_file_t *x = *(ff_cp_file_t *const *)a, *y = *(ff_cp_file_t *const *)b;

  if (x->dev != y->dev)
    return x->dev < y->dev ? -1 : 1;
  if (x->ino != y->ino)
    return x->ino < y->ino ? -1 : 1;
  return 0;
}

static int by_path(const void *a, const void *b) {
  return strcmp((*(ff_cp_file_t *const *)a)->path, (*(ff_cp_file_t *const *)b)->path);
}

static int index_files(ff_cp_t *cp) {
  size_t i;

  cp->by_ino = calloc(cp->n + 1, sizeof(*cp->by_ino));
  cp->by_path = calloc(cp->n + 1, sizeof(*cp->by_path));
  if (cp->by_ino == NULL || cp->by_path == NULL)
    return -1;
  for (i = 0; i < cp->n; i++)
    cp->by_ino[i] = cp->by_path[i] = &cp->v[i];
  qsort(cp->by_ino, cp->n, sizeof(*cp->by_ino), by_ino);
  qsort(cp->by_path, cp->n, sizeof(*cp->by_path), by_path);
  return 0;
}

static int parse(const char *text, ff_cp_t *cp, char *err, size_t errlen) {
  cJSON *root = cJSON_Parse(text);
  const cJSON *files, *item;
  const char *bad;
  uint64_t version;
  int rc = -1;

  if (root == NULL) {
    snprintf(err, errlen, "not valid JSON");
    return -1;
  }
  files = cJSON_GetObjectItemCaseSensitive(root, "files");
  if (!cJSON_IsObject(root) || get_num(root, "version", &version) != 0) {
    snprintf(err, errlen, "no \"version\" number");
  } else if (version != VERSION) {
    snprintf(err, errlen, "version %" PRIu64 ", this plugin reads version %d", version, VERSION);
  } else if (!cJSON_IsArray(files)) {
    snprintf(err, errlen, "no \"files\" array");
  } else if ((cp->v = calloc((size_t)cJSON_GetArraySize(files) + 1, sizeof(*cp->v))) == NULL) {
    snprintf(err, errlen, "out of memory");
  } else {
    rc = 0;
    cJSON_ArrayForEach(item, files) {
      if ((bad = parse_file(item, &cp->v[cp->n])) != NULL) {
        snprintf(err, errlen, "file entry %zu: bad or missing \"%s\"", cp->n + 1, bad);
        rc = -1;
        break;
      }
      cp->n++;
    }
    if (rc == 0 && index_files(cp) != 0) {
      snprintf(err, errlen, "out of memory");
      rc = -1;
    }
  }
  cJSON_Delete(root);
  return rc;
}

static char *slurp(FILE *f, char *err, size_t errlen) {
  size_t len = 0, cap = 4096, got;
  char *buf = malloc(cap), *nbuf;

  while (buf != NULL && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (len + 1 == cap) {
      nbuf = realloc(buf, cap * 2);
      if (nbuf == NULL) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nbuf;
      cap *= 2;
    }
  }
  if (buf == NULL) {
    snprintf(err, errlen, "out of memory");
    return NULL;
  }
  if (ferror(f)) {
    snprintf(err, errlen, "read failed: %s", strerror(errno));
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  return buf;
}

int ff_cp_load(const char *path, ff_cp_t *cp, char *err, size_t errlen) {
  FILE *f;
  char *text;
  int rc;

  memset(cp, 0, sizeof(*cp));
  f = fopen(path, "rb");
  if (f == NULL) {
    if (errno == ENOENT)
      return index_files(cp) == 0 ? 0 : -2;
    snprintf(err, errlen, "cannot open: %s", strerror(errno));
    return -2;
  }
  text = slurp(f, err, errlen);
  fclose(f);
  if (text == NULL)
    return -2;
  rc = parse(text, cp, err, errlen);
  free(text);
  if (rc != 0)
    ff_cp_free(cp);
  return rc;
}

static ff_cp_file_t *take(ff_cp_t *cp, const ff_cp_file_t *key, int by_path_) {
  const ff_cp_file_t *pk = key;
  ff_cp_file_t **hit;

  if (cp->n == 0)
    return NULL;
  hit = bsearch(&pk, by_path_ ? cp->by_path : cp->by_ino, cp->n, sizeof(*cp->by_ino),
                by_path_ ? by_path : by_ino);
  if (hit == NULL || (*hit)->used)
    return NULL;
  (*hit)->used = 1;
  return *hit;
}

ff_cp_file_t *ff_cp_find_ino(ff_cp_t *cp, uint64_t dev, uint64_t ino) {
  ff_cp_file_t key;

  memset(&key, 0, sizeof(key));
  key.dev = dev;
  key.ino = ino;
  return take(cp, &key, 0);
}

ff_cp_file_t *ff_cp_find_path(ff_cp_t *cp, const char *path) {
  ff_cp_file_t key;

  memset(&key, 0, sizeof(key));
  key.path = (char *)path;
  return take(cp, &key, 1);
}

void ff_cp_free(ff_cp_t *cp) {
  size_t i;

  for (i = 0; i < cp->n; i++)
    free(cp->v[i].path);
  free(cp->v);
  free(cp->by_ino);
  free(cp->by_path);
  memset(cp, 0, sizeof(*cp));
}

/* ---- writing -------------------------------------------------------------------------------- */

static int add_u64_str(cJSON *o, const char *key, const char *fmt, uint64_t v) {
  char buf[32];

  snprintf(buf, sizeof(buf), fmt, v);
  return cJSON_AddStringToObject(o, key, buf) != NULL ? 0 : -1;
}

static int add_file(cJSON *files, const ff_cp_file_t *f) {
  cJSON *o = cJSON_CreateObject();
  int bad = 0;

  if (o == NULL || !cJSON_AddItemToArray(files, o))
    return -1;
  bad |= cJSON_AddStringToObject(o, "path", f->path) == NULL;
  bad |= add_u64_str(o, "dev", "%" PRIu64, f->dev);
  bad |= add_u64_str(o, "ino", "%" PRIu64, f->ino);
  bad |= cJSON_AddStringToObject(o, "kind", kinds[f->kind]) == NULL;
  bad |= cJSON_AddNumberToObject(o, "size", (double)f->size) == NULL;
  bad |= add_u64_str(o, "mtime_ns", "%" PRIu64, (uint64_t)f->mtime_ns);
  bad |= add_u64_str(o, "fp", "%016" PRIx64, f->fp);
  bad |= cJSON_AddNumberToObject(o, "fp_len", f->fp_len) == NULL;
  bad |= cJSON_AddNumberToObject(o, "offset", (double)f->offset) == NULL;
  bad |= cJSON_AddNumberToObject(o, "line", (double)f->line) == NULL;
  bad |= cJSON_AddBoolToObject(o, "done", f->done) == NULL;
  bad |= cJSON_AddBoolToObject(o, "failed", f->failed) == NULL;
  return bad ? -1 : 0;
}

char *ff_cp_format(const ff_cp_file_t *v, size_t n) {
  cJSON *root = cJSON_CreateObject(), *files;
  char *text = NULL;
  size_t i;

  if (root == NULL)
    return NULL;
  files = cJSON_AddArrayToObject(root, "files");
  if (cJSON_AddNumberToObject(root, "version", VERSION) != NULL && files != NULL) {
    for (i = 0; i < n; i++)
      if (add_file(files, &v[i]) != 0)
        break;
    if (i == n)
      text = cJSON_PrintUnformatted(root);
  }
  cJSON_Delete(root);
  return text;
}

static int write_all(int fd, const char *p, size_t n) {
  ssize_t w;

  while (n > 0) {
    w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* The rename is durable only once the folder holding it is. */
static int sync_dir(const char *path) {
  char *copy = strdup(path);
  int fd, rc = -1;

  if (copy == NULL)
    return -1;
  fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    rc = fsync(fd);
    close(fd);
  }
  free(copy);
  return rc;
}

int ff_cp_save(const char *path, const char *text, char *err, size_t errlen) {
  size_t len = strlen(path);
  char *tmp = malloc(len + 5);
  const char *what = NULL, *on;
  int fd, e = 0;

  if (tmp == NULL) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  memcpy(tmp, path, len);
  memcpy(tmp + len, ".tmp", 5);
  on = tmp;
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0)
    what = "cannot create";
  else if (write_all(fd, text, strlen(text)) != 0 || write_all(fd, "\n", 1) != 0)
    what = "cannot write";
  else if (fsync(fd) != 0)
    what = "cannot fsync";
  e = errno;
  if (fd >= 0 && close(fd) != 0 && what == NULL) {
    what = "cannot close";
    e = errno;
  }
  if (what == NULL) {
    on = path;
    if (rename(tmp, path) != 0)
      what = "cannot rename the new checkpoint to";
    else if (sync_dir(path) != 0)
      what = "cannot fsync the folder of";
    e = errno;
  }
  if (what != NULL) {
    snprintf(err, errlen, "%s %s: %s", what, on, strerror(e));
    unlink(tmp);
  }
  free(tmp);
  return what != NULL ? -1 : 0;
}
