"""Instructions per event under valgrind's callgrind: a count that machine
noise does not move, for tracking regressions. Each program runs twice,
on the corpus and on an empty file, and the difference is divided by the
events, so start-up (loading the rule pack) is left out of the figure."""
import os
import re
import subprocess
import tempfile


# callgrind counts each byte a `rep movsb` moves as one instruction, and
# glibc's memcpy switches to `rep movsb` above a few KiB (4 KiB here), so a
# 32 KiB copy would count 32k where the vector loop it replaces counts
# about 1k. Keeping memcpy on its vector loop makes the count follow the
# work, whatever the copy sizes.
ENV = dict(os.environ, GLIBC_TUNABLES="glibc.cpu.x86_rep_movsb_threshold=4294967295")


def instructions(argv, workdir):
    """Total instructions (Ir) over all threads of one run of argv."""
    fd, out = tempfile.mkstemp(prefix="callgrind-", dir=workdir)
    os.close(fd)
    try:
        p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
                            *argv], capture_output=True, text=True, env=ENV)
        if p.returncode not in (0, 1):
            raise RuntimeError(f"valgrind {' '.join(argv)} exited {p.returncode}:\n"
                               f"{p.stderr[-2000:]}")
        with open(out, encoding="utf-8", errors="replace") as f:
            text = f.read()
        m = re.search(r"^totals:\s+(\d+)", text, re.M) or \
            re.search(r"^summary:\s+(\d+)", text, re.M)
        if not m:
            raise RuntimeError(f"no totals in {out}")
        return int(m.group(1)), p
    finally:
        os.unlink(out)


def per_event(argv_for, corpus_path, empty_path, events, workdir):
    """argv_for(path) -> argv. Returns (gross Ir, start-up Ir, net Ir/event,
    the corpus run's process)."""
    gross, p = instructions(argv_for(corpus_path), workdir)
    base, _ = instructions(argv_for(empty_path), workdir)
    return gross, base, (gross - base) / max(events, 1), p
