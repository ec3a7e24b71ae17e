"""bench/instructions.sh's report: instructions per call from callgrind's
per-thread output files of the base run and each phase's raised run.

usage: instructions_report.py <work dir> <extra calls> <commit> <command> <output json> <phase>...
"""
import glob
import re
import sys

from report_common import write_result

# Phases whose calls run in the server (other threads than the main one,
# which is the HTTP client); the others run on the main thread.
HTTP_PHASES = {"healthz", "http-exec", "http-exec-reuse"}


def thread_totals(work, run):
    """Instructions per thread (1 = main) of one run."""
    totals = {}
    for path in glob.glob(f"{work}/{run}.out-*"):
        text = open(path).read()
        thread = int(re.search(r"^thread: (\d+)", text, re.M).group(1))
        totals[thread] = int(re.search(r"^summary: (\d+)", text, re.M).group(1))
    return totals


def main():
    work, extra, commit, command, output, *phases = sys.argv[1:]
    extra = int(extra)
    base = thread_totals(work, "base")
    split = lambda t: (t.get(1, 0), sum(v for k, v in t.items() if k != 1))
    base_main, base_others = split(base)
    per_call = {}
    print(f"{'phase':14} {'instructions per call':>22} {'(client thread)':>16}")
    skipped = []
    for phase in phases:
        if f"phase {phase} skipped" in open(f"{work}/base.txt").read():
            skipped.append(phase)
            print(f"{phase:14} {'skipped':>22}")
            continue
        main_thread, others = split(thread_totals(work, phase))
        client = (main_thread - base_main) / extra
        rest = (others - base_others) / extra
        if phase in HTTP_PHASES:
            per_call[phase] = {"server": round(rest), "client": round(client)}
        else:
            per_call[phase] = {"total": round(client + rest)}
        own = per_call[phase].get("server", per_call[phase].get("total"))
        client_text = f"{client:16.0f}" if phase in HTTP_PHASES else ""
        print(f"{phase:14} {own:22,} {client_text}")
    derived = {}
    if "instantiate" in per_call and "runtime-call" in per_call:
        derived["call (runtime-call - instantiate)"] = (
            per_call["runtime-call"]["total"] - per_call["instantiate"]["total"])
    if "http-exec" in per_call and "runtime-call" in per_call:
        derived["HTTP and API around a call (http-exec server - runtime-call)"] = (
            per_call["http-exec"]["server"] - per_call["runtime-call"]["total"])
    if "http-exec-reuse" in per_call and "http-exec" in per_call:
        derived["http-exec-reuse / http-exec (server)"] = round(
            per_call["http-exec-reuse"]["server"] / per_call["http-exec"]["server"], 2)
    if "http-exec" in per_call and "healthz" in per_call:
        derived["http-exec / healthz (server)"] = round(
            per_call["http-exec"]["server"] / per_call["healthz"]["server"], 2)
    for name, value in derived.items():
        print(f"{name:62} {value:>12,}")
    write_result(output, {"commit": commit, "command": command, "extra_calls": extra,
                          "instructions_per_call": per_call, "derived": derived,
                          "skipped": skipped})


main()
