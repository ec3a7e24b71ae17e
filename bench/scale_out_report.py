"""Turns bench/scale_out.sh's raw lines into the tables, the target and the
JSON result file.

usage: scale_out_report.py <raw results> <output json> <settings>...

Raw lines (one field per key=value):
  load part=exec|lb config=C c=.. rps=.. p50_us=.. p99_us=.. errors=.. heads_per_exec=..
       spread=n1/n2/.. load_1min=..
  (heads_per_exec: the store's HEADs per exec on the nodes measured; spread:
  the execs each node ran)
  propagation mode=M round=R node=N delay_ms=..|timeout polls=.. errors=.. compile_ms=..
  machine load_before=1.0,1.1,1.2 cpus=2   (or load_after=)
"""
import statistics
import sys

from report_common import raw_lines, write_result

# The target: exec on S3 with change notices within 1.3x of the embedded
# store's figures at each connection count: req/s at least 1/1.3 of its,
# p50 and p99 at most 1.3 times its.
WITHIN = 1.3
EXEC_CONFIGS = ("embedded", "s3_head_per_call", "s3_notices")
LB_CONFIGS = ("1_node", "3_nodes")
FRESHNESS_MS = {"freshness_1000ms": 1000}


def parse(path):
    loads, delays, machine = [], [], {}
    text_keys = ("part", "config", "spread", "mode", "load_before", "load_after")
    for kind, kv in raw_lines(path, text_keys):
        if kind == "machine":
            machine.update(kv)
        elif kind == "load":
            loads.append(kv)
        elif kind == "propagation":
            delays.append(kv)
    return loads, delays, machine


def find(loads, config, c):
    return next((r for r in loads if r["config"] == config and r["c"] == c), None)


def load_table(loads, part, configs):
    print(f"{'configuration':18} {'c':>3} {'req/s':>8} {'p50 us':>8} {'p99 us':>8} {'HEAD/exec':>9}"
          f" {'errors':>6} {'load':>5}  execs per node")
    for config in configs:
        for r in (r for r in loads if r["part"] == part and r["config"] == config):
            print(f"{config:18} {r['c']:3.0f} {r['rps']:8.0f} {r['p50_us']:8.0f} {r['p99_us']:8.0f}"
                  f" {r['heads_per_exec']:9.3f} {r['errors']:6.0f} {r['load_1min']:5.2f}  {r['spread']}")


def ratios(loads, config, reference):
    """config / reference at each connection count: req/s, p50, p99."""
    out = {}
    for r in loads:
        ref = find(loads, reference, r["c"])
        if r["config"] != config or ref is None:
            continue
        out[f"c={r['c']:.0f}"] = {"rps": r["rps"] / ref["rps"], "p50": r["p50_us"] / ref["p50_us"],
                                  "p99": r["p99_us"] / ref["p99_us"]}
    return out


def spread(values):
    values = sorted(values)
    return {"min": values[0], "median": statistics.median(values), "max": values[-1], "n": len(values)} \
        if values else None


def propagation_summary(delays):
    summary = {}
    for mode in dict.fromkeys(d["mode"] for d in delays):
        rows = [d for d in delays if d["mode"] == mode]
        seen = [d for d in rows if d["delay_ms"] != "timeout"]
        nodes = sorted({int(d["node"]) for d in rows})
        by_round = {}
        for d in seen:
            by_round.setdefault(int(d["round"]), []).append(d["delay_ms"])
        summary[mode] = {
            "per_node_ms": {f"node{n}": spread([d["delay_ms"] for d in seen if d["node"] == n]) for n in nodes},
            "per_node_compile_ms": {f"node{n}": spread([d["compile_ms"] for d in rows if d["node"] == n])
                                    for n in nodes},
            "every_node_ms": spread([max(v) for v in by_round.values() if len(v) == len(nodes)]),
            "timeouts": len(rows) - len(seen),
            "exec_errors": int(sum(d["errors"] for d in rows)),
            "polls_per_node_round": statistics.median(d["polls"] for d in rows),
        }
    return summary


