/*
 * CPUID: the guest sees the host CPU minus what solo does not virtualize
 * (VMX, SMX, MONITOR/MWAIT, performance monitoring, machine checks, MTRRs,
 * thermal and debug-store MSRs, TSX, speculation-control MSRs, XSAVES,
 * RDTSCP, RDPID, INVPCID: each would need MSRs or VM-execution controls
 * solo does not provide, and an advertised feature that faults is worse
 * than a missing one), minus XSAVEC (see filter_basic), plus the
 * hypervisor bit, x2APIC with TSC deadline and
 * ARAT (solo emulates those), the measured TSC frequency in leaves
 * 0x15/0x16 so the guest never calibrates against a timer it lacks, and
 * solo's own leaves at 0x40000000.
 */
#include <string.h>

#include "core/exit_handlers.h"
#include "vmx/vmcs.h"

/* Leaf 1 */
#define ECX_MONITOR      (1u << 3)
#define ECX_DS_CPL       (1u << 4)
#define ECX_VMX          (1u << 5)
#define ECX_SMX          (1u << 6)
#define ECX_EST          (1u << 7)
#define ECX_TM2          (1u << 8)
#define ECX_SDBG         (1u << 11)
#define ECX_PDCM         (1u << 15)
#define ECX_X2APIC       (1u << 21)
#define ECX_TSC_DEADLINE (1u << 24)
#define ECX_OSXSAVE      (1u << 27)
#define ECX_HYPERVISOR   (1u << 31)
#define EDX_MCE          (1u << 7)
#define EDX_MTRR         (1u << 12)
#define EDX_MCA          (1u << 14)
#define EDX_DS           (1u << 21)
#define EDX_ACPI         (1u << 22)
#define EDX_TM           (1u << 29)
#define EDX_PBE          (1u << 31)
/* Leaf 6 */
#define EAX_ARAT (1u << 2)
/* Leaf 7 subleaf 0 */
#define EBX7_TSC_ADJUST (1u << 1)
#define EBX7_SGX        (1u << 2)
#define EBX7_HLE        (1u << 4)
#define EBX7_INVPCID    (1u << 10)
#define EBX7_RTM        (1u << 11)
#define EBX7_RDT_M      (1u << 12)
#define EBX7_MPX        (1u << 14)
#define EBX7_RDT_A      (1u << 15)
#define EBX7_PT         (1u << 25)
#define ECX7_PKU        (1u << 3)
#define ECX7_OSPKE      (1u << 4)
#define ECX7_WAITPKG    (1u << 5)
#define ECX7_LA57       (1u << 16)
#define ECX7_RDPID      (1u << 22)
#define ECX7_SGX_LC     (1u << 30)
#define EDX7_HYBRID     (1u << 15)
#define EDX7_SPEC_MSRS  (0xfu << 26) /* IBRS/IBPB, STIBP, L1D_FLUSH, ARCH_CAPABILITIES */
#define EDX7_SSBD       (1u << 31)
/* Leaf 0xd subleaf 1 */
#define EAX_XSAVEC (1u << 1)
#define EAX_XSAVES (1u << 3)
/* Leaf 0x80000001 */
#define EDX_RDTSCP (1u << 27)

#define TSC_LEAF       0x15
#define FREQUENCY_LEAF 0x16

static void filter_basic(uint32_t leaf, uint32_t subleaf, const struct cpuid_context *ctx,
                         struct cpuid_regs *r)
{
	switch (leaf) {
	case 0:
		if (r->eax < FREQUENCY_LEAF)
			r->eax = FREQUENCY_LEAF;
		break;
	case 1:
		r->ebx = (r->ebx & 0x0000ffffu) | (1u << 16) | (ctx->apic_id << 24);
		r->ecx &= ~(ECX_MONITOR | ECX_DS_CPL | ECX_VMX | ECX_SMX | ECX_EST | ECX_TM2 |
		            ECX_SDBG | ECX_PDCM | ECX_OSXSAVE);
		r->ecx |= ECX_X2APIC | ECX_TSC_DEADLINE | ECX_HYPERVISOR |
		          (ctx->guest_osxsave ? ECX_OSXSAVE : 0);
		r->edx &= ~(EDX_MCE | EDX_MTRR | EDX_MCA | EDX_DS | EDX_ACPI | EDX_TM | EDX_PBE);
		break;
	case 5:   /* MONITOR/MWAIT */
	case 0xa: /* performance monitoring */
		*r = (struct cpuid_regs){0};
		break;
	case 6:
		*r = (struct cpuid_regs){.eax = EAX_ARAT};
		break;
	case 7:
		if (subleaf == 0) {
			r->ebx &= ~(EBX7_TSC_ADJUST | EBX7_SGX | EBX7_HLE | EBX7_INVPCID |
			            EBX7_RTM | EBX7_RDT_M | EBX7_MPX | EBX7_RDT_A | EBX7_PT);
			r->ecx &= ~(ECX7_PKU | ECX7_OSPKE | ECX7_WAITPKG | ECX7_LA57 | ECX7_RDPID |
			            ECX7_SGX_LC);
			r->edx &= ~(EDX7_HYBRID | EDX7_SPEC_MSRS | EDX7_SSBD);
		} else {
			*r = (struct cpuid_regs){0};
		}
		break;
	case 0xb:
	case 0x1f:
		/* One thread per core, one core per package: the level
		 * type is 1 (SMT) at subleaf 0, then invalid. */
		*r = (struct cpuid_regs){.ecx = subleaf & 0xff, .edx = ctx->apic_id};
		if (subleaf == 0) {
			r->ebx = 1;
			r->ecx |= 1u << 8;
		}
		break;
	case 0xd:
		if (subleaf == 1) {
			/* No compacted format: without XSAVES, Linux would use
			 * XSAVEC for every task switch, and Bochs 2.7's XSAVEC
			 * stores AVX and AVX-512 state 160 bytes below where its
			 * XRSTOR reads it back, so a guest loses those registers
			 * whenever its own kernel switches tasks (issue 14,
			 * docs/context-integrity.md). XSAVEOPT with the standard
			 * format is what the guest uses instead. */
			r->eax &= ~(EAX_XSAVEC | EAX_XSAVES);
			/* Some CPUs (Bochs among them) report the standard size
			 * here; the SDM's answer is the compacted one. */
			if (ctx->xsave_compacted_size)
				r->ebx = ctx->xsave_compacted_size;
		}
		break;
	case TSC_LEAF:
		/* TSC = crystal * EBX / EAX, crystal = ECX Hz. */
		*r = (struct cpuid_regs){.eax = 1, .ebx = 1, .ecx = (uint32_t)ctx->tsc_hz};
		break;
	case FREQUENCY_LEAF: {
		uint32_t mhz = (uint32_t)(ctx->tsc_hz / 1000000);
		*r = (struct cpuid_regs){.eax = mhz, .ebx = mhz, .ecx = 100};
		break;
	}
	default:
		break;
	}
}

