/* The runbook page of one rule, as `vigil explain` prints it. */
#ifndef VIGIL_EXPLAIN_PAGE_H
#define VIGIL_EXPLAIN_PAGE_H

#include <stddef.h>
#include <stdio.h>

#include "rules.h"

/* Prints r's page to out, wrapped to width columns (at least 40): header
 * (id, severity, what it fires on, file:line, author), description, What
 * happened, Why it matters, Console (numbered), CLI (long commands broken
 * with " \" so they still paste), ATT&CK, other tags, references. */
void vigil_explain_page(FILE *out, int width, const vigil_rule_t *r);

/* Decodes an ATT&CK tag. "attack.t1562.008" is technique 'T1562.008' with
 * url its attack.mitre.org page; "attack.privilege_escalation" is tactic
 * "Privilege Escalation" (url empty). Returns 't' for a technique, 'a' for a
 * tactic, 0 for any other tag (name and url then untouched). */
int vigil_attack_tag(const char *tag, char *name, size_t cap, char *url, size_t ucap);

#endif
