#!/usr/bin/env python3
"""Draws an appliance's boot timeline from a solo serial log as SVG.

In a one-CPU Bochs the TSC counts instructions from power-on, so the
hypervisor's start line and each partition's timeline line
("solo: [name] timeline: started at TSC A, first output at TSC B, ended
at TSC C") place every phase on one axis: firmware and boot stage (power-on
to the hypervisor's start), the hypervisor's own start-up (to the first
partition), then per partition its kernel boot (start to first output)
and its run (first output to end). Restarted partitions get one bar per
run; a run that "solo: [name] start: a clone of its template" reports is
drawn as a clone (its start in another colour, "(clone)" by its name).
The axis is marked in instructions (TSC ticks) and, when the log has
solo's "solo: TSC N MHz" line, in seconds at that rate.
usage: timeline.py SERIAL_LOG OUT.svg
"""
import re
import sys


def parse(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    start = re.search(r"^solo: hypervisor starting at TSC (\d+)", text, re.M)
    rate = re.search(r"^solo: TSC ([0-9.]+) MHz", text, re.M)
    runs = []
    # In log order: a run's start line comes after its timeline line.
    for m in re.finditer(r"^solo: \[([^\]]+)\] (?:timeline: started at TSC (\d+), "
                         r"first output at TSC (\d+), ended at TSC (\d+)"
                         r"|start: a clone of its template)", text, re.M):
        if m.group(2):
            runs.append([m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4)), False])
            continue
        for run in reversed(runs):
            if run[0] == m.group(1):
                run[4] = True
                break
    return ((int(start.group(1)) if start else None), runs,
            (float(rate.group(1)) if rate else None))


def tick_step(end, most=10):
    """A round step (1, 2 or 5 times a power of ten) giving at most `most`
    intervals up to `end`."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if end / (step * m) <= most:
                return step * m
        step *= 10


def axis(left, scale, end, y, mhz):
    """The time axis under the bars: a tick and a label in millions of
    instructions at each step, and the same moment in seconds below."""
    step = tick_step(end)
    parts = [f'<line x1="{left}" y1="{y}" x2="{left + end * scale:.1f}" y2="{y}" stroke="#333"/>']
    t = 0
    while t <= end:
        x = left + t * scale
        parts.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 5}" stroke="#333"/>')
        parts.append(f'<text x="{x:.1f}" y="{y + 17}" text-anchor="middle">{t / 1e6:g} M</text>')
        if mhz:
            parts.append(f'<text x="{x:.1f}" y="{y + 31}" text-anchor="middle" fill="#555">'
                         f'{t / (mhz * 1e6):.2f} s</text>')
        t += step
    return parts


def main():
    log, out = sys.argv[1], sys.argv[2]
    hv_start, runs, mhz = parse(log)
    if hv_start is None or not runs:
        sys.exit("timeline: no timeline lines in " + log)
    first_partition = min(r[1] for r in runs)
    end = max(r[3] for r in runs)
    width, left, row, top = 900, 150, 22, 40
    scale = (width - left - 20) / end
    bars = [("firmware + boot stage", 0, hv_start, "#999999", None),
            ("hypervisor start-up", hv_start, first_partition, "#4a7bb7", None)]
    for name, s, f, e, clone in runs:
        first = f if f else e
        bars.append((name + (" (clone)" if clone else ""), s, first,
                     "#c0504d" if clone else "#e0a030", (first, e, "#5aa05a")))
    height = top + row * len(bars) + 100
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<text x="10" y="20" font-size="14">solo boot timeline, in Bochs instructions '
           f'(one CPU; total {end / 1e6:.0f} M'
           + (f', seconds at the measured TSC rate of {mhz:g} MHz' if mhz else '') + ')</text>']
    for i, (label, a, b, colour, tail) in enumerate(bars):
        y = top + i * row
        svg.append(f'<text x="10" y="{y + 14}">{label}</text>')
        svg.append(f'<rect x="{left + a * scale:.1f}" y="{y + 3}" '
                   f'width="{max((b - a) * scale, 1):.1f}" height="14" fill="{colour}"/>')
        if tail:
            ta, tb, tc = tail
            svg.append(f'<rect x="{left + ta * scale:.1f}" y="{y + 3}" '
                       f'width="{max((tb - ta) * scale, 1):.1f}" height="14" fill="{tc}"/>')
    y = top + len(bars) * row + 6
    svg.extend(axis(left, scale, end, y, mhz))
    svg.append(f'<text x="10" y="{y + 17}">instructions</text>')
    if mhz:
        svg.append(f'<text x="10" y="{y + 31}" fill="#555">seconds</text>')
    y += 46
    for j, (colour, label) in enumerate([("#999999", "firmware"), ("#4a7bb7", "hypervisor"),
                                         ("#e0a030", "kernel boot to first output"),
                                         ("#c0504d", "clone start to first output"),
                                         ("#5aa05a", "running")]):
        x = 10 + j * 180
        svg.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>')
        svg.append(f'<text x="{x + 18}" y="{y + 11}">{label}</text>')
    svg.append("</svg>")
    open(out, "w").write("\n".join(svg) + "\n")
    print(f"timeline: {len(runs)} partition runs, {end / 1e6:.0f} M instructions -> {out}")


if __name__ == "__main__":
    main()
