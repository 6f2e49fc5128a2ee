"""The benchmark corpus: NDJSON plus S3-style .json.gz objects of the same
records, under bench/corpus/<origin>-<count>/. Resampled from the real logs
in ../shared when they are there, else made by bench/gen_corpus.py."""
import json
import os
import shutil
import subprocess
import sys

from . import ruleindex


class Corpus:
    def __init__(self, folder):
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as f:
            self.manifest = json.load(f)
        out = self.manifest["output"]
        self.folder = folder
        self.ndjson = os.path.join(folder, out.get("ndjson_path",
                                                   "ndjson/cloudtrail_bench.ndjson"))
        self.s3 = os.path.join(folder, "s3")
        self.records = int(out["records"])
        self.bytes = os.path.getsize(self.ndjson)
        self.generator = self.manifest.get("generator", "?")

    def expected_matches(self, rows):
        """Matching events by the manifest's own counts, when it says which
        source each eventName comes from (bench/gen_corpus.py does) and no
        row filters on more than eventSource and eventName (the manifest
        does not count errorCode, identity types or unless fields)."""
        out = self.manifest["output"]
        counts, origin = out.get("eventName_counts"), out.get("eventSource_of_eventName")
        if counts is None or origin is None or any(
                r[2:] != ("*", "*", "*", ruleindex.NO_UNLESS) for r in rows):
            return None
        return sum(n for name, n in counts.items()
                   if any(ruleindex.row_matches(r, {}, origin.get(name), name, None, None,
                                                None)
                          for r in rows))

    def describe(self):
        return {"folder": self.folder, "generator": self.generator, "records": self.records,
                "ndjson_bytes": self.bytes,
                "mean_record_bytes": round(self.bytes / max(self.records, 1), 1)}


def shared_tool(root):
    shared = os.path.normpath(os.path.join(root, "..", "shared"))
    tool = os.path.join(shared, "tools", "make_bench_corpus.py")
    data = os.path.join(shared, "data", "cloudtrail")
    if os.path.isfile(tool) and os.path.isdir(data):
        return tool, data
    return None


def ensure(root, base, count, origin, log):
    """The corpus of count records, made first if missing. origin: 'auto'
    (shared logs when present), 'shared' or 'ours'."""
    tool = shared_tool(root) if origin in ("auto", "shared") else None
    if origin == "shared" and not tool:
        raise RuntimeError("--corpus-from shared: ../shared/tools/make_bench_corpus.py or "
                           "../shared/data/cloudtrail is missing")
    folder = os.path.join(base, f"{'shared' if tool else 'ours'}-{count}")
    if os.path.isfile(os.path.join(folder, "manifest.json")):
        return Corpus(folder)
    tmp = folder + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    if tool:
        argv = [sys.executable, tool[0], tool[1], "--out", tmp, "--count", str(count),
                "--quiet"]
    else:
        argv = [sys.executable, os.path.join(root, "bench", "gen_corpus.py"), "--out", tmp,
                "--count", str(count)]
    if not tool and origin == "auto":
        log(f"no real logs at {os.path.normpath(os.path.join(root, '..', 'shared'))} "
            "(tools/make_bench_corpus.py and data/cloudtrail): the corpus is synthetic, "
            "and its ratios differ from those in docs/performance.md")
    log(f"making the corpus ({count} records) in {folder}: {os.path.basename(argv[1])}")
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"corpus generation failed:\n{p.stderr[-3000:]}")
    os.replace(tmp, folder)  # a run stopped halfway leaves only .tmp behind
    return Corpus(folder)
