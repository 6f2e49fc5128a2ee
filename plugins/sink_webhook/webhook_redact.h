/*
 * Keeping the webhook's secrets out of logs. A webhook URL often is the
 * secret (Slack's carries it in the path), or holds one in its user
 * information or query; headers carry API keys and bearer tokens.
 *
 * Logs show the URL's scheme, host and port; its user information, query
 * and path are each shown as three stars, the path unless the `log_path`
 * option says it is not secret (a Slack webhook's path is its credential).
 * Every other text that reaches a log (curl's error messages) is scrubbed
 * of each secret value first.
 */
#ifndef WH_REDACT_H
#define WH_REDACT_H

#include <stddef.h>

typedef struct wh_secrets_s {
  char **v;
  size_t n;
} wh_secrets_t;

/* The URL as logs show it (malloc'd), or NULL when it does not parse or
 * is not http(s); err then says why (without the URL's secret parts). */
char *wh_redact_url(const char *url, int show_path, wh_secrets_t *secrets, char *err,
                    size_t errlen);

/* Is a header with this name a secret (authorization, token, key, ...)? */
int wh_secret_header(const char *name);

/* Adds a copy of s to the list (values under 4 bytes are not worth it). */
int wh_secrets_add(wh_secrets_t *s, const char *value);
void wh_secrets_free(wh_secrets_t *s);

/* Replaces in place every occurrence of every secret in text by "***". */
void wh_scrub(char *text, const wh_secrets_t *s);

#endif
