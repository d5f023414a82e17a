/*
 * Host tests for the step before each VM entry
 * (hypervisor/core/vcpu_events.c): the VM-entry interruption-information
 * encoding for exceptions and external interrupts (SDM 24.8.3), when an
 * interrupt waits for an interrupt window instead, waking a halted vCPU,
 * and the VMX-preemption timer value for the next deadline or the end of
 * the time slice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/vcpu_events.h"
#include "fake/vmcs.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_cpu.h"

#define RFLAGS_IF      0x202ULL
#define RFLAGS_NO_IF   0x002ULL
#define CONTROLS       0x84006172u /* a plausible primary control word */
#define WINDOW_EXITING (1u << 2)
#define TSC_HZ         2000000000ULL /* 2 GHz */
#define QUANTUM_TICKS  (2000ULL * VCPU_QUANTUM_US)
#define MODE_DEADLINE  (2u << 17)
#define MSR_SVR        0x80f
#define MSR_TPR        0x808
#define MSR_LVT_TIMER  0x832

static struct vcpu vcpu;

static int setup(void **state)
{
	(void)state;
	fake_vmcs_reset();
	memset(&vcpu, 0, sizeof(vcpu));
	memset(&vmx_features, 0, sizeof(vmx_features));
	memset(&vmx_controls, 0, sizeof(vmx_controls));
	x2apic_init(&vcpu.apic, 0, 1);
	assert_true(x2apic_write(&vcpu.apic, MSR_SVR, 0x1ff, 0));
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 0);
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, CONTROLS);
	fake_vmcs_set(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	return 0;
}

static void events(uint64_t now)
{
	vcpu_events_before_entry(&vcpu, now, TSC_HZ);
}

static uint64_t injected(void)
{
	return fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD) ? fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD)
	                                               : 0;
}

static bool window_exiting(void)
{
	return fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL) & WINDOW_EXITING;
}

static void test_exception_without_error_code(void **state)
{
	(void)state;
	vcpu_inject_exception(&vcpu, VECTOR_UD, false, 0);
	events(0);
	/* Valid (31) | hardware exception (3 << 8) | vector 6. */
	assert_int_equal(injected(), 0x80000306);
	assert_false(fake_vmcs_has(VM_ENTRY_EXCEPTION_ERROR_CODE));
	assert_false(vcpu.exception_pending);
	/* Delivered once. */
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
	events(0);
	assert_int_equal(injected(), 0);
}

static void test_exception_with_error_code(void **state)
{
	(void)state;
	vcpu_inject_exception(&vcpu, VECTOR_GP, true, 0);
	events(0);
	/* ... | deliver error code (11) | vector 13. */
	assert_int_equal(injected(), 0x80000b0d);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0);
	vcpu_inject_exception(&vcpu, VECTOR_GP, true, 0x1234);
	events(0);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0x1234);
	assert_int_equal(fake_vmcs_writes(VM_ENTRY_EXCEPTION_ERROR_CODE), 2);
}

static void test_exception_before_interrupt(void **state)
{
	(void)state;
	x2apic_set_irr(&vcpu.apic, 0x40);
	vcpu_inject_exception(&vcpu, VECTOR_GP, true, 0);
	events(0);
	assert_int_equal(injected(), 0x80000b0d);
	/* The interrupt waits in the IRR for the next entry. */
	assert_int_equal(vcpu.apic.irr[2], 1u);
	assert_int_equal(vcpu.apic.isr[2], 0);
	events(0);
	assert_int_equal(injected(), 0x80000040);
}

static void test_interrupt_injected_when_interruptible(void **state)
{
	(void)state;
	x2apic_set_irr(&vcpu.apic, 0x31);
	x2apic_set_irr(&vcpu.apic, 0x40);
	events(0);
	/* Valid | external interrupt (0 << 8) | the highest vector. */
	assert_int_equal(injected(), 0x80000040);
	assert_int_equal(vcpu.apic.irr[2], 0);
	assert_int_equal(vcpu.apic.isr[2], 1u);
	assert_int_equal(vcpu.apic.irr[1], 1u << 17); /* 0x31 still waits */
	assert_false(window_exiting());
	assert_int_equal(fake_vmcs_writes(CPU_BASED_VM_EXEC_CONTROL), 0);
	/* 0x40 in service blocks 0x31: nothing more, no window needed. */
	events(0);
	assert_int_equal(fake_vmcs_writes(VM_ENTRY_INTR_INFO_FIELD), 1);
	assert_false(window_exiting());
}

