"""Turns benchmarks/compare's wsbench results into docs/performance.md and its SVG chart.

Usage: python3 benchmarks/report.py RESULTS_DIR docs/performance.md
"""

import datetime
import glob
import json
import os
import platform
import statistics
import subprocess
import sys

SERVERS = [
    ("swift", "chat-server (SQLite history)"),
    ("swift-no-history", "chat-server --no-history"),
    ("fastapi", "FastAPI peer"),
    ("floor", "floor: trivial NIO server"),
]
TARGETS = {
    ("fixed", "server CPU µs per delivery"): "≤ 4.5",
    ("fixed", "latency p99 µs"): "≤ 600",
    ("flat-out", "deliveries per second"): "≥ 2,000,000",
    ("sustained", "lost"): "0",
    ("sustained", "latency p99 µs"): "≤ 5,000",
    ("idle", "opened"): "19,000",
    ("idle", "server RSS per connection KiB"): "≤ 8",
}
ROWS = [
    ("fixed", "delivered", "deliveries (expected 400,000)"),
    ("fixed", "lost", "lost"),
    ("fixed", "duplicated", "duplicated"),
    ("fixed", "server CPU µs per delivery", "server CPU µs per delivery"),
    ("fixed", "latency p50 µs", "latency p50 µs"),
    ("fixed", "latency p90 µs", "latency p90 µs"),
    ("fixed", "latency p99 µs", "latency p99 µs"),
    ("fixed", "latency p99.9 µs", "latency p99.9 µs"),
    ("fixed", "latency max µs", "latency max µs"),
    ("sustained", "deliveries per second", "deliveries per second, 10,000 msg/s offered (1,000,000/s)"),
    ("sustained", "lost", "lost, 10,000 msg/s offered"),
    ("sustained", "latency p99 µs", "latency p99 µs, 10,000 msg/s offered"),
    ("sustained", "server CPU µs per delivery", "server CPU µs per delivery, 10,000 msg/s offered"),
    ("flat-out", "deliveries per second", "deliveries per second, as fast as possible"),
    ("flat-out", "server CPU µs per delivery", "server CPU µs per delivery, as fast as possible"),
    ("flat-out", "latency p99 µs", "latency p99 µs, as fast as possible"),
    ("flat-out", "lost", "lost, as fast as possible"),
    ("idle", "opened", "idle connections opened (of 19,000)"),
    ("idle", "server RSS per connection KiB", "server RSS per idle connection KiB"),
    ("idle", "handshake p99 µs", "handshake p99 µs"),
]


def load(results):
    data = {}
    for path in glob.glob(os.path.join(results, "*.json")):
        load_name, server, _ = os.path.basename(path).rsplit(".", 3)[0:3]
        try:
            with open(path) as file:
                values = json.load(file)["values"]
        except (ValueError, KeyError):
            continue
        for key, value in values.items():
            data.setdefault((load_name, server, key), []).append(value)
    return data


def cell(values):
    if not values:
        return "–"
    if len(values) == 1:
        return fmt(values[0])
    return f"{fmt(statistics.median(values))} ({fmt(min(values))}–{fmt(max(values))})"


def fmt(value):
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.2f}"


