/*
 * A loaded rule set: one Lua state holding every rule's functions, and the
 * rules' metadata in C for the index and for alerts.
 *
 * Every worker loads its own set from the same folders; load order is
 * sorted, so rule numbers agree across sets.
 */
#ifndef VIGIL_RULES_H
#define VIGIL_RULES_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <lua.h>

#include "vigil/plugin.h"

typedef struct vigil_rule_s {
  char *id;
  char *title;
  char *file;            /* where rule{} was called */
  int line;
  vigil_severity_t severity;
  char **sources;        /* on.eventSource values; none = any */
  int nsources;
  char **names;          /* on.eventName values; none = any */
  int nnames;
  char *output;          /* message template, or NULL */
  cJSON *meta;           /* description, tags, references, runbook */
  int when_ref;          /* registry refs, LUA_NOREF when absent */
  int context_ref;
  int tests_ref;
} vigil_rule_t;

typedef struct vigil_ruleset_s {
  lua_State *L;
  vigil_rule_t *rules;
  size_t nrules;
  size_t cap;
  size_t nfiles;
  size_t ndisabled;      /* rules with enabled = false, not loaded */
  const char *loading;   /* file being loaded, for rule{} */
} vigil_ruleset_t;

/*
 * Loads every *.lua under each path (a folder, searched recursively and in
 * sorted order, skipping lib/ folders which hold modules; or one file).
 * lib_dirs are extra folders whose lib/ require() may use (the bundled
 * pack, so a user's rules can require "vigil.aws"). On failure returns a
 * status with err naming file:line and what is wrong; nothing is kept.
 */
int vigil_ruleset_load(const char *const *paths, int npaths, const char *const *lib_dirs,
                       int nlib, vigil_ruleset_t **out, char *err, size_t errlen);
void vigil_ruleset_free(vigil_ruleset_t *rs);

/* Runs rule i's condition on event. 1 fired, 0 not, -1 on a runtime error
 * (err holds the Lua message, which starts with file:line). */
int vigil_ruleset_when(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                       size_t errlen);

/* Extra alert context from rule i's context(e): a new cJSON object, or NULL
 * when the rule has none or it failed (then err is set). */
cJSON *vigil_ruleset_context(vigil_ruleset_t *rs, size_t i, const cJSON *event, char *err,
                             size_t errlen);

/* Severity names: "info" ... "critical"; -1 when unknown. */
int vigil_severity_parse(const char *s);
const char *vigil_severity_name(vigil_severity_t s);

#endif
