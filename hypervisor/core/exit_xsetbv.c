/*
 * XSETBV always exits. The value is checked as the CPU would (SDM Vol. 1
 * 13.3: x87 always on, AVX needs SSE, the AVX-512 trio together and with
 * AVX, nothing the CPU lacks) and then loaded for real, since solo keeps
 * the guest's extended state in the hardware rather than saving it.
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define XCR0_BNDREGS (1ULL << 3)
#define XCR0_BNDCSR (1ULL << 4)
#define XCR0_AVX512 (7ULL << 5)

bool xcr0_valid(uint64_t value, uint64_t supported)
{
	if (value & ~supported)
		return false;
	if (!(value & XCR0_X87))
		return false;
	if ((value & XCR0_AVX) && !(value & XCR0_SSE))
		return false;
	if (((value & XCR0_BNDREGS) != 0) != ((value & XCR0_BNDCSR) != 0))
		return false;
	if ((value & XCR0_AVX512) && ((value & XCR0_AVX512) != XCR0_AVX512 || !(value & XCR0_AVX)))
		return false;
	return true;
}

enum exit_action exit_xsetbv(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint32_t index = (uint32_t)vcpu->regs.rcx;
	uint64_t value = (vcpu->regs.rdx << 32) | (uint32_t)vcpu->regs.rax;
	struct cpuid_regs xsave = cpu_cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)xsave.edx << 32) | xsave.eax;
	if (index != 0 || !xcr0_valid(value, supported)) {
		vcpu_inject_exception(vcpu, VECTOR_GP, true, 0);
		return EXIT_ACTION_RESUME;
	}
	cpu_xsetbv(0, value);
	vcpu->xcr0 = value;
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}
