#!/bin/sh
# The boot timeline SVG (tests/bench/timeline.py) from a synthetic serial
# log: its axis is marked every 100 M instructions up to the end, each
# mark also in seconds at the log's measured TSC rate, and a mark sits
# exactly where a bar for that moment starts; without a TSC line there
# are no seconds. A run solo reports as a clone of its template is
# labelled and coloured as one; a full boot of the same name is not.
#   scenario-host-timeline.sh BUILD_DIR WORK_DIR
set -u
work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
timeline="$here/../bench/timeline.py"

cat >"$work/serial.txt" <<'LOG'
solo: hypervisor starting at TSC 400000000
solo: TSC 250.000 MHz (measured against the PIT)
solo: [a] timeline: started at TSC 450000000, first output at TSC 500000000, ended at TSC 700000000
solo: [b] timeline: started at TSC 460000000, first output at TSC 600000000, ended at TSC 910000000
solo: [b] start: a full boot, which made its template, 140000000 TSC ticks from its start to its first line
solo: [b] timeline: started at TSC 911000000, first output at TSC 911500000, ended at TSC 912000000
solo: [b] start: a clone of its template, 500000 TSC ticks from its start to its first line
LOG
python3 "$timeline" "$work/serial.txt" "$work/timeline.svg" >"$work/timeline.log" 2>&1 ||
	{ echo "check: FAIL timeline.py ran ($(tail -1 "$work/timeline.log"))"; exit 1; }
# One element per line, text contents alone.
sed 's/></>\n</g' "$work/timeline.svg" >"$work/elements.txt"
expect "instruction marks from 0 M" "$work/elements.txt" '>0 M</text>'
expect "a mark every 100 M up to the end" "$work/elements.txt" '>900 M</text>'
expect_count "one run drawn as a clone" "$work/elements.txt" 1 '>b \(clone\)</text>'
expect_count "the full boot of b drawn as one" "$work/elements.txt" 1 '>b</text>'
expect_count "one clone start bar" "$work/elements.txt" 1 'height="14" fill="#c0504d"/>'
expect_not "no mark past the end" "$work/elements.txt" '>1000 M</text>'
expect "seconds at 250 MHz under 500 M" "$work/elements.txt" '>2\.00 s</text>'
expect "the rate named in the title" "$work/elements.txt" 'measured TSC rate of 250 MHz'
# The 500 M mark and the bar of a's running (from its first output at
# 500 M) start at the same x.
mark_x=$(sed -n 's/.*<text x="\([0-9.]*\)"[^>]*>500 M<\/text>.*/\1/p' "$work/elements.txt")
bar_x=$(sed -n 's/.*<rect x="\([0-9.]*\)"[^>]*fill="#5aa05a".*/\1/p' "$work/elements.txt" | head -1)
if [ -n "$mark_x" ] && [ "$mark_x" = "$bar_x" ]; then
	echo "check: PASS the 500 M mark lines up with a bar starting at 500 M ($mark_x)"
else
	echo "check: FAIL the 500 M mark lines up with a bar starting at 500 M (mark '$mark_x', bar '$bar_x')"
	checks_failed=1
fi
grep -v '^solo: TSC' "$work/serial.txt" >"$work/no-rate.txt"
python3 "$timeline" "$work/no-rate.txt" "$work/no-rate.svg" >/dev/null 2>&1
sed 's/></>\n</g' "$work/no-rate.svg" >"$work/no-rate-elements.txt"
expect "without a rate, still instructions" "$work/no-rate-elements.txt" '>500 M</text>'
expect_not "without a rate, no seconds" "$work/no-rate-elements.txt" ' s</text>'
checks_done
