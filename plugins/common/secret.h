/*
 * Secrets the network plugins are given (bearer tokens): read from a file
 * or an environment variable, never from the configuration itself, so the
 * configuration can be shown and kept in version control.
 */
#ifndef VP_SECRET_H
#define VP_SECRET_H

#include <stddef.h>

/*
 * Reads a token from `file` or from the environment variable `env` (exactly
 * one of them non-NULL). Blanks around it (a trailing newline) are dropped;
 * what is left must be non-empty printable ASCII without spaces, as a
 * bearer token is. Returns 0 with a malloc'd *out, or -1 with err set; the
 * message names the file or the variable, never the token. When the file
 * is readable by group or others, *warn receives a note for the caller to
 * log (empty otherwise).
 */
int vp_secret_load(const char *file, const char *env, char **out, char *warn, size_t warnlen,
                   char *err, size_t errlen);

/*
 * Compares a token given by a client with the expected one in time that
 * depends only on the expected length, so timing does not tell an attacker
 * how many leading bytes were right. Returns 1 when equal.
 */
int vp_secret_equal(const char *given, size_t given_len, const char *want, size_t want_len);

/* Overwrites and frees a token (NULL is fine). */
void vp_secret_free(char *s);

#endif
