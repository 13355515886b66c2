#!/usr/bin/env python3
"""Time aiposture against checkov on the same generated infrastructure-as-code monorepo.

    python bench/run.py [--corpus DIR] [--files N] [--seed S] [--checkov PATH] [--aiposture PATH]
                        [--repeat K] [--json-out FILE] [--no-checkov] [--no-scaling] [--scale-checkov]

Measures, for each tool, the wall time, CPU time and peak memory of a whole-corpus scan and of a
one-file scan (start to exit), counts the findings, and times aiposture at N/4, N/2 and N files to
show that its cost is linear in the number of files. Prints a table and the checkov/aiposture
ratios against the targets in DESIGN.md, and writes every figure as JSON with --json-out.

Each tool runs in a session of its own under a tiny wrapper process (see WRAPPER), which times it
from spawn to reap and reports its CPU time and largest single-process RSS from os.wait4 (covering
the tool and every descendant it reaped); a sampler thread here adds up the RSS and PSS of every
live process of the tool's tree every 25-100 ms, so that tools with worker processes are charged
for all of them. "peak MB" is the larger of the sampled peak PSS of the tree and the largest
single-process RSS. Stdlib only; Linux (/proc) for the tree sampling.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (the sibling module)

TARGETS = {"wall_ratio": 20.0, "memory_ratio": 4.0, "one_file_s": 0.25}
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- measuring a process tree ---------------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of the processes of session `sid` (but `exclude`) until stopped.

    Every 25 ms during the first second, then every 100 ms: one sample costs a few ms of CPU
    (mostly the kernel walking page tables for smaps_rollup), which must not slow the tool down.
    """

    def __init__(self, sid: int, exclude: int = -1):
        super().__init__(daemon=True)
        self.sid, self.exclude = sid, exclude
        self.peak_rss = self.peak_pss = 0
        self.peak_procs = 0
        self._done = threading.Event()

    def run(self):
        start = time.perf_counter()
        while not self._done.is_set():
            self.sample()
            self._done.wait(0.025 if time.perf_counter() - start < 1 else 0.1)

    def stop(self):
        self._done.set()
        self.join()

    def sample(self):
        rss = pss = procs = 0
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == self.exclude:
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
                fields = stat[stat.rfind(")") + 2:].split()  # fields[0] is field 3 (state)
                if int(fields[3]) != self.sid:  # field 6: session id
                    continue
                rss += int(fields[21]) * PAGE  # field 24: rss in pages
                procs += 1
                with open(f"/proc/{entry}/smaps_rollup") as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss += int(line.split()[1]) * 1024
                            break
            except (OSError, ValueError, IndexError):  # the process ended meanwhile
                continue
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, procs)


# A tiny process between this runner and the tool. On Linux, exec() folds the high-water RSS of
# the address space it replaces into the new program's ru_maxrss: a tool started straight from
# this runner (which grows to a few hundred MB reading checkov's report) would report at least the
# runner's own peak. The wrapper is a bare `python -S` of a few MB; it times the tool from spawn
# to reap and reports what os.wait4 says about it and every descendant it reaped.
WRAPPER = r"""
import json, os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.posix_spawnp(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(out, "w") as f:
    json.dump({"wall_s": wall, "exit_code": os.waitstatus_to_exitcode(status),
               "cpu_s": usage.ru_utime + usage.ru_stime, "max_process_rss_kb": usage.ru_maxrss}, f)
"""


