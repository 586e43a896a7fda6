"""Summarises benchmarks/crosscheck's runs: per load, server and generator, the median and range of
server CPU µs per delivery (schedstat in both), p50, p90 and p99 latency, and deliveries a second."""

import glob
import json
import os
import statistics
import sys
from collections import defaultdict


def measures(path):
    """(CPU µs per delivery, p50, p90 and p99 ms, deliveries a second) from either generator's JSON."""
    with open(path) as file:
        data = json.load(file)
    if "values" in data:  # wsbench
        values = data["values"]
        latency = [values[f"latency {p} µs"] / 1000 for p in ("p50", "p90", "p99")]
        return values["server CPU µs per delivery"], *latency, values["deliveries per second"]
    broadcast = data["broadcast"]  # gobench
    latency = [broadcast["latency"][f"{p}_ms"] for p in ("p50", "p90", "p99")]
    return broadcast["server_cpu_us_per_delivery_schedstat"], *latency, broadcast["delivered_msgs_per_s"]


def cell(values, digits):
    middle = statistics.median(values)
    return f"{middle:.{digits}f} ({min(values):.{digits}f}–{max(values):.{digits}f})" if len(values) > 1 else f"{middle:.{digits}f}"


runs = defaultdict(list)
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    mode, server, generator, _ = os.path.basename(path)[: -len(".json")].split(".")
    try:
        runs[(mode, server, generator)].append(measures(path))
    except (ValueError, KeyError) as error:
        print(f"{path}: unreadable ({error})", file=sys.stderr)

print("| load | server | generator | runs | server CPU µs/delivery | p50 ms | p90 ms | p99 ms | deliveries/s (M) |")
print("|---|---|---|---|---|---|---|---|---|")
for (mode, server, generator), values in sorted(runs.items()):
    cpu, p50, p90, p99, rate = zip(*values)
    latency = " | ".join(cell(p, 2) for p in (p50, p90, p99))
    print(f"| {mode} | {server} | {generator} | {len(values)} | {cell(cpu, 2)} | {latency} | {cell([r / 1e6 for r in rate], 2)} |")
