#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "pipeline.h"
#include "rule_test.h"

static void help(FILE *out) {
  fprintf(out, "usage: vigil test [-v] [PATH...]\n\n"
               "Loads the rules in PATH (files or folders; default: the bundled pack) and\n"
               "runs the tests each rule carries: every event must fire, or not fire, as\n"
               "the test says. Failures name the rule, the test and the rule's file:line.\n\n"
               "  -v, --verbose   also list the tests that pass\n"
               "  -h, --help      this text\n\n"
               "Exit status: 0 all passed, 1 some test failed, 2 the rules did not load.\n");
}

int vigil_cmd_test(int argc, char **argv) {
  static const struct option opts[] = {{"verbose", no_argument, NULL, 'v'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  const char *paths[64];
  const char *lib = vigil_default_rules_dir();
  vigil_ruleset_t *rs;
  vigil_test_report_t rep;
  char err[2048];
  int npaths = 0;
  int verbose = 0;
  int c;

  optind = 1;
  while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
    if (c == 'v') {
      verbose = 1;
    } else {
      help(c == 'h' ? stdout : stderr);
      return c == 'h' ? VIGIL_EXIT_OK : VIGIL_EXIT_ERROR;
    }
  }
  for (; optind < argc && npaths < 64; optind++)
    paths[npaths++] = argv[optind];
  if (npaths == 0 && lib)
    paths[npaths++] = lib;
  if (npaths == 0) {
    fprintf(stderr, "vigil test: the bundled rules folder was not found; give a PATH\n");
    return VIGIL_EXIT_ERROR;
  }
  if (vigil_ruleset_load(paths, npaths, &lib, lib ? 1 : 0, &rs, err, sizeof(err)) != VIGIL_OK) {
    fprintf(stderr, "vigil: error: %s\n", err);
    return VIGIL_EXIT_ERROR;
  }
  vigil_rule_tests_run(rs, verbose, stdout, &rep);
  printf("%d tests: %d passed, %d failed (%zu rules, %d with tests, %d without)\n",
         rep.passed + rep.failed, rep.passed, rep.failed, rs->nrules, rep.rules, rep.untested);
  vigil_ruleset_free(rs);
  return rep.failed ? 1 : VIGIL_EXIT_OK;
}
