"""Turns bench/run.sh's raw lines into the table and the JSON result file.

usage: report.py <raw results> <output json>
"""
import sys

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


def main():
    loads, values = parse(sys.argv[1])
    rows = []
    print(f"{'run':38} {'req/s':>9} {'p50 us':>8} {'p99 us':>8} {'errors':>6}")
    for name, r in loads.items():
        print(f"{name:38} {r['rps']:9.0f} {r['p50_us']:8.0f} {r['p99_us']:8.0f} {r['errors']:6.0f}")
    print()
    ratios = {}
    for c in (1, 16, 64):
        ours, theirs = loads.get(f"hello c={c}"), loads.get(f"wasmtime_serve_hello c={c}")
        if ours and theirs:
            ratios[f"hello/wasmtime_serve c={c}"] = ours["rps"] / theirs["rps"]
        ours, theirs = loads.get(f"hello_no_guard c={c}"), loads.get(f"wasmtime_serve_hello_no_guard c={c}")
        if ours and theirs:
            ratios[f"hello/wasmtime_serve no guard pages c={c}"] = ours["rps"] / theirs["rps"]
    if "hello c=64" in loads and "healthz c=64" in loads:
        ratios["hello/healthz c=64"] = loads["hello c=64"]["rps"] / loads["healthz c=64"]["rps"]
    if "hello_no_guard c=64" in loads and "healthz c=64" in loads:
        ratios["hello/healthz no guard pages c=64"] = loads["hello_no_guard c=64"]["rps"] / loads["healthz c=64"]["rps"]
    if "hello_no_cache c=16" in loads and "hello c=16" in loads:
        ratios["hello/hello_no_cache c=16"] = loads["hello c=16"]["rps"] / loads["hello_no_cache c=16"]["rps"]
    for name, ratio in ratios.items():
        print(f"ratio {name:42} {ratio:6.2f}x")
    for name, value in values.items():
        print(f"{name:40} {value:10.3f}")

    targets = {
        "hello exec >= 1.0x wasmtime serve (c=64)": ratios.get("hello/wasmtime_serve c=64", 0) >= 1.0,
        "hello p50 at 1 connection <= 250 us": loads.get("hello c=1", {}).get("p50_us", 1e9) <= 250,
        "hello >= 50% of healthz (c=64)": ratios.get("hello/healthz c=64", 0) >= 0.5,
        "first exec after upload <= 20 ms": values.get("first_exec_after_upload_ms", 1e9) <= 20,
        "first exec, fresh process, warm disk <= 10 ms": values.get("first_exec_fresh_process_warm_disk_ms", 1e9) <= 10,
        "RSS under 64-connection load <= 200 MB": values.get("rss_under_load_kib", 1e12) <= 200 * 1024,
    }
    print()
    for target, met in targets.items():
        print(f"{'met ' if met else 'MISSED'} {target}")

    write_result(sys.argv[2], {"loads": loads, "values": values, "ratios": ratios,
                               "targets": {k: bool(v) for k, v in targets.items()}})


main()
