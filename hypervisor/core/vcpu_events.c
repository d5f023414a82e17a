/*
 * Event injection through the VM-entry interruption-information field
 * (SDM 26.6). One event per entry: a pending exception first (it belongs
 * to the instruction that exited), else the highest deliverable interrupt
 * from the virtual x2APIC. When interrupts are blocked, interrupt-window
 * exiting brings control back the moment they are not. The VMX-preemption
 * timer is programmed for the next timer deadline, so a halted vCPU (in
 * the HLT activity state) sleeps in hardware until then.
 */
#include "core/partition_ipi.h"
#include "core/vcpu_events.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_cpu.h"

#define RFLAGS_IF                     (1ULL << 9)
#define BLOCKING_BY_STI               (1u << 0)
#define BLOCKING_BY_MOV_SS            (1u << 1)
#define INTR_INFO_VALID               (1u << 31)
#define INTR_INFO_DELIVER_CODE        (1u << 11)
#define INTR_TYPE_EXTERNAL            (0u << 8)
#define INTR_TYPE_HW_EXCEPTION        (3u << 8)
#define CPU_BASED_INTR_WINDOW_EXITING (1u << 2)

bool vcpu_interruptible(void)
{
	return (vmcs_readl(GUEST_RFLAGS) & RFLAGS_IF) &&
	       !(vmcs_read32(GUEST_INTERRUPTIBILITY_INFO) & (BLOCKING_BY_STI | BLOCKING_BY_MOV_SS));
}

/* vcpu->intr_window_exiting mirrors the control, so the common case (no
 * change) costs no VMREAD. */
static void set_interrupt_window_exiting(struct vcpu *vcpu, bool on)
{
	if (vcpu->intr_window_exiting == on)
		return;
	uint32_t controls = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, on ? controls | CPU_BASED_INTR_WINDOW_EXITING
	                                           : controls & ~CPU_BASED_INTR_WINDOW_EXITING);
	vcpu->intr_window_exiting = on;
}

static void wake(struct vcpu *vcpu, uint64_t now)
{
	if (vcpu->halted_since) {
		vcpu->halted_tsc += now - vcpu->halted_since;
		vcpu->halted_since = 0;
	}
	vmcs_write32(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
}

#define VECTORING_DELIVERS_CODE (1u << 11)
/* Software interrupts and exceptions (types 4-6) are re-entered with
 * the length of their instruction. */
#define VECTORING_TYPE(info) (((info) >> 8) & 7)

void vcpu_events_exit_interrupted_delivery(struct vcpu *vcpu)
{
	uint32_t info = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	if (!(info & INTR_INFO_VALID))
		return;
	/* Bit 12 is undefined in this field; entry wants it clear. */
	vcpu->redeliver_info = info & (INTR_INFO_VALID | 0xfffu);
	if (info & VECTORING_DELIVERS_CODE)
		vcpu->redeliver_error_code = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	unsigned type = VECTORING_TYPE(info);
	vcpu->redeliver_length = type >= 4 ? vmcs_read32(VM_EXIT_INSTRUCTION_LEN) : 0;
}

static void redeliver(struct vcpu *vcpu)
{
	uint32_t info = vcpu->redeliver_info;
	if (info & VECTORING_DELIVERS_CODE)
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vcpu->redeliver_error_code);
	if (vcpu->redeliver_length)
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vcpu->redeliver_length);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
	vcpu->redeliver_info = 0;
}

static void inject(struct vcpu *vcpu, uint64_t now)
{
	if (vcpu->redeliver_info) {
		/* The interrupted event goes first; anything else waits for
		 * the next entry (an interrupt window exit if need be). */
		redeliver(vcpu);
		if (vcpu->exception_pending || !x2apic_irr_empty(&vcpu->apic))
			set_interrupt_window_exiting(vcpu, true);
		return;
	}
	if (vcpu->exception_pending) {
		uint32_t info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vcpu->exception_vector;
		if (vcpu->exception_has_error_code) {
			info |= INTR_INFO_DELIVER_CODE;
			vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, vcpu->exception_error_code);
		}
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, info);
		vcpu->exception_pending = false;
		wake(vcpu, now);
		return;
	}
	int vector = x2apic_pending_vector(&vcpu->apic);
	if (vector < 0) {
		set_interrupt_window_exiting(vcpu, false);
		return;
	}
	if (!vcpu_interruptible()) {
		set_interrupt_window_exiting(vcpu, true);
		return;
	}
	set_interrupt_window_exiting(vcpu, false);
	x2apic_accept(&vcpu->apic, vector);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD,
	             INTR_INFO_VALID | INTR_TYPE_EXTERNAL | (uint32_t)vector);
	wake(vcpu, now);
}

void vcpu_events_before_entry(struct vcpu *vcpu, uint64_t now, uint64_t tsc_hz)
{
	/* Every exit comes through here: the common case (nothing posted,
	 * no timer due, nothing to deliver) is kept to a few loads. */
	if (__atomic_load_n(&vcpu->posted, __ATOMIC_RELAXED))
		vcpu_take_posted(vcpu);
	if (vcpu->apic.timer_deadline && now >= vcpu->apic.timer_deadline)
		x2apic_timer_update(&vcpu->apic, now);
	if (vcpu->redeliver_info || vcpu->exception_pending || vcpu->intr_window_exiting ||
	    !x2apic_irr_empty(&vcpu->apic))
		inject(vcpu, now);

	/* Where VM exits save the preemption timer's count, it keeps running
	 * down towards the target it was set for; it need only be set again
	 * when that target moves or the count ran out (exit_fault.c). */
	uint64_t deadline = vcpu->apic.timer_deadline;
	if (vcpu->timer_counting && deadline == vcpu->timer_set_for_deadline &&
	    vcpu->slice_end == vcpu->timer_set_for_slice_end)
		return;
	vcpu->timer_counting = (vmx_controls.exit & VM_EXIT_SAVE_PREEMPTION_TIMER) != 0;
	vcpu->timer_set_for_deadline = deadline;
	vcpu->timer_set_for_slice_end = vcpu->slice_end;

	/* An unknown TSC rate (0, as for the self-test VMs) means no quantum:
	 * a zero preemption timer would exit before every guest instruction. */
	uint64_t ticks = tsc_hz >= 1000000 ? tsc_hz / 1000000 * VCPU_QUANTUM_US : UINT64_MAX;
	if (deadline) {
		uint64_t until = deadline > now ? deadline - now : 0;
		if (until < ticks)
			ticks = until;
	}
	/* Other partitions' vCPUs wait for this CPU: come back when the
	 * slice ends. */
	if (vcpu->slice_end && vcpu->slice_end != UINT64_MAX) {
		uint64_t until = vcpu->slice_end > now ? vcpu->slice_end - now : 0;
		if (until < ticks)
			ticks = until;
	}
	ticks >>= vmx_features.preemption_timer_shift;
	vmcs_write32(VMX_PREEMPTION_TIMER_VALUE,
	             ticks > 0xffffffffULL ? 0xffffffffu : (uint32_t)ticks);
}
