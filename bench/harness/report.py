"""Summaries, the table, the targets and the JSON record of one run."""
import json
import os
import platform
import statistics
import subprocess
import time


def summarise(c, runs):
    """Figures for one contender from its successful runs."""
    walls = [r.wall for r in runs]
    rss = [r.rss_kb for r in runs if r.rss_kb is not None]
    med = statistics.median(walls)
    return {"key": c.key, "label": c.label, "argv": c.argv, "runs": len(runs),
            "rounds": [r.round for r in runs],
            "events": c.events, "bytes": c.nbytes,
            "wall_s": [round(w, 4) for w in walls], "wall_median_s": round(med, 4),
            "wall_min_s": round(min(walls), 4),
            "events_per_s": c.events / med if med > 0 else 0.0,
            "events_per_s_best": c.events / min(walls) if min(walls) > 0 else 0.0,
            "mb_per_s": c.nbytes / 1e6 / med if med > 0 else 0.0,
            "peak_rss_kb": max(rss) if rss else None}


def round_ratios(a, b):
    """a's events/s over b's in each round both finished, in round order."""
    if not a or not b:
        return []
    wa = dict(zip(a["rounds"], a["wall_s"]))
    wb = dict(zip(b["rounds"], b["wall_s"]))
    return [(a["events"] / wa[r]) / (b["events"] / wb[r])
            for r in sorted(wa) if r in wb and wa[r] > 0 and wb[r] > 0]


def _rss(kb):
    return "-" if kb is None else f"{kb / 1024:.1f}"


def table(rows, floor_key="floor"):
    """The text table; ratio is events/s (median) over the floor's."""
    base = next((r["events_per_s"] for r in rows if r["key"] == floor_key), None)
    head = (f"{'contender':<22} {'runs':>4} {'median s':>9} {'min s':>8} {'events/s':>11} "
            f"{'MB/s':>8} {'RSS MB':>7} {'x floor':>8} {'matched':>9}")
    lines = [head, "-" * len(head)]
    for r in rows:
        ratio = f"{r['events_per_s'] / base:.2f}" if base else "-"
        r["ratio_to_floor"] = round(r["events_per_s"] / base, 3) if base else None
        lines.append(f"{r['label']:<22} {r['runs']:>4} {r['wall_median_s']:>9.3f} "
                     f"{r['wall_min_s']:>8.3f} {r['events_per_s']:>11,.0f} "
                     f"{r['mb_per_s']:>8.1f} {_rss(r['peak_rss_kb']):>7} {ratio:>8} "
                     f"{r.get('matched', '-'):>9}")
    return "\n".join(lines)


def target(name, value, want, ok, shown):
    """ok: True, False, None (not measured in this run) or "info" (a figure
    shown for context, with no threshold of its own)."""
    status = {True: "PASS", False: "MISS", None: "n/a", "info": "info"}[ok]
    return {"target": name, "value": value, "want": want, "status": status, "shown": shown}


def print_targets(targets, out, heading):
    if not targets:
        return
    print(f"\ntargets ({heading}):", file=out)
    for t in targets:
        print(f"  {t['status']:<4}  {t['target']:<48} {t['shown']}", file=out)


def machine():
    model = ""
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    mem_kb = 0
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    return {"cpu": model or platform.processor(), "cores": os.cpu_count(),
            "ram_gb": round(mem_kb / 1024 / 1024, 1), "kernel": platform.release(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()]}


def write(results_dir, mode, doc):
    """bench/results/<UTC timestamp>-<mode>.json; returns its path."""
    os.makedirs(results_dir, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = os.path.join(results_dir, f"{stamp}-{mode}.json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(tmp, path)
    return path
