"""Turns bench/run.sh's raw lines into the table and the JSON result file,
and several runs' JSON files into their medians.

usage: report.py [--chart] <raw results> <output json>
       report.py [--chart] --median <output json> <run json>...
With --chart, the side-by-side figures are also drawn into <output>.svg
(bench/chart.py).
"""
import json
import statistics
import sys
from pathlib import Path

from report_common import write_result


def parse(path):
    loads, values = {}, {}
    for line in open(path):
        name, *fields = line.split()
        kv = dict(f.split("=", 1) for f in fields)
        if "c" in kv:
            loads[f"{name} c={kv['c']}"] = {k: float(v) for k, v in kv.items() if k != "c"}
        else:
            values[name] = float(kv["value"])
    return loads, values


def compute_ratios(loads):
    ratios = {}

    def ratio(name, ours, theirs, field="rps"):
        if ours in loads and theirs in loads and loads[theirs][field] > 0:
            ratios[name] = loads[ours][field] / loads[theirs][field]

    for c in (1, 16, 64):
        ratio(f"hello/wasmtime_serve c={c}", f"hello c={c}", f"wasmtime_serve_hello c={c}")
        ratio(f"hello/wasmtime_serve no guard pages c={c}", f"hello_no_guard c={c}",
              f"wasmtime_serve_hello_no_guard c={c}")
    for c in (1, 64):
        ratio(f"hello reuse/wasmtime_serve reuse c={c}", f"hello_reuse c={c}",
              f"wasmtime_serve_hello_reuse c={c}")
    ratio("hello/healthz c=64", "hello c=64", "healthz c=64")
    ratio("hello reuse/healthz c=64", "hello_reuse c=64", "healthz c=64")
    ratio("hello/healthz no guard pages c=64", "hello_no_guard c=64", "healthz c=64")
    ratio("hello/hello_no_cache c=16", "hello c=16", "hello_no_cache c=16")
    ratio("hello p50/healthz p50 c=1", "hello c=1", "healthz c=1", field="p50_us")
    return ratios


def compute_targets(loads, values, ratios):
    """Issue #19's targets (and the first round's that must not get worse):
    True, False, or None when the figure was not measured."""
    def at_least(value, bound):
        return None if value is None else value >= bound

    def at_most(value, bound):
        return None if value is None else value <= bound

    p50 = lambda load: loads.get(load, {}).get("p50_us")
    return {
        "hello exec >= 1.5x wasmtime serve (c=64)": at_least(ratios.get("hello/wasmtime_serve c=64"), 1.5),
        "hello with reuse >= 1.5x wasmtime serve with reuse (c=64)":
            at_least(ratios.get("hello reuse/wasmtime_serve reuse c=64"), 1.5),
        "hello with reuse >= 0.7x healthz (c=64)": at_least(ratios.get("hello reuse/healthz c=64"), 0.7),
        "hello >= 0.5x healthz (c=64)": at_least(ratios.get("hello/healthz c=64"), 0.5),
        "hello p50 at 1 connection <= 150 us": at_most(p50("hello c=1"), 150),
        "hello p50 at 1 connection <= 1.3x healthz p50": at_most(ratios.get("hello p50/healthz p50 c=1"), 1.3),
        "JavaScript hello p50 at 1 connection <= 1.5 ms": at_most(p50("js_hello c=1"), 1500),
        "Python hello p50 at 1 connection <= 2 ms": at_most(p50("python_hello c=1"), 2000),
        "first exec after upload <= 20 ms": at_most(values.get("first_exec_after_upload_ms"), 20),
        "first exec, fresh process, warm disk <= 10 ms":
            at_most(values.get("first_exec_fresh_process_warm_disk_ms"), 10),
        "RSS under 64-connection load <= 200 MB": at_most(values.get("rss_under_load_kib"), 200 * 1024),
    }


def print_report(loads, values, ratios, targets):
    print(f"{'run':38} {'req/s':>9} {'p50 us':>8} {'p99 us':>8} {'errors':>6}")
    for name, r in loads.items():
        print(f"{name:38} {r['rps']:9.0f} {r['p50_us']:8.0f} {r['p99_us']:8.0f} {r['errors']:6.0f}")
    print()
    for name, ratio in ratios.items():
        print(f"ratio {name:42} {ratio:6.2f}x")
    for name, value in values.items():
        print(f"{name:40} {value:10.3f}")
    if values.get("reuse_skipped"):
        print("\nSKIPPED: wasmfaas with instance reuse (the server refused the reuse config)")
    print()
    for target, met in targets.items():
        print(f"{ {True: 'met   ', False: 'MISSED', None: 'n/a   '}[met]} {target}")


def medians(runs):
    """Per load and value, the median of each figure over the runs that
    have it."""
    loads, values = {}, {}
    for name in dict.fromkeys(name for run in runs for name in run["loads"]):
        present = [run["loads"][name] for run in runs if name in run["loads"]]
        loads[name] = {field: statistics.median(r[field] for r in present) for field in present[0]}
    for name in dict.fromkeys(name for run in runs for name in run["values"]):
        values[name] = statistics.median(run["values"][name] for run in runs if name in run["values"])
    return loads, values


def main():
    args = sys.argv[1:]
    chart = "--chart" in args
    args = [a for a in args if a != "--chart"]
    extra = {}
    if args[0] == "--median":
        output, run_paths = args[1], args[2:]
        runs = [json.load(open(path)) for path in run_paths]
        loads, values = medians(runs)
        extra = {"median_of": [Path(p).name for p in run_paths],
                 "run_dates": [run["date"] for run in runs],
                 "ratios_per_run": [run["ratios"] for run in runs]}
    else:
        loads, values = parse(args[0])
        output = args[1]
    ratios = compute_ratios(loads)
    targets = compute_targets(loads, values, ratios)
    print_report(loads, values, ratios, targets)
    write_result(output, {"loads": loads, "values": values, "ratios": ratios,
                          "targets": targets, **extra})
    if chart:
        from chart import draw_chart
        draw_chart(json.load(open(output)), Path(output).with_suffix(".svg"), Path(output).name)


main()
