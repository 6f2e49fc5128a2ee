/*
 * vigil_plugin_list from the command line, for the script tests, so they can
 * check built plugins without depending on the vigil CLI.
 *
 *   vigil_test_plugin_list [DIR...]   lists DIRs, or the default folders
 *
 * Exit status: 0 when every file loaded, 1 when any was refused.
 */
#include <stdio.h>

#include "plugin_host.h"

int main(int argc, char **argv) {
  vigil_plugin_dirs_t dirs = {0};
  int i;

  for (i = 1; i < argc && dirs.count < VIGIL_PLUGIN_MAX_DIRS; i++)
    dirs.dirs[dirs.count++] = argv[i];
  if (argc == 1)
    vigil_plugin_dirs_defaults(&dirs);
  return vigil_plugin_list(&dirs, stdout) > 0 ? 1 : 0;
}
