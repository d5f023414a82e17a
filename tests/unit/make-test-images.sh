#!/bin/sh
# Builds the container images test_oci_image reads, from nothing but the
# host's busybox-static, umoci, skopeo and GNU tar, so no image blob is
# committed and every run checks the loader against what today's tools
# write.  make-test-images.sh OUT_DIR
#   OUT_DIR/layout        OCI layout, tags:
#     test            two layers: a busybox root, then a layer that whites
#                     out /etc/motd and makes /data opaque (its marker
#                     listed after the layer's own /data/new)
#     escape          a layer holding "../escape"
#     through-symlink a layer with abs -> /etc, then abs/passwd
#     climb           a layer with a symlink to ../../../../etc/shadow
#   OUT_DIR/corrupt       a copy of layout with one byte of a layer changed
#   OUT_DIR/badtype       tag test only, its layer media type unknown
#   OUT_DIR/test.tar      tag test as a docker-archive (skopeo)
set -eu
out=$1
rm -rf "$out"
mkdir -p "$out/work"
w=$out/work
tarx() { tar --owner=0 --group=0 --numeric-owner --mtime=@0 "$@"; }

# Layer one: a busybox root with a symlink, a hard link and users.
r=$w/l1
mkdir -p "$r/bin" "$r/etc" "$r/data/sub" "$r/home/app"
cp /bin/busybox "$r/bin/busybox"
ln -s busybox "$r/bin/sh"
ln "$r/bin/busybox" "$r/bin/ls"
printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\napp:x:1001:\nstaff:x:50:app\n' >"$r/etc/group"
echo hello >"$r/etc/motd"
echo old >"$r/data/old1"
echo old >"$r/data/sub/old2"
tarx -cf "$w/l1.tar" -C "$r" bin etc data home

# Layer two: whiteouts, the opaque marker after a file of its own layer.
r=$w/l2
mkdir -p "$r/etc" "$r/data"
: >"$r/etc/.wh.motd"
: >"$r/data/.wh..wh..opq"
echo new >"$r/data/new"
tarx -cf "$w/l2.tar" --no-recursion -C "$r" etc etc/.wh.motd data data/new data/.wh..wh..opq

# Hostile layers.
r=$w/bad
mkdir -p "$r/q"
echo x >"$r/x"
echo x >"$r/q/passwd"
ln -s /etc "$r/abs"
ln -s ../../../../etc/shadow "$r/climb"
tarx -P -cf "$w/escape.tar" --transform 's,^x$,../escape,' -C "$r" x
tarx -cf "$w/through.tar" --no-recursion --transform 's,^q/,abs/,' -C "$r" abs q/passwd
tarx -cf "$w/climb.tar" -C "$r" climb

l=$out/layout
umoci init --layout "$l"
umoci new --image "$l:test"
umoci raw add-layer --image "$l:test" "$w/l1.tar"
umoci raw add-layer --image "$l:test" "$w/l2.tar"
umoci config --image "$l:test" --config.entrypoint /bin/sh \
	--config.entrypoint=-c --config.cmd 'echo hi' --config.env PATH=/bin \
	--config.env MODE=image --config.user app:staff --config.workingdir /home/app
for t in escape through climb; do
	umoci new --image "$l:$t"
	umoci raw add-layer --image "$l:$t" "$w/l1.tar"
	umoci raw add-layer --image "$l:$t" "$w/$t.tar"
	umoci config --image "$l:$t" --config.cmd /bin/sh
done

# One byte of the busybox layer changed, its size kept.
cp -r "$l" "$out/corrupt"
big=$(ls -S "$out/corrupt/blobs/sha256" | head -n 1)
printf 'X' | dd of="$out/corrupt/blobs/sha256/$big" bs=1 seek=4096 conv=notrunc 2>/dev/null

# A layer media type solo does not know, with the manifest and index
# rewritten so that only the media type is wrong.
b=$out/badtype
umoci init --layout "$b"
umoci new --image "$b:test"
umoci raw add-layer --image "$b:test" "$w/l2.tar"
m=$(sed -n 's/.*"digest":"sha256:\([0-9a-f]*\)".*/\1/p' "$b/index.json")
sed 's/vnd\.oci\.image\.layer\.v1\.tar+gzip/vnd.example.layer/' "$b/blobs/sha256/$m" >"$w/m.json"
n=$(sha256sum "$w/m.json" | cut -d' ' -f1)
cp "$w/m.json" "$b/blobs/sha256/$n"
sed -i "s/$m/$n/; s/\"size\":$(stat -c %s "$b/blobs/sha256/$m")/\"size\":$(stat -c %s "$w/m.json")/" \
	"$b/index.json"

skopeo --insecure-policy copy -q "oci:$l:test" "docker-archive:$out/test.tar:solo/test:latest"
rm -rf "$w"