def main():
    loads, delays, machine = parse(sys.argv[1])
    settings = " ".join(sys.argv[3:])
    print(f"{settings}; {machine.get('cpus', '?')} cpus; machine load (1, 5, 15 min) before"
          f" {machine.get('load_before', '?')}, after {machine.get('load_after', '?')}")

    print("\n1. hello exec on one node")
    load_table(loads, "exec", EXEC_CONFIGS)
    notices = ratios(loads, "s3_notices", "embedded")
    per_call = ratios(loads, "s3_head_per_call", "embedded")
    targets = {}
    for c, r in notices.items():
        for figure, value in r.items():
            met = value >= 1 / WITHIN if figure == "rps" else value <= WITHIN
            bound = f">= {1 / WITHIN:.2f}" if figure == "rps" else f"<= {WITHIN}"
            targets[f"S3 with change notices / embedded store, {figure} ({c}) {bound}"] = (value, met)
    print("ratio to the embedded store (config / embedded):")
    for name, rs in (("s3_notices", notices), ("s3_head_per_call", per_call)):
        for c, r in rs.items():
            print(f"  {name:18} {c:5}  req/s {r['rps']:.2f}  p50 {r['p50']:.2f}  p99 {r['p99']:.2f}")

    lb = {}
    if any(r["part"] == "lb" for r in loads):
        print("\n2. hello exec through HAProxy")
        load_table(loads, "lb", LB_CONFIGS)
        for r in (r for r in loads if r["config"] == "3_nodes"):
            one = find(loads, "1_node", r["c"])
            if one:
                lb[f"c={r['c']:.0f}"] = {"rps_3_over_1": r["rps"] / one["rps"],
                                         "p50_3_over_1": r["p50_us"] / one["p50_us"]}
                print(f"  3 nodes / 1 node, c={r['c']:.0f}: req/s {r['rps'] / one['rps']:.2f}x,"
                      f" p50 {r['p50_us'] / one['p50_us']:.2f}x")

    propagation = propagation_summary(delays)
    if propagation:
        print("\n3. a re-upload through node 1: ms from its 201 to the new output, min / median / max")
        for mode, s in propagation.items():
            for name, v in list(s["per_node_ms"].items()) + [("every node", s["every_node_ms"])]:
                if v:
                    compiling = s["per_node_compile_ms"].get(name)
                    print(f"  {mode:18} {name:10} {v['min']:8.1f} {v['median']:8.1f} {v['max']:8.1f}"
                          f"   ({v['n']} rounds)" + (f"  compiling, median {compiling['median']:.0f} ms"
                                                     if compiling else ""))
            print(f"  {mode:18} timeouts {s['timeouts']}, exec errors {s['exec_errors']},"
                  f" median polls per node and round {s['polls_per_node_round']:.0f}")

    # Without notices a node sees a change within its freshness plus the
    # call that fetches, compiles and runs the new version, which the
    # notices' median (every node) stands for.
    call = (propagation.get("notices") or {}).get("every_node_ms")
    for mode, bound in FRESHNESS_MS.items():
        s = propagation.get(mode)
        if s and s["every_node_ms"] and call:
            v = s["every_node_ms"]["max"]
            limit = bound + call["median"]
            targets[f"{mode}: every node within {bound} ms + one call ({limit:.0f} ms), ms"] = (
                v, v <= limit and s["timeouts"] == 0)
    print()
    for target, (value, met) in targets.items():
        print(f"{'met   ' if met else 'MISSED'} {target}: {value:.2f}")

    write_result(sys.argv[2], {
        "settings": settings,
        "exec": [r for r in loads if r["part"] == "exec"],
        "exec_ratio_to_embedded": {"s3_notices": notices, "s3_head_per_call": per_call},
        "load_balancer": [r for r in loads if r["part"] == "lb"],
        "load_balancer_3_over_1": lb,
        "propagation": propagation,
        "propagation_rounds": delays,
        "targets": {k: {"value": v, "met": bool(m)} for k, (v, m) in targets.items()},
    }, load_before=machine.get("load_before"), load_after=machine.get("load_after"))


main()
