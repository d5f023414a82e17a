#!/bin/sh
# A network bridged to a physical NIC, in Bochs on one CPU: Bochs' e1000
# (an Intel 82540EM) with its built-in slirp network behind it, named as
# `uplink = nic0` by uplink-appliance.conf. solo must find the NIC on the
# PCI bus and report it; the container `web` (10.0.2.20) fetches a page
# from a web server this script runs on the host (10.0.2.2 to the guest),
# then serves a page that this script fetches with curl through slirp's
# port forward, and exits when a second fetch ends its httpd. The
# container `lease` gets its address from slirp's DHCP server through
# solo-init's own client and fetches the host's page too.
#   scenario-bochs-uplink.sh BUILD_DIR WORK_DIR
set -u
build=$1 work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/bochs-lib.sh"
. "$here/check-lib.sh"
mkdir -p "$work"
work=$(cd "$work" && pwd)
images=$(cd "$build/example-images" && pwd)

http_port=$(bochs_free_port)
fwd_port=$(bochs_free_port)
while [ "$fwd_port" = "$http_port" ]; do fwd_port=$(bochs_free_port); done

mkdir -p "$work/www"
echo solo-host-hello >"$work/www/greeting.txt"
python3 -m http.server --bind 127.0.0.1 --directory "$work/www" "$http_port" \
	>"$work/http.log" 2>&1 &
http_pid=$!

sed -e "s#@IMAGES@#$images#" -e "s#@HOST_HTTP@#$http_port#" "$here/uplink-appliance.conf" \
	>"$work/uplink.conf"
printf '# slirp config\nhostfwd = tcp:127.0.0.1:%s-10.0.2.20:80\n' "$fwd_port" >"$work/slirp.conf"
"$build/solo" build "$work/uplink.conf" -o "$work/esp.img" >"$work/build.log" 2>&1 || {
	echo "check: FAIL solo build of uplink-appliance.conf ($(tail -1 "$work/build.log"))"
	kill "$http_pid"
	exit 1
}
BOCHS_EXTRA="e1000: enabled=1, mac=52:54:00:12:34:56, ethmod=slirp, script=$work/slirp.conf"
bochs_write_config "$work" "$work/esp.img" 1
: >"$work/serial.log"

# wait_for REGEX SECONDS: until the serial log has a matching line, Bochs
# is gone, or the time is up.
wait_for() {
	_wf=0
	while [ "$_wf" -lt "$2" ]; do
		tr -d '\r' <"$work/serial.log" | grep -Eq "$1" && return 0
		kill -0 "$bochs_pid" 2>/dev/null || return 1
		sleep 1
		_wf=$((_wf + 1))
	done
	return 1
}

bochs_start "$work"
: >"$work/page.txt"
if wait_for '^\[web\] web: serving on|^solo: (stopped|all partitions have ended)|exception' 900; then
	# The forward, from the host into the guest: a few tries, httpd
	# may not be listening the moment it printed its line.
	for try in 1 2 3 4 5 6 7 8 9 10; do
		start=$(date +%s.%N)
		curl -s -m 30 -o "$work/page.txt" "http://127.0.0.1:$fwd_port/" && break
		sleep 2
	done
	end=$(date +%s.%N)
	echo "$start $end" | awk '{ printf "uplink: host fetch of the guest page took %.2f s\n", $2 - $1 }' \
		>"$work/timing.txt"
	curl -s -m 30 -o "$work/bye.txt" "http://127.0.0.1:$fwd_port/cgi-bin/bye"
	wait_for '^solo: (stopped|all partitions have ended)|exception' 300
fi
bochs_stop "$work"
kill "$http_pid" 2>/dev/null
wait "$http_pid" 2>/dev/null
tr -d '\r' <"$work/serial.log" >"$work/serial.txt"
cat "$work/timing.txt" 2>/dev/null

s="$work/serial.txt"
expect "solo found the e1000 and reports it" "$s" \
	'^solo: nic0: Intel 82540EM at 00:02\.0, MAC 52:54:00:12:34:56, link up$'
expect "the network is bridged to nic0, with its interrupt" "$s" \
	"^solo: network 'wan': bridged to nic0 \\(interrupt line 10\\)\$"
expect "web: the page from the host reached the guest" "$s" \
	'^\[web\] web: the host says solo-host-hello after [0-9]+ retries$'
expect "host: the web server saw the guest's request" "$work/http.log" \
	'"GET /greeting\.txt HTTP/1\.[01]" 200'
expect "web: serving on its static address" "$s" '^\[web\] web: serving on 10\.0\.2\.20/24$'
expect "host: got the guest's page through the NIC" "$work/page.txt" '^solo-uplink-ok$'
expect "host: the second fetch ended httpd" "$work/bye.txt" '^bye$'
expect "web: exit status 0 reported" "$s" '^\[web\] stopped: exited with status 0$'
expect "web: its interface counted frames both ways, none dropped" "$s" \
	'^\[web\] eth0 02:[0-9a-f:]{14} 10\.0\.2\.20/24 on wan: sent [1-9][0-9]* frames .*received [1-9][0-9]* .*dropped: 0 spoofed, 0 malformed'
expect "lease: an address from slirp's DHCP server" "$s" \
	'^\[lease\] solo-init: eth0: DHCP: 10\.0\.2\.[0-9]+/255\.255\.255\.0 from 10\.0\.2\.2$'
expect "lease: reached the host through the lease" "$s" \
	'^\[lease\] lease: on 10\.0\.2\.[0-9]+/24, the host says solo-host-hello$'
expect "lease: exit status 0 reported" "$s" '^\[lease\] stopped: exited with status 0$'
expect "every partition ended" "$s" '^solo: all partitions have ended'
expect_not "no hypervisor exception" "$s" 'exception'
checks_done
