#!/bin/sh
# Registry references in `solo build`: Debian's docker-registry on
# localhost (plain HTTP, --insecure-registry), the example images pushed
# into it with skopeo; an appliance built from references and booted in
# Bochs, the same initramfs as from the OCI layouts, a second build
# served from the cache (no blob requested: the registry's access log),
# a pinned digest, --no-cache, the registry stopped (the cache used, with
# a warning) and `solo cache prune`. Then tests/emu/fake-registry.py for
# what a real registry rarely does on cue: a Bearer token service, 403,
# a layer with the wrong bytes, a connection cut every time and twice,
# an index without linux/amd64; and an unknown host, a refused port and
# TLS to a plain-HTTP registry. Each failure is one line and no image.
#   scenario-host-registry.sh BUILD_DIR WORK_DIR
set -u
build=$(cd "$1" && pwd) work=$2
here=$(cd "$(dirname "$0")" && pwd)
. "$here/check-lib.sh"
. "$here/bochs-lib.sh"
work=$(cd "$work" && pwd)
images=$build/example-images
export SOLO_CACHE_DIR="$work/cache"
unset SOLO_REGISTRY_USER SOLO_REGISTRY_PASSWORD REGISTRY_AUTH_FILE XDG_RUNTIME_DIR
export HOME="$work/home"
pids=""
trap 'kill $pids 2>/dev/null' EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("localhost", 0)); print(s.getsockname()[1])')
reg=localhost:$port
cat >"$work/registry.yml" <<CONF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: $reg
CONF
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
pids="$pids $registry_pid"
for _ in $(seq 50); do
	curl -sf "http://$reg/v2/" >/dev/null && break
	sleep 0.2
done
for image in hello counter; do
	skopeo copy --quiet --dest-tls-verify=false "oci:$images/$image:latest" \
		"docker://$reg/$image:latest" >>"$work/skopeo.log" 2>&1 ||
		{ echo "check: FAIL skopeo copy of $image into docker-registry ($(tail -1 "$work/skopeo.log"))"; exit 1; }
done

# app NAME IMAGE...: a config with one container per image.
app() {
	_name=$1
	shift
	printf '[appliance]\nname = %s\n' "$_name" >"$work/$_name.conf"
	_i=0
	for _image in "$@"; do
		_i=$((_i + 1))
		printf '[container c%s]\nimage = %s\nmemory = 32M\n' "$_i" "$_image" >>"$work/$_name.conf"
	done
}
# solo_build NAME [OPTION...]: builds NAME.conf into NAME.img; its output
# in NAME.out and NAME.err, its exit status in $rc.
solo_build() {
	_name=$1
	shift
	rm -f "$work/$_name.img"
	rc=0
	"$build/solo" build "$work/$_name.conf" -o "$work/$_name.img" "$@" \
		>"$work/$_name.out" 2>"$work/$_name.err" || rc=$?
}
blob_requests() {
	grep -c '"GET /v2/[a-z]*/blobs/sha256:' "$work/registry.log"
}
# refused NAME WHAT REGEX: the build failed with one line matching REGEX.
refused() {
	if [ "$rc" -eq 1 ] && [ ! -e "$work/$1.img" ] && [ "$(wc -l <"$work/$1.err")" -eq 1 ] &&
		grep -Eq -- "$3" "$work/$1.err"; then
		echo "check: PASS $2: $(cat "$work/$1.err")"
	else
		echo "check: FAIL $2 (status $rc, stderr: $(head -3 "$work/$1.err"))"
		checks_failed=1
	fi
}
built() {
	if [ "$rc" -eq 0 ] && [ -s "$work/$1.img" ]; then
		echo "check: PASS $2"
	else
		echo "check: FAIL $2 (status $rc: $(tail -1 "$work/$1.err"))"
		checks_failed=1
	fi
}
# The container's initramfs, decompressed.
initramfs() {
	MTOOLS_SKIP_CHECK=1 mcopy -o -i "$work/$1.img" "::/solo/containers/$2.cpio" "$work/$1-$2.cpio.gz" &&
		gzip -dc "$work/$1-$2.cpio.gz" | sha256sum | cut -d' ' -f1
}

