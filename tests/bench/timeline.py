#!/usr/bin/env python3
"""Draws an appliance's boot timeline from a solo serial log as SVG.

In a one-CPU Bochs the TSC counts instructions from power-on, so the
hypervisor's start line and each partition's timeline line
("solo: [name] timeline: started at TSC A, first output at TSC B, ended
at TSC C") place every phase on one axis: firmware and boot stage (power-on
to the hypervisor's start), the hypervisor's own start-up (to the first
partition), then per partition its kernel boot (start to first output)
and its run (first output to end). Restarted partitions get one bar per
run.
usage: timeline.py SERIAL_LOG OUT.svg
"""
import re
import sys


def parse(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    start = re.search(r"^solo: hypervisor starting at TSC (\d+)", text, re.M)
    runs = [(m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)))
            for m in re.finditer(r"^solo: \[([^\]]+)\] timeline: started at TSC (\d+), "
                                 r"first output at TSC (\d+), ended at TSC (\d+)", text, re.M)]
    return (int(start.group(1)) if start else None), runs


def main():
    log, out = sys.argv[1], sys.argv[2]
    hv_start, runs = parse(log)
    if hv_start is None or not runs:
        sys.exit("timeline: no timeline lines in " + log)
    first_partition = min(r[1] for r in runs)
    end = max(r[3] for r in runs)
    width, left, row, top = 900, 150, 22, 40
    scale = (width - left - 20) / end
    bars = [("firmware + boot stage", 0, hv_start, "#999999", None),
            ("hypervisor start-up", hv_start, first_partition, "#4a7bb7", None)]
    for name, s, f, e in runs:
        first = f if f else e
        bars.append((name, s, first, "#e0a030", (first, e, "#5aa05a")))
    height = top + row * len(bars) + 60
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14">solo boot timeline, in Bochs instructions '
           f'(one CPU; total {end / 1e6:.0f} M)</text>']
    for i, (label, a, b, colour, tail) in enumerate(bars):
        y = top + i * row
        svg.append(f'<text x="10" y="{y + 14}">{label}</text>')
        svg.append(f'<rect x="{left + a * scale:.1f}" y="{y + 3}" '
                   f'width="{max((b - a) * scale, 1):.1f}" height="14" fill="{colour}"/>')
        if tail:
            ta, tb, tc = tail
            svg.append(f'<rect x="{left + ta * scale:.1f}" y="{y + 3}" '
                       f'width="{max((tb - ta) * scale, 1):.1f}" height="14" fill="{tc}"/>')
    y = top + len(bars) * row + 20
    for j, (colour, label) in enumerate([("#999999", "firmware"), ("#4a7bb7", "hypervisor"),
                                         ("#e0a030", "kernel boot to first output"),
                                         ("#5aa05a", "running")]):
        x = 10 + j * 200
        svg.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        svg.append(f'<text x="{x + 18}" y="{y + 11}">{label}</text>')
    svg.append("</svg>")
    open(out, "w").write("\n".join(svg) + "\n")
    print(f"timeline: {len(runs)} partition runs, {end / 1e6:.0f} M instructions -> {out}")


if __name__ == "__main__":
    main()
