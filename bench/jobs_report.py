"""Turns bench/jobs.sh's raw lines into the table, the targets and the JSON
result file.

usage: jobs_report.py <raw results> <output json> <settings>...

Raw lines (one field per key=value):
  throughput backend=B round=R load_1min=.. jobs=.. errors=.. submit_s=.. submit_rps=.. wall_s=.. span_s=..
             e2e_jps=.. wall_jps=.. failed=.. server_cpu_ms_per_job=.. db_cpu_ms_per_job=..
  latency backend=B round=R gap_ms=.. jobs=.. errors=.. delay_p50_ms=.. delay_p99_ms=..
          delay_max_ms=.. delay_mean_ms=.. run_p50_ms=.. submit_p50_us=..
  drain backend=B round=R rps=.. p50_us=.. p99_us=.. errors=.. drain_rps=.. drain_p50_us=..
        drain_p99_us=.. drain_errors=.. drained=.. seconds=.. queued_after=..
        backlog_jobs=.. backlog_errors=.. backlog_submit_s=.. backlog_submit_rps=..
  machine load_before=1.0,1.1,1.2 cpus=2 job_workers=default   (or load_after=)
(db_cpu_ms_per_job: PostgreSQL's processes, -1 on SQLite, whose work is in
the server's own CPU.)
"""
import statistics
import sys

from report_common import raw_lines, write_result

BACKENDS = ("sqlite", "postgres")
# The targets: >= 1000 hello jobs/s end to end on SQLite; due ->
# start p99 <= 100 ms when the workers are idle; sync exec keeps >= 70 % of
# its throughput while a backlog drains.
E2E_JPS = {"sqlite": 1000}
DELAY_P99_MS = 100
EXEC_SHARE = 0.70


def parse(path):
    rows, machine = {"throughput": [], "latency": [], "drain": []}, {}
    for kind, kv in raw_lines(path, text_keys=("backend", "load_before", "load_after", "job_workers")):
        if kind == "machine":
            machine.update(kv)
            continue
        kv["round"] = int(kv["round"])
        rows[kind].append(kv)
    return rows, machine


def med(values):
    values = list(values)
    return statistics.median(values) if values else float("nan")


