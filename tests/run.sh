#!/bin/sh
# Runs every test and ends with one line "N passed, M failed".
#   run.sh BUILD_DIR UNIT_TEST_BINARY...
# Unit tests (cmocka) count one per test case. Emulator scenarios
# (tests/emu/scenario-*.sh) run in parallel, up to one per core, each in
# its own temporary folder under a hard timeout; each prints
# "check: PASS name" / "check: FAIL name" lines, counted one per check.
# A failed scenario shows the tail of its serial log.
set -u
build=$1
shift
passed=0
failed=0
log=$(mktemp -d "${TMPDIR:-/tmp}/solo-test.XXXXXX")

count() { # count FILE: adds the PASS/FAIL check lines of a scenario log
	p=$(grep -c '^check: PASS' "$1")
	f=$(grep -c '^check: FAIL' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
}

echo "== host unit tests"
for t in "$@"; do
	name=$(basename "$t")
	if "$t" >"$log/$name.out" 2>&1; then status=0; else status=1; fi
	# A binary may run several groups (test_sha256: once per block
	# function): every group's count counts.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | awk '{ n += $1 } END { print n + 0 }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log/$name.out" | awk '{ n += $1 } END { print n + 0 }')
	p=${p:-0}
	f=${f:-0}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or failed outside any test case
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -ne 0 ]; then
		echo "FAIL $name"
		grep -E '^\[  (FAILED|ERROR) \]|^\[  ERROR   \]|error|ERROR|Assertion|runtime error' "$log/$name.out" | head -20
	else
		echo "ok   $name ($p)"
	fi
done

echo "== emulator tests"
jobs=$(nproc 2>/dev/null || echo 2)
scenarios=$(ls tests/emu/scenario-*.sh 2>/dev/null)
running=0
for s in $scenarios; do
	name=$(basename "$s" .sh)
	work="$log/$name"
	mkdir -p "$work"
	(
		start=$(date +%s)
		timeout -k 10 "${SOLO_SCENARIO_TIMEOUT:-900}" sh "$s" "$build" "$work" >"$work/result" 2>&1
		echo "exit $? after $(($(date +%s) - start)) s" >>"$work/result"
	) &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait
		running=0
	fi
done
wait
for s in $scenarios; do
	name=$(basename "$s" .sh)
	work="$log/$name"
	count "$work/result"
	exit_line=$(tail -1 "$work/result")
	if grep -q '^check: FAIL' "$work/result" || [ "${exit_line#exit 0 }" = "$exit_line" ]; then
		if ! grep -q '^check: FAIL' "$work/result"; then
			failed=$((failed + 1))
		fi
		echo "FAIL $name ($exit_line)"
		grep -v '^check: PASS' "$work/result" | head -30
		if [ -f "$work/serial.txt" ]; then
			echo "--- last serial lines of $name:"
			tail -25 "$work/serial.txt"
		fi
	else
		echo "ok   $name ($(grep -c '^check: PASS' "$work/result") checks, ${exit_line#exit 0 })"
	fi
done

echo "(logs in $log)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