app pulled "$reg/hello:latest" "$reg/counter"
solo_build pulled --insecure-registry "$reg"
built pulled "an appliance builds from registry references"
expect "it says what it pulled and from where" "$work/pulled.out" \
	"^pulled $reg/hello:latest: sha256:[0-9a-f]{64} from http://$reg/v2/hello/manifests/latest: 2 blobs fetched \\(1\\.[0-9] MiB\\), 0 cached$"
app layouts "oci:$images/hello:latest" "oci:$images/counter:latest"
solo_build layouts
if [ -n "$(initramfs pulled c1)" ] && [ "$(initramfs pulled c1)" = "$(initramfs layouts c1)" ] &&
	[ "$(initramfs pulled c2)" = "$(initramfs layouts c2)" ]; then
	echo "check: PASS the same initramfs as from the OCI layouts"
else
	echo "check: FAIL the same initramfs as from the OCI layouts"
	checks_failed=1
fi

# It boots: both containers run from the pulled images.
mkdir -p "$work/boot"
cp "$work/pulled.img" "$work/boot/esp.img"
bochs_write_config "$work/boot" "$work/boot/esp.img" 1
bochs_boot "$work/boot" 600 '^solo: all partitions have ended|^solo: stopped|exception' || true
expect "booted: the pulled hello runs" "$work/boot/serial.txt" \
	'^\[c1\] hello from c1: GREETING=image-default, sum 1\.\.100 = 5050$'
expect "booted: its exit status" "$work/boot/serial.txt" '^\[c1\] stopped: exited with status 0$'
expect "booted: the pulled counter's exit status" "$work/boot/serial.txt" '^\[c2\] stopped: exited with status 3$'

before=$(blob_requests)
solo_build pulled --insecure-registry "$reg"
built pulled "a second build"
expect "the second build takes the blobs from the cache" "$work/pulled.out" \
	"^pulled $reg/hello:latest: .*: 0 blobs fetched \\(0 bytes\\), 2 cached$"
if [ "$before" -gt 0 ] && [ "$(blob_requests)" -eq "$before" ]; then
	echo "check: PASS the registry saw no blob request from the second build ($before before)"
else
	echo "check: FAIL the registry saw no blob request from the second build ($before, then $(blob_requests))"
	checks_failed=1
fi
solo_build pulled --insecure-registry "$reg" --no-cache
expect "--no-cache fetches again" "$work/pulled.out" "^pulled $reg/hello:latest: .*: 2 blobs fetched"

digest=$(sed -n "s|^pulled $reg/hello:latest: \\(sha256:[0-9a-f]*\\) .*|\\1|p" "$work/pulled.out")
app pinned "$reg/hello@$digest"
solo_build pinned --insecure-registry "$reg"
built pinned "a reference pinned to its digest"
app unknown "$reg/hello@sha256:0000000000000000000000000000000000000000000000000000000000000000"
solo_build unknown --insecure-registry "$reg"
refused unknown "a pinned digest the registry does not have" \
	"manifest sha256:0{64} not found in hello at $reg: MANIFEST_UNKNOWN: manifest unknown$"
app notag "$reg/hello:nope"
solo_build notag --insecure-registry "$reg"
refused notag "a tag that does not exist" "^solo build: container 'c1': image $reg/hello:nope: tag nope not found in hello at $reg: MANIFEST_UNKNOWN: manifest unknown$"
solo_build pulled
refused pulled "TLS to a plain-HTTP registry" "TLS with $reg: .*\\(for a test registry: --insecure-registry $reg\\)$"

# Progress: on a terminal a layer of 1 MiB or more shows bytes and rate;
# not otherwise (the builds above wrote to files).
script -qec "'$build/solo' inspect --no-cache --insecure-registry '$reg' '$reg/hello'" \
	"$work/terminal.txt" >/dev/null 2>&1
