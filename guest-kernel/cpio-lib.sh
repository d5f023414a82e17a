# shellcheck shell=sh
# Shared by the scripts that build an initramfs without root (source it):
#   cpio_archive ROOT OUT   ROOT's tree as an uncompressed newc cpio in OUT
# The archive is reproducible (owner root, fixed times) and holds a
# /dev/console node, which the kernel opens for init's stdin/stdout before
# running it and which only root could create in ROOT: it is written as a
# second archive appended to the first (the kernel unpacks concatenated
# archives). POSIX sh; the helper's variables carry a prefix of their own.

# newc_header NAME MODE RDEV_MAJOR RDEV_MINOR: the header of an entry with
# no data, name included and padded to 4 bytes. A newc header is 6 + 13 * 8
# = 110 ASCII bytes: magic, then inode, mode, uid, gid, nlink, mtime, size,
# device major/minor, rdev major/minor, name size (with its NUL), checksum.
newc_header() {
	_namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$_namesize" 0
	printf '%s\000' "$1"
	_pad=$(((4 - (110 + _namesize) % 4) % 4))
	while [ "$_pad" -gt 0 ]; do
		printf '\000'
		_pad=$((_pad - 1))
	done
}

cpio_archive() {
	_ca_root=$1 _ca_out=$2
	# Same inputs, same archive: fixed times (the kernel keeps them), and
	# --reproducible numbers inodes in order instead of copying them.
	find "$_ca_root" -exec touch -h -d @0 {} +
	(
		cd "$_ca_root" &&
			find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --reproducible --quiet
	) >"$_ca_out.tmp" || return 1
	# A character device 5:1 with mode 0600 (S_IFCHR is 0020000), then the
	# end-of-archive entry.
	{
		newc_header dev/console $((0020600)) 5 1
		newc_header TRAILER!!! 0 0 0
	} >>"$_ca_out.tmp"
	mv "$_ca_out.tmp" "$_ca_out"
}
