/*
 * Loading plugin shared objects and checking their descriptors.
 *
 * The order of checks matters: until the ABI version and size are known to
 * be acceptable, only the first 8 bytes of a descriptor may be read, because
 * a plugin from another ABI may have a different (or shorter) layout.
 */
#include "plugin_host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KNOWN_KINDS (VIGIL_PLUGIN_SOURCE | VIGIL_PLUGIN_SINK)

/* ---- error text ---------------------------------------------------------------------------- */

static int fail(int status, char *err, size_t errlen, const char *fmt, ...) VIGIL_PRINTF(4, 5);

static int fail(int status, char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;

  if (err != NULL && errlen > 0) {
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
  }
  return status;
}

/* dlerror() usually starts with the path we already print; drop the repeat. */
static const char *dl_reason(const char *path) {
  const char *msg = dlerror();
  size_t n = strlen(path);

  if (msg == NULL)
    return "unknown dlopen error";
  if (strncmp(msg, path, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ')
    return msg + n + 2;
  return msg;
}

/* ---- descriptor checks --------------------------------------------------------------------- */

static int valid_name(const char *name) {
  const char *p;

  if (name == NULL || *name == '\0')
    return 0;
  for (p = name; *p; p++) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
      return 0;
  }
  return 1;
}

/* Only the first 8 bytes (major, minor, size) are read here. */
static int check_abi(const char *path, const vigil_plugin_t *d, char *err, size_t errlen) {
  unsigned major = d->abi_major, minor = d->abi_minor;

  if (major != VIGIL_ABI_MAJOR)
    return fail(VIGIL_EINVAL, err, errlen,
                "%s: plugin built for ABI %u.%u, this vigil supports ABI %d.%d (major differs)",
                path, major, minor, VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);
  if (minor > VIGIL_ABI_MINOR)
    return fail(VIGIL_EINVAL, err, errlen,
                "%s: plugin built for ABI %u.%u, this vigil supports ABI %d.%d (newer minor)", path,
                major, minor, VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);
  if (d->size < VIGIL_PLUGIN_SIZE_1_0)
    return fail(VIGIL_EINVAL, err, errlen, "%s: descriptor too small (%u bytes, at least %zu)",
                path, (unsigned)d->size, (size_t)VIGIL_PLUGIN_SIZE_1_0);
  return VIGIL_OK;
}

static int missing(const char *path, const char *what, char *err, size_t errlen) {
  return fail(VIGIL_EINVAL, err, errlen, "%s: missing required function '%s'", path, what);
}

/* Checks the host-layout copy, so fields past the plugin's size read as 0. */
static int check_fields(const char *path, const vigil_plugin_t *d, char *err, size_t errlen) {
  if (d->name == NULL || *d->name == '\0')
    return fail(VIGIL_EINVAL, err, errlen, "%s: descriptor has no name", path);
  if (!valid_name(d->name))
    return fail(VIGIL_EINVAL, err, errlen,
                "%s: invalid plugin name \"%.64s\" (allowed: a-z, 0-9, '_', '-')", path, d->name);
  if (d->version == NULL)
    return fail(VIGIL_EINVAL, err, errlen, "%s: descriptor has no version", path);
  if (d->kind == 0 || (d->kind & ~KNOWN_KINDS) != 0)
    return fail(VIGIL_EINVAL, err, errlen, "%s: invalid kind 0x%x (expected source and/or sink)",
                path, (unsigned)d->kind);
  if (d->create == NULL)
    return missing(path, "create", err, errlen);
  if (d->start == NULL)
    return missing(path, "start", err, errlen);
  if (d->stop == NULL)
    return missing(path, "stop", err, errlen);
  if (d->destroy == NULL)
    return missing(path, "destroy", err, errlen);
  if (d->last_error == NULL)
    return missing(path, "last_error", err, errlen);
  if ((d->kind & VIGIL_PLUGIN_SINK) && d->deliver == NULL)
    return missing(path, "deliver", err, errlen);
  return VIGIL_OK;
}

/* A plugin found as KIND_NAME.so must say it is that plugin. */
static int check_identity(const char *path, const vigil_plugin_t *d, const char *name,
                          unsigned kind, char *err, size_t errlen) {
  if (strcmp(d->name, name) != 0 || (d->kind & kind) == 0)
    return fail(VIGIL_EINVAL, err, errlen,
                "%s: descriptor says %s \"%.64s\" but the file name says %s \"%.64s\"", path,
                vigil_plugin_kind_name(d->kind), d->name, vigil_plugin_kind_name(kind), name);
  return VIGIL_OK;
}

/* ---- opening ------------------------------------------------------------------------------- */

/* dlsym returns an object pointer; POSIX guarantees it converts to a function
 * pointer, and going through a union keeps -Wpedantic quiet about it. */
static vigil_plugin_entry_fn entry_of(void *handle) {
  union {
    void *obj;
    vigil_plugin_entry_fn fn;
  } sym;

  sym.obj = dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL);
  return sym.fn;
}

