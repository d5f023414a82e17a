/*
 * Port I/O. Every port exits (the I/O bitmaps are all ones). No device is
 * emulated yet: IN reads all ones as an empty bus does, OUT is recorded
 * and dropped. String I/O is refused until a device needs it.
 */
#include "core/exit_handlers.h"
#include "core/partition.h"

/* Exit qualification for I/O instructions (SDM Table 28-5). */
#define IO_SIZE(q)   ((unsigned)((q)&7) + 1)
#define IO_IN(q)     (((q) >> 3) & 1)
#define IO_STRING(q) (((q) >> 4) & 1)
#define IO_PORT(q)   ((uint16_t)((q) >> 16))

enum exit_action exit_io(struct vcpu *vcpu, const struct vm_exit *exit)
{
	uint64_t q = exit->qualification;
	unsigned size = IO_SIZE(q);
	if (IO_STRING(q) || (size != 1 && size != 2 && size != 4)) {
		partition_end(vcpu->partition, PARTITION_CRASHED,
		              "unsupported string I/O on port 0x%x at RIP 0x%llx", IO_PORT(q),
		              (unsigned long long)exit->guest_rip);
		return EXIT_ACTION_STOP;
	}
	uint64_t mask = size == 4 ? 0xffffffffULL : (1ULL << (size * 8)) - 1;
	if (IO_IN(q)) {
		/* A 32-bit IN zero-extends into RAX; narrower ones merge. */
		if (size == 4)
			vcpu->regs.rax = mask;
		else
			vcpu->regs.rax = (vcpu->regs.rax & ~mask) | mask;
	} else {
		vcpu->last_out_port = IO_PORT(q);
		vcpu->last_out_value = (uint32_t)(vcpu->regs.rax & mask);
	}
	exit_skip_instruction(exit);
	return EXIT_ACTION_RESUME;
}
