/*
 * solo's hypercall ABI, version 1 (guest-visible; docs/hypercalls.md).
 * VMCALL with the call number in RAX and arguments in RBX, RCX; the result
 * comes back in RAX. Calls are allowed from any privilege level, because
 * the caller that matters is the container's init, a user process.
 */
#ifndef SOLO_CORE_HYPERCALL_H
#define SOLO_CORE_HYPERCALL_H

#include <stdint.h>

enum hypercall_number {
	HYPERCALL_ABI_VERSION = 0, /* returns SOLO_HYPERCALL_ABI_VERSION */
	HYPERCALL_EXIT = 1,        /* RBX: exit status 0-255, RCX: signal (0: none) */
	HYPERCALL_POWEROFF = 2,    /* ends the partition cleanly */
	/* RBX: which (0 kernel, 1 initrd, 2 cmdline, 3 config); the SHA-256
	 * comes back in RBX, RCX, RDX, RSI, bytes 0-7, 8-15, 16-23, 24-31,
	 * each big-endian (its first byte the register's top byte). */
	HYPERCALL_MEASUREMENT = 3,
	/* RBX: a buffer, RCX: its size. The clone point (core/clone_point.h):
	 * the answer's text comes back in the buffer, its length in RAX. */
	HYPERCALL_CLONE_POINT = 4,
};

#define HYPERCALL_OK     0
#define HYPERCALL_ENOENT (-2LL)  /* nothing to give: no initrd, an unverified build */
#define HYPERCALL_EFAULT (-14LL) /* a buffer the caller cannot write */
#define HYPERCALL_EINVAL (-22LL) /* a bad argument */
#define HYPERCALL_ENOSYS (-38LL) /* unknown call number, as Linux's ENOSYS */

#endif
