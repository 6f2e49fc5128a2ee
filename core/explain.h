/* A rule as `vigil explain` shows it: a page for people, JSON for tools. */
#ifndef VIGIL_EXPLAIN_H
#define VIGIL_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "rules.h"

/* Prints r's page to out, wrapped to width columns (at least 40): header
 * (id, severity, status, what it fires on, stateful form, exceptions,
 * file:line, author), description, What happened, Why it matters, Console
 * (numbered), CLI (long commands broken with " \" so they still paste),
 * ATT&CK, other tags, references. */
void vigil_explain_page(FILE *out, int width, const vigil_rule_t *r);

/* The same as one JSON object (the caller frees it): id, title, severity
 * (after overrides) and severity_written, enabled, on, file, line, form and
 * exceptions when the rule has them, its metadata (description, author, tags,
 * references, runbook) and attack (the ATT&CK tags decoded). */
cJSON *vigil_explain_json(const vigil_rule_t *r);

/* Decodes an ATT&CK tag. "attack.t1562.008" is technique 'T1562.008', with
 * url its attack.mitre.org page (also groups, attack.g0016, and software,
 * attack.s0002); "attack.privilege_escalation" is tactic "Privilege
 * Escalation" (url empty). Returns 't' for a technique, 'g' a group, 's'
 * software, 'a' a tactic, 0 any other tag (name and url then untouched). */
int vigil_attack_tag(const char *tag, char *name, size_t cap, char *url, size_t ucap);

#endif
