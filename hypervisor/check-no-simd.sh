#!/bin/sh
# Fails when the linked hypervisor uses any x87/MMX/SSE/AVX register or
# saves/restores extended state outside the three functions allowed to
# (arch/x86/fpu_reset.S): clearing it for a new partition, and saving and
# restoring it when vCPUs of different partitions share a CPU.
# solo does not save the guest's extended state around VM exits, which is
# only correct while the hypervisor itself never touches those registers;
# this keeps that promise true for the newlib and libgcc code linked in.
set -eu
hits=$(objdump -d --no-show-raw-insn "$1" |
	awk '/^[0-9a-f]+ <.*>:$/ { fn = $2 } fn !~ /^<fpu_(reset|save|restore)_extended_state>:$/ { print }' |
	grep -E '%(x|y|z)mm[0-9]|%mm[0-9]|%st(\([0-7]\))?\b|	(f[a-z]+|(fx|x)(save|rstor)[a-z0-9]*|ldmxcsr|stmxcsr|emms) ' |
	head -5 || true)
if [ -n "$hits" ]; then
	echo "check-no-simd: $1 uses extended registers:" >&2
	echo "$hits" >&2
	exit 1
fi
