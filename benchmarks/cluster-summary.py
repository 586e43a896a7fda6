#!/usr/bin/env python3
"""Prints the tables of benchmarks/cluster from its results folder: python3 cluster-summary.py DIR."""
import collections
import json
import os
import re
import sys

out = sys.argv[1]
res = os.path.join(out, "results")


def load(name):
    path = os.path.join(res, name)
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def n(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


commit = open(os.path.join(out, "commit")).read().strip()
print(f"Measured at commit `{commit}`.\n")

# --- idle
a, b, x = load("idle.A.json"), load("idle.B.json"), load("idle.extras.json")
if a and b and x:
    print("### Idle: 2 × 19,000 WebSockets through nginx\n")
    print("| measure | process A | process B | nginx (8 workers) |")
    print("|---|---|---|---|")
    oa, ob = a["connect"]["opened"], b["connect"]["opened"]
    print(f"| connections opened (of 19,000 each) | {n(oa)} | {n(ob)} | {n(oa + ob)} |")
    sa = a.get("hold", {}).get("still_open_after_hold")
    sb = b.get("hold", {}).get("still_open_after_hold")
    print(f"| still open after the {n(a.get('hold', {}).get('hold_s'))} s hold | {n(sa)} | {n(sb)} | {n((sa or 0) + (sb or 0))} |")
    ca = a.get("hold", {}).get("closed_by_server_during_hold")
    cb = b.get("hold", {}).get("closed_by_server_during_hold")
    print(f"| closed by the server during the hold | {n(ca)} | {n(cb)} | |")
    print(f"| descriptors, most | {n(x['fds_a'])} | {n(x['fds_b'])} | |")
    print(f"| RSS before, MiB | {n(x['rss_a0_kb'] / 1024, 1)} | {n(x['rss_b0_kb'] / 1024, 1)} | {n(x['rss_nginx0_kb'] / 1024, 1)} |")
    print(f"| RSS holding, MiB | {n(x['rss_a_kb'] / 1024, 1)} | {n(x['rss_b_kb'] / 1024, 1)} | {n(x['rss_nginx_kb'] / 1024, 1)} |")
    ka = (x["rss_a_kb"] - x["rss_a0_kb"]) / max(oa, 1)
    kb = (x["rss_b_kb"] - x["rss_b0_kb"]) / max(ob, 1)
    kn = (x["rss_nginx_kb"] - x["rss_nginx0_kb"]) / max(oa + ob, 1)
    print(f"| RSS per connection, KiB | {n(ka, 2)} | {n(kb, 2)} | {n(kn, 2)} |")
    ga, gb = a.get("hold", {}).get("server_rss_kb_per_conn"), b.get("hold", {}).get("server_rss_kb_per_conn")
    print(f"| RSS per connection, KiB (gobench's own) | {n(ga, 2)} | {n(gb, 2)} | |")
    ha, hb = a["connect"]["handshake_latency"]["p99_ms"], b["connect"]["handshake_latency"]["p99_ms"]
    print(f"| handshake p99, ms | {n(ha)} | {n(hb)} | |")
    print()


def waits(name):
    path = os.path.join(res, name + ".waits")
    if not os.path.exists(path):
        return ""
    c = collections.Counter()
    total = 0
    for line in open(path):
        line = re.sub(r" \[\d+ \d+\]$", "", line.strip())
        if not line:
            continue
        parts = line.split(" ")
        # wait, state (one or three words), the statement's first word(s)
        if parts[1] == "idle":
            state, rest = " ".join(parts[1:4]), parts[4:]
        else:
            state, rest = parts[1], parts[2:]
        c[(parts[0], state, " ".join(rest[:2]))] += 1
        total += 1
    top = [f"{k[2]} ({k[1]}, {k[0]}) {v * 100 // max(total, 1)}%" for k, v in c.most_common(4)]
    return f"{total} samples: " + "; ".join(top)


def broadcast(name, case):
    g, x = load(f"{name}.{case}.json"), load(f"{name}.{case}.extras.json")
    if not g or not x:
        return None
    bc = g["broadcast"]
    sent = bc["sent"]
    span = bc["first_send_to_last_delivery_s"] or 1
    on_b = x["receivers_on_b"] * sent
    wall = x["wall_ns"] / 1e9
    return {
        "delivered": bc["delivered"],
        "expected": bc["expected_deliveries"],
        "lost": bc["lost"],
        "dup": bc["duplicates"],
        "p50": bc["latency"]["p50_ms"],
        "p99": bc["latency"]["p99_ms"],
        "p999": bc["latency"]["p999_ms"],
        "k50": bc["latency_kernel_rx"]["p50_ms"],
        "k99": bc["latency_kernel_rx"]["p99_ms"],
        "msgs": sent / span,
        "dels": bc["delivered_msgs_per_s"],
        "b_us_del": x["cpu_b_ns"] / 1e3 / on_b,
        "a_us_msg": x["cpu_a_ns"] / 1e3 / sent,
        "b_us_msg": x["cpu_b_ns"] / 1e3 / sent,
        "nginx_us_del": x["cpu_nginx_ns"] / 1e3 / bc["delivered"],
        "pg_us_msg": x["cpu_pg_ns"] / 1e3 / sent,
        "a_pct": x["cpu_a_ns"] / 1e7 / wall,
        "b_pct": x["cpu_b_ns"] / 1e7 / wall,
        "nginx_pct": x["cpu_nginx_ns"] / 1e7 / wall,
        "pg_pct": x["cpu_pg_ns"] / 1e7 / wall,
        "all_us_del": (x["cpu_a_ns"] + x["cpu_b_ns"] + x["cpu_nginx_ns"] + x["cpu_pg_ns"]) / 1e3 / bc["delivered"],
        "gen_pct": bc.get("generator_cpu_pct"),
        "machine_pct": bc.get("machine_cpu_pct_of_all_cores"),
        "writes": x.get("writes"),
        "per_write": x["stored"] / max(x.get("writes") or 1, 1),
        "waits": waits(f"{name}.{case}"),
    }


rows = [
    ("deliveries (of expected)", lambda r: f"{n(r['delivered'])} of {n(r['expected'])}"),
    ("lost / duplicated", lambda r: f"{n(r['lost'])} / {n(r['dup'])}"),
    ("latency p50 ms", lambda r: n(r["p50"], 2)),
    ("latency p99 ms", lambda r: n(r["p99"], 2)),
    ("latency p99.9 ms", lambda r: n(r["p999"], 2)),
    ("latency_kernel_rx p50 ms", lambda r: n(r["k50"], 2)),
    ("latency_kernel_rx p99 ms", lambda r: n(r["k99"], 2)),
    ("B: CPU µs per delivery on B", lambda r: n(r["b_us_del"], 2)),
    ("A: CPU µs per message", lambda r: n(r["a_us_msg"], 1)),
    ("nginx: CPU µs per delivery", lambda r: n(r["nginx_us_del"], 2)),
    ("PostgreSQL: CPU µs per message", lambda r: n(r["pg_us_msg"], 1)),
    ("A, B, nginx and PostgreSQL: CPU µs per delivery", lambda r: n(r["all_us_del"], 1)),
    ("CPU % of a core: A / B / nginx / PostgreSQL", lambda r: f"{n(r['a_pct'])} / {n(r['b_pct'])} / {n(r['nginx_pct'])} / {n(r['pg_pct'])}"),
    ("generator CPU %, machine busy %", lambda r: f"{n(r['gen_pct'])}, {n(r['machine_pct'])}"),
    ("messages per writing transaction", lambda r: n(r["per_write"], 2)),
]

cases = [("cross", "sender on A, receivers on B"), ("same", "all on B, through nginx"), ("direct", "all on B, no nginx")]
fixed = {c: broadcast("fixed", c) for c, _ in cases}
if any(fixed.values()):
    present = [(c, t) for c, t in cases if fixed[c]]
    print("### Fixed load: 100 receivers, 1 sender, 4,000 messages at 400 a second\n")
    print("| measure | " + " | ".join(t for _, t in present) + " |")
    print("|---|" + "---|" * len(present))
    for label, f in rows:
        print(f"| {label} | " + " | ".join(f(fixed[c]) for c, _ in present) + " |")
    print()
    for c, t in present:
        print(f"- waits ({t}): {fixed[c]['waits']}")
    print()

flat = [
    ("flat100", "1 sender, 100 receivers"),
    ("flat1", "1 sender, 1 receiver"),
    ("flat4x1", "4 senders, 1 receiver"),
]
results = [(name, title, c, broadcast(name, c)) for name, title in flat for c in ("cross", "split", "same")]
results = [r for r in results if r[3]]
if results:
    print("### As fast as possible (--rate 0)\n")
    print("| room | case | messages/s | deliveries/s | messages per writing transaction | CPU % of a core: A / B / nginx / PostgreSQL | CPU µs per message: A / B / PostgreSQL | p99 ms | lost |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, title, c, r in results:
        case = {"cross": "senders on A, receivers on B", "split": "2 senders on A, the rest on B"}.get(c, "all on B")
        print(f"| {title} | {case} | {n(r['msgs'])} | {n(r['dels'])} | {n(r['per_write'], 1)} | "
              f"{n(r['a_pct'])} / {n(r['b_pct'])} / {n(r['nginx_pct'])} / {n(r['pg_pct'])} | "
              f"{n(r['a_us_msg'], 1)} / {n(r['b_us_msg'], 1)} / {n(r['pg_us_msg'], 1)} | {n(r['p99'])} | {n(r['lost'])} |")
    print()
    for name, title, c, r in results:
        print(f"- waits ({title}, {c}): {r['waits']}")
