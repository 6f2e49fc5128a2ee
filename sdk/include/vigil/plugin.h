/*
 * vigil plugin ABI.
 *
 * This header is the whole contract between the vigil host and a plugin.
 * A plugin needs this file and libuv's headers, nothing else from vigil.
 * libuv's headers need POSIX types: compile with -D_POSIX_C_SOURCE=200809L
 * (or _GNU_SOURCE) under a strict -std=c11; `pkg-config --cflags vigil-sdk`
 * carries it.
 *
 * A plugin is a shared object exporting one symbol, vigil_plugin_entry(),
 * which returns a pointer to a static vigil_plugin_t descriptor. The host
 * checks the descriptor's ABI version and size before it reads anything else:
 *
 *   - another major version is refused;
 *   - a newer minor version than the host's is refused;
 *   - a size smaller than the 1.0 descriptor is refused;
 *   - fields past the plugin's own `size` are treated as NULL/0, so a plugin
 *     built against an older minor keeps working when fields are appended.
 *
 * Rules for growing this ABI: new fields go at the end of a struct and bump
 * VIGIL_ABI_MINOR; anything else bumps VIGIL_ABI_MAJOR.
 *
 * Threads: every descriptor function is called on the host's loop thread.
 * The services table functions may be called from the loop thread; emit(),
 * log() and source_done() may also be called from threads the plugin owns.
 *
 * Ownership: the host owns the services table and the vigil_host_t handle
 * until destroy() returns. The plugin owns its instance. Strings the plugin
 * returns (last_error) must stay valid until the next call on that instance.
 */
#ifndef VIGIL_PLUGIN_H
#define VIGIL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_ABI_MAJOR 1
#define VIGIL_ABI_MINOR 3

/* The one symbol a plugin exports. */
#define VIGIL_PLUGIN_ENTRY_SYMBOL "vigil_plugin_entry"

#if defined(__GNUC__)
#define VIGIL_PLUGIN_EXPORT __attribute__((visibility("default")))
#define VIGIL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VIGIL_PLUGIN_EXPORT
#define VIGIL_PRINTF(f, a)
#endif

/* Status codes. Zero is success; every failure is negative. */
typedef enum vigil_status_e {
  VIGIL_OK = 0,
  VIGIL_ERR = -1,      /* generic failure; see last_error */
  VIGIL_EINVAL = -2,   /* bad argument or configuration */
  VIGIL_ENOMEM = -3,   /* out of memory */
  VIGIL_EIO = -4,      /* I/O failure */
  VIGIL_EAGAIN = -5,   /* full right now; try again later */
  VIGIL_ECLOSED = -6   /* the pipeline is stopping; stop producing */
} vigil_status_t;

typedef enum vigil_log_level_e {
  VIGIL_LOG_ERROR = 0,
  VIGIL_LOG_WARN = 1,
  VIGIL_LOG_INFO = 2,
  VIGIL_LOG_DEBUG = 3
} vigil_log_level_t;

/* What a plugin provides; a plugin may be both. */
#define VIGIL_PLUGIN_SOURCE 0x1u
#define VIGIL_PLUGIN_SINK 0x2u

/* How the bytes given to emit() are framed. */
typedef enum vigil_format_e {
  /* One complete JSON text: a record, an envelope ({"Records":[...]},
   * an EventBridge event) or an array of those. The host finds out which. */
  VIGIL_FORMAT_JSON = 1,
  /*
   * ABI 1.3: a run of newline-delimited JSON lines, each one record (an
   * optional '\r' before each '\n' is dropped; blank lines are skipped;
   * the last line needs no '\n'). pos->line is the first line's number and
   * errors name each line's own. One emit of many lines costs the source
   * one copy and one lock instead of one per record. Hosts before 1.3
   * answer VIGIL_EINVAL: emit the lines one by one then.
   */
  VIGIL_FORMAT_NDJSON = 2
} vigil_format_t;

