#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "plugin_host.h"

static void help(FILE *out) {
  fprintf(out, "usage: vigil plugins [--plugin-dir DIR]...\n\n"
               "Lists every plugin in the plugin folders, in search order: name, kind,\n"
               "version, ABI and file, or why a file was refused.\n\n"
               "  --plugin-dir DIR   search DIR first (repeatable)\n"
               "Folders searched after those: $VIGIL_PLUGIN_PATH, then the folder next to\n"
               "the vigil binary (build tree or install).\n"
               "Exit status: 0 all loaded, 2 some file was refused.\n");
}

int vigil_cmd_plugins(int argc, char **argv) {
  static const struct option opts[] = {{"plugin-dir", required_argument, NULL, 'p'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  vigil_plugin_dirs_t dirs = {{0}, 0};
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
    if (c == 'p' && dirs.count < VIGIL_PLUGIN_MAX_DIRS) {
      dirs.dirs[dirs.count++] = optarg;
    } else if (c == 'h') {
      help(stdout);
      return VIGIL_EXIT_OK;
    } else {
      help(stderr);
      return VIGIL_EXIT_ERROR;
    }
  }
  vigil_plugin_dirs_defaults(&dirs);
  return vigil_plugin_list(&dirs, stdout) == 0 ? VIGIL_EXIT_OK : VIGIL_EXIT_ERROR;
}