/* Opens path; when name is not NULL the descriptor must match name and kind. */
static int open_checked(const char *path, const char *name, unsigned kind, vigil_plugin_lib_t **out,
                        char *err, size_t errlen) {
  vigil_plugin_lib_t *lib = NULL;
  vigil_plugin_entry_fn entry;
  const vigil_plugin_t *d;
  size_t n;
  int rc;

  *out = NULL;
  lib = calloc(1, sizeof(*lib));
  if (lib == NULL || (lib->path = strdup(path)) == NULL) {
    rc = fail(VIGIL_ENOMEM, err, errlen, "%s: out of memory", path);
    goto cleanup;
  }
  dlerror();
  lib->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (lib->handle == NULL) {
    rc = fail(VIGIL_EIO, err, errlen, "%s: cannot load: %s", path, dl_reason(path));
    goto cleanup;
  }

  entry = entry_of(lib->handle);
  if (entry == NULL) {
    rc = fail(VIGIL_EINVAL, err, errlen, "%s: not a vigil plugin (no %s symbol)", path,
              VIGIL_PLUGIN_ENTRY_SYMBOL);
    goto cleanup;
  }
  d = entry();
  if (d == NULL) {
    rc = fail(VIGIL_EINVAL, err, errlen, "%s: %s() returned no descriptor", path,
              VIGIL_PLUGIN_ENTRY_SYMBOL);
    goto cleanup;
  }
  rc = check_abi(path, d, err, errlen);
  if (rc != VIGIL_OK)
    goto cleanup;

  /* lib->desc is zeroed by calloc: whatever the plugin's size leaves out
   * (fields appended after it was built) reads as NULL/0. */
  n = d->size < sizeof(lib->desc) ? d->size : sizeof(lib->desc);
  memcpy(&lib->desc, d, n);

  rc = check_fields(path, &lib->desc, err, errlen);
  if (rc == VIGIL_OK && name != NULL)
    rc = check_identity(path, &lib->desc, name, kind, err, errlen);

cleanup:
  if (rc != VIGIL_OK) {
    vigil_plugin_close(lib);
    return rc;
  }
  *out = lib;
  return VIGIL_OK;
}

int vigil_plugin_open(const char *path, vigil_plugin_lib_t **out, char *err, size_t errlen) {
  return open_checked(path, NULL, 0, out, err, errlen);
}

void vigil_plugin_close(vigil_plugin_lib_t *lib) {
  if (lib == NULL)
    return;
  if (lib->handle != NULL)
    dlclose(lib->handle);
  free(lib->path);
  free(lib);
}

const char *vigil_plugin_kind_name(unsigned kind) {
  switch (kind) {
  case VIGIL_PLUGIN_SOURCE:
    return "source";
  case VIGIL_PLUGIN_SINK:
    return "sink";
  case VIGIL_PLUGIN_SOURCE | VIGIL_PLUGIN_SINK:
    return "source+sink";
  default:
    return "unknown";
  }
}

/* ---- finding by name ----------------------------------------------------------------------- */