/* Where emitted bytes came from; every error about them names this. */
typedef struct vigil_position_s {
  const char *stream; /* file path or stream name; copied by emit() */
  uint64_t line;      /* 1-based line of the first byte; 0 if unknown */
  uint64_t offset;    /* byte offset in the (decompressed) stream */
} vigil_position_t;

/* Outcome of one alert delivery, reported by a sink. */
typedef enum vigil_delivery_e {
  VIGIL_DELIVERY_DONE = 0,      /* accepted by the destination */
  VIGIL_DELIVERY_RETRY = 1,     /* failed; worth trying again later */
  VIGIL_DELIVERY_FAILED = 2     /* failed for good (e.g. rejected) */
} vigil_delivery_t;

/* Severity of an alert, ordered. */
typedef enum vigil_severity_e {
  VIGIL_SEV_INFO = 0,
  VIGIL_SEV_LOW = 1,
  VIGIL_SEV_MEDIUM = 2,
  VIGIL_SEV_HIGH = 3,
  VIGIL_SEV_CRITICAL = 4
} vigil_severity_t;

/*
 * One alert handed to a sink. `json` is the whole alert as one JSON object
 * (no trailing newline); the other fields repeat what sinks route on. All
 * memory stays valid until the sink calls services->delivered() for it.
 */
typedef struct vigil_alert_s {
  uint32_t size;             /* sizeof(vigil_alert_t) as the host built it */
  const char *json;
  size_t json_len;
  const char *rule_id;
  const char *title;
  const char *message;       /* the rendered output line */
  vigil_severity_t severity;
  int64_t event_time_ms;     /* from the record, Unix epoch milliseconds */
  void *token;               /* opaque; pass back to delivered() */
} vigil_alert_t;

/* Opaque per-instance handle the host gives to create(). */
typedef struct vigil_host_s vigil_host_t;

typedef void (*vigil_stopped_cb)(void *arg);
/* ABI 1.1: see services->emit_acked(). */
typedef void (*vigil_ack_cb)(void *arg, int status);

/*
 * Services the host offers an instance. Read only the fields that `size`
 * covers; fields appended by newer hosts are absent from older ones.
 */
typedef struct vigil_services_s {
  uint32_t size;
  uv_loop_t *loop; /* the host loop; use it only from the loop thread */

  /* Leveled log line tagged with the instance name. Any thread. */
  void (*log)(vigil_host_t *host, vigil_log_level_t level, const char *fmt, ...)
      VIGIL_PRINTF(3, 4);

  /*
   * Hands bytes to the pipeline; they are copied before it returns. It
   * blocks while the pipeline is full (back-pressure), from any thread:
   * workers never wait on the loop, so the wait ends as they catch up. A
   * source on the loop thread stalls the loop meanwhile, so prefer reading
   * on a thread of your own. VIGIL_EAGAIN is reserved for a future
   * non-blocking mode. Returns VIGIL_ECLOSED once the host is stopping.
   */
  int (*emit)(vigil_host_t *host, const void *data, size_t len,
              vigil_format_t format, const vigil_position_t *pos);

  /* A source says it has no more input (one-shot runs end when all have).
   * Any thread. */
  void (*source_done)(vigil_host_t *host);

  /* A sink reports how one alert's delivery ended. Loop thread. */
  void (*delivered)(vigil_host_t *host, void *token, vigil_delivery_t outcome);

  /* A directory this instance may keep state in (created by the host),
   * or NULL when the host runs without state (one-shot scans). */
  const char *(*state_dir)(vigil_host_t *host);

  /* The instance name from the configuration ("file", "alerts", ...). */
  const char *(*instance_name)(vigil_host_t *host);

  /* ---- ABI 1.1 ---- */

  /*
   * Like emit(), but never waits: returns VIGIL_EAGAIN, having taken
   * nothing, when the pipeline cannot take the bytes right now. Meant for
   * sources on the loop thread (an HTTP server answers 503 instead of
   * stalling every connection). Any thread.
   */
  int (*try_emit)(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                  const vigil_position_t *pos);

  /*
   * emit() with an acknowledgement, for sources that keep a checkpoint.
   * Blocks like emit(). Once every record in these bytes has been through
   * the rules and every alert they raised has been accepted by every sink
   * (delivered, or written to the host's on-disk spool), the host calls
   * ack(arg, VIGIL_OK) on the loop thread, exactly once. Acks of one
   * instance arrive in the order of its emits, so "the last acked
   * position" is a safe place to resume after a crash. If the pipeline
   * stops first, ack(arg, VIGIL_ECLOSED) says the bytes may not be done:
   * do not move the checkpoint past them. When the call itself fails
   * (non-zero return), ack is never called.
   */
  int (*emit_acked)(vigil_host_t *host, const void *data, size_t len, vigil_format_t format,
                    const vigil_position_t *pos, vigil_ack_cb ack, void *arg);

  /* ---- ABI 1.2 ---- */

  /*
   * emit_acked() that never waits, like try_emit(): VIGIL_EAGAIN, having
   * taken nothing, when the pipeline cannot take the bytes right now; ack
   * is then never called. Once it returns VIGIL_OK, ack(arg, status)
   * follows on the loop thread exactly once, as for emit_acked(), possibly
   * long after (a sink that retries). Lets a source on the loop thread
   * (the HTTP server) answer only once its input is safe. Any thread.
   */
  int (*try_emit_acked)(vigil_host_t *host, const void *data, size_t len,
                        vigil_format_t format, const vigil_position_t *pos, vigil_ack_cb ack,
                        void *arg);
} vigil_services_t;

