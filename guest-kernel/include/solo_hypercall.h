/*
 * The guest side of solo's hypercall ABI (docs/hypercalls.md; the
 * hypervisor's copy is hypervisor/core/hypercall.h). A guest finds solo by
 * CPUID leaf SOLO_CPUID_SIGNATURE_LEAF, whose EBX, ECX, EDX spell
 * "solosolosolo"; only then may it execute VMCALL (outside VMX non-root
 * operation VMCALL raises #UD). The call number goes in RAX, arguments in
 * RBX and RCX; the result comes back in RAX. solo accepts these calls from
 * user mode too, so a static program in the container (the guest init)
 * can make them. Header-only and libc-free so freestanding code can
 * include it as well.
 */
#ifndef SOLO_HYPERCALL_H
#define SOLO_HYPERCALL_H

#include <stdint.h>

/* Linux looks for hypervisor signatures (KVM's among them) in every leaf
 * 0x40000000 + n * 0x100, so other signature leaves can sit beside this one. */
#define SOLO_CPUID_SIGNATURE_LEAF 0x40000000u
#define SOLO_CPUID_SIGNATURE      "solosolosolo"

enum solo_hypercall_nr {
	SOLO_HC_ABI_VERSION = 0, /* returns the ABI version (also EAX of CPUID 0x40000001) */
	SOLO_HC_EXIT = 1,        /* RBX = exit status 0-255, RCX = signal 1-64 or 0: the
	                            container's end; the partition stops */
	SOLO_HC_POWEROFF = 2,    /* the partition powers off; no exit status */
	SOLO_HC_MEASUREMENT = 3, /* RBX = 0 kernel, 1 initrd, 2 cmdline, 3 config: its SHA-256
	                            in RBX, RCX, RDX, RSI (big-endian 8-byte parts) */
	SOLO_HC_CLONE_POINT = 4, /* RBX = buffer, RCX = its size: solo may snapshot the
	                            partition here; the answer (hostname=, seed= lines) comes
	                            back in the buffer, its length in RAX */
};

#define SOLO_HC_ABI_CURRENT 1     /* the version this header describes */
#define SOLO_HC_ENOENT      (-2)  /* nothing to give (no initrd, an unverified build) */
#define SOLO_HC_EFAULT      (-14) /* a buffer the caller cannot write */
#define SOLO_HC_EINVAL      (-22) /* an argument out of range; nothing happened */
#define SOLO_HC_ENOSYS      (-38) /* unknown call number (Linux's -ENOSYS) */

static inline void solo_cpuid(uint32_t leaf, uint32_t regs[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(regs[0]), "=b"(regs[1]), "=c"(regs[2]), "=d"(regs[3])
	                 : "a"(leaf), "c"(0));
}

/* Nonzero when running under solo. */
static inline int solo_detect(void)
{
	static const char want[12] = SOLO_CPUID_SIGNATURE;
	uint32_t regs[4];
	const char *got = (const char *)&regs[1]; /* EBX, ECX, EDX in order */

	solo_cpuid(SOLO_CPUID_SIGNATURE_LEAF, regs);
	for (int i = 0; i < 12; i++) {
		if (got[i] != want[i])
			return 0;
	}
	return 1;
}

/* Only after solo_detect() said yes. */
static inline int64_t solo_hypercall(uint64_t nr, uint64_t arg1, uint64_t arg2)
{
	uint64_t ret;

	__asm__ volatile("vmcall" : "=a"(ret) : "a"(nr), "b"(arg1), "c"(arg2) : "memory");
	return (int64_t)ret;
}

#endif