static void filter_hypervisor(uint32_t leaf, struct cpuid_regs *r)
{
	*r = (struct cpuid_regs){0};
	if (leaf == SOLO_CPUID_BASE) {
		r->eax = SOLO_CPUID_MAX_LEAF;
		memcpy(&r->ebx, SOLO_CPUID_SIGNATURE, 4);
		memcpy(&r->ecx, SOLO_CPUID_SIGNATURE + 4, 4);
		memcpy(&r->edx, SOLO_CPUID_SIGNATURE + 8, 4);
	} else if (leaf == SOLO_CPUID_BASE + 1) {
		r->eax = SOLO_HYPERCALL_ABI_VERSION;
	} else if (leaf == KVM_COMPAT_CPUID_BASE) {
		r->eax = KVM_COMPAT_CPUID_BASE + 1;
		memcpy(&r->ebx, "KVMK", 4);
		memcpy(&r->ecx, "VMKV", 4);
		memcpy(&r->edx, "M\0\0\0", 4);
	}
}

void cpuid_filter(uint32_t leaf, uint32_t subleaf, const struct cpuid_context *ctx,
                  struct cpuid_regs *regs)
{
	if (leaf >= SOLO_CPUID_BASE && leaf < SOLO_CPUID_BASE + 0x10000)
		filter_hypervisor(leaf, regs);
	else if (leaf == 0x80000001)
		regs->edx &= ~EDX_RDTSCP;
	else if (leaf < 0x80000000)
		filter_basic(leaf, subleaf, ctx, regs);
}

#define CR4_OSXSAVE             (1ULL << 18)
#define XSAVE_LEGACY_AND_HEADER 576
#define XSAVE_ALIGN_64          (1u << 1)

uint32_t xsave_compacted_size(uint64_t xcr0)
{
	uint32_t size = XSAVE_LEGACY_AND_HEADER;
	for (unsigned i = 2; i < 63; i++) {
		if (!(xcr0 & (1ULL << i)))
			continue;
		struct cpuid_regs component = cpu_cpuid(0xd, i);
		if (component.ecx & XSAVE_ALIGN_64)
			size = (size + 63) & ~63u;
		size += component.eax;
	}
	return size;
}

enum exit_action exit_cpuid(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t leaf = (uint32_t)vcpu->regs.rax, subleaf = (uint32_t)vcpu->regs.rcx;
	struct cpuid_regs regs = {0};
	if (leaf < SOLO_CPUID_BASE || leaf >= SOLO_CPUID_BASE + 0x10000)
		regs = cpu_cpuid(leaf, subleaf);
	struct cpuid_context ctx = {
	    .apic_id = vcpu->apic.id,
	    .tsc_hz = vcpu->tsc_hz,
	    /* Only leaf 1 reflects it: no VMREAD for the others. */
	    .guest_osxsave = leaf == 1 && (vmcs_readl(GUEST_CR4) & CR4_OSXSAVE) != 0,
	    .xsave_compacted_size =
	        leaf == 0xd && subleaf == 1 ? xsave_compacted_size(vcpu->xcr0) : 0,
	};
	cpuid_filter(leaf, subleaf, &ctx, &regs);
	vcpu->regs.rax = regs.eax;
	vcpu->regs.rbx = regs.ebx;
	vcpu->regs.rcx = regs.ecx;
	vcpu->regs.rdx = regs.edx;
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}
