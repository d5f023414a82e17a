#!/bin/sh
# `make soak`: boots issue 14's three-container appliance
# (three-containers.conf) in Bochs with two CPUs RUNS times, two boots at a
# time, each from a freshly built ESP, and checks that every container
# printed all its lines and exited 7 with nothing killed or crashed.
# Prints one line per run and ends with "soak: N runs, M clean"; fails
# unless all were. Not part of `make test` (about 30 s of wall time per
# boot on two cores).
#   soak.sh BUILD_DIR [RUNS]
set -u
build=$1 runs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../emu/bochs-lib.sh"
log=$(mktemp -d "${TMPDIR:-/tmp}/solo-soak.XXXXXX")

# run N: one boot in $log/N; prints its verdict line.
run() {
	d=$log/$1
	mkdir -p "$d"
	if ! "$build/solo" build "$here/three-containers.conf" -o "$d/esp.img" >"$d/build.log" 2>&1; then
		echo "soak: run $1: solo build failed: $(tail -1 "$d/build.log")"
		return
	fi
	bochs_write_config "$d" "$d/esp.img" 2
	bochs_boot "$d" 900 '^solo: all partitions have ended|^solo: stopped|exception' || true
	s=$d/serial.txt
	bad=""
	for c in gz zs da; do
		for want in "uid=1000 gid=1000" "/data" "a b c " "hard.txt keep.txt soft.txt " "c" \
			"keep-me" "primes up to 300000: 25997" "stopped: exited with status 7"; do
			grep -qxF "[$c] $want" "$s" || bad="$bad [$c] missing '$want';"
		done
	done
	crashes=$(grep -E 'Segmentation fault|Illegal instruction|Bus error|crashed|killed by signal|exception|MISMATCH' "$s" | head -3 | tr '\n' ';')
	if [ -z "$bad$crashes" ]; then
		echo "soak: run $1: clean"
	else
		echo "soak: run $1: NOT clean:$bad $crashes (log in $d)"
	fi
	rm -f "$d/esp.img"
}

i=1
while [ "$i" -le "$runs" ]; do
	run "$i" >"$log/result.$i" &
	if [ $((i + 1)) -le "$runs" ]; then
		run $((i + 1)) >"$log/result.$((i + 1))" &
	fi
	wait
	cat "$log/result.$i"
	[ -f "$log/result.$((i + 1))" ] && cat "$log/result.$((i + 1))"
	i=$((i + 2))
done
clean=$(cat "$log"/result.* | grep -c ': clean$')
echo "soak: $runs runs, $clean clean (logs in $log)"
[ "$clean" -eq "$runs" ]
