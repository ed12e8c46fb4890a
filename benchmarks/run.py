"""Every benchmark, one after the other, then one table of all figures: ``make bench``.

    .venv/bin/python benchmarks/run.py [--only engine,setup,queries,queue,recheck,http]
                                       [--recheck-sizes 10000,20000] [--http-seconds 20]
                                       [--skip-clone]

Each benchmark runs in a child process and writes its figures to benchmarks/results/<name>.json
(git-ignored); this script prints their tables as they come, then a summary with each target
and whether it is met, written to benchmarks/results/summary.json. The PostgreSQL benchmarks
need a server on 127.0.0.1:5432 (BENCH_POSTGRES overrides it; the local cluster is started if
it is stopped) and use databases named bench_*, all dropped at the end. The HTTP benchmark needs
wrk: installed here with apt-get when missing and running as root, else skipped with a note.
See docs/PERFORMANCE.md.
"""
import argparse
import json
import os
from pathlib import Path
import shutil
import subprocess
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

BENCHMARKS = ["engine", "setup", "queries", "queue", "recheck", "http"]
TIME_LIMIT_SECONDS = 600
# Throughput each request must reach, as a share of the minimal view's in the same run.
HTTP_SHARE_TARGETS = {"API check": 0.5, "consortium page": 0.25}


def ensure_wrk() -> bool:
    """wrk on the PATH, installed from Debian's packages when missing (root only)."""
    if shutil.which("wrk"):
        return True
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installing wrk (apt-get install wrk) for the HTTP benchmark")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        installed = subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
        if installed.returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], **quiet)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], **quiet)
    return shutil.which("wrk") is not None


def command_of(name: str, options) -> list[str]:
    script = str(environment.ROOT / "benchmarks" / f"bench_{name}.py")
    arguments = {
        # Three runs per figure instead of seven: the engine's figures are stable to a few %.
        "engine": ["--quick"],
        "setup": ["--skip-clone"] if options.skip_clone else [],
        "recheck": ["--sizes", options.recheck_sizes],
        "http": ["--seconds", str(options.http_seconds)],
    }.get(name, [])
    return [environment.PYTHON, script, *arguments]


def run_one(name: str, options) -> dict:
    print(f"\n=== {name} ===", flush=True)
    started = time.perf_counter()
    results_file = environment.RESULTS_DIR / f"{name}.json"
    if results_file.exists():
        results_file.unlink()
    completed = subprocess.run(command_of(name, options), cwd=environment.ROOT)
    elapsed = round(time.perf_counter() - started, 1)
    print(f"({name}: {elapsed} s)", flush=True)
    if completed.returncode != 0 or not results_file.exists():
        return {"failed": f"exit status {completed.returncode}", "elapsed_s": elapsed}
    return {**json.loads(results_file.read_text()), "elapsed_s": elapsed}


def figure(name: str, measured: str, target: str, met: bool | None) -> dict:
    return {"figure": name, "measured": measured, "target": target,
            "met": {True: "yes", False: "NO", None: "-"}[met]}