def measure(cmd: list[str], workdir: Path, env: dict | None = None) -> dict:
    """Run cmd once, through the wrapper, in a fresh session; its output goes to files in workdir."""
    timing = workdir / "timing.json"
    load = os.getloadavg()[0]
    with open(workdir / "stdout.txt", "wb") as out, open(workdir / "stderr.txt", "wb") as err:
        wrapper = subprocess.Popen([sys.executable, "-S", "-c", WRAPPER, str(timing), *cmd], stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, cwd=workdir, env=env, start_new_session=True)
        sampler = TreeSampler(wrapper.pid, exclude=wrapper.pid)
        sampler.start()
        wrapper.wait()
        sampler.stop()
    if not timing.exists():
        return {"exit_code": wrapper.returncode, "error": f"could not start {cmd[0]}\n{tail(workdir / 'stderr.txt')}"}
    t = json.loads(timing.read_text())
    max_process_mb = t["max_process_rss_kb"] / 1024
    return {
        "wall_s": round(t["wall_s"], 3),
        "cpu_s": round(t["cpu_s"], 3),
        "peak_mb": round(max(sampler.peak_pss / 2**20, max_process_mb), 1),
        "max_process_rss_mb": round(max_process_mb, 1),
        "tree_rss_mb": round(sampler.peak_rss / 2**20, 1),
        "tree_pss_mb": round(sampler.peak_pss / 2**20, 1),
        "processes": sampler.peak_procs,
        "exit_code": t["exit_code"],
        "load_before": round(load, 2),
    }


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


# --- the tools ------------------------------------------------------------------------------------

class Tool:
    name = ""
    ok_exit_codes = (0,)

    def __init__(self, exe: str):
        self.exe = os.path.abspath(exe)  # each run has a temporary working directory

    def env(self) -> dict:
        return dict(os.environ)

    def version(self) -> str:
        try:
            out = subprocess.run([self.exe, "--version"], capture_output=True, text=True, timeout=60, env=self.env())
            return (out.stdout or out.stderr).strip().splitlines()[-1] if (out.stdout or out.stderr).strip() else "?"
        except (OSError, subprocess.SubprocessError):
            return "?"

    def command(self, target: Path, workdir: Path, one_file: bool) -> list[str]:
        raise NotImplementedError

    def findings(self, workdir: Path) -> dict:
        raise NotImplementedError

    def run(self, target: Path, one_file: bool = False, repeat: int = 1) -> dict:
        """Run `repeat` times; report the median of each figure, and the wall times of all runs."""
        runs = []
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix=f"bench-{self.name}-") as tmp:
                workdir = Path(tmp)
                result = measure(self.command(target, workdir, one_file), workdir, self.env())
                if result.get("error"):
                    return result
                if result["exit_code"] not in self.ok_exit_codes:
                    result["error"] = f"exit code {result['exit_code']}\n{tail(workdir / 'stderr.txt')}"
                    return result
                try:
                    result.update(self.findings(workdir))
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    result["error"] = f"could not read the report: {exc}\n{tail(workdir / 'stderr.txt')}"
                    return result
            runs.append(result)
        summary = {k: statistics.median(run[k] for run in runs) for k, v in runs[0].items() if isinstance(v, (int, float))}
        summary.update({k: v for k, v in runs[-1].items() if not isinstance(v, (int, float))})
        summary["findings"] = runs[-1]["findings"]
        summary["wall_s_runs"] = [r["wall_s"] for r in runs]
        return summary


class Aiposture(Tool):
    name = "aiposture"

    def command(self, target, workdir, one_file):
        return [self.exe, "scan", str(target), "--format", "json", "--output", str(workdir / "report.json"), "--fail-on", "never"]

    def findings(self, workdir):
        report = json.loads((workdir / "report.json").read_text())
        return {"findings": len(report["findings"])}


