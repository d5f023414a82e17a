#!/bin/sh
# `make bench`: how many idle containers of one image fit on a 2 GiB
# machine. The appliance asks for the most the config allows, 512
# replicas of one 32 MiB container (16 GiB of guest RAM as configured)
# that say they are up and sleep; it boots in one-CPU Bochs with 2048
# MiB. The first boots in full and makes the template, the others start
# as its clones and own only the pages they write (docs/templates.md).
# The sleep outlasts every start, so those that came up were all up at
# once. Not a pass/fail test: it prints figures.
#   bench-capacity.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../emu/bochs-lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/solo-bench-capacity.XXXXXX")
asked=512
image=$(cd "$build/example-images/hello" && pwd)
printf '[appliance]\nname = capacity\n\n[container idle]\nimage = oci:%s:latest\nmemory = 32M\nreplicas = %s\ncommand = echo${IFS}up;sleep${IFS}90\n' \
	"$image" "$asked" >"$work/capacity.conf"

echo "bench: $asked replicas of a 32 MiB container on a 2 GiB machine (1 CPU)"
"$build/solo" build "$work/capacity.conf" -o "$work/esp.img" >"$work/build.log"
bochs_write_config "$work" "$work/esp.img" 1 file 2048
bochs_boot "$work" 1800 '^solo: all partitions have ended|^solo: stopped|exception|^solo-boot: returning' || true
s=$work/serial.txt

count() { grep -Ec -- "$1" "$s" || true; }
clones=$(count '^solo: \[idle-[0-9]+\] starting on cpu0: .*a clone of its template$')
up=$(count '^\[idle-[0-9]+\] up$')
failed=$(count '^\[idle-[0-9]+\] crashed: ')
usable=$(sed -n 's/^solo: memory: \([0-9]*\) MiB usable of.*/\1/p' "$s")
private=$(sed -n 's/^\[idle-[0-9]*\] RAM: \([0-9]*\) private pages.*/\1/p' "$s" | sort -n |
	awk '{ v[NR] = $1; t += $1 } END { if (NR) printf "median %d, mean %.0f, most %d pages (%.2f MiB mean)", v[int((NR + 1) / 2)], t / NR, v[NR], t / NR / 256 }')
per_start=$(sed -n 's/^solo: \[idle-[0-9]*\] start: a clone of its template, \([0-9]*\) TSC.*/\1/p' "$s" |
	sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "median %d, first %d", v[int((NR + 1) / 2)], v[1] }')
echo
echo "Idle containers of one image on a 2 GiB machine (target >= 256):"
echo "  $up of $asked up at once ($clones started as clones); $failed ended for want of memory"
echo "  private memory per clone: ${private:-n/a}; the template holds 32 MiB"
echo "  a clone's start to its first line, time-shared with the others starting: ${per_start:-n/a} TSC ticks"
echo "  (memory free to solo at its start: ${usable:-n/a} MiB)"
echo "(serial log: $s)"
