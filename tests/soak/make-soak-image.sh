#!/bin/sh
# Builds the image of issue 14's appliance with umoci: two layers from
# Debian's busybox-static and musl, with a hard link, a symlink and a
# whiteout across them, run as user 1000:
#   layer 1: /bin (busybox and its applets), /opt/dir/{gone,keep}.txt
#   layer 2: /data/{a,b,c}, /opt/dir/hard.txt (hard-linked), soft.txt ->
#            keep.txt, a whiteout of gone.txt, /opt/keep-me, /bin/sieve
#   make-soak-image.sh OUT_DIR SIEVE_BINARY    (writes OUT_DIR/soak)
set -eu
out=$1 sieve=$2
busybox=${BUSYBOX:-/bin/busybox}
w=$out/soak.work
l=$out/soak
rm -rf "$w" "$l"
mkdir -p "$w/one/bin" "$w/one/opt/dir" "$w/two/bin" "$w/two/data" "$w/two/opt/dir"
cp "$busybox" "$w/one/bin/busybox"
for a in $("$busybox" --list); do
	[ "$a" = busybox ] || ln -s busybox "$w/one/bin/$a"
done
echo gone >"$w/one/opt/dir/gone.txt"
echo keep >"$w/one/opt/dir/keep.txt"
for f in a b c; do echo "$f" >"$w/two/data/$f"; done
echo hard >"$w/two/opt/dir/hard.txt"
ln "$w/two/opt/dir/hard.txt" "$w/two/opt/hard-link"
ln -s keep.txt "$w/two/opt/dir/soft.txt"
: >"$w/two/opt/dir/.wh.gone.txt"
echo keep-me >"$w/two/opt/keep-me"
cp "$sieve" "$w/two/bin/sieve"
for layer in one two; do
	tar --owner=0 --group=0 --numeric-owner --mtime=@0 --sort=name -cf "$w/$layer.tar" \
		-C "$w/$layer" .
done
umoci init --layout "$l"
umoci new --image "$l:latest"
umoci raw add-layer --image "$l:latest" "$w/one.tar"
umoci raw add-layer --image "$l:latest" "$w/two.tar"
umoci config --image "$l:latest" --config.env PATH=/bin --config.user 1000:1000 \
	--config.workingdir /data --config.entrypoint /bin/sh --config.entrypoint=-c \
	--config.cmd 'id; pwd; ls /data | tr "\n" " "; echo; ls /opt/dir | tr "\n" " "; echo; cat /data/c; cat /opt/keep-me; sieve 300000; exit 7'
rm -rf "$w"
