#!/usr/bin/env python3
"""Time crossfoot, DuckDB (exact DECIMAL) and Polars (exact Decimal) on the same record file.

Each engine finds the rows of REC.csv (written by `synth --records N`) where
t1 != x1+x2+x3+x4 or t2 != x5+x6+x7+x8, in exact decimals, and this script checks that all
three find the same rows (their count and the sum of their ids). Every run is a whole process,
started by this script: crossfoot is the release binary (`check --format json`), the peers a
Python interpreter that imports the library, reads the CSV and runs the query. Wall time is the
median of --runs runs (min–max beside it), peak RSS the largest of the runs (/usr/bin/time).
The peers also report the time inside the process after `import` (their own start-up excluded).

    pip install duckdb polars        # once (a virtualenv is fine)
    cargo build --release
    cargo run --release --example synth -- --records 1000000 --out /tmp/rec
    python3 benches/peers/peers.py --dir /tmp/rec --runs 7
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

COLUMNS = ["x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "t1", "t2"]

DUCKDB = """
import sys, time
start = time.perf_counter()
import duckdb
imported = time.perf_counter()
types = {"id": "BIGINT", **{c: "DECIMAL(18,1)" for c in %(columns)r}}
count, ids = duckdb.execute(
    f"SELECT count(*), coalesce(sum(id), 0) FROM read_csv('{sys.argv[1]}', header = true, "
    f"columns = {types!r}) WHERE t1 <> x1 + x2 + x3 + x4 OR t2 <> x5 + x6 + x7 + x8"
).fetchone()
print(count, ids, time.perf_counter() - imported)
""" % {"columns": COLUMNS}

POLARS = """
import sys, time
start = time.perf_counter()
import polars as pl
imported = time.perf_counter()
schema = {"id": pl.Int64, **{c: pl.Decimal(18, 1) for c in %(columns)r}}
x = [pl.col(f"x{i}") for i in range(1, 9)]
wrong = (
    pl.scan_csv(sys.argv[1], schema=schema)
    .filter((pl.col("t1") != x[0] + x[1] + x[2] + x[3]) | (pl.col("t2") != x[4] + x[5] + x[6] + x[7]))
    .select(pl.len().alias("count"), pl.col("id").sum().alias("ids"))
    .collect()
)
print(wrong["count"][0], wrong["ids"][0], time.perf_counter() - imported)
""" % {"columns": COLUMNS}


def timed(command, ok=(0,)):
    """Run `command` under /usr/bin/time: (stdout, wall seconds, peak RSS in MB, CPU seconds
    user + system); stop the script if it exits with a status not in `ok`."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as usage:
        start = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M %U %S", "-o", usage.name, *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - start
        rss_kb, user, system = usage.read().strip().splitlines()[-1].split()
    if done.returncode not in ok:
        sys.exit(f"{command[0]} failed ({done.returncode}):\n{done.stderr}")
    # /usr/bin/time gives KiB; the file's size is printed in MB (10⁶ bytes), and so is this.
    return done.stdout, wall, int(rss_kb) * 1024 / 1e6, float(user) + float(system)


def crossfoot(binary, directory):
    def run():
        out, wall, rss, cpu = timed(
            [binary, "check", "--data", f"{directory}/data", "--rules", f"{directory}/rules",
             "--format", "json"],
            # crossfoot exits 1 when a check fails: the expected outcome here.
            ok=(0, 1),
        )
        report = json.loads(out)
        rows = {finding["cells"][0]["row"] for finding in report["findings"]}
        if report["summary"].get("findings_left_out"):
            sys.exit("crossfoot left findings out: raise --max-findings")
        return (len(rows), sum(int(r) for r in rows)), wall, rss, cpu, None

    return run


def peer(code, csv):
    def run():
        out, wall, rss, cpu = timed([sys.executable, "-c", code, csv])
        count, ids, inside = out.split()
        return (int(count), int(ids)), wall, rss, cpu, float(inside)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="output directory of synth --records")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--grouped", action="store_true",
        help="run each engine's runs back to back (after one untimed run), not interleaved: "
             "on a virtual machine that hands free memory back to its host, a run that "
             "comes after a pause (the other engines' runs) pays for touching it again")
    parser.add_argument("--crossfoot", default=os.path.join(
        os.path.dirname(__file__), "..", "..", "target", "release", "crossfoot"))
    args = parser.parse_args()
    csv = os.path.join(args.dir, "data", "REC.csv")
    engines = {
        "crossfoot": crossfoot(args.crossfoot, args.dir),
        "DuckDB (DECIMAL(18,1))": peer(DUCKDB, csv),
        "Polars (Decimal(18,1))": peer(POLARS, csv),
    }
    size = os.path.getsize(csv) / 1e6
    order = "each engine's back to back" if args.grouped else "interleaved"
    print(f"{csv}: {size:.1f} MB; median of {args.runs} runs each ({order}), whole process; "
          f"{os.cpu_count()} CPUs")
    results = {}
    samples = {name: [] for name in engines}
    if args.grouped:
        for name, run in engines.items():
            run()
            samples[name] = [run() for _ in range(args.runs)]
    else:
        # Interleave the engines, so that a burst of load on a shared machine hits them alike.
        for _ in range(args.runs):
            for name, run in engines.items():
                samples[name].append(run())
    for name, runs in samples.items():
        answers = {answer for answer, *_ in runs}
        if len(answers) != 1:
            sys.exit(f"{name} gave different answers across runs: {answers}")
        walls = [wall for _, wall, *_ in runs]
        inside = [i for *_, i in runs if i is not None]
        results[name] = {
            "answer": answers.pop(),
            "median": statistics.median(walls),
            "min": min(walls),
            "max": max(walls),
            "rss": max(rss for _, _, rss, *_ in runs),
            "cpu": statistics.median(cpu for *_, cpu, _ in runs),
            "inside": statistics.median(inside) if inside else None,
        }
    answers = {r["answer"] for r in results.values()}
    if len(answers) != 1:
        sys.exit(f"the engines disagree on the wrong rows (count, sum of ids): {results}")
    count, ids = answers.pop()
    print(f"all three find {count} wrong rows (sum of their ids {ids})\n")
    base = results["crossfoot"]
    print("| engine | median wall (min–max) | after import | CPU (user + sys) | peak RSS "
          "| time ÷ crossfoot | RSS ÷ crossfoot |")
    print("|---|---|---|---|---|---|---|")
    for name, r in results.items():
        inside = f"{r['inside'] * 1000:.0f} ms" if r["inside"] is not None else "—"
        print(f"| {name} | {r['median'] * 1000:.0f} ms ({r['min'] * 1000:.0f}–{r['max'] * 1000:.0f})"
              f" | {inside} | {r['cpu'] * 1000:.0f} ms | {r['rss']:.0f} MB | {r['median'] / base['median']:.2f}"
              f" | {r['rss'] / base['rss']:.2f} |")
    print(f"\ncrossfoot's peak RSS is {base['rss'] / size:.2f}× the file; DuckDB takes "
          f"{results['DuckDB (DECIMAL(18,1))']['median'] / base['median']:.2f}× its time")


if __name__ == "__main__":
    main()