class Checkov(Tool):
    name = "checkov"
    ok_exit_codes = (0, 1)  # 1: failed checks

    def env(self):
        return {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true"}  # no PyPI query inside the timing

    def command(self, target, workdir, one_file):
        return [self.exe, "-f" if one_file else "-d", str(target), "-o", "json", "--quiet", "--compact",
                "--skip-download", "--output-file-path", str(workdir / "out")]

    def findings(self, workdir):
        data = json.loads((workdir / "out" / "results_json.json").read_text())
        reports = data if isinstance(data, list) else [data]  # a list with one report per framework, or one report
        failed, parse_errors, by_framework = 0, 0, {}
        for report in reports:
            summary = report.get("summary", report)  # with no resources at all, the report is the bare summary
            count = len(report["results"]["failed_checks"]) if "results" in report else summary.get("failed", 0)
            failed += count
            parse_errors += summary.get("parsing_errors", 0)
            by_framework[report.get("check_type", "?")] = count
        return {"findings": failed, "parsing_errors": parse_errors, "findings_by_framework": by_framework}


def find_aiposture(explicit: str | None) -> str | None:
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / "aiposture"
    return str(beside) if beside.exists() else shutil.which("aiposture")


# --- the report -----------------------------------------------------------------------------------

def ratio(a, b):
    return round(a / b, 2) if a and b else None


def fit_line(points: list[tuple[int, float]]) -> dict:
    """Least squares y = a + b*x; with the worst relative gap of a point from the line."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    b = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    a = my - b * mx
    worst = max(abs(y - (a + b * x)) / y for x, y in points if y) if points else 0.0
    return {"intercept": round(a, 4), "per_file": round(b, 6), "max_deviation": round(worst, 3)}


def scaling(tool: Tool, sizes: list[int], seed: int, repeat: int, tmp: Path, reuse: dict[int, Path]) -> dict:
    points = []
    for n in sizes:
        corpus = reuse.get(n)
        if corpus is None:
            corpus = tmp / f"corpus-{n}"
            generate.write(generate.build(n, seed), corpus)
        r = tool.run(corpus, repeat=repeat)
        points.append({"files": n, **{k: r.get(k) for k in ("wall_s", "cpu_s", "peak_mb", "findings", "error")}})
        print(f"  {tool.name} {n:>6} files: {r.get('wall_s', 0):7.2f} s  {r.get('peak_mb', 0):7.1f} MB"
              + (f"  ERROR {r['error'].splitlines()[0]}" if r.get("error") else ""), flush=True)
    good = [p for p in points if not p.get("error")]
    result = {"points": points}
    if len(good) >= 2:
        result["wall_fit"] = fit_line([(p["files"], p["wall_s"]) for p in good])
        result["memory_fit"] = fit_line([(p["files"], p["peak_mb"]) for p in good])
        first, last = good[0], good[-1]
        result["files_ratio"] = round(last["files"] / first["files"], 2)
        result["wall_ratio"] = ratio(last["wall_s"], first["wall_s"])
    return result


def describe_corpus(stats: dict) -> str:
    k = stats["by_kind"]
    g = lambda *names: sum(k.get(n, 0) for n in names)  # noqa: E731
    return (f"{stats['files']} files, {stats['lines']:,} lines\n"
            f"  terraform {g('terraform', 'terraform-json', 'terraform-cdktf', 'cdktf-config')} (HCL {g('terraform')}, JSON {g('terraform-json')}, "
            f"CDKTF {g('terraform-cdktf')} stacks + {g('cdktf-config')} config), "
            f"cloudformation {g('cloudformation-yaml', 'cloudformation-json', 'sam')} (YAML {g('cloudformation-yaml')}, "
            f"JSON {g('cloudformation-json')}, SAM {g('sam')}), bicep/arm {g('bicep', 'arm')} (Bicep {g('bicep')}, ARM {g('arm')})"
            + (f", other {k['other']}" if k.get("other") else ""))


def row(label: str, r: dict | None) -> str:
    if r is None:
        return f"{label:<22} {'not run':>8}"
    if r.get("error"):
        return f"{label:<22} {'failed':>8}  {r['error'].splitlines()[0]}"
    extra = f"  ({r['parsing_errors']} parse errors)" if r.get("parsing_errors") else ""
    return f"{label:<22} {r['wall_s']:8.2f} {r['cpu_s']:8.2f} {r['peak_mb']:9.1f} {r['processes']:6d} {r['findings']:9d}{extra}"


def pick_one_file(corpus: Path) -> Path:
    """A mid-sized Terraform file with a SageMaker notebook: the typical single-file case."""
    candidates = sorted(corpus.rglob("*.tf"))
    for path in candidates:
        text = path.read_text(errors="replace")
        if "aws_sagemaker_notebook_instance" in text and 60 <= text.count("\n") <= 250:
            return path
    return candidates[0] if candidates else sorted(p for p in corpus.rglob("*") if p.is_file())[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, help="scan this tree instead of generating one")
    ap.add_argument("--files", type=int, default=generate.DEFAULT_FILES, help="files in the generated corpus (default %(default)s)")
    ap.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    ap.add_argument("--aiposture", help="the aiposture executable (default: beside this Python, then PATH)")
    ap.add_argument("--checkov", help="the checkov executable (default: PATH)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported (default 1)")
    ap.add_argument("--json-out", type=Path, help="write every figure to this JSON file")
    ap.add_argument("--no-checkov", action="store_true", help="do not run checkov even if it is installed")
    ap.add_argument("--no-scaling", action="store_true", help="skip the N/4, N/2, N scaling runs")
    ap.add_argument("--scale-checkov", action="store_true", help="also run checkov at N/4 and N/2 files")
    args = ap.parse_args(argv)
    if args.repeat < 1 or args.files < 4:
        ap.error("--repeat must be >= 1 and --files >= 4")

    for flag, path in (("--aiposture", args.aiposture), ("--checkov", args.checkov)):
        if path and not shutil.which(path):
            ap.error(f"{flag} {path}: not an executable file")
    tools: dict[str, Tool] = {}
    exe = find_aiposture(args.aiposture)
    if exe:
        tools["aiposture"] = Aiposture(exe)
    else:
        print("aiposture: not found (install the project, e.g. `pip install -e .`, or pass --aiposture PATH)")
    exe = None if args.no_checkov else (args.checkov or shutil.which("checkov"))
    if exe:
        tools["checkov"] = Checkov(exe)
    elif not args.no_checkov:
        print("checkov: not found on PATH (see bench/README.md to install it, or pass --checkov PATH)")
    if not tools:
        print("nothing to run")
        return 2

    load = os.getloadavg()
    if load[0] > 0.7:
        print(f"note: the machine is busy (load average {load[0]:.2f}); wall times may be inflated")
    results: dict = {
        "machine": {"platform": platform.platform(), "python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average_at_start": [round(x, 2) for x in load]},
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="aiposture-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.corpus:
            corpus = args.corpus.resolve()
            if not corpus.is_dir():
                ap.error(f"{corpus} is not a directory")
        else:
            corpus = tmp / f"corpus-{args.files}"
            t0 = time.perf_counter()
            generate.write(generate.build(args.files, args.seed), corpus)
            results["generate_s"] = round(time.perf_counter() - t0, 2)
        stats = generate.census(corpus)
        results["corpus"] = {"path": str(corpus), "generated": not args.corpus, "seed": args.seed, **stats}
        print(f"corpus {corpus}: {describe_corpus(stats)}", flush=True)

        one = pick_one_file(corpus)
        one_dir = tmp / "one-file"
        one_dir.mkdir()
        one_copy = one_dir / one.name
        shutil.copyfile(one, one_copy)
        results["one_file"] = {"source": str(one.relative_to(corpus)), "lines": one.read_text(errors="replace").count("\n")}

        for name, tool in tools.items():
            print(f"{name}: {tool.exe} ({tool.version()})", flush=True)
            tool.run(one_copy, one_file=True)  # warm-up: imports in the page cache, first-run caches built
            entry = results[name] = {"executable": tool.exe, "version": tool.version()}
            entry["scan"] = tool.run(corpus, repeat=args.repeat)
            print(row(f"  {name} scan", entry["scan"]), flush=True)
            entry["one_file"] = tool.run(one_copy, one_file=True, repeat=max(3, args.repeat))
            print(row(f"  {name} one file", entry["one_file"]), flush=True)

        if not args.no_scaling:
            sizes = [max(1, args.files // 4), max(1, args.files // 2), args.files]
            reuse = {} if args.corpus else {args.files: corpus}
            for name in ("aiposture", "checkov"):
                if name in tools and (name == "aiposture" or args.scale_checkov):
                    print(f"scaling ({name}):", flush=True)
                    points = sizes if name == "aiposture" else sizes[:2]
                    results.setdefault("scaling", {})[name] = scaling(tools[name], points, args.seed, args.repeat, tmp, reuse)
            if args.scale_checkov and "checkov" in tools and "scaling" in results:
                # the full-size point is the main scan (when the corpus was generated at --files)
                scan = results["checkov"]["scan"]
                if not args.corpus and not scan.get("error"):
                    cs = results["scaling"]["checkov"]
                    cs["points"].append({"files": args.files, **{k: scan.get(k) for k in ("wall_s", "cpu_s", "peak_mb", "findings")}})
                    good = [p for p in cs["points"] if not p.get("error")]
                    cs["wall_fit"] = fit_line([(p["files"], p["wall_s"]) for p in good])
                    cs["memory_fit"] = fit_line([(p["files"], p["peak_mb"]) for p in good])

    a = results.get("aiposture", {})
    c = results.get("checkov", {})
    if a and c and not a["scan"].get("error") and not c["scan"].get("error"):
        results["ratios"] = {
            "wall": ratio(c["scan"]["wall_s"], a["scan"]["wall_s"]),
            "cpu": ratio(c["scan"]["cpu_s"], a["scan"]["cpu_s"]),
            "memory": ratio(c["scan"]["peak_mb"], a["scan"]["peak_mb"]),
            "one_file_wall": ratio(c["one_file"].get("wall_s"), a["one_file"].get("wall_s")),
        }

    print()
    print(f"corpus: {describe_corpus(results['corpus'])}")
    print(f"one-file scan: {results['one_file']['source']} ({results['one_file']['lines']} lines)")
    print(f"{'':<22} {'wall s':>8} {'cpu s':>8} {'peak MB':>9} {'procs':>6} {'findings':>9}")
    for name in ("aiposture", "checkov"):
        if name in results:
            print(row(f"{name} scan", results[name]["scan"]))
            print(row(f"{name} one file", results[name]["one_file"]))
    if "ratios" in results:
        r = results["ratios"]
        verdict = lambda ok: "ok" if ok else "MISSED"  # noqa: E731
        print(f"checkov/aiposture: wall {r['wall']}x (target >= {TARGETS['wall_ratio']:g}x: {verdict((r['wall'] or 0) >= TARGETS['wall_ratio'])}), "
              f"memory {r['memory']}x (target >= {TARGETS['memory_ratio']:g}x: {verdict((r['memory'] or 0) >= TARGETS['memory_ratio'])}), "
              f"cpu {r['cpu']}x, one file {r['one_file_wall']}x")
    if a and not a["one_file"].get("error"):
        print(f"aiposture one-file scan: {a['one_file']['wall_s']:.3f} s (target < {TARGETS['one_file_s']} s: "
              f"{'ok' if a['one_file']['wall_s'] < TARGETS['one_file_s'] else 'MISSED'})")
    for name, sc in results.get("scaling", {}).items():
        print(f"scaling ({name}):\n  {'files':>8} {'wall s':>8} {'ms/file':>9} {'peak MB':>9}")
        for p in sc["points"]:
            if p.get("error"):
                print(f"  {p['files']:>8}   failed")
            else:
                print(f"  {p['files']:>8} {p['wall_s']:8.2f} {1000 * p['wall_s'] / p['files']:9.3f} {p['peak_mb']:9.1f}")
        if "wall_fit" in sc:
            w, m = sc["wall_fit"], sc["memory_fit"]
            print(f"  time   = {w['intercept']:.2f} s + {1000 * w['per_file']:.3f} ms/file (worst point {100 * w['max_deviation']:.0f}% off the line)")
            print(f"  memory = {m['intercept']:.1f} MB + {1000 * m['per_file']:.1f} KB/file (worst point {100 * m['max_deviation']:.0f}% off the line)")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=2) + "\n")
        print(f"figures written to {args.json_out}")
    failed = any(results.get(n, {}).get(k, {}).get("error") for n in tools for k in ("scan", "one_file"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
