#!/usr/bin/env python3
"""Prints the performance table from the outputs scripts/bench-table.sh kept.

Each row: our figure, the anchor measured in the same run (the official Web SDK, or
WebKitGTK's MiniBrowser floor), their ratio, the goal and whether it is met. Figures a
bench did not print show as "-" (and the goal as not measured), so a missing line never
passes for a result.

Usage: python3 scripts/bench_table.py target/bench-table
"""

import re
import sys
from pathlib import Path

NUMBER = r"([0-9][0-9,]*\.?[0-9]*)"
# The ack goal, ms (its row, and the disk floor's note beneath it).
ACK_GOAL_MS = 0.2


def read(folder: Path, name: str) -> str:
    path = folder / f"{name}.txt"
    return path.read_text(errors="replace") if path.exists() else ""


def number(text: str) -> float:
    return float(text.replace(",", ""))


def find(pattern: str, text: str):
    match = re.search(pattern, text, re.MULTILINE)
    return tuple(number(g) for g in match.groups()) if match else None


def interop_row(text: str, sender: str):
    """msgs/s, ack p50, ack p99, delivery p50, delivery p99 of one sender -> receiver row."""
    ms = r"\s+" + NUMBER + r"ms"
    return find(
        "^" + re.escape(sender) + r"\s+\d+/\d+\s+" + NUMBER + ms + ms + ms + ms, text
    )


def fmt(value, unit=""):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    return f"{value:.2f}{unit}"


def ratio(ours, anchor, higher_is_better):
    if ours is None or anchor is None or ours == 0 or anchor == 0:
        return "-"
    r = ours / anchor if higher_is_better else anchor / ours
    return f"{r:.1f}x"


def goal(met):
    return "-" if met is None else ("met" if met else "NOT met")


