"""Turns bench/keyvalue.sh's raw lines into the table, the targets and the
JSON result file.

usage: keyvalue_report.py <raw results> <output json> <counter> <settings>

Raw lines (one field per key=value):
  load backend=B round=R name=N c=C rps=.. p50_us=.. p99_us=.. errors=.. db_ops=.. db_mean_us=..
       exec_mean_us=..
  (db_: the state database's key-value operations during the run and their
  mean duration as the server timed them, -1 for none; exec_mean_us: the
  function's mean execution time as the server timed it)
  machine load_before=1.0,1.1,1.2   (or load_after=)
"""
import statistics
import sys

from report_common import write_result

BACKENDS = ("sqlite", "postgres")
OPS = ("open", "get", "set", "increment")
# The targets: counter exec >= 60 % of hello exec (16 connections,
# SQLite); one key-value operation adds <= 50 us at p50 on SQLite, <= 400 us
# on a local PostgreSQL.
COUNTER_SHARE = 0.60
ADDED_US = {"sqlite": 50, "postgres": 400}


def parse(path):
    loads, machine = [], {}
    for line in open(path):
        kind, *fields = line.split()
        kv = dict(f.split("=", 1) for f in fields)
        if kind == "load":
            for k in ("rps", "p50_us", "p99_us", "errors", "db_ops", "db_mean_us", "exec_mean_us"):
                kv[k] = float(kv[k])
            kv["round"] = int(kv["round"])
            loads.append(kv)
        elif kind == "machine":
            machine.update(kv)
    return loads, machine


def main():
    loads, machine = parse(sys.argv[1])
    counter, settings = sys.argv[3], sys.argv[4]

    def runs(backend, name, c):
        return {r["round"]: r for r in loads
                if r["backend"] == backend and r["name"] == name and int(r["c"]) == c}

    def med(values):
        values = list(values)
        return statistics.median(values) if values else float("nan")

    summary = {}
    for backend in BACKENDS:
        if not any(r["backend"] == backend for r in loads):
            continue
        s = summary[backend] = {}
        for name, c in [("hello", 16), ("probe_none", 16), ("counter", 16)] + [
                (f"probe_{op}", 1) for op in ("none",) + OPS]:
            rs = runs(backend, name, c)
            if rs:
                s[f"{name} c={c}"] = {
                    "c": int(next(iter(rs.values()))["c"]),
                    "rps": med(r["rps"] for r in rs.values()),
                    "p50_us": med(r["p50_us"] for r in rs.values()),
                    "p99_us": med(r["p99_us"] for r in rs.values()),
                    "errors": sum(r["errors"] for r in rs.values()),
                    "db_mean_us": med(r["db_mean_us"] for r in rs.values()),
                    "exec_mean_us": med(r["exec_mean_us"] for r in rs.values()),
                    "rounds": {str(k): {f: r[f] for f in ("rps", "p50_us", "p99_us", "errors",
                                                            "db_ops", "db_mean_us", "exec_mean_us")}
                               for k, r in sorted(rs.items())},
                }
        hello, empty, count = (runs(backend, "hello", 16), runs(backend, "probe_none", 16),
                               runs(backend, "counter", 16))
        s["counter_share_of_hello"] = med(count[k]["rps"] / hello[k]["rps"] for k in hello if k in count)
        s["probe_none_share_of_hello"] = med(empty[k]["rps"] / hello[k]["rps"] for k in hello if k in empty)
        s["counter_share_of_probe_none"] = med(count[k]["rps"] / empty[k]["rps"] for k in empty if k in count)
        none = runs(backend, "probe_none", 1)
        s["added_p50_us"], s["added_p50_us_rounds"] = {}, {}
        for op in OPS:
            rs = runs(backend, f"probe_{op}", 1)
            diffs = [rs[k]["p50_us"] - none[k]["p50_us"] for k in sorted(rs) if k in none]
            s["added_p50_us"][op] = med(diffs)
            s["added_p50_us_rounds"][op] = diffs
            s.setdefault("added_exec_mean_us", {})[op] = med(
                rs[k]["exec_mean_us"] - none[k]["exec_mean_us"] for k in rs if k in none)

    print(f"counter: {counter}; {settings}; machine load (1, 5, 15 min) "
          f"before {machine.get('load_before', '?')}, after {machine.get('load_after', '?')}")
    print()
    print(f"{'backend':9} {'run':17} {'c':>2} {'req/s':>8} {'p50 us':>8} {'p99 us':>8} "
          f"{'+p50 us (rounds)':>18} {'exec us':>7} {'+exec':>5} {'db us':>6} {'errors':>6}")
    for backend, s in summary.items():
        for name, r in s.items():
            if not isinstance(r, dict) or "rps" not in r:
                continue
            op = name.removeprefix("probe_").removesuffix(" c=1")
            added = s["added_p50_us"].get(op) if name.endswith(" c=1") else None
            name = name.split(" c=")[0]
            rounds = s["added_p50_us_rounds"].get(op, []) if added is not None else []
            added_text = "" if added is None else (
                f"{added:+.0f} ({min(rounds):+.0f}..{max(rounds):+.0f})" if rounds else f"{added:+.0f}")
            db_text = f"{r['db_mean_us']:.1f}" if r["db_mean_us"] >= 0 else ""
            added_exec = s["added_exec_mean_us"].get(op) if added is not None else None
            added_exec_text = "" if added_exec is None else f"{added_exec:+.0f}"
            print(f"{backend:9} {name:17} {r['c']:2d} {r['rps']:8.0f} {r['p50_us']:8.0f} {r['p99_us']:8.0f} "
                  f"{added_text:>18} {r['exec_mean_us']:7.0f} {added_exec_text:>5} {db_text:>6} "
                  f"{r['errors']:6.0f}")
        print(f"{backend:9} req/s at 16 connections: counter / hello {s['counter_share_of_hello']:.2f},"
              f" probe none / hello {s['probe_none_share_of_hello']:.2f},"
              f" counter / probe none {s['counter_share_of_probe_none']:.2f}")
    print()

    targets = {}
    if "sqlite" in summary:
        targets[f"counter exec >= {COUNTER_SHARE:.0%} of hello exec (c=16, SQLite)"] = (
            summary["sqlite"]["counter_share_of_hello"], summary["sqlite"]["counter_share_of_hello"] >= COUNTER_SHARE)
    for backend, bound in ADDED_US.items():
        if backend not in summary:
            continue
        for op in ("get", "set", "increment"):
            added = summary[backend]["added_p50_us"][op]
            targets[f"one {op} adds <= {bound} us at p50 ({backend})"] = (added, added <= bound)
    for target, (value, met) in targets.items():
        shown = f"{value:.2f}" if "exec" in target else f"{value:+.0f} us"
        print(f"{'met   ' if met else 'MISSED'} {target}: {shown}")

    write_result(sys.argv[2], {
        "counter": counter, "settings": settings,
        "backends": summary,
        "targets": {k: {"value": v, "met": bool(m)} for k, (v, m) in targets.items()},
    }, load_before=machine.get("load_before"), load_after=machine.get("load_after"))


main()
