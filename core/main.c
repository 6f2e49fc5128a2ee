#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "json_arena.h"
#include "vigil/plugin.h"

static const struct {
  const char *name;
  int (*fn)(int, char **);
  const char *about;
} commands[] = {
    {"scan", vigil_cmd_scan, "scan files, folders or stdin once with the rules"},
    {"run", vigil_cmd_run, "run a pipeline from a JSON configuration"},
    {"test", vigil_cmd_test, "run the tests that rules carry"},
    {"lint", vigil_cmd_lint, "check rules carry tests and runbooks, without running them"},
    {"explain", vigil_cmd_explain, "print the runbook of a rule, by id or eventName"},
    {"plugins", vigil_cmd_plugins, "list the plugins found, with versions"},
    {NULL, NULL, NULL}};

static void usage(FILE *out) {
  int i;

  fprintf(out, "usage: vigil COMMAND [OPTIONS]\n\nSecurity monitoring for event streams "
               "(AWS CloudTrail first), with rules in Lua.\n\ncommands:\n");
  for (i = 0; commands[i].name; i++)
    fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].about);
  fprintf(out, "\n  vigil COMMAND --help   options of one command\n"
               "  vigil --version        version and plugin ABI\n");
}

/* A launcher that closed stdin, stdout or stderr would let the next open()
 * (libuv's epoll fd, a log file) take fd 0-2; /dev/null keeps them taken. */
static void keep_std_fds(void) {
  int fd;

  for (fd = 0; fd <= 2; fd++) {
    if (fcntl(fd, F_GETFD) == -1 && open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
      _exit(VIGIL_EXIT_ERROR);
  }
}

int main(int argc, char **argv) {
  int i;

  keep_std_fds();
  vigil_json_arena_install(); /* before any thread: cJSON's hooks are global */
  if (argc < 2) {
    usage(stderr);
    return VIGIL_EXIT_ERROR;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return VIGIL_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
    printf("vigil %s (plugin ABI %d.%d)\n", VIGIL_VERSION, VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);
    return VIGIL_EXIT_OK;
  }
  for (i = 0; commands[i].name; i++) {
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].fn(argc - 1, argv + 1);
  }
  fprintf(stderr, "vigil: unknown command '%s'\n\n", argv[1]);
  usage(stderr);
  return VIGIL_EXIT_ERROR;
}