def main():
    rows, machine = parse(sys.argv[1])
    settings = " ".join(sys.argv[3:])
    summary = {}
    for backend in BACKENDS:
        runs = {kind: sorted((r for r in rs if r["backend"] == backend), key=lambda r: r["round"])
                for kind, rs in rows.items()}
        if not any(runs.values()):
            continue
        s = summary[backend] = {}
        for kind, rs in runs.items():
            if not rs:
                continue
            fields = [k for k in rs[0] if k not in ("backend", "round")]
            s[kind] = {k: med(r[k] for r in rs) for k in fields}
            s[kind]["rounds"] = {str(r["round"]): {k: r[k] for k in fields} for r in rs}
        if runs["drain"]:
            shares = [r["drain_rps"] / r["rps"] for r in runs["drain"]]
            s["drain"]["exec_share"] = med(shares)
            s["drain"]["exec_share_rounds"] = shares
            s["drain"]["drained_jps"] = med(r["drained"] / r["seconds"] for r in runs["drain"])
            s["drain"]["backlog_outlasted_every_run"] = all(r["queued_after"] > 0 for r in runs["drain"])
        for kind in ("throughput", "latency", "drain"):
            if kind in s:
                s[kind]["errors_total"] = sum(r.get("errors", 0) + r.get("failed", 0) + r.get("drain_errors", 0)
                                              + r.get("backlog_errors", 0) for r in runs[kind])

    print(f"{settings}; job workers {machine.get('job_workers', '?')} on {machine.get('cpus', '?')} cpus;"
          f" machine load (1, 5, 15 min) before {machine.get('load_before', '?')},"
          f" after {machine.get('load_after', '?')}")
    print()

    def rounds(s, kind, field, fmt="{:.0f}"):
        return "/".join(fmt.format(r[field]) for r in s[kind]["rounds"].values())

    print(f"{'backend':9} {'value (median; rounds)':40} {'measured':>10}   rounds")
    for backend, s in summary.items():
        lines = []
        if "throughput" in s:
            t = s["throughput"]
            lines += [
                ("submit, jobs/s", t["submit_rps"], rounds(s, "throughput", "submit_rps")),
                ("end to end, jobs/s (created -> finished)", t["e2e_jps"], rounds(s, "throughput", "e2e_jps")),
                ("end to end, jobs/s (client wall clock)", t["wall_jps"], rounds(s, "throughput", "wall_jps")),
                ("machine load (1 min) at the round's start", t["load_1min"],
                 rounds(s, "throughput", "load_1min", "{:.2f}")),
                ("server CPU per job, ms", t["server_cpu_ms_per_job"],
                 rounds(s, "throughput", "server_cpu_ms_per_job", "{:.3f}")),
            ]
            if t["db_cpu_ms_per_job"] >= 0:
                lines.append(("PostgreSQL CPU per job, ms", t["db_cpu_ms_per_job"],
                              rounds(s, "throughput", "db_cpu_ms_per_job", "{:.3f}")))
        if "latency" in s:
            lat = s["latency"]
            lines += [
                ("due -> start p50, ms (idle workers)", lat["delay_p50_ms"], rounds(s, "latency", "delay_p50_ms")),
                ("due -> start p99, ms", lat["delay_p99_ms"], rounds(s, "latency", "delay_p99_ms")),
                ("due -> start max, ms", lat["delay_max_ms"], rounds(s, "latency", "delay_max_ms")),
                ("submit round trip p50, us", lat["submit_p50_us"], rounds(s, "latency", "submit_p50_us")),
            ]
        if "drain" in s:
            d = s["drain"]
            lines += [
                ("hello exec c=16 alone, req/s", d["rps"], rounds(s, "drain", "rps")),
                ("hello exec c=16 during a drain, req/s", d["drain_rps"], rounds(s, "drain", "drain_rps")),
                ("  share of alone", d["exec_share"], "/".join(f"{x:.2f}" for x in d["exec_share_rounds"])),
                ("  p99 alone -> during, us", d["drain_p99_us"],
                 "/".join(f"{r['p99_us']:.0f}->{r['drain_p99_us']:.0f}" for r in d["rounds"].values())),
                ("jobs drained during it, jobs/s", d["drained_jps"],
                 "/".join(f"{r['drained'] / r['seconds']:.0f}" for r in d["rounds"].values())),
                ("backlog submit, jobs/s", d["backlog_submit_rps"], rounds(s, "drain", "backlog_submit_rps")),
                ("queued at the end of the run", d["queued_after"], rounds(s, "drain", "queued_after")),
            ]
        for name, value, detail in lines:
            shown = f"{value:.2f}" if "share" in name or "load" in name else (
                f"{value:.3f}" if "CPU" in name else f"{value:.0f}")
            print(f"{backend:9} {name:40} {shown:>10}   {detail}")
        errors = sum(s[k]["errors_total"] for k in ("throughput", "latency", "drain") if k in s)
        print(f"{backend:9} {'errors (any run)':40} {errors:>10.0f}")
    print()

    targets = {}
    for backend, bound in E2E_JPS.items():
        if backend in summary and "throughput" in summary[backend]:
            v = summary[backend]["throughput"]["e2e_jps"]
            targets[f">= {bound} hello jobs/s end to end ({backend})"] = (v, v >= bound)
    for backend, s in summary.items():
        if "latency" in s:
            v = s["latency"]["delay_p99_ms"]
            targets[f"due -> start p99 <= {DELAY_P99_MS} ms, idle workers ({backend})"] = (v, v <= DELAY_P99_MS)
        if "drain" in s:
            v = s["drain"]["exec_share"]
            targets[f"sync exec >= {EXEC_SHARE:.0%} of its req/s during a backlog ({backend})"] = (
                v, v >= EXEC_SHARE and s["drain"]["backlog_outlasted_every_run"])
    for target, (value, met) in targets.items():
        shown = f"{value:.2f}" if "sync exec" in target else (
            f"{value:.0f} ms" if "ms" in target else f"{value:.0f} jobs/s")
        print(f"{'met   ' if met else 'MISSED'} {target}: {shown}")
    for backend, s in summary.items():
        if "drain" in s and not s["drain"]["backlog_outlasted_every_run"]:
            print(f"note: on {backend} the backlog ran out before a wrk run ended (raise BACKLOG)")

    write_result(sys.argv[2], {
        "settings": settings,
        "backends": summary,
        "targets": {k: {"value": v, "met": bool(m)} for k, (v, m) in targets.items()},
    }, load_before=machine.get("load_before"), load_after=machine.get("load_after"),
        job_workers=machine.get("job_workers"))


main()
