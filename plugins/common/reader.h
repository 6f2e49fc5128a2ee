/*
 * Turning a decoded byte stream into records for emit().
 *
 * The format is found from the content, never from a name:
 *   - JSON Lines when the first non-blank line is by itself one complete
 *     JSON value. Each non-blank line is emitted with its 1-based line
 *     number and the byte offset of its first byte. A line longer than
 *     max_line_bytes is reported with its line number and skipped.
 *     Also when the first line is not one value but the next non-blank
 *     line is, and the text from the first line is not one value either
 *     (judged on its first 16 MiB): a header or a cut record on line 1 is
 *     then one bad line, not the loss of the lines after it.
 *   - Otherwise the whole stream is one JSON document (pretty-printed,
 *     `{"Records":[...]}`, a bare array), emitted once, up to
 *     max_document_bytes.
 * The first line may be as long as max_document_bytes: a compact one-line
 * document (as CloudTrail writes its S3 objects) cannot be told from a
 * one-line JSON Lines stream, and must not be refused as an over-long line.
 *
 * A caller may ask for streams that do not start like JSON (first non-blank
 * byte neither '{' nor '[') to be skipped with an info line instead: files
 * met while walking a folder, such as a LICENSE next to the logs.
 *
 * Records are not parsed here; a malformed line is emitted as it is and the
 * host reports it with its stream and line.
 */
#ifndef VP_READER_H
#define VP_READER_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/plugin.h>

#include "input.h"
#include "json_extent.h"

#define VP_DEFAULT_MAX_LINE_BYTES ((size_t)16 << 20)
#define VP_DEFAULT_MAX_DOCUMENT_BYTES ((size_t)256 << 20)

/* VP_READ_RETRY: only in strict mode (see vp_emitter_t.strict). */
enum { VP_READ_DONE = 0, VP_READ_STOP = 1, VP_READ_RETRY = 2 };

/* What an emit hook returns besides a vigil status: the record was left out
 * on purpose (already read before) and is not counted. */
#define VP_EMIT_SKIPPED 1

struct vp_emitter_s;

/*
 * Called for each record instead of svc->emit when set. `next` is the
 * stream offset just past the record and its line end, where reading would
 * resume after it. Returns a vigil status (as emit() does) or
 * VP_EMIT_SKIPPED.
 */
typedef int (*vp_emit_fn)(struct vp_emitter_s *em, const vigil_position_t *pos, const char *p,
                          size_t n, uint64_t next);

typedef struct vp_read_stats_s {
  uint64_t streams; /* streams that held at least one non-blank line */
  uint64_t bytes;   /* decoded bytes */
  uint64_t lines;
  uint64_t records; /* emitted */
  uint64_t errors;  /* logged errors */
  uint64_t skipped; /* streams skipped as not JSON */
} vp_read_stats_t;

typedef struct vp_emitter_s {
  const vigil_services_t *svc;
  vigil_host_t *host;
  const atomic_int *stop; /* non-zero once the instance must stop */
  size_t max_line_bytes;
  size_t max_document_bytes;
  int skip_non_json; /* for the next vp_read_stream() call; see above */
  /*
   * Strict mode, for files that may still be being written: a document
   * that is not one complete JSON value, or an input that breaks off (a
   * cut gzip stream), is neither emitted nor logged; vp_read_stream()
   * returns VP_READ_RETRY with the reason in `why`. Records emitted before
   * the break stay emitted.
   */
  int strict;
  char why[256];
  vp_emit_fn emit_fn; /* NULL: svc->emit */
  void *emit_ctx;     /* for emit_fn's use */
  /* Set once the host refused a VIGIL_FORMAT_NDJSON run (older than ABI
   * 1.3): lines then go one emit each. */
  int no_runs;
  vp_read_stats_t stats;
} vp_emitter_t;

/*
 * Reads `in` to its end and emits its records, naming `stream` in positions
 * and in every error (which are logged and counted, never fatal). Returns
 * VP_READ_STOP when asked to stop or when emit() said the pipeline closed,
 * VP_READ_RETRY in strict mode as described above.
 */
int vp_read_stream(vp_emitter_t *em, vp_input_t *in, const char *stream);


#endif