tr '\r' '\n' <"$work/terminal.txt" >"$work/progress.txt"
expect "on a terminal, a large layer's progress" "$work/progress.txt" \
	'^  851f23d9e25e3861ab7 +1\.0 / 1\.0 MiB +[0-9.]+ MiB/s$'
expect_not "not on a file" "$work/pulled.err" 'MiB/s'

kill "$registry_pid"
wait "$registry_pid" 2>/dev/null
solo_build pulled --insecure-registry "$reg"
built pulled "offline, a reference pulled before builds from the cache"
expect "offline: a warning says so" "$work/pulled.err" \
	"^solo build: warning: $reg/hello:latest: cannot connect to $reg .*; using the image cached before \\(sha256:[0-9a-f]{64}\\)$"
app offline "$reg/hello:other"
solo_build offline --insecure-registry "$reg"
refused offline "offline, a reference never pulled" "image $reg/hello:other: cannot connect to $reg"

# The misbehaving registry.
python3 -B "$here/fake-registry.py" "$images/hello" "$work/fake.port" "$work/fake.log" 2>"$work/fake.err" &
pids="$pids $!"
for _ in $(seq 50); do [ -s "$work/fake.port" ] && break; sleep 0.1; done
fake=localhost:$(cat "$work/fake.port")
app bearer "$fake/bearer/hello"
solo_build bearer --insecure-registry "$fake"
refused bearer "Bearer: no credentials" "HTTP 401 from the token service http://$fake/token: UNAUTHORIZED: bad user or password$"
SOLO_REGISTRY_USER=ci SOLO_REGISTRY_PASSWORD=pw solo_build bearer --insecure-registry "$fake"
built bearer "Bearer: a token for the credentials in the environment"
mkdir -p "$HOME/.config/containers"
printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$fake" "$(printf ci:pw | base64)" >"$HOME/.config/containers/auth.json"
solo_build bearer --insecure-registry "$fake"
built bearer "Bearer: a token for the credentials in auth.json"
app denied "$fake/denied/hello"
solo_build denied --insecure-registry "$fake"
refused denied "403 with the registry's message" "HTTP 403 Forbidden from $fake: DENIED: requested access to the resource is denied$"
app digest "$fake/digest/hello"
solo_build digest --insecure-registry "$fake" --no-cache
refused digest "a layer with the wrong bytes" "blob sha256:[0-9a-f]{64}: digest mismatch \\(the registry sent sha256:[0-9a-f]{64}\\)$"
app cut "$fake/cut/hello"
solo_build cut --insecure-registry "$fake" --no-cache
refused cut "a connection cut every time" "blob sha256:[0-9a-f]{64}: download cut short after [0-9]+ of [0-9]+ bytes \\(3 tries\\)$"
app flaky "$fake/flaky/hello"
solo_build flaky --insecure-registry "$fake" --no-cache
built flaky "a connection cut twice, then whole: tried again"
expect_count "flaky: the layer asked for three times" "$work/fake.log" 3 '^GET /v2/flaky/hello/blobs/sha256:851f'
app arm "$fake/arm/hello"
solo_build arm --insecure-registry "$fake"
refused arm "an index without linux/amd64" "no linux/amd64 image \\(it has linux/arm64\\)$"
app nohost "nosuch.invalid/team/app:1.0"
solo_build nohost
refused nohost "an unknown host" "image nosuch.invalid/team/app:1.0: unknown host nosuch.invalid$"
app closed "localhost:1/app"
solo_build closed --insecure-registry localhost:1
refused closed "a refused port" "image localhost:1/app: cannot connect to localhost:1 "
app bad "Team/App"
solo_build bad
refused bad "a malformed reference" "not an image reference: 'Team/App': repository parts"

"$build/solo" cache prune >"$work/prune.out" 2>&1
if [ -z "$(find "$SOLO_CACHE_DIR/blobs" "$SOLO_CACHE_DIR/refs" -type f 2>/dev/null)" ]; then
	echo "check: PASS solo cache prune empties the cache"
else
	echo "check: FAIL solo cache prune empties the cache"
	checks_failed=1
fi
checks_done
