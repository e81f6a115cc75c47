#!/usr/bin/env python3
"""dstool's benchmark harness: runs dstool and peer tools side by side on the same generated input,
several runs each, and prints medians and ratios (wall time, CPU time, throughput, peak memory).

    Benchmarks/bench.py SUITE [SUITE...] [--runs N] [--size SIZE] [--dstool PATH] [--keep] [--group G] [--skip TEXT]
    Benchmarks/bench.py --list

A suite is one file, Benchmarks/suites/<name>.py, defining:

    DESCRIPTION = "one line"
    REQUIRES = {"apt": ["ripgrep"], "pip": ["detect-secrets"]}   # peers, installed if missing
    def setup(ctx):   # generate inputs under ctx.work (reused across runs; cached by name+size)
    def cases(ctx):   # -> list of Case(name, argv, peer=False, bytes=N or None, items=N or None,
                      #                   group="...", stdin=path or None, stdout=path or None)

Within a group the first dstool case is the reference: ratios are peer_time / dstool_time (>1
means dstool is faster). Results go to stdout as a table and to Benchmarks/results/<suite>.md.
"""
import tempfile
import argparse, importlib.util, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUITES = os.path.join(ROOT, "Benchmarks", "suites")


class Case:
    def __init__(self, name, argv, peer=False, bytes=None, items=None, group="main", stdin=None, stdout=None,
                 env=None, cwd=None, expect_exit=(0, 1), runs=None):
        self.name, self.argv, self.peer, self.bytes, self.items = name, argv, peer, bytes, items
        self.group, self.stdin, self.stdout, self.env, self.cwd, self.expect_exit = group, stdin, stdout, env, cwd, expect_exit
        self.runs = runs  # more runs for millisecond-scale cases


class Context:
    def __init__(self, work, size, dstool, runs):
        self.work, self.size, self.dstool, self.runs = work, size, dstool, runs
        self.cpus = os.cpu_count() or 1

    def path(self, *parts):
        return os.path.join(self.work, *parts)


def parse_size(s):
    s = s.strip().upper().rstrip("B").rstrip("I")
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(s[-1:], 1)
    return int(float(s[:-1] if mult != 1 else s) * mult)


def ensure(requires):
    apt = [p for p in requires.get("apt", []) if not shutil.which(requires.get("bin", {}).get(p, p))]
    if apt:
        subprocess.run(["apt-get", "install", "-y", "-qq"] + apt, check=False,
                       stdout=subprocess.DEVNULL, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
    for p in requires.get("pip", []):
        mod = requires.get("module", {}).get(p)
        if mod and importlib.util.find_spec(mod):
            continue
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", p], check=False)


GNU_TIME = "/usr/bin/time"


def run_once(case):
    stdin = open(case.stdin, "rb") if case.stdin else subprocess.DEVNULL
    stdout = open(case.stdout, "wb") if case.stdout else subprocess.DEVNULL
    env = dict(os.environ, **(case.env or {}))
    # Linux carries a process's peak RSS across exec, so a child forked from this Python shows
    # Python's RSS as a floor (~80 MB): GNU time, itself tiny, reports its child's true peak.
    rss_file = None
    argv = case.argv
    if os.path.exists(GNU_TIME):
        fd, rss_file = tempfile.mkstemp(prefix="bench-rss-")
        os.close(fd)
        argv = [GNU_TIME, "-q", "-f", "%M", "-o", rss_file] + list(argv)
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env, cwd=case.cwd)
    err = p.stderr.read()
    p.stderr.close()
    # wait4 gives this case's own usage: peak RSS of the process and of every descendant it waited
    # for (a `sh -c '... | dstool'` pipeline reports dstool's), not the largest child so far.
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    for f in (stdin, stdout):
        if hasattr(f, "close"):
            f.close()
    cpu = usage.ru_utime + usage.ru_stime
    rss_mb = usage.ru_maxrss / 1024
    if rss_file:
        try:
            with open(rss_file) as f:
                rss_mb = int(f.read().split()[-1]) / 1024
        except (OSError, ValueError, IndexError):
            pass
        os.remove(rss_file)
    if p.returncode not in case.expect_exit:
        raise RuntimeError(f"{case.name}: exit {p.returncode}: {err.decode(errors='replace')[-400:]}")
    return wall, cpu, rss_mb


