#!/bin/sh
# A graceful life cycle, in Bochs on one CPU with COM1 on a TCP socket:
# lifecycle-client.py stops a container that shuts down when asked, one
# that ignores SIGTERM (its init kills it at its stop_timeout) and a
# guest that never reads its control line (solo ends it by force), starts
# the clock container again, kills one, and shuts the machine down.
# Also checks that the RTC runs: the clock container's second boot reads
# a later time than its first by at least the seconds that passed.
#   scenario-bochs-lifecycle.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_console_appliance "$build" "$work" "$here/lifecycle-appliance.conf" 1 \
	"$here/lifecycle-client.py" 900 --file '\solo\ctxcheck.bin'="$build/guest/ctxcheck.bin"
s="$work/serial.txt"
expect "help lists kill and shutdown" "$s" '^solo: kill NAME '
# Asked, it runs its SIGTERM trap and exits with its own status.
expect "polite: asked, with the time it has" "$s" \
	'^solo: \[polite\] asked to shut down; ended by force in 12 s if it has not$'
expect_order "polite: the guest init hears the request" "$s" \
	'^solo: \[polite\] asked to shut down' \
	'^\[polite\] solo-init: stop requested by solo: SIGTERM to the command, SIGKILL in 10 s$'
expect_order "polite: its trap runs" "$s" '^\[polite\] solo-init: stop requested' \
	'^\[polite\] polite: got SIGTERM$'
expect_order "polite: its own exit status" "$s" '^\[polite\] polite: got SIGTERM$' \
	'^\[polite\] stopped: exited with status 0$'
expect_order "polite: stop says it shut down when asked" "$s" \
	'^\[polite\] stopped: exited with status 0$' '^solo: \[polite\] shut down when asked, in [0-9]+ ms$'
# Ignoring SIGTERM, it is killed by its init at its 1 s stop timeout.
expect_order "stubborn: killed by its init after 1 s" "$s" \
	'^solo: \[stubborn\] asked to shut down; ended by force in 3 s' \
	'^\[stubborn\] solo-init: stop: grace period of 1 s over, killing the command$'
expect "stubborn: its init reports the kill" "$s" '^\[stubborn\] stopped: killed by signal 9$'
expect "stubborn: stop says it was forced" "$s" \
	'^solo: \[stubborn\] did not shut down within its stop_timeout of 1 s: ended by force, in [0-9]+ ms$'
expect_count "stubborn: its init heard one request" "$s" 1 \
	'^\[stubborn\] solo-init: stop requested by solo: SIGTERM to the command, SIGKILL in 1 s$'
# Never listening, it is ended by solo.
expect_order "spinner: ended by force at 1 + 2 s" "$s" \
	'^solo: \[spinner\] asked to shut down; ended by force in 3 s' \
	'^\[spinner\] stopped: by the console, by force: no shutdown within 3 s$'
expect_not "spinner: never said to have shut down" "$s" '^solo: \[spinner\] shut down when asked'
expect_not "a stop is never followed by a restart" "$s" 'restarting in'
# kill ends at once, even a partition that would shut down.
expect "kill: ended at once" "$s" '^\[stubborn\] stopped: killed by the console$'
# shutdown: polite (asked, shuts down) and spinner (forced), in parallel.
expect "shutdown: asks every running partition" "$s" '^solo: shutdown: stopping 2 partitions$'
expect "shutdown: summary" "$s" \
	'^solo: shutdown: 2 partitions stopped \(1 when asked, 1 by force\) in [0-9]+ ms; free pages: ([0-9]+) \(\1 before\); halting$'
sed -n '/^solo: shutdown: 2 partitions stopped/,$p' "$s" >"$work/after-shutdown.txt"
expect_not "shutdown: halted, the console answers no more" "$work/after-shutdown.txt" '^solo> list$'
# The RTC runs: the second boot of the clock container reads a later
# time, by at least the 3 s the spinner was given.
first=$(sed -n 's/^\[clock\] clock: \([0-9]*\)$/\1/p' "$s" | sed -n 1p)
second=$(sed -n 's/^\[clock\] clock: \([0-9]*\)$/\1/p' "$s" | sed -n 2p)
if [ -n "$first" ] && [ -n "$second" ] && [ "$second" -ge $((first + 3)) ]; then
	echo "check: PASS the RTC runs: a later boot reads a later time ($first, then $second)"
else
	echo "check: FAIL the RTC runs: a later boot reads a later time (got '$first', then '$second')"
	checks_failed=1
fi
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
