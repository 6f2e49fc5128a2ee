/*
 * Reading a plugin's JSON configuration against a table of its options.
 *
 * Every plugin rejects what it does not know: an unknown key, a wrong type,
 * a missing required option. The error text names the plugin and the key,
 * e.g. `file source: unknown option "pathz"`.
 */
#ifndef VP_CONFIG_H
#define VP_CONFIG_H

#include <stddef.h>

typedef enum vp_opt_type_e {
  VP_OPT_STRING,  /* out: char ** (malloc'd copy) */
  VP_OPT_BOOL,    /* out: int * (0 or 1) */
  VP_OPT_SIZE,    /* out: size_t *, a positive integer */
  VP_OPT_STRINGS, /* out: vp_strings_t *, an array of strings */
  VP_OPT_ENUM     /* out: int *, index of the value in `choices` */
} vp_opt_type_t;

typedef struct vp_strings_s {
  char **v;
  size_t n;
} vp_strings_t;

typedef struct vp_option_s {
  const char *key;
  vp_opt_type_t type;
  int required;
  void *out;                  /* left untouched when the key is absent */
  const char *const *choices; /* VP_OPT_ENUM only; NULL-terminated */
} vp_option_t;

/*
 * Parses `json` (NULL means "{}") and stores each option found into its
 * `out`. Returns 0, or -1 with a message in err. Outputs already stored
 * when a later option fails stay stored; the caller frees them as usual.
 */
int vp_config_load(const char *json, const char *who, const vp_option_t *opts, size_t nopts,
                   char *err, size_t errlen);

void vp_strings_free(vp_strings_t *s);

#endif
