#!/bin/sh
# The management console on COM1, in Bochs with COM1 on a TCP socket:
# console-client.py types help, list, stats, log, bad commands, twenty
# restarts in a row and a stop of a container that would otherwise run
# forever, then stats once more, and the answers are checked here. Two
# CPUs: the restarted container is pinned to the one that does not serve
# the console, so every request crosses CPUs.
#   scenario-bochs-console.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_console_appliance "$build" "$work" "$here/console-appliance.conf" 2 \
	"$here/console-client.py" 600
s="$work/serial.txt"
expect "console ready at the start" "$s" '^solo: console ready \(type help\)$'
expect "commands are echoed" "$s" '^solo> list$'
expect "help lists restart" "$s" '^solo: restart NAME '
expect "list header" "$s" '^solo: NAME +STATE +CPU +VCPUS +RAM MiB +EXITS +RESTARTS +UPTIME ms +ADDRESSES$'
expect "list: hello ended" "$s" '^solo: hello +stopped +0 +1 +32 +[0-9]+ +0 +0 +-$'
expect "list: ticker running" "$s" '^solo: ticker +(running|halted) +1 +1 +32 +[1-9][0-9]* +0 +[1-9][0-9]* +-$'
expect "stats: free pages" "$s" '^solo: free pages: [0-9]+ \([0-9]+ before any partition\)$'
expect "stats: solo's memory for the ticker" "$s" "^solo: \\[ticker\\] solo's memory for it: [1-9][0-9]* KiB$"
expect "stats: exits by reason" "$s" '^solo: exits, all partitions \(current or last run\): [1-9][0-9]*: .*CPUID'
expect "log shows an ended partition's output" "$s" '^solo: \[hello\] log: hello from hello: GREETING=image-default'
# attest: the kernel's and initrd's digests are the manifest's, the
# command line's and the config's computed.
manifest_digest() {
	MTOOLS_SKIP_CHECK=1 mtype -i "$work/esp.img" ::/solo/manifest | tr -d '\r' |
		P=$1 awk '$1 == "file" && $4 == ENVIRON["P"] { print $2 }'
}
expect "attest: the kernel, as the manifest has it" "$s" \
	"^solo: \[hello\] kernel +sha256:$(manifest_digest '\solo\bzImage')\$"
expect "attest: the initrd, as the manifest has it" "$s" \
	"^solo: \[hello\] initrd +sha256:$(manifest_digest '\solo\containers\hello.cpio')\$"
expect "attest: the command line and the config section" "$s" \
	'^solo: \[hello\] config +sha256:[0-9a-f]{64}$'
expect "unknown command refused" "$s" '^solo: error: unknown command \(type help\)$'
expect "missing name refused" "$s" '^solo: error: missing partition name$'
expect "unknown partition refused" "$s" "^solo: error: no partition named 'nobody'$"
expect "restart: stopped by the console" "$s" '^\[ticker\] stopped: by the console$'
expect_order "restart: started again" "$s" '^\[ticker\] stopped: by the console$' '^solo: \[ticker\] starting on cpu1'
expect_order "restart: runs again" "$s" '^solo: \[ticker\] starting on cpu1' '^\[ticker\] tick$'
expect_count "restart: each of 20 runs stopped, the last, and one more" "$s" 22 '^\[ticker\] stopped: by the console$'
expect_count "restart: started 20 times after the first, and once more" "$s" 22 '^solo: \[ticker\] starting on cpu1'
# The second start makes the ticker's template; the nineteen restarts
# after it are clones, and so is the start typed once everything had
# ended: an idle template is kept.
expect_count "restart: the twenty starts after the second are clones" "$s" 20 \
	'^solo: \[ticker\] starting on cpu1: 32 MiB RAM, 1 vCPU, a clone of its template$'
expect_order "a start after everything ended is a clone" "$s" \
	'^solo: 1 template kept for the next starts' \
	'^solo: \[ticker\] starting on cpu1: 32 MiB RAM, 1 vCPU, a clone of its template$'
expect "all ended: the ticker's template kept, its pages counted free" "$s" \
	'^solo: 1 template kept for the next starts: [1-9][0-9]* of those pages, freed when a start needs them$'
expect "stats: the running ticker's RAM, its own before any template" "$s" \
	'^solo: \[ticker\] RAM: 8192 private pages, 0 shared with its template$'
expect "all memory returned" "$s" '^solo: all partitions have ended; free pages: ([0-9]+) \(\1 before\)$'
# What stats says once the restarted container is stopped: every page
# back, none lost to the twenty runs.
sed -n '/^solo: \[ticker\] stop requested$/,$p' "$s" >"$work/after-stop.txt"
expect "stats after 20 restarts: free pages at the baseline" "$work/after-stop.txt" \
	'^solo: free pages: ([0-9]+) \(\1 before any partition\)$'
expect_not "no crash, no hypervisor exception" "$s" 'crashed|exception'
checks_done
