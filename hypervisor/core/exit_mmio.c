/*
 * Emulated MMIO: an EPT violation inside a device's page (the I/O APIC's,
 * the local APIC's xAPIC page until the guest switches it to x2APIC, and
 * each network interface's virtio-mmio window) is completed by fetching the guest's instruction,
 * decoding its MOV, doing the register access on the device model and moving RIP past it.
 */
#include "arch/cpu.h"
#include "core/exit_handlers.h"
#include "core/guest_memory.h"
#include "core/insn_decode.h"
#include "core/partition.h"
#include "core/vcpu_regs.h"
#include "vmx/vmcs.h"

#define CS_AR_LONG_MODE  (1u << 13)
#define CS_AR_DEFAULT_32 (1u << 14) /* D/B: 32-bit operands and addresses */

static bool in_xapic_page(const struct vcpu *vcpu, uint64_t gpa)
{
	return !vcpu->apic.x2apic_mode && gpa >= XAPIC_MMIO_BASE &&
	       gpa < XAPIC_MMIO_BASE + XAPIC_MMIO_SIZE;
}

static bool in_ioapic_page(uint64_t gpa)
{
	return gpa >= IOAPIC_MMIO_BASE && gpa < IOAPIC_MMIO_BASE + IOAPIC_MMIO_SIZE;
}

bool exit_mmio_claims(const struct vcpu *vcpu, uint64_t gpa)
{
	return in_xapic_page(vcpu, gpa) || in_ioapic_page(gpa) ||
	       partition_net_claims(vcpu->partition, gpa);
}

/* The I/O APIC is the partition's, shared by its vCPUs; the xAPIC page
 * is each vCPU's own. */
static bool device_read(struct vcpu *vcpu, uint64_t gpa, uint64_t now, uint32_t *value)
{
	struct partition *p = vcpu->partition;
	if (!in_ioapic_page(gpa))
		return xapic_mmio_read(&vcpu->apic, (unsigned)(gpa - XAPIC_MMIO_BASE), now, value);
	spin_lock(&p->device_lock);
	bool ok = ioapic_mmio_read(&p->ioapic, (unsigned)(gpa - IOAPIC_MMIO_BASE), value);
	spin_unlock(&p->device_lock);
	return ok;
}

static bool device_write(struct vcpu *vcpu, uint64_t gpa, uint64_t now, uint32_t value)
{
	struct partition *p = vcpu->partition;
	if (!in_ioapic_page(gpa))
		return xapic_mmio_write(&vcpu->apic, (unsigned)(gpa - XAPIC_MMIO_BASE), value, now);
	spin_lock(&p->device_lock);
	bool ok = ioapic_mmio_write(&p->ioapic, (unsigned)(gpa - IOAPIC_MMIO_BASE), value);
	spin_unlock(&p->device_lock);
	return ok;
}

static enum exit_action refuse(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t gpa,
                               const char *why)
{
	partition_end(vcpu->partition, PARTITION_CRASHED,
	              "unsupported MMIO access to guest-physical 0x%llx at RIP 0x%llx: %s",
	              (unsigned long long)gpa, (unsigned long long)exit->guest_rip, why);
	return EXIT_ACTION_STOP;
}

static void complete(struct vcpu *vcpu, const struct vm_exit *exit, const struct insn_mov *mov)
{
	vcpu->mmio_accesses++;
	vmcs_writel(GUEST_RIP, exit->guest_rip + mov->length);
}

/* A network interface's window: registers take 32-bit accesses, its
 * configuration space 8, 16 or 32. A byte load writes only the low byte
 * of its register and a 16-bit one the low word, as on hardware. */
static enum exit_action virtio_access(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t gpa,
                                      const struct insn_mov *mov)
{
	if (mov->size == 8 || mov->high_byte)
		return refuse(vcpu, exit, gpa, "virtio-mmio takes 8, 16 and 32-bit accesses only");
	uint32_t value = 0;
	if (mov->is_write)
		value = mov->has_immediate ? (uint32_t)mov->immediate
		                           : (uint32_t)vcpu_gpr_read(vcpu, mov->reg);
	if (!partition_net_mmio(vcpu, gpa, mov->size, mov->is_write, &value)) {
		if (vcpu->partition->ended)
			return EXIT_ACTION_STOP; /* it broke the device's rules */
		return refuse(vcpu, exit, gpa, "no such virtio-mmio register");
	}
	if (!mov->is_write) {
		uint64_t old = vcpu_gpr_read(vcpu, mov->reg);
		uint64_t merged = mov->size == 4   ? value
		                  : mov->size == 2 ? (old & ~0xffffull) | (value & 0xffff)
		                                   : (old & ~0xffull) | (value & 0xff);
		vcpu_gpr_write(vcpu, mov->reg, merged);
	}
	complete(vcpu, exit, mov);
	return EXIT_ACTION_RESUME;
}

enum exit_action exit_mmio(struct vcpu *vcpu, const struct vm_exit *exit, uint64_t gpa)
{
	struct guest_paging paging = exit_guest_paging(vcpu);
	uint32_t cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);
	bool long_mode = cs_ar & CS_AR_LONG_MODE;
	/* The decoder reads 64-bit and 32-bit code; 16-bit code (real mode,
	 * or CS.D clear) has other default sizes and ModRM forms. */
	if (!long_mode && !(cs_ar & CS_AR_DEFAULT_32))
		return refuse(vcpu, exit, gpa, "16-bit code is not decoded");
	uint64_t linear = exit->guest_rip + (long_mode ? 0 : vmcs_readl(GUEST_CS_BASE));
	uint8_t bytes[INSN_MAX_LENGTH];
	size_t got = guest_read_linear(vcpu->partition, &paging, linear, bytes, sizeof(bytes));
	struct insn_mov mov;
	if (!insn_decode_mov(bytes, got, long_mode, &mov))
		return refuse(vcpu, exit, gpa, "not a MOV solo can emulate");
	if (partition_net_claims(vcpu->partition, gpa))
		return virtio_access(vcpu, exit, gpa, &mov);
	if (mov.size != 4 || mov.high_byte)
		return refuse(vcpu, exit, gpa, "APIC registers take 32-bit accesses only");
	uint64_t now = cpu_rdtsc();
	if (mov.is_write) {
		uint32_t value = mov.has_immediate ? (uint32_t)mov.immediate
		                                   : (uint32_t)vcpu_gpr_read(vcpu, mov.reg);
		if (!device_write(vcpu, gpa, now, value))
			return refuse(vcpu, exit, gpa, "no such APIC register");
	} else {
		uint32_t value;
		if (!device_read(vcpu, gpa, now, &value))
			return refuse(vcpu, exit, gpa, "no such APIC register");
		vcpu_gpr_write(vcpu, mov.reg, value); /* 32-bit loads zero-extend */
	}
	complete(vcpu, exit, &mov);
	return EXIT_ACTION_RESUME;
}
