#include <stdio.h>

#include "cli.h"

int vigil_cmd_test(int argc, char **argv) {
  (void)argc;
  (void)argv;
  fprintf(stderr, "vigil test: not built yet\n");
  return VIGIL_EXIT_ERROR;
}
