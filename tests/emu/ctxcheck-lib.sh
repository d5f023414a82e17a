# Checks shared by the context-integrity scenarios (scenario-bochs-ctxcheck*.sh)
# on what the context-check guests (guest-kernel/ctxcheck/) print.

# ctxcheck_expect_guest SERIAL NAME TAG ROUNDS MIN_SWITCHED
# A freestanding guest found nothing of others at its first entry, ran all
# its rounds, at least MIN_SWITCHED of them with another vCPU in between,
# with no value out of place, and exited 0.
ctxcheck_expect_guest() {
	expect "$2: first entry clean, $4 rounds, nothing out of place" "$1" \
		"^\\[$2\\] ctxcheck: tag $3: first entry clean; $4 rounds, [0-9]+ with another vCPU in between, 0 mismatches"
	n=$(sed -n "s/^\\[$2\\] ctxcheck: tag $3: .* rounds, \\([0-9]*\\) with another vCPU.*/\\1/p" "$1")
	if [ "${n:-0}" -ge "$5" ]; then
		echo "check: PASS $2: $n rounds had another vCPU run in between (at least $5)"
	else
		echo "check: FAIL $2: ${n:-no} rounds had another vCPU run in between (at least $5 wanted)"
		checks_failed=1
	fi
	expect "$2 exits 0" "$1" "^\\[$2\\] stopped: exited with status 0\$"
}

# ctxcheck_expect_container SERIAL NAME TAG ROUNDS WORKERS
# Every worker of the Linux check ran all its rounds with nothing out of
# place, and the container exited 0.
ctxcheck_expect_container() {
	w=0
	while [ "$w" -lt "$5" ]; do
		expect "$2 worker $w: $4 rounds, nothing out of place" "$1" \
			"^\\[$2\\] ctxcheck-user: tag $3 worker $w: $4 rounds, [0-9]+ preempted during their spin, 0 mismatches"
		w=$((w + 1))
	done
	expect "$2 exits 0" "$1" "^\\[$2\\] stopped: exited with status 0\$"
}

# ctxcheck_expect_switches SERIAL MIN NAME...: solo switched the named
# partitions in at least MIN times in all (its own count, in each
# partition's summary line).
ctxcheck_expect_switches() {
	f=$1 min=$2
	shift 2
	total=0
	for p in "$@"; do
		n=$(sed -n "s/^\\[$p\\] ran [0-9]* ms, [0-9]* ms of it halted, switched in \\([0-9]*\\) times;.*/\\1/p" "$f")
		total=$((total + ${n:-0}))
	done
	if [ "$total" -ge "$min" ]; then
		echo "check: PASS solo switched these partitions in $total times (at least $min)"
	else
		echo "check: FAIL solo switched these partitions in $total times (at least $min wanted)"
		checks_failed=1
	fi
}