static int is_file(const char *path) {
  struct stat st;

  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Appends "a, b, c" (the folders) to buf, truncating quietly. */
static void join_dirs(const vigil_plugin_dirs_t *dirs, char *buf, size_t len) {
  size_t used = 0;
  int i, n;

  buf[0] = '\0';
  if (dirs->count == 0) {
    snprintf(buf, len, "(no plugin folders)");
    return;
  }
  for (i = 0; i < dirs->count && used < len; i++) {
    n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", dirs->dirs[i]);
    if (n < 0)
      break;
    used += (size_t)n;
  }
}

int vigil_plugin_find(const vigil_plugin_dirs_t *dirs, const char *name, unsigned kind,
                      vigil_plugin_lib_t **out, char *err, size_t errlen) {
  const char *kname = vigil_plugin_kind_name(kind);
  char path[PATH_MAX];
  char where[1024];
  int i;

  *out = NULL;
  if (kind != VIGIL_PLUGIN_SOURCE && kind != VIGIL_PLUGIN_SINK)
    return fail(VIGIL_EINVAL, err, errlen, "plugin kind must be source or sink");
  if (!valid_name(name))
    return fail(VIGIL_EINVAL, err, errlen,
                "invalid %s plugin name \"%.64s\" (allowed: a-z, 0-9, '_', '-')", kname,
                name ? name : "");

  /* The first folder holding the file wins, even when that copy is refused:
   * silently falling back to another copy would hide the problem. */
  for (i = 0; i < dirs->count; i++) {
    if (snprintf(path, sizeof(path), "%s/%s_%s.so", dirs->dirs[i], kname, name) >=
        (int)sizeof(path))
      continue;
    if (is_file(path))
      return open_checked(path, name, kind, out, err, errlen);
  }
  join_dirs(dirs, where, sizeof(where));
  return fail(VIGIL_ERR, err, errlen, "no %s plugin \"%s\" (looked for %s_%s.so in: %s)", kname,
              name, kname, name, where);
}

/* ---- default folders ----------------------------------------------------------------------- */

/* The strings in a vigil_plugin_dirs_t are borrowed, and the API has no
 * matching free; folders added here are kept for the life of the process.
 * A handful of short strings, added once at startup. */
struct kept_s {
  struct kept_s *next;
  char path[];
};

static struct kept_s *kept_paths;

static char *keep_path(const char *path) {
  struct kept_s *k;

  for (k = kept_paths; k != NULL; k = k->next)
    if (strcmp(k->path, path) == 0)
      return k->path;
  k = malloc(sizeof(*k) + strlen(path) + 1);
  if (k == NULL)
    return NULL;
  strcpy(k->path, path);
  k->next = kept_paths;
  kept_paths = k;
  return k->path;
}

/* Adds dir when it is an existing folder not already listed (by realpath). */
static void add_dir(vigil_plugin_dirs_t *dirs, const char *dir) {
  char real[PATH_MAX], other[PATH_MAX];
  struct stat st;
  const char *kept;
  int i;

  if (dirs->count >= VIGIL_PLUGIN_MAX_DIRS || *dir == '\0')
    return;
  if (realpath(dir, real) == NULL || stat(real, &st) != 0 || !S_ISDIR(st.st_mode))
    return;
  for (i = 0; i < dirs->count; i++) {
    if (realpath(dirs->dirs[i], other) != NULL && strcmp(other, real) == 0)
      return;
  }
  kept = keep_path(real);
  if (kept != NULL)
    dirs->dirs[dirs->count++] = kept;
}

static void add_env_dirs(vigil_plugin_dirs_t *dirs) {
  const char *env = getenv("VIGIL_PLUGIN_PATH");
  char *copy, *tok, *save = NULL;

  if (env == NULL || *env == '\0')
    return;
  copy = strdup(env);
  if (copy == NULL)
    return;
  for (tok = strtok_r(copy, ":", &save); tok != NULL; tok = strtok_r(NULL, ":", &save))
    add_dir(dirs, tok);
  free(copy);
}

static void add_exe_dirs(vigil_plugin_dirs_t *dirs) {
  char exe[PATH_MAX], dir[PATH_MAX];
  ssize_t n;
  char *slash;

  n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n <= 0)
    return;
  exe[n] = '\0';
  slash = strrchr(exe, '/');
  if (slash == NULL)
    return;
  *slash = '\0';

  /* A build tree keeps plugins beside the binary; an install keeps them
   * under the libdir, found relative to the bindir so installs relocate. */
  if (snprintf(dir, sizeof(dir), "%s/plugins", exe) < (int)sizeof(dir))
    add_dir(dirs, dir);
  if (snprintf(dir, sizeof(dir), "%s/%s", exe, VIGIL_PLUGIN_SUBDIR) < (int)sizeof(dir))
    add_dir(dirs, dir);
}