def fmt_rate(n, secs, unit):
    if not n or secs <= 0:
        return ""
    v = n / secs
    if unit == "B":
        return f"{v / 1e6:,.0f} MB/s"
    return f"{v:,.0f} {unit}/s"


def run_suite(name, args):
    spec = importlib.util.spec_from_file_location(name, os.path.join(SUITES, name + ".py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    ensure({"apt": ["time"]})  # GNU time measures peak RSS (see run_once)
    ensure(getattr(mod, "REQUIRES", {}))
    size = parse_size(args.size) if args.size else getattr(mod, "DEFAULT_SIZE", 64 << 20)
    work = os.path.join(ROOT, "Benchmarks", "work", f"{name}-{size}")
    os.makedirs(work, exist_ok=True)
    ctx = Context(work, size, args.dstool, args.runs)
    marker = os.path.join(work, ".ready")
    if not os.path.exists(marker):
        mod.setup(ctx)
        open(marker, "w").close()
    rows = []
    for case in mod.cases(ctx):
        if args.group and case.group not in args.group:
            continue
        if args.skip and any(word in case.name for word in args.skip):
            continue  # e.g. a peer that takes many minutes and was measured in an earlier run
        if case.argv and not (os.path.exists(case.argv[0]) or shutil.which(case.argv[0])):
            rows.append((case, None, f"skipped: {case.argv[0]} not installed"))
            continue
        samples = []
        try:
            for _ in range(case.runs or args.runs):
                samples.append(run_once(case))
        except RuntimeError as e:
            rows.append((case, None, f"failed: {e}"))
            continue
        rows.append((case, (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples),
                            max(s[2] for s in samples)), ""))
    ref = {}
    for case, m, _ in rows:
        if m and not case.peer and case.group not in ref:
            ref[case.group] = m
    lines = [f"## {name}: {getattr(mod, 'DESCRIPTION', '')}",
             f"input {size:,} bytes; median of {args.runs} runs; {os.cpu_count()} cores; "
             f"{time.strftime('%Y-%m-%d')}", "",
             "| group | case | wall s | CPU s | throughput (wall) | per core (CPU) | peak RSS MB | dstool faster by (wall) | (CPU) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case, m, note in rows:
        if not m:
            lines.append(f"| {case.group} | {case.name} | | | | | | {note} | |")
            continue
        wall, cpu, rss = m
        unit, n = ("B", case.bytes) if case.bytes else ("items", case.items)
        r = ref.get(case.group)
        ratio_w = f"{wall / r[0]:.1f}×" if r and case.peer and r[0] > 0 else ""
        ratio_c = f"{cpu / r[1]:.1f}×" if r and case.peer and r[1] > 0 else ""
        lines.append(f"| {case.group} | {case.name} | {wall:.3f} | {cpu:.3f} | {fmt_rate(n, wall, unit)} | "
                     f"{fmt_rate(n, cpu, unit)} | {rss:,.0f} | {ratio_w} | {ratio_c} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.group and not args.skip:   # a partial run does not replace the suite's results
        os.makedirs(os.path.join(ROOT, "Benchmarks", "results"), exist_ok=True)
        with open(os.path.join(ROOT, "Benchmarks", "results", name + ".md"), "w") as f:
            f.write(text)
    if not args.keep:
        pass  # inputs are cached in Benchmarks/work (ignored by git); delete it to regenerate
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("suites", nargs="*")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--size", help="input size, e.g. 256M, 1G (suite default otherwise)")
    ap.add_argument("--dstool", default=os.path.join(ROOT, "dist", "bin", "dstool"))
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--group", action="append", help="run only the cases of this group (repeatable)")
    ap.add_argument("--skip", action="append", help="skip the cases whose name contains this text (repeatable)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    names = sorted(f[:-3] for f in os.listdir(SUITES) if f.endswith(".py"))
    if args.list or not args.suites:
        for n in names:
            print(n)
        return
    if not os.path.exists(args.dstool):
        sys.exit(f"bench: {args.dstool} not found (run Scripts/install first, or pass --dstool)")
    for s in args.suites:
        if s not in names:
            sys.exit(f"bench: no suite {s} (have: {', '.join(names)})")
        run_suite(s, args)


if __name__ == "__main__":
    main()