/* An exit that cut an event's delivery short (a clone's copy-on-write
 * fault while the CPU pushed an interrupt frame): the event goes in
 * again on the next entry, before anything else, without bit 12 of the
 * vectoring field, with its error code and, for a software exception,
 * its instruction length. */
static void test_interrupted_delivery_goes_in_again(void **state)
{
	(void)state;
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0x80000040u | (1u << 12));
	vcpu_events_exit_interrupted_delivery(&vcpu);
	x2apic_set_irr(&vcpu.apic, 0x50); /* a higher one arrived meanwhile */
	events(0);
	assert_int_equal(injected(), 0x80000040);
	assert_int_equal(vcpu.apic.irr[2], 1u << 16); /* 0x50 waits, with a window asked */
	assert_true(window_exiting());
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
	events(0);
	assert_int_equal(injected(), 0x80000050);

	/* A page fault with its error code. */
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0x80000b0eu);
	fake_vmcs_set(IDT_VECTORING_ERROR_CODE, 0x7);
	vcpu_events_exit_interrupted_delivery(&vcpu);
	events(0);
	assert_int_equal(injected(), 0x80000b0e);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_EXCEPTION_ERROR_CODE), 0x7);
	/* An INT3 (software exception, type 6) with its length. */
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0x80000603u);
	fake_vmcs_set(VM_EXIT_INSTRUCTION_LEN, 1);
	vcpu_events_exit_interrupted_delivery(&vcpu);
	events(0);
	assert_int_equal(injected(), 0x80000603);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_INSTRUCTION_LEN), 1);
	/* Nothing was being delivered: nothing goes in. */
	fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD, 0);
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0);
	vcpu_events_exit_interrupted_delivery(&vcpu);
	assert_int_equal(vcpu.redeliver_info, 0);
}

static void expect_window_requested(uint64_t rflags, uint32_t interruptibility)
{
	setup(NULL);
	fake_vmcs_set(GUEST_RFLAGS, rflags);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, interruptibility);
	x2apic_set_irr(&vcpu.apic, 0x40);
	assert_false(vcpu_interruptible());
	events(0);
	assert_false(fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD));
	assert_int_equal(fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL), CONTROLS | WINDOW_EXITING);
	assert_int_equal(vcpu.apic.irr[2], 1u);
	/* Asked once; not rewritten while still blocked. */
	events(0);
	assert_int_equal(fake_vmcs_writes(CPU_BASED_VM_EXEC_CONTROL), 1);

	/* The window opens: injected, and the window exit turned off. */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 0);
	events(0);
	assert_int_equal(injected(), 0x80000040);
	assert_int_equal(fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL), CONTROLS);
}

static void test_blocked_interrupts_ask_for_a_window(void **state)
{
	(void)state;
	expect_window_requested(RFLAGS_NO_IF, 0);
	expect_window_requested(RFLAGS_IF, 1u << 0); /* blocking by STI */
	expect_window_requested(RFLAGS_IF, 1u << 1); /* blocking by MOV SS */
}

static void test_nmi_blocking_does_not_block_interrupts(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 1u << 3);
	assert_true(vcpu_interruptible());
	x2apic_set_irr(&vcpu.apic, 0x40);
	events(0);
	assert_int_equal(injected(), 0x80000040);
}

static void test_window_cleared_when_nothing_pending(void **state)
{
	(void)state;
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, CONTROLS | WINDOW_EXITING);
	vcpu.intr_window_exiting = true; /* as an earlier entry left it */
	events(0);
	assert_int_equal(fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL), CONTROLS);
	assert_false(fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD));

	/* A request the TPR holds back is not pending either. */
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, CONTROLS | WINDOW_EXITING);
	vcpu.intr_window_exiting = true; /* as an earlier entry left it */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_NO_IF);
	assert_true(x2apic_write(&vcpu.apic, MSR_TPR, 0x40, 0));
	x2apic_set_irr(&vcpu.apic, 0x40);
	events(0);
	assert_int_equal(fake_vmcs_get(CPU_BASED_VM_EXEC_CONTROL), CONTROLS);
	assert_false(fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD));
	/* So is one on a software-disabled APIC. */
	assert_true(x2apic_write(&vcpu.apic, MSR_TPR, 0, 0));
	assert_true(x2apic_write(&vcpu.apic, MSR_SVR, 0xff, 0));
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	events(0);
	assert_false(fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD));
}

