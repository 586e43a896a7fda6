"""Turns benchmarks/compare's results, from wsbench and from gobench, into docs/performance.md and
its SVG chart.

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
    ("go-floor", "floor: trivial Go server"),
]
GENERATORS = [
    ("gobench", "gobench, the independent Go generator"),
    ("wsbench", "wsbench, the course's own generator"),
]
TARGETS = {
    ("fixed", "server CPU µs per delivery"): "≤ 1.25× NIO floor",
    ("fixed", "latency p99 µs"): "≤ 1.2× NIO floor",
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
    """(generator, load, server, measure) -> the values of the rounds."""
    data = {}
    for path in glob.glob(os.path.join(results, "*.json")):
        parts = os.path.basename(path).split(".")
        load_name, server = parts[0], parts[1]
        generator = parts[3] if len(parts) == 5 else "wsbench"
        try:
            with open(path) as file:
                text = file.read().strip()
            values = gobench_values(json.loads(text.splitlines()[-1])) if generator == "gobench" else json.loads(text)["values"]
        except (ValueError, KeyError, IndexError):
            continue
        for key, value in values.items():
            if value is not None:
                data.setdefault((generator, load_name, server, key), []).append(value)
    return data


def gobench_values(result):
    """gobench's JSON line in wsbench's terms: latencies in µs, stamped where the read returns."""
    values = {}
    broadcast, connect, hold = result.get("broadcast"), result.get("connect", {}), result.get("hold")
    if broadcast:
        latency = broadcast.get("latency") or {}
        values.update({
            "delivered": broadcast.get("delivered"),
            "lost": broadcast.get("lost"),
            "duplicated": broadcast.get("duplicates"),
            "server CPU µs per delivery": broadcast.get("server_cpu_us_per_delivery_schedstat"),
            "deliveries per second": broadcast.get("delivered_msgs_per_s"),
        })
        for name, key in [("p50", "p50_ms"), ("p90", "p90_ms"), ("p99", "p99_ms"), ("p99.9", "p999_ms"), ("max", "max_ms")]:
            if key in latency:
                values[f"latency {name} µs"] = latency[key] * 1000
    if hold:
        values["opened"] = connect.get("opened")
        values["server RSS per connection KiB"] = hold.get("server_rss_kb_per_conn")
        handshake = connect.get("handshake_latency") or {}
        if "p99_ms" in handshake:
            values["handshake p99 µs"] = handshake["p99_ms"] * 1000
    return values


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


def chart(data, generator, path):
    """Grouped bars of the fixed load's latency percentiles, one colour a server."""
    percentiles = ["p50", "p90", "p99", "p99.9"]
    colours = ["#2563eb", "#16a34a", "#dc2626", "#9ca3af", "#f59e0b"]
    values = {
        (server, p): statistics.median(data.get((generator, "fixed", server, f"latency {p} µs"), [0]) or [0])
        for server, _ in SERVERS
        for p in percentiles
    }
    top = max(values.values()) or 1
    width, height, left, bottom = 640, 320, 60, 40
    group = (width - left - 20) / len(percentiles)
    bar = group / (len(SERVERS) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">',
        f'<text x="{left}" y="16">End-to-end latency, 100 clients, 1 sender at 400 msg/s (µs, median of rounds, {generator})</text>',
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


def table(data, generator):
    lines = [
        "| measure | " + " | ".join(label for _, label in SERVERS) + " | chat-server ÷ NIO floor | chat-server ÷ FastAPI | target |",
        "|---|" + "---|" * (len(SERVERS) + 3),
    ]
    for load_name, key, label in ROWS:
        cells = [cell(data.get((generator, load_name, server, key), [])) for server, _ in SERVERS]
        ours = data.get((generator, load_name, "swift", key))
        ratios = [ratio(ours, data.get((generator, load_name, other, key))) for other in ("floor", "fastapi")]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {ratios[0]} | {ratios[1]} | {TARGETS.get((load_name, key), '')} |")
    return lines


def ratio(ours, theirs):
    if not ours or not theirs or not statistics.median(theirs):
        return "–"
    return f"{statistics.median(ours) / statistics.median(theirs):.2f}"


def crosscheck(data):
    """wsbench's figures over gobench's, server by server, for what the two must agree on."""
    measures = [
        ("fixed", "server CPU µs per delivery", "CPU µs per delivery, fixed load"),
        ("fixed", "latency p99 µs", "p99 µs, fixed load"),
        ("flat-out", "deliveries per second", "deliveries per second, as fast as possible"),
        ("idle", "server RSS per connection KiB", "RSS per idle connection KiB"),
    ]
    lines = [
        "| measure | server | wsbench | gobench | wsbench ÷ gobench |",
        "|---|---|---|---|---|",
    ]
    for load_name, key, label in measures:
        for server, server_label in SERVERS:
            ws, go = data.get(("wsbench", load_name, server, key)), data.get(("gobench", load_name, server, key))
            if ws or go:
                lines.append(f"| {label} | {server_label} | {cell(ws or [])} | {cell(go or [])} | {ratio(ws, go)} |")
    return lines


def main():
    results, output = sys.argv[1], sys.argv[2]
    data = load(results)
    # Rounds per load: LOADS=... reruns some loads, so the loads may have run a different number of times.
    rounds_of = {}
    for path in glob.glob(os.path.join(results, "*.json")):
        load_name, _, round_name = os.path.basename(path).split(".")[:3]
        rounds_of.setdefault(load_name, set()).add(round_name)
    counts = {load_name: len(names) for load_name, names in rounds_of.items()}
    rounds = max(counts.values(), default=1)
    if len(set(counts.values())) > 1:
        rounds_text = ", ".join(f"{name} {count} round{'s' if count != 1 else ''}" for name, count in sorted(counts.items()))
    else:
        rounds_text = f"{rounds} round{'s' if rounds != 1 else ''}"
    generators = [(g, label) for g, label in GENERATORS if any(key[0] == g for key in data)]
    commits = sorted({open(path).read().strip() for path in glob.glob(os.path.join(results, "*.commit"))})
    if not commits:
        commits = [subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip() or "unknown"]
    commit = "`, `".join(commits)
    svg = os.path.join(os.path.dirname(output), "performance-latency.svg")
    chart(data, generators[0][0], svg)
    lines = [
        "# Performance: the chat server beside FastAPI and two floors",
        "",
        f"Measured {datetime.date.today().isoformat()} on {machine()}, commit{'s' if len(commits) > 1 else ''} `{commit}`, by `benchmarks/compare`:",
        f"each server pinned to core 0 and the generator to core 1, {rounds_text} alternating the servers, release",
        "builds, each load run from two generators that share no code: **gobench**, an independent Go",
        "generator kept outside the project (`../shared/tools/gobench`: one epoll loop busy-polling on its core,",
        "one `recvmsg` per ready socket), and the course's own **wsbench** (busy-polling receive loops, see `docs/wsbench.md`). The",
        "floors are servers with nothing in them but a list of connections: `wsbench floor-server` (NIO) and",
        "gobench's `ceilingserver` (Go, one `writev` per connection per batch). The FastAPI peer is its",
        "tutorial's broadcast chat (`benchmarks/peers/fastapi/`), fastapi 0.165,",
        "uvicorn 0.54 with uvloop and websockets, one worker. The chat server runs with `--dev --allow-anonymous`",
        "and its per-connection rate limit raised (`--rate-limit 1000000`): one sender at 400 messages a second",
        "is the point of the load. " + ("Cells of more than one round are the median, with the range." if rounds > 1 else "Cells are single runs."),
        "",
    ]
    for generator, label in generators:
        lines += [f"### Measured by {label}", ""] + table(data, generator) + [""]
    if len(generators) == 2:
        lines += ["### The two generators side by side", ""] + crosscheck(data) + [""]
    else:
        lines += [f"Only {generators[0][1]} ran this time: the other generator's figures are missing.", ""]
    lines += [
        "![Latency percentiles](performance-latency.svg)",
        "",
        "Loads: **fixed**: 100 receivers in one room, 1 sender, 4,000 messages at 400 a second (40,000",
        "deliveries a second for 10 seconds). **sustained**: the same room, 50,000 messages offered at 10,000",
        "a second (1,000,000 deliveries a second, for at most 30 seconds). **flat-out**: the same room, 20,000 messages as fast as the",
        "sender's socket takes them. **idle**: 19,000 connections opened 200 at a time and held for 2 seconds.",
        "Latency is from the sender's clock reading before the write to the receiver's reading where the",
        "bytes are read, both in the generator; server CPU (schedstat) and RSS come from /proc.",
        "",
    ]
    notes = os.path.join(os.path.dirname(output), "performance-notes.md")
    if os.path.exists(notes):
        with open(notes) as file:
            lines += [file.read().rstrip(), ""]
    with open(output, "w") as file:
        file.write("\n".join(lines))


main()