def main(folder: Path) -> None:
    interop = read(folder, "interop")
    routing = read(folder, "routing")
    sdk_idle = read(folder, "sdk_idle")
    app = read(folder, "app")
    engine_idle = find(r"^engine idle: .*PSS " + NUMBER + r" MiB.*idle CPU " + NUMBER,
                       read(folder, "engine_idle"))

    sdk = interop_row(interop, "official SDK -> SDK")
    ours = interop_row(interop, "rongchat -> rongchat")
    pick = lambda row, i: row[i] if row else None  # noqa: E731
    stored = find(r"^rongchat -> rongchat send answered .*: " + NUMBER + " ms p50", interop)
    fsync = find(r"^the server's disk: one fdatasync .*p50 " + NUMBER + " ms", interop)
    pipelined = find(r"rongchat pipelined .*?: " + NUMBER + " msgs/s", interop)
    routed = find(r"^routing: .* = " + NUMBER + " messages/s", routing)
    per_commit = find(r"^routing: .* " + NUMBER + " messages per commit", routing)
    sdk_page = find(r"^sdk idle: .*PSS " + NUMBER + r" MiB.*idle CPU " + NUMBER, sdk_idle)
    floor = find(r"^bench: floor, .*PSS " + NUMBER + r" MiB.*idle CPU " + NUMBER, app)
    shown = find(r"^bench: app, demo world, window shown: PSS " + NUMBER + r" MiB.*idle CPU " + NUMBER, app)
    tray = find(r"^bench: app, demo world, window closed to the tray: PSS " + NUMBER + r" MiB.*idle CPU " + NUMBER, app)
    cold = find(r"^bench: cold .*list populated " + NUMBER + r" s from the driver's launch[^,]*, " + NUMBER
                + r" s from the app's process start.*idle PSS " + NUMBER + " MiB", app)
    warm = find(r"^bench: warm .*list populated " + NUMBER + r" s from the driver's launch[^,]*, " + NUMBER
                + r" s from the app's process start.*idle PSS " + NUMBER + " MiB", app)

    split_cold = find(r"^bench: split cold .*list populated " + NUMBER + r" s from the driver's launch[^,]*, "
                      + NUMBER + r" s from the app's process start.*idle PSS " + NUMBER + " MiB", app)
    split_warm = find(r"^bench: split warm .*list populated " + NUMBER + r" s from the driver's launch[^,]*, "
                      + NUMBER + r" s from the app's process start.*idle PSS " + NUMBER + " MiB", app)

    # Warm reopens from the tray menu, counted from the app's menu event; the worst counts.
    reopens = [number(m) for m in re.findall(
        r"^bench: reopen by the tray's .*\(warm, run \d+\):.*from the app's menu event: list painted at "
        + NUMBER + " ms", app, re.MULTILINE)]
    reopen = max(reopens) if reopens else None
    # The split mode (the engine in a process of its own): the same figures.
    split_reopens = [number(m) for m in re.findall(
        r"^bench: split, reopen from the engine's tray within the grace period \(warm, run \d+\):"
        r".*from the app's menu event: list painted at " + NUMBER + " ms", app, re.MULTILINE)]
    split_reopen = max(split_reopens) if split_reopens else None
    split_tray = find(r"^bench: split, demo world, after the grace period, the engine alone .*PSS "
                      + NUMBER + r" MiB.*idle CPU " + NUMBER, app)
    split_new = find(r"^bench: split, reopen after the grace period .*list painted at " + NUMBER + " ms", app)

    seq_sdk, seq_ours = pick(sdk, 0), pick(ours, 0)
    ack_sdk, ack_ours = pick(sdk, 1), pick(ours, 1)
    d50_sdk, d50_ours = pick(sdk, 3), pick(ours, 3)
    d99_sdk, d99_ours = pick(sdk, 4), pick(ours, 4)
    floor_pss = pick(floor, 0)
    big_pss = pick(warm, 2) or pick(cold, 2)
    # All four processes (window, its two WebKit children, the engine), as for the one-process app.
    split_big_pss = pick(split_warm, 2) or pick(split_cold, 2)
    tray_pss = pick(tray, 0)

    def at_most(value, limit):
        return None if value is None else value <= limit

    def of_floor(value):
        return f"{value / floor_pss:.2f}x of floor" if value and floor_pss else "-"

    def near_floor(value):
        return goal(None if not (value and floor_pss) else value <= 1.1 * floor_pss)

    rows = [
        ("sequential send-and-ack, msgs/s", fmt(seq_sdk), fmt(seq_ours),
         ratio(seq_ours, seq_sdk, True), "20x the SDK",
         goal(None if None in (seq_ours, seq_sdk) else seq_ours >= 20 * seq_sdk)),
        ("ack p50", fmt(ack_sdk, " ms"), fmt(ack_ours, " ms"),
         ratio(ack_ours, ack_sdk, False), f"<= {ACK_GOAL_MS} ms", goal(at_most(ack_ours, ACK_GOAL_MS))),
        ("  ours: send answered (stored by the sender, before the wire), p50", "-",
         fmt(pick(stored, 0), " ms"), "-", "-", "-"),
        ("  floor: one fdatasync of the server's disk (a durable ack waits for one), p50", "-",
         f"{fsync[0]:.3f} ms" if fsync else "-", "-", "-",
         "the ack goal is below it" if fsync and fsync[0] > ACK_GOAL_MS else "-"),
        ("delivery p50", fmt(d50_sdk, " ms"), fmt(d50_ours, " ms"),
         ratio(d50_ours, d50_sdk, False), "<= 0.3 ms", goal(at_most(d50_ours, 0.3))),
        ("delivery p99", fmt(d99_sdk, " ms"), fmt(d99_ours, " ms"),
         ratio(d99_ours, d99_sdk, False), "<= 2 ms", goal(at_most(d99_ours, 2.0))),
        ("all queued at once, msgs/s (anchor: SDK one at a time)", fmt(seq_sdk),
         fmt(pick(pipelined, 0)), ratio(pick(pipelined, 0), seq_sdk, True), ">= 10,000",
         goal(None if pipelined is None else pipelined[0] >= 10_000)),
        ("server, routed msgs/s, acks durable"
         + (f" ({per_commit[0]:.1f} per commit)" if per_commit else ""), "-",
         fmt(pick(routed, 0)), "-", ">= 20,000",
         goal(None if routed is None else routed[0] >= 20_000)),
        ("app idle PSS, 1,000 conversations (anchor: WebKit floor)", fmt(floor_pss, " MiB"),
         fmt(big_pss, " MiB"), of_floor(big_pss), "<= 1.1x the floor", near_floor(big_pss)),
        ("app idle PSS, demo world, window shown", fmt(floor_pss, " MiB"),
         fmt(pick(shown, 0), " MiB"),
         of_floor(pick(shown, 0)), "-", "-"),
        ("the SDK's page idle in Chromium, PSS", fmt(pick(sdk_page, 0), " MiB"),
         fmt(pick(shown, 0), " MiB"), ratio(pick(shown, 0), pick(sdk_page, 0), False)
         + " smaller" if shown and sdk_page else "-", "-", "-"),
        ("cold start to a populated list (1,000), from the app's process start", "-",
         fmt(pick(cold, 1), " s") + " (" + fmt(pick(cold, 0), " s") + " from the driver's launch)", "-",
         "<= 0.8 s", goal(at_most(pick(cold, 1), 0.8))),
        ("warm start to a populated list (1,000), from the app's process start", "-",
         fmt(pick(warm, 1), " s") + " (" + fmt(pick(warm, 0), " s") + " from the driver's launch)", "-", "-", "-"),
        ("reopen from the tray, warm, list painted, from the app's menu event (worst of "
         + str(len(reopens)) + ")", "-", fmt(reopen, " ms"), "-", "<= 300 ms",
         goal(at_most(reopen, 300.0))),
        ("idle in the tray, all processes, PSS", fmt(floor_pss, " MiB"),
         fmt(tray_pss, " MiB"), "-", "<= 40 MiB", goal(at_most(tray_pss, 40.0))),
        ("  the engine process alone, demo world, no window (rongchat-engine: the tray once split)",
         "-", fmt(pick(engine_idle, 0), " MiB"), "-", "<= 40 MiB", goal(at_most(pick(engine_idle, 0), 40.0))),
        ("split (RONGCHAT_ENGINE=split): idle in the tray after the grace period, all processes"
         " (the engine alone: tray, notifications), PSS", "-", fmt(pick(split_tray, 0), " MiB"), "-",
         "<= 40 MiB", goal(at_most(pick(split_tray, 0), 40.0))),
        ("split: app idle PSS, 1,000 conversations, all processes (anchor: WebKit floor)",
         fmt(floor_pss, " MiB"), fmt(split_big_pss, " MiB"), of_floor(split_big_pss),
         "<= 1.1x the floor", near_floor(split_big_pss)),
        ("split: cold start to a populated list (1,000), from the window process's start (it starts"
         " the engine)", "-", fmt(pick(split_cold, 1), " s"), "-", "<= 0.8 s",
         goal(at_most(pick(split_cold, 1), 0.8))),
        ("split: warm start (1,000; the engine started again too), from the window process's start",
         "-", fmt(pick(split_warm, 1), " s"), "-", "-", "-"),
        ("split: reopen from the engine's tray within the grace period, warm, from the app's menu"
         " event (worst of " + str(len(split_reopens)) + ")", "-", fmt(split_reopen, " ms"), "-",
         "<= 300 ms", goal(at_most(split_reopen, 300.0))),
        ("split: reopen after the grace period (a new window process), from its process start", "-",
         fmt(pick(split_new, 0), " ms"), "-", "-", "-"),
        ("split: idle CPU over 60 s, the engine alone in the tray", "-", fmt(pick(split_tray, 1), " s"),
         "-", "~0", goal(at_most(pick(split_tray, 1), 0.5))),
        ("idle CPU over 60 s, window shown", fmt(pick(floor, 1), " s"),
         fmt(pick(shown, 1), " s"), "-", "~0", goal(at_most(pick(shown, 1), 0.5))),
        ("idle CPU over 60 s, in the tray", fmt(pick(floor, 1), " s"),
         fmt(pick(tray, 1), " s"), "-", "~0", goal(at_most(pick(tray, 1), 0.5))),
        ("idle CPU over 60 s, the engine process alone", "-", fmt(pick(engine_idle, 1), " s"), "-",
         "~0", goal(at_most(pick(engine_idle, 1), 0.5))),
        ("idle CPU over 60 s, the SDK's page", "-", fmt(pick(sdk_page, 1), " s"), "-", "-", "-"),
    ]
    header = ("figure", "anchor", "rongchat", "ratio", "goal", "")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    line = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    print()
    print("performance table (one run; anchor = official Web SDK 5.x in headless Chromium, or")
    print("WebKitGTK's MiniBrowser on about:blank for memory; ratio = how many times better ours is)")
    print(line(header))
    print(line(tuple("-" * w for w in widths)))
    for row in rows:
        print(line(row))
    engine = [l for l in interop.splitlines()
              if "->" in l or l.startswith(("ratio", "the server's disk:", "rongchat pipelined"))]
    engine += [l for l in routing.splitlines() if l.startswith(("routing:", "idle memory:"))]
    # The engine's part of the cold start row (the app bench's figure includes the page).
    engine += [l for l in read(folder, "first_sync").splitlines() if l.startswith("first sync")]
    if engine:
        print()
        print("the engine benches' own lines:")
        for l in engine:
            print("  " + l)
    extra = [l for l in app.splitlines() if l.startswith("bench:")]
    if extra:
        print()
        print("the app's own lines:")
        for l in extra:
            print("  " + l)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench-table"))