def chart(data, path):
    """Grouped bars of the fixed load's latency percentiles, one colour a server."""
    percentiles = ["p50", "p90", "p99", "p99.9"]
    colours = ["#2563eb", "#16a34a", "#dc2626", "#9ca3af"]
    values = {
        (server, p): statistics.median(data.get(("fixed", server, f"latency {p} µs"), [0]) or [0])
        for server, _ in SERVERS
        for p in percentiles
    }
    top = max(values.values()) or 1
    width, height, left, bottom = 640, 320, 60, 40
    group = (width - left - 20) / len(percentiles)
    bar = group / (len(SERVERS) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="16">End-to-end latency, 100 clients, 1 sender at 400 msg/s (µs, median of rounds)</text>',
    ]
    for index, p in enumerate(percentiles):
        x0 = left + index * group
        parts.append(f'<text x="{x0 + group / 2 - 12}" y="{height - 12}">{p}</text>')
        for s, (server, _) in enumerate(SERVERS):
            value = values[(server, p)]
            h = (height - bottom - 95) * value / top
            x = x0 + s * bar + bar / 2
            y = height - bottom - h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar * 0.9:.1f}" height="{h:.1f}" fill="{colours[s]}"/>')
            parts.append(f'<text x="{x:.1f}" y="{y - 3:.1f}" font-size="9">{value:,.0f}</text>')
    for s, (_, label) in enumerate(SERVERS):
        parts.append(f'<rect x="{left}" y="{30 + s * 16}" width="10" height="10" fill="{colours[s]}"/>')
        parts.append(f'<text x="{left + 15}" y="{39 + s * 16}">{label}</text>')
    parts.append(f'<line x1="{left - 5}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#333"/>')
    parts.append("</svg>")
    with open(path, "w") as file:
        file.write("\n".join(parts) + "\n")


def machine():
    model = "unknown processor"
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({model}), {platform.system()} {platform.release()}"


def main():
    results, output = sys.argv[1], sys.argv[2]
    data = load(results)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"
    svg = os.path.join(os.path.dirname(output), "performance-latency.svg")
    chart(data, svg)
    lines = [
        "# Performance: the chat server beside FastAPI",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine()}, commit `{commit}`, by `benchmarks/compare`:",
        "each server pinned to core 0 and `wsbench` to core 1 (for the broadcast loads, one receive loop that",
        "busy-polls: `--threads 1 --busy-poll`, see `docs/wsbench.md`), two rounds alternating the servers, release builds. The floor",
        "is `wsbench floor-server`, a broadcast server with nothing in it but a list of connections: what",
        "`wsbench` measures against it is the tool's own floor on this machine. The FastAPI peer is its",
        "tutorial's broadcast chat (`benchmarks/peers/fastapi/`), fastapi 0.165,",
        "uvicorn 0.54 with uvloop and websockets, one worker. The chat server runs with `--dev --allow-anonymous`",
        "and its per-connection rate limit raised (`--rate-limit 1000000`): one sender at 400 messages a second",
        "is the point of the load. Cells are the median of the rounds, with their range.",
        "",
        "| measure | " + " | ".join(label for _, label in SERVERS) + " | chat-server ÷ FastAPI | target |",
        "|---|" + "---|" * (len(SERVERS) + 2),
    ]
    for load_name, key, label in ROWS:
        cells = [cell(data.get((load_name, server, key), [])) for server, _ in SERVERS]
        ours, theirs = data.get((load_name, "swift", key)), data.get((load_name, "fastapi", key))
        ratio = f"{statistics.median(ours) / statistics.median(theirs):.2f}" if ours and theirs and statistics.median(theirs) else "–"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratio} | {TARGETS.get((load_name, key), '')} |")
    lines += [
        "",
        "![Latency percentiles](performance-latency.svg)",
        "",
        "Loads: **fixed**: 100 receivers in one room, 1 sender, 4,000 messages at 400 a second (40,000",
        "deliveries a second for 10 seconds). **sustained**: the same room, 50,000 messages offered at 10,000",
        "a second (1,000,000 deliveries a second, for at most 30 seconds). **flat-out**: the same room, 2,000 messages as fast as the",
        "sender's socket takes them. **idle**: 19,000 connections opened 200 at a time and held for 2 seconds.",
        "Latency is from the sender's clock reading before the write to the receiver's reading where the",
        "bytes are read, both in `wsbench`; server CPU and RSS come from /proc.",
        "",
    ]
    notes = os.path.join(os.path.dirname(output), "performance-notes.md")
    if os.path.exists(notes):
        with open(notes) as file:
            lines += [file.read().rstrip(), ""]
    with open(output, "w") as file:
        file.write("\n".join(lines))


main()
