/* Redacted URLs and scrubbed log text for the webhook sink. */
#include "webhook_redact.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#define MIN_SECRET 4

int wh_secrets_add(wh_secrets_t *s, const char *value) {
  char **nv;

  if (value == NULL || strlen(value) < MIN_SECRET)
    return 0;
  nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
  if (nv == NULL)
    return -1;
  s->v = nv;
  if ((s->v[s->n] = strdup(value)) == NULL)
    return -1;
  s->n++;
  return 0;
}

void wh_secrets_free(wh_secrets_t *s) {
  size_t i;

  for (i = 0; i < s->n; i++) {
    memset(s->v[i], 0, strlen(s->v[i]));
    free(s->v[i]);
  }
  free(s->v);
  s->v = NULL;
  s->n = 0;
}

int wh_secret_header(const char *name) {
  static const char *const words[] = {"auth", "token", "key", "secret", "password", "cookie",
                                      "signature", "session"};
  size_t i, j, n = strlen(name);

  for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
    for (j = 0; j + strlen(words[i]) <= n; j++)
      if (strncasecmp(name + j, words[i], strlen(words[i])) == 0)
        return 1;
  return 0;
}

static void scrub_one(char *text, const char *secret) {
  size_t sl = strlen(secret);
  char *p;

  while ((p = strstr(text, secret)) != NULL) {
    memcpy(p, "***", 3);
    memmove(p + 3, p + sl, strlen(p + sl) + 1);
  }
}

void wh_scrub(char *text, const wh_secrets_t *s) {
  size_t i;

  for (i = 0; i < s->n; i++)
    scrub_one(text, s->v[i]);
}

/* Collects the URL's secret parts so scrubbing finds them anywhere. */
static int note_secrets(CURLU *u, wh_secrets_t *secrets) {
  static const CURLUPart parts[] = {CURLUPART_USER, CURLUPART_PASSWORD, CURLUPART_QUERY};
  char *v;
  size_t i;
  int rc = 0;

  for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
    if (curl_url_get(u, parts[i], &v, 0) == CURLUE_OK) {
      rc |= wh_secrets_add(secrets, v);
      curl_free(v);
    }
  }
  return rc;
}

static int has_part(CURLU *u, CURLUPart part) {
  char *v = NULL;

  if (curl_url_get(u, part, &v, 0) != CURLUE_OK)
    return 0;
  curl_free(v);
  return 1;
}

char *wh_redact_url(const char *url, int show_path, wh_secrets_t *secrets, char *err,
                    size_t errlen) {
  CURLU *u = curl_url();
  char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *out = NULL;
  size_t n;

  if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
    snprintf(err, errlen, "url is not a valid absolute URL");
    goto out;
  }
  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(u, CURLUPART_HOST, &host, 0);
  curl_url_get(u, CURLUPART_PORT, &port, 0);
  curl_url_get(u, CURLUPART_PATH, &path, 0);
  if (scheme == NULL || host == NULL ||
      (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)) {
    snprintf(err, errlen, "url must start with http:// or https:// and name a host");
    goto out;
  }
  if (note_secrets(u, secrets) != 0 || (!show_path && wh_secrets_add(secrets, path) != 0)) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  n = strlen(scheme) + strlen(host) + (port ? strlen(port) : 0) + (path ? strlen(path) : 0) + 32;
  out = malloc(n);
  if (out == NULL) {
    snprintf(err, errlen, "out of memory");
    goto out;
  }
  snprintf(out, n, "%s://%s%s%s%s%s%s", scheme,
           has_part(u, CURLUPART_USER) ? "***@" : "", host, port ? ":" : "", port ? port : "",
           show_path && path ? path : "/***", has_part(u, CURLUPART_QUERY) ? "?***" : "");
out:
  curl_free(scheme);
  curl_free(host);
  curl_free(port);
  curl_free(path);
  curl_url_cleanup(u);
  return out;
}