void vigil_plugin_dirs_defaults(vigil_plugin_dirs_t *dirs) {
  add_env_dirs(dirs);
  add_exe_dirs(dirs);
}

/* ---- listing ------------------------------------------------------------------------------- */

static int is_so(const struct dirent *e) {
  size_t n = strlen(e->d_name);

  return n > 3 && strcmp(e->d_name + n - 3, ".so") == 0;
}

/* Byte order, not the locale's: the listing should not change with LANG. */
static int by_name(const struct dirent **a, const struct dirent **b) {
  return strcmp((*a)->d_name, (*b)->d_name);
}

/* "source_file.so" -> kind SOURCE, name "file"; 0 when it follows no pattern. */
static unsigned split_file_name(const char *file, char *name, size_t len) {
  static const struct {
    const char *prefix;
    unsigned kind;
  } kinds[] = {{"source_", VIGIL_PLUGIN_SOURCE}, {"sink_", VIGIL_PLUGIN_SINK}};
  size_t i, plen, flen = strlen(file);

  for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
    plen = strlen(kinds[i].prefix);
    if (strncmp(file, kinds[i].prefix, plen) == 0 && flen - 3 - plen < len) {
      memcpy(name, file + plen, flen - 3 - plen);
      name[flen - 3 - plen] = '\0';
      return kinds[i].kind;
    }
  }
  return 0;
}

/* Prints a description up to its first control character: one line each. */
static void print_line(FILE *out, const char *s) {
  for (; s != NULL && *s && (unsigned char)*s >= 0x20; s++)
    fputc(*s, out);
}

static int list_file(const char *dir, const char *file, FILE *out) {
  char path[PATH_MAX], name[256], err[1024];
  vigil_plugin_lib_t *lib;
  unsigned kind;
  int rc;

  if (snprintf(path, sizeof(path), "%s/%s", dir, file) >= (int)sizeof(path)) {
    fprintf(out, "  !  %s/%s: path too long\n", dir, file);
    return 1;
  }
  kind = split_file_name(file, name, sizeof(name));
  if (kind == 0) {
    fprintf(out, "  !  %s: file name is not source_NAME.so or sink_NAME.so\n", path);
    return 1;
  }
  rc = open_checked(path, name, kind, &lib, err, sizeof(err));
  if (rc != VIGIL_OK) {
    fprintf(out, "  !  %s\n", err);
    return 1;
  }
  fprintf(out, "  %-14s %-11s %-9s ABI %u.%u  %s  ", lib->desc.name,
          vigil_plugin_kind_name(lib->desc.kind), lib->desc.version, (unsigned)lib->desc.abi_major,
          (unsigned)lib->desc.abi_minor, path);
  print_line(out, lib->desc.description);
  fputc('\n', out);
  vigil_plugin_close(lib);
  return 0;
}

int vigil_plugin_list(const vigil_plugin_dirs_t *dirs, FILE *out) {
  struct dirent **files;
  int i, j, n, refused = 0;

  if (dirs->count == 0)
    fprintf(out, "no plugin folders\n");
  for (i = 0; i < dirs->count; i++) {
    fprintf(out, "%s:\n", dirs->dirs[i]);
    n = scandir(dirs->dirs[i], &files, is_so, by_name);
    if (n < 0) {
      fprintf(out, "  !  %s: cannot read folder: %s\n", dirs->dirs[i], strerror(errno));
      refused++;
      continue;
    }
    if (n == 0)
      fprintf(out, "  (no plugins)\n");
    for (j = 0; j < n; j++) {
      refused += list_file(dirs->dirs[i], files[j]->d_name, out);
      free(files[j]);
    }
    free(files);
  }
  return refused;
}
