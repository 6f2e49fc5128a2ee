/* The vigil command line: one file per command. */
#ifndef VIGIL_CLI_H
#define VIGIL_CLI_H

/* Exit statuses of every command (documented in README and --help). */
#define VIGIL_EXIT_OK 0      /* done; for scan: no alerts */
#define VIGIL_EXIT_ALERTS 1  /* scan: alerts were raised */
#define VIGIL_EXIT_ERROR 2   /* something could not be processed; see stderr */
#define VIGIL_EXIT_INTERRUPTED 130 /* scan: a signal stopped it before its input ended */

int vigil_cmd_scan(int argc, char **argv);
int vigil_cmd_run(int argc, char **argv);
int vigil_cmd_plugins(int argc, char **argv);
int vigil_cmd_test(int argc, char **argv);
int vigil_cmd_lint(int argc, char **argv);
int vigil_cmd_explain(int argc, char **argv);

#endif
