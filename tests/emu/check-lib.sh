# Shared by the emulator scenarios: one line per check, counted by
# tests/run.sh. A scenario exits non-zero if any check failed. Failures
# print with printf: dash's echo would read the backslashes in a regex.
checks_failed=0

# expect NAME FILE REGEX: the file has a line matching the extended regex.
expect() {
	if grep -Eq -- "$3" "$2"; then
		echo "check: PASS $1"
	else
		printf "check: FAIL %s (no line matching: %s)\n" "$1" "$3"
		checks_failed=1
	fi
}

# expect_not NAME FILE REGEX: no line matches.
expect_not() {
	if grep -Eq -- "$3" "$2"; then
		printf "check: FAIL %s (unexpected: %s)\n" "$1" "$(grep -Em1 -- "$3" "$2")"
		checks_failed=1
	else
		echo "check: PASS $1"
	fi
}

# expect_order NAME FILE REGEX1 REGEX2: a line matching REGEX2 comes after
# the first line matching REGEX1.
expect_order() {
	if awk -v a="$3" -v b="$4" 'found && $0 ~ b { ok = 1 } $0 ~ a { found = 1 } END { exit !ok }' "$2"; then
		echo "check: PASS $1"
	else
		printf "check: FAIL %s (no '%s' after '%s')\n" "$1" "$4" "$3"
		checks_failed=1
	fi
}

# expect_count NAME FILE COUNT REGEX: exactly COUNT lines match.
expect_count() {
	n=$(grep -Ec -- "$4" "$2")
	if [ "$n" -eq "$3" ]; then
		echo "check: PASS $1"
	else
		printf "check: FAIL %s (%s lines, not %s, matching: %s)\n" "$1" "$n" "$3" "$4"
		checks_failed=1
	fi
}

# verdict NAME STATUS [WHY]: a check computed by the scenario itself,
# passed when STATUS is 0; WHY says what was seen when it failed.
verdict() {
	if [ "$2" -eq 0 ]; then
		echo "check: PASS $1"
	else
		printf "check: FAIL %s (%s)\n" "$1" "${3:-}"
		checks_failed=1
	fi
}

checks_done() {
	exit "$checks_failed"
}
