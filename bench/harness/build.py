"""Builds what bench/run measures: vigil as its Release build ships (-O3,
link-time optimisation where the compiler has it: CMakeLists.txt) and the
cJSON floor at the same -O3, so the comparison is between programs, not
compiler flags. (The floor's work is in Debian's libcjson, built as Debian
builds it, as vigil's Lua and libuv are.)"""
import os
import shlex
import shutil
import subprocess

OPT = "-O3 -DNDEBUG"


def _run(argv, log):
    log("  $ " + " ".join(shlex.quote(a) for a in argv))
    p = subprocess.run(argv, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({p.returncode}):\n{p.stdout[-3000:]}"
                           f"{p.stderr[-3000:]}")
    return p.stdout


def vigil(root, build_dir, log):
    """Configures and builds vigil (Release, -O3 and LTO, no tests) in build_dir;
    returns the binary's path. Incremental after the first time."""
    if not shutil.which("cmake"):
        raise RuntimeError("cmake is missing: run scripts/install-deps.sh")
    _run(["cmake", "-S", root, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
          f"-DCMAKE_C_FLAGS_RELEASE={OPT}", "-DVIGIL_TESTS=OFF"], log)
    _run(["cmake", "--build", build_dir, "-j2"], log)
    return os.path.join(build_dir, "vigil")


def floor(src, out, log):
    """Compiles bench/floor_cjson.c against pkg-config's libcjson."""
    stamp = out + ".flags"  # rebuilt when the flags change, not only the source
    if os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(src) and \
            os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == OPT:
        return out
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc or not shutil.which("pkg-config"):
        raise RuntimeError("a C compiler and pkg-config are needed: "
                           "run scripts/install-deps.sh")
    flags = _run(["pkg-config", "--cflags", "--libs", "libcjson"], lambda _: None).split()
    os.makedirs(os.path.dirname(out), exist_ok=True)
    _run([cc, "-std=c11", *OPT.split(), "-Wall", "-Wextra", "-D_GNU_SOURCE", src, "-o", out,
          *flags], log)
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(OPT)
    return out


def describe(root):
    """The commit measured, and whether the tree had local changes."""
    def git(*args):
        p = subprocess.run(["git", "-C", root, *args], capture_output=True, text=True)
        return p.stdout.strip() if p.returncode == 0 else ""
    commit = git("rev-parse", "HEAD")
    # The checkout is shared: say what the build held beyond the commit.
    changed = git("status", "--porcelain", "--", "core", "plugins", "sdk", "lua-rules",
                  "CMakeLists.txt").splitlines()
    return {"commit": commit or "unknown", "subject": git("log", "-1", "--format=%s"),
            "uncommitted_paths": len(changed), "cflags": OPT + " (vigil: and LTO)"}
