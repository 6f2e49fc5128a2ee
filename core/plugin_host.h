/*
 * Finding and loading plugin shared objects, and checking their descriptors.
 *
 * A plugin named NAME of kind KIND lives in a file KIND_NAME.so ("source_file.so",
 * "sink_stdout.so") in one of the plugin folders, searched in order. The
 * loader refuses, with one line naming the file, anything that is not a
 * vigil plugin, has another ABI major, a newer ABI minor, a descriptor
 * smaller than the 1.0 one, or lacks a required function.
 */
#ifndef VIGIL_PLUGIN_HOST_H
#define VIGIL_PLUGIN_HOST_H

#include <stdio.h>

#include "vigil/plugin.h"

#define VIGIL_PLUGIN_MAX_DIRS 8

/* Plugin folders in search order. */
typedef struct vigil_plugin_dirs_s {
  const char *dirs[VIGIL_PLUGIN_MAX_DIRS];
  int count;
} vigil_plugin_dirs_t;

/* A loaded plugin. `desc` is the plugin's descriptor copied into the host's
 * layout: fields beyond the plugin's own size read as zero/NULL. */
typedef struct vigil_plugin_lib_s {
  char *path;
  void *handle; /* from dlopen */
  vigil_plugin_t desc;
} vigil_plugin_lib_t;

/*
 * Adds the default folders after any already in dirs: $VIGIL_PLUGIN_PATH
 * (colon-separated), then the folders next to the running binary
 * (<bindir>/plugins in a build tree, <bindir>/VIGIL_PLUGIN_SUBDIR when
 * installed). Folders that do not exist, and folders already listed (same
 * realpath), are left out; so are any past VIGIL_PLUGIN_MAX_DIRS. Added
 * entries are canonical paths owned by the loader for the life of the
 * process; entries the caller put in dirs stay the caller's.
 */
void vigil_plugin_dirs_defaults(vigil_plugin_dirs_t *dirs);

/* Loads and checks one .so. Returns VIGIL_OK with *out set, or a status
 * with a one-line reason naming the file written to err (truncated to
 * errlen): VIGIL_EIO when the file cannot be loaded at all (missing, not a
 * shared object, unresolved symbols), VIGIL_EINVAL when it loads but is not
 * an acceptable vigil plugin, VIGIL_ENOMEM. Close *out with
 * vigil_plugin_close; the descriptor's strings and functions live in the
 * shared object and are gone after that. */
int vigil_plugin_open(const char *path, vigil_plugin_lib_t **out, char *err, size_t errlen);

/* Finds KIND_NAME.so in dirs (kind is VIGIL_PLUGIN_SOURCE or _SINK) and
 * opens it; the descriptor's name and kind must match the file name. The
 * first folder holding the file decides, even if that copy is refused.
 * Not found: VIGIL_ERR and a reason listing the folders searched. A name
 * outside [a-z0-9_-] is VIGIL_EINVAL. Other statuses as vigil_plugin_open. */
int vigil_plugin_find(const vigil_plugin_dirs_t *dirs, const char *name, unsigned kind,
                      vigil_plugin_lib_t **out, char *err, size_t errlen);

void vigil_plugin_close(vigil_plugin_lib_t *lib);

/* Prints every *.so in dirs (a header line per folder, files sorted by
 * name), one line each: name, kind, version, ABI, path and description, or
 * "  !  " and the reason it was refused (including a file name that does
 * not match its descriptor). Returns the number refused; a folder that
 * cannot be read counts as one. */
int vigil_plugin_list(const vigil_plugin_dirs_t *dirs, FILE *out);

/* "source", "sink" or "source+sink". */
const char *vigil_plugin_kind_name(unsigned kind);

#endif