static void test_timer_fires_and_wakes_a_halted_vcpu(void **state)
{
	(void)state;
	assert_true(x2apic_write(&vcpu.apic, MSR_LVT_TIMER, MODE_DEADLINE | 0xec, 0));
	x2apic_write_tsc_deadline(&vcpu.apic, 50000);
	fake_vmcs_set(GUEST_ACTIVITY_STATE, ACTIVITY_HLT);
	vcpu.halted_since = 10000;
	vcpu.halted_tsc = 7;

	/* Woken early (by the quantum, say): still halted, nothing due. */
	events(30000);
	assert_false(fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD));
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), ACTIVITY_HLT);
	assert_int_equal(vcpu.halted_since, 10000);

	events(50001);
	assert_int_equal(vcpu.apic.timer_fired, 1);
	assert_int_equal(injected(), 0x800000ec);
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), ACTIVITY_ACTIVE);
	assert_int_equal(vcpu.halted_since, 0);
	assert_int_equal(vcpu.halted_tsc, 7 + 40001);
}

static void test_injection_into_a_running_vcpu_keeps_halted_time(void **state)
{
	(void)state;
	vcpu.halted_tsc = 99;
	x2apic_set_irr(&vcpu.apic, 0x40);
	events(123456);
	assert_int_equal(injected(), 0x80000040);
	assert_int_equal(vcpu.halted_tsc, 99);
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), ACTIVITY_ACTIVE);
}

static uint64_t preemption_timer(void)
{
	return fake_vmcs_get(VMX_PREEMPTION_TIMER_VALUE);
}

static void test_preemption_timer_value(void **state)
{
	(void)state;
	vmx_features.preemption_timer_shift = 5;
	/* No deadline: one quantum (100 ms at 2 GHz), in 32-TSC-tick units. */
	events(1000);
	assert_int_equal(preemption_timer(), QUANTUM_TICKS >> 5);

	/* A deadline sooner than the quantum: exactly the ticks to it. */
	assert_true(x2apic_write(&vcpu.apic, MSR_LVT_TIMER, MODE_DEADLINE | 0xec, 0));
	x2apic_write_tsc_deadline(&vcpu.apic, 1000 + 1000000);
	events(1000);
	assert_int_equal(preemption_timer(), 1000000 >> 5);
	events(1000 + 999999);
	assert_int_equal(preemption_timer(), 0); /* 1 tick left, below one unit */
	vmx_features.preemption_timer_shift = 0;
	events(1000 + 999999);
	assert_int_equal(preemption_timer(), 1);

	/* A deadline beyond the quantum: the quantum. */
	x2apic_write_tsc_deadline(&vcpu.apic, 5000000000ULL);
	events(1000);
	assert_int_equal(preemption_timer(), QUANTUM_TICKS);
}

static void test_saved_countdown_is_not_set_again(void **state)
{
	(void)state;
	/* Without the save control every entry sets it... */
	events(100);
	events(200);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 2);
	/* ...with it, exits save the remaining count: it is set once per
	 * target. */
	vmx_controls.exit |= VM_EXIT_SAVE_PREEMPTION_TIMER;
	vcpu.timer_counting = false; /* a fresh VMCS */
	assert_true(x2apic_write(&vcpu.apic, MSR_LVT_TIMER, MODE_DEADLINE | 0xec, 0));
	x2apic_write_tsc_deadline(&vcpu.apic, 1000 + 1000000);
	events(1000);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 3);
	assert_int_equal(preemption_timer(), 1000000);
	events(5000);
	events(9000);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 3);
	/* A new deadline moves the target. */
	x2apic_write_tsc_deadline(&vcpu.apic, 20000 + 500);
	events(20000);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 4);
	assert_int_equal(preemption_timer(), 500);
	/* So does a new slice. */
	vcpu.slice_end = 20100;
	events(20050);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 5);
	assert_int_equal(preemption_timer(), 50);
	/* A count that ran out (the preemption-timer exit) is set again. */
	vcpu.timer_counting = false;
	events(20060);
	assert_int_equal(fake_vmcs_writes(VMX_PREEMPTION_TIMER_VALUE), 6);
	vmx_controls.exit &= ~VM_EXIT_SAVE_PREEMPTION_TIMER;
}

