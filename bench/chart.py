"""The side-by-side chart of a bench/run.sh result: hello through wasmfaas
against `wasmtime serve`, default and with instance reuse, with wasmfaas's
/healthz as the server's ceiling; requests/s per number of connections on
the left, p50 and p99 latency (log scale) on the right. matplotlib (Debian's
python3-matplotlib, scripts/setup.sh --bench) with the Agg backend: no
display needed.

usage: chart.py <result json> [output svg, default: beside the JSON]
"""
import json
import math
import sys
from pathlib import Path

# (series label, load name in the result, colour)
SERIES = [
    ("wasmfaas hello", "hello", "#1f77b4"),
    ("wasmtime serve hello", "wasmtime_serve_hello", "#ff7f0e"),
    ("wasmfaas hello, reuse", "hello_reuse", "#aec7e8"),
    ("wasmtime serve, reuse", "wasmtime_serve_hello_reuse", "#ffbb78"),
    ("wasmfaas /healthz", "healthz", "#7f7f7f"),
]
CONNECTIONS = (1, 16, 64)


def _figure(loads, series, field):
    return [loads.get(f"{series} c={c}", {}).get(field, math.nan) for c in CONNECTIONS]


def draw_chart(result, output, source_name):
    """Draws `result` (a run's or the medians' JSON, as a dict) into `output`."""
    try:
        import matplotlib
    except ImportError:
        print("chart not drawn: matplotlib is missing (scripts/setup.sh --bench installs "
              "python3-matplotlib; run the report with /usr/bin/python3)", file=sys.stderr)
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    plt.rcParams["svg.fonttype"] = "none"  # text stays text: a small, searchable SVG

    loads = result["loads"]
    series = [s for s in SERIES if any(f"{s[1]} c={c}" in loads for c in CONNECTIONS)]
    fig, (rps_axis, latency_axis) = plt.subplots(1, 2, figsize=(13, 5.2))
    width = 0.8 / max(len(series), 1)
    positions = range(len(CONNECTIONS))
    for i, (label, name, colour) in enumerate(series):
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        bars = rps_axis.bar(offsets, _figure(loads, name, "rps"), width, label=label, color=colour,
                            edgecolor="black", linewidth=0.4)
        rps_axis.bar_label(bars, labels=[f"{v / 1000:.1f}k" if not math.isnan(v) else ""
                                         for v in _figure(loads, name, "rps")],
                           fontsize=6.5, rotation=90, padding=2)
        latency_axis.bar(offsets, _figure(loads, name, "p99_us"), width, color=colour, alpha=0.45,
                         edgecolor="black", linewidth=0.4)
        latency_axis.bar(offsets, _figure(loads, name, "p50_us"), width * 0.55, color=colour,
                         edgecolor="black", linewidth=0.4)
    for axis in (rps_axis, latency_axis):
        axis.set_xticks(list(positions), [f"{c} connection{'s' if c > 1 else ''}" for c in CONNECTIONS])
        axis.grid(axis="y", linestyle=":", linewidth=0.6)
        axis.set_axisbelow(True)
    rps_axis.set_ylabel("requests/s (higher is better)")
    rps_axis.set_ylim(top=rps_axis.get_ylim()[1] * 1.12)
    rps_axis.set_title("Throughput")
    latency_axis.set_yscale("log")
    latency_axis.set_ylabel("latency, us (log; lower is better)")
    latency_axis.set_title("Latency: p50 (narrow bar) and p99 (wide, light bar)")
    fig.legend(*rps_axis.get_legend_handles_labels(), loc="lower center", ncol=len(series), fontsize=9,
               frameon=False)
    runs = result.get("median_of")
    what = f"median of {len(runs)} runs" if runs else "one run"
    date = (result.get("run_dates") or [result.get("date", "")])[-1][:10]
    fig.suptitle(f"hello: wasmfaas vs wasmtime serve, {date} ({what}; {source_name})",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(output, format=Path(output).suffix.lstrip(".") or "svg")
    plt.close(fig)
    print(f"chart {output}")


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else source.with_suffix(".svg")
    draw_chart(json.load(open(source)), target, source.name)