def summary_rows(results: dict) -> list[dict]:
    rows = []
    engine = results.get("engine", {})
    for size in engine.get("sizes", []):
        rows.append(figure(
            f"engine, {size['members']} members",
            f"{size['engine_us']} µs per check (snapshot {size['snapshot_us']} µs)",
            "< 100 µs for 10 members" if size["members"] == 10 else "linear",
            size["engine_us"] < 100 if size["members"] == 10 else None,
        ))
    queries = results.get("queries", {})
    for row in queries.get("rows", []):
        rows.append(figure(
            f"queries, {row['what']}",
            f"{row['small_queries']} ({row['small']}) / {row['large_queries']} ({row['large']})",
            "constant", row["constant"],
        ))
    queue = results.get("queue", {})
    # PostgreSQL's default (JIT on); queue.json and the queue's own table have both.
    for row in (row for row in queue.get("views", []) if row["jit"] == "default"):
        rows.append(figure(
            f"queue 10k, {row['reviewer'].split(' (')[0]}, {row['view']}",
            f"{row['median_ms']} ms median", "< 150 ms", row["target_met"],
        ))
    if totals := queue.get("totals_ms"):
        rows.append(figure(
            "queue 10k, contact point's totals by review status",
            ", ".join(f"{name}: {ms} ms" for name, ms in totals.items()), "-", None,
        ))
    recheck = results.get("recheck", {})
    for row in recheck.get("sizes", []):
        rows.append(figure(
            f"re-check, {row['consortia']:,} consortia",
            f"{row['per_second']:,}/s, {row['seconds']} s, peak {row['peak_rss_mib']} MiB",
            ">= 5,000/s", row["per_second"] >= 5000,
        ))
    if recheck.get("sizes"):
        rows.append(figure(
            "re-check, memory between the sizes", f"+{recheck['memory_growth_mib']} MiB",
            "flat", abs(recheck["memory_growth_mib"]) < 20,
        ))
        rows.append(figure(
            "re-check, 100,000 consortia (extrapolated)",
            f"{recheck['extrapolated_100k_seconds']} s", "<= 20 s",
            recheck["extrapolated_100k_seconds"] <= 20,
        ))
    http = results.get("http", {})
    for row in http.get("rows", []):
        share = HTTP_SHARE_TARGETS.get(row["what"])
        rows.append(figure(
            f"HTTP, {row['what']}",
            f"{row['requests_per_second']} req/s ({row['share_of_minimal']:.0%} of minimal), "
            f"p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, {row['errors']} errors, "
            f"{row['response_bytes'] / 1024:.0f} KiB",
            "baseline, no errors" if row["what"] == "minimal view"
            else f">= {share:.0%} of minimal, no errors" if share else "no errors",
            row["errors"] == 0 and (share is None or row["share_of_minimal"] >= share),
        ))
    setup = results.get("setup", {})
    for database, timing in setup.get("fixtures", {}).items():
        rows.append(figure(
            f"load_reference_data, {database}",
            f"{timing['empty_s']} s empty, {timing['unchanged_s']} s unchanged", "-", None,
        ))
    startup = setup.get("startup")
    if startup:
        rows.append(figure(
            "make run on a fresh clone, until the first page",
            f"{startup['make_run_until_first_page_s']} s", "-", startup["served"] or None,
        ))
    for name, result in results.items():
        if "failed" in result or "skipped" in result:
            rows.append(figure(name, result.get("failed") or result.get("skipped"), "-", False))
    return rows


def print_summary(rows: list[dict], total: float) -> None:
    width = max(len(row["figure"]) for row in rows) if rows else 10
    measured = max(len(row["measured"]) for row in rows) if rows else 10
    print("\n=== Summary ===")
    print(f"{'figure':<{width}}  {'measured':<{measured}}  {'target':<30}  met")
    for row in rows:
        print(f"{row['figure']:<{width}}  {row['measured']:<{measured}}  {row['target']:<30}  "
              f"{row['met']}")
    print(f"Total: {total:.0f} s (limit {TIME_LIMIT_SECONDS} s). Figures in "
          f"{environment.RESULTS_DIR.relative_to(environment.ROOT)}/")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(BENCHMARKS))
    parser.add_argument("--recheck-sizes", default="10000,20000")
    parser.add_argument("--http-seconds", type=int, default=20)
    parser.add_argument("--skip-clone", action="store_true")
    options = parser.parse_args(sys.argv[1:] if argv is None else argv)
    chosen = [name for name in options.only.split(",") if name]
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    print(f"Benchmarks on {environment.now_text()}: {json.dumps(environment.machine())}")
    if "http" in chosen:
        ensure_wrk()
    results = {}
    try:
        for name in chosen:
            results[name] = run_one(name, options)
    finally:
        if environment.postgres_available():
            environment.drop_database(environment.TEMPLATE_DATABASE)
    total = time.perf_counter() - started
    rows = summary_rows(results)
    environment.write_results("summary", {
        "measured_at": environment.now_text(),
        "machine": environment.machine(),
        "total_seconds": round(total, 1),
        "figures": rows,
    })
    print_summary(rows, total)
    return 1 if any("failed" in result for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