static void test_slice_end_caps_the_preemption_timer(void **state)
{
	(void)state;
	/* A slice ending before the quantum: back when it ends. */
	vcpu.slice_end = 1000 + 5000;
	events(1000);
	assert_int_equal(preemption_timer(), 5000);

	/* A timer deadline sooner than the slice end still wins. */
	assert_true(x2apic_write(&vcpu.apic, MSR_LVT_TIMER, MODE_DEADLINE | 0xec, 0));
	x2apic_write_tsc_deadline(&vcpu.apic, 1000 + 3000);
	events(1000);
	assert_int_equal(preemption_timer(), 3000);
	x2apic_write_tsc_deadline(&vcpu.apic, 0);

	/* A slice already over: exit at once. */
	events(1000 + 7000);
	assert_int_equal(preemption_timer(), 0);

	/* A slice end beyond the quantum: the quantum. */
	vcpu.slice_end = 1000 + 2 * QUANTUM_TICKS;
	events(1000);
	assert_int_equal(preemption_timer(), QUANTUM_TICKS);

	/* 0 and UINT64_MAX mean no slice (the vCPU has the CPU alone). */
	vcpu.slice_end = 0;
	events(1000);
	assert_int_equal(preemption_timer(), QUANTUM_TICKS);
	vcpu.slice_end = UINT64_MAX;
	events(1000);
	assert_int_equal(preemption_timer(), QUANTUM_TICKS);

	/* Unknown TSC rate (no quantum): the slice end alone bounds it. */
	vcpu.slice_end = 1000 + 5000;
	vcpu_events_before_entry(&vcpu, 1000, 0);
	assert_int_equal(preemption_timer(), 5000);
}

static void test_preemption_timer_capped(void **state)
{
	(void)state;
	/* A 64 GHz TSC with no shift: the quantum overflows 32 bits. */
	vcpu_events_before_entry(&vcpu, 0, 64000000000ULL);
	assert_int_equal(preemption_timer(), 0xffffffff);
	/* As does a far deadline when the rate is unknown. */
	assert_true(x2apic_write(&vcpu.apic, MSR_LVT_TIMER, MODE_DEADLINE | 0xec, 0));
	x2apic_write_tsc_deadline(&vcpu.apic, 1ULL << 40);
	vcpu_events_before_entry(&vcpu, 0, 0);
	assert_int_equal(preemption_timer(), 0xffffffff);
	vcpu_events_before_entry(&vcpu, (1ULL << 40) - 4096, 0);
	assert_int_equal(preemption_timer(), 4096);
}

static void test_unknown_tsc_rate_means_no_quantum(void **state)
{
	(void)state;
	/* The self-test VMs run with tsc_hz 0: a zero timer would exit
	 * before every instruction and the guest would never progress. */
	vcpu_events_before_entry(&vcpu, 0, 0);
	assert_int_equal(preemption_timer(), 0xffffffff);
	vcpu_events_before_entry(&vcpu, 0, 999999);
	assert_int_equal(preemption_timer(), 0xffffffff);
	vcpu_events_before_entry(&vcpu, 0, 1000000);
	assert_int_equal(preemption_timer(), VCPU_QUANTUM_US);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_exception_without_error_code),
	    T(test_interrupted_delivery_goes_in_again),
	    T(test_exception_with_error_code),
	    T(test_exception_before_interrupt),
	    T(test_interrupt_injected_when_interruptible),
	    T(test_blocked_interrupts_ask_for_a_window),
	    T(test_nmi_blocking_does_not_block_interrupts),
	    T(test_window_cleared_when_nothing_pending),
	    T(test_timer_fires_and_wakes_a_halted_vcpu),
	    T(test_injection_into_a_running_vcpu_keeps_halted_time),
	    T(test_preemption_timer_value),
	    T(test_saved_countdown_is_not_set_again),
	    T(test_slice_end_caps_the_preemption_timer),
	    T(test_preemption_timer_capped),
	    T(test_unknown_tsc_rate_means_no_quantum),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
