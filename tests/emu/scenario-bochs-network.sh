#!/bin/sh
# Networking between partitions, in Bochs on one CPU: two containers on
# one internal network (network-appliance.conf). web serves a page with
# busybox httpd; fetch looks web up by name in the /etc/hosts its guest
# init wrote, fetches the page over virtio-net -> solo's switch ->
# virtio-net, checks its content and exits with that check's status.
# Then `net`-style counters printed at each partition's end show frames
# both ways and no drops. Meanwhile three hostile partitions on the same
# network flood it (their spoofed frames are dropped and counted) and
# then break their transmit rings: a descriptor outside their RAM, a
# looping chain, an available index far ahead; each is ended with the
# reason, and the transfer above completes regardless.
#   scenario-bochs-network.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"

bochs_run_appliance "$build" "$work" "$here/network-appliance.conf" 1 \
	--file '\solo\hostile.bin'="$build/guest/hostile.bin"
s="$work/serial.txt"
expect "web: its interface is up with the automatic address" "$s" \
	'^\[web\] web: serving on 10\.77\.0\.1/24$'
expect "fetch: web is in its /etc/hosts" "$s" '^\[fetch\] fetch: web is 10\.77\.0\.1 web$'
expect "fetch: got the page by name" "$s" '^\[fetch\] fetch: got solo-net-ok after [0-9]+ retries$'
expect "fetch: exit status 0 reported" "$s" '^\[fetch\] stopped: exited with status 0$'
expect_order "web: httpd ended by the page fetch called" "$s" \
	'^\[fetch\] fetch: got solo-net-ok' '^\[web\] web: httpd ended$'
expect "web: exit status reported" "$s" '^\[web\] stopped: exited with status 0$'
expect "web: its interface counted frames both ways" "$s" \
	'^\[web\] eth0 02:[0-9a-f:]{14} 10\.77\.0\.1/24 on lan: sent [1-9][0-9]* frames .*received [1-9][0-9]* .*dropped: 0 spoofed, 0 malformed'
for h in outside loop index; do
	expect "hostile-$h: flooded, every frame came back" "$s" \
		"^\\[hostile-$h\\] hostile: sent 320 frames \\(20 spoofed\\), 320 came back\$"
	expect "hostile-$h: 20 spoofed frames dropped and counted" "$s" \
		"^\\[hostile-$h\\] eth0 .* dropped: 20 spoofed, 0 malformed, 0 queue full"
	expect_not "hostile-$h: never survives its broken ring" "$s" \
		"^\\[hostile-$h\\] hostile: still running"
done
expect "hostile-outside: ended for its descriptor" "$s" \
	'^\[hostile-outside\] crashed: virtio-net eth0: descriptor buffer outside its RAM$'
expect "hostile-loop: ended for its loop" "$s" \
	'^\[hostile-loop\] crashed: virtio-net eth0: descriptor chain longer than the queue \(a loop\?\)$'
expect "hostile-index: ended for its index" "$s" \
	'^\[hostile-index\] crashed: virtio-net eth0: available index ran ahead of the queue size$'
expect_not "web and fetch never crashed, no hypervisor exception" "$s" \
	'^\[(web|fetch)\] crashed|exception'
checks_done
