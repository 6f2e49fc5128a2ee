"""One timed run of one command: wall time from here, peak RSS from GNU
time (/usr/bin/time -f %M, the child's maxrss in KB)."""
import os
import shutil
import subprocess
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def have_gnu_time():
    return os.access(GNU_TIME, os.X_OK)


class Run:
    def __init__(self, wall, rss_kb, rc, out, err):
        self.wall, self.rss_kb, self.rc, self.out, self.err = wall, rss_kb, rc, out, err
        self.round = 0  # which round of bench/run it belongs to


def run(argv, stdin_file=None, repeat=1, keep_stdout=True):
    """Runs argv once. stdin_file: fed on stdin, repeat times over (by a
    `cat` process, so the reader sees one stream); else stdin is empty."""
    fd, tfile = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    cmd = ([GNU_TIME, "-f", "%M", "-o", tfile] if have_gnu_time() else []) + list(argv)
    feeder = None
    stdin = subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        if stdin_file is not None:
            feeder = subprocess.Popen([shutil.which("cat") or "cat"] + [stdin_file] * repeat,
                                      stdout=subprocess.PIPE)
            stdin = feeder.stdout
        p = subprocess.Popen(cmd, stdin=stdin,
                             stdout=subprocess.PIPE if keep_stdout else subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        if feeder:
            feeder.stdout.close()  # the reader holds the pipe now
        out, err = p.communicate()
        wall = time.perf_counter() - t0
        if feeder:
            feeder.wait()
        rss = None
        with open(tfile, encoding="utf-8", errors="replace") as f:
            lines = f.read().split()
        if lines and lines[-1].isdigit():
            rss = int(lines[-1])
        return Run(wall, rss, p.returncode, out.decode(errors="replace") if out else "",
                   err.decode(errors="replace"))
    finally:
        os.unlink(tfile)


def warm(path):
    """Reads a file once so every contender starts from the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def warm_tree(folder):
    for root, _, files in os.walk(folder):
        for name in files:
            warm(os.path.join(root, name))
