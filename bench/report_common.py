"""Shared by the benchmarks' *report.py scripts: reading the raw lines a
benchmark script wrote, and writing its JSON result file (bench/results/)."""
import json
import os
import platform
import subprocess
from datetime import datetime, timezone


def number(text):
    try:
        return float(text)
    except ValueError:
        return text


def raw_lines(path, text_keys=()):
    """Yields (kind, fields) for each line "kind key=value ...": the values
    as numbers where they are, except those of text_keys."""
    for line in open(path):
        kind, *pairs = line.split()
        fields = dict(pair.split("=", 1) for pair in pairs)
        yield kind, {k: (v if k in text_keys else number(v)) for k, v in fields.items()}


def write_result(path, fields, **machine):
    """Writes fields to path after the date and the machine (cpus, platform,
    cpu model and the keyword arguments, e.g. the load averages)."""
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    result = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "cpu": cpu, **machine},
        **fields,
    }
    with open(path, "w") as out:
        json.dump(result, out, indent=2)
    print(f"\nwritten {path}")