/*
 * The descriptor. Fields marked "required" must be set or the host refuses
 * the plugin, naming the missing one.
 */
typedef struct vigil_plugin_s {
  uint16_t abi_major;      /* VIGIL_ABI_MAJOR the plugin was built with */
  uint16_t abi_minor;      /* VIGIL_ABI_MINOR the plugin was built with */
  uint32_t size;           /* sizeof(vigil_plugin_t) as the plugin saw it */

  const char *name;        /* required; [a-z0-9_-], unique among plugins */
  const char *version;     /* required; the plugin's own version */
  const char *description; /* one line */
  uint32_t kind;           /* required; VIGIL_PLUGIN_SOURCE and/or _SINK */

  /* Optional JSON Schema (subset: type, properties, required,
   * additionalProperties) of the configuration object. */
  const char *config_schema;

  /*
   * Required. Creates an instance from its JSON configuration (an object,
   * "{}" when none). On failure returns a status and may set *errmsg to a
   * static or thread-local string explaining why.
   */
  int (*create)(const vigil_services_t *svc, vigil_host_t *host,
                const char *config_json, void **instance, const char **errmsg);

  /* Required. Begins work: sources start producing. */
  int (*start)(void *instance);

  /* Required. Asks the instance to stop. A source stops producing; a sink
   * finishes or gives up on what it holds. Call cb(arg) exactly once, from
   * the loop thread, when stopped (may be before stop returns). */
  int (*stop)(void *instance, vigil_stopped_cb cb, void *arg);

  /* Required. Frees the instance; called after stop has completed, or
   * right after create when the pipeline fails to start before start(). */
  void (*destroy)(void *instance);

  /* Required. Text of the instance's last error, or NULL. */
  const char *(*last_error)(void *instance);

  /* Required for sinks. Delivers one alert; the sink later (or right away)
   * calls svc->delivered(host, alert->token, outcome). A non-zero return
   * means the alert was not taken and delivered() will not be called. */
  int (*deliver)(void *instance, const vigil_alert_t *alert);
} vigil_plugin_t;

/* The entry point every plugin exports. Declared here so the compiler
 * checks each plugin's definition against it. */
typedef const vigil_plugin_t *(*vigil_plugin_entry_fn)(void);
VIGIL_PLUGIN_EXPORT const vigil_plugin_t *vigil_plugin_entry(void);

/* Size of the 1.0 descriptor: the smallest the host accepts. */
#define VIGIL_PLUGIN_SIZE_1_0 \
  (offsetof(vigil_plugin_t, deliver) + sizeof(void (*)(void)))

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_PLUGIN_H */
