/* Running the tests rules carry: events that must and must not fire. */
#ifndef VIGIL_RULE_TEST_H
#define VIGIL_RULE_TEST_H

#include <stdio.h>

#include <lua.h>

#include "rules.h"

typedef struct vigil_test_report_s {
  int rules;     /* rules with tests */
  int untested;  /* rules without any test */
  int passed;
  int failed;
} vigil_test_report_t;

/*
 * Runs every test of every rule in rs. A test is a table
 *   { name = "...", event = "samples/x.json" | { ...inline record... },
 *     fires = true|false, alert = { message = "...", severity = "..." } }
 * An event file path is relative to the rule file's folder. A test fires
 * when the rule's `on` filter admits the event and its `when` is true; with
 * `alert`, each named top-level alert field must equal the given value.
 * Writes one line per failure (and per pass when verbose) to out.
 */
void vigil_rule_tests_run(vigil_ruleset_t *rs, int verbose, FILE *out, vigil_test_report_t *rep);

/* 1 (its name in name[0..cap)) when the test table at the stack top has a
 * field no test knows, else 0; the stack is left as it was. vigil lint
 * uses it so a misspelled field is named without running anything. */
int vigil_rule_test_unknown_key(lua_State *L, char *name, size_t cap);

#endif
