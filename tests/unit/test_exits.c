/*
 * Host tests for the VM-exit path: vcpu_run() (hypervisor/core/vcpu_run.c)
 * runs for real against the fake vmx_enter(), which plays a script of
 * exits through the fake VMCS, so the dispatcher, every handler
 * (exit_*.c), partition_end() and the exit-reason and VM-instruction-error
 * tables are exercised as on hardware. Each test checks what the guest
 * would see at its next entry (registers, RIP) and how the partition
 * ended, to the exact message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/exit_handlers.h"
#include "core/hypercall.h"
#include "core/partition.h"
#include "core/vcpu_run.h"
#include "fake/console.h"
#include "fake/cpu.h"
#include "fake/lapic.h"
#include "fake/vmcs.h"
#include "fake/vmx_enter.h"
#include "partition_fixture.h"
#include "vmx/exit_reasons.h"
#include "vmx/vm_instruction_error.h"
#include "vmx/vmcs_fields.h"

#define START_RIP    0x1000
#define RFLAGS_FIXED 0x2ULL
#define RFLAGS_IF    0x200ULL

static struct partition part;

/* A partition as the self-test builds it: one vCPU whose VMCS holds a
 * real-mode start state (only the fields the exit path reads matter). */
static int setup(void **state)
{
	(void)state;
	partition_fixture(&part, "test");
	uart_init(&part.uart, partition_console_byte, NULL, &part);
	fake_vmcs_set(GUEST_RIP, START_RIP);
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_FIXED);
	fake_vmcs_set(GUEST_CR4, 0);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 0);
	fake_vmcs_set(GUEST_ACTIVITY_STATE, 0);
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, 0);
	return 0;
}

static void step_hlt(uint64_t rip)
{
	fake_script_step(EXIT_REASON_HLT, rip, 1);
}

static void run(void)
{
	unsigned steps = fake_script_install();
	vcpu_run(&part.vcpus[0]);
	/* vcpu_run returns only when the partition has ended, after
	 * using exactly the script (an extra entry fails in the fake). */
	assert_int_equal(fake_vmx_entry_count(), steps);
}

static void expect_end(enum partition_state state, const char *reason)
{
	assert_string_equal(partition_state_name(part.state), partition_state_name(state));
	assert_string_equal(part.reason, reason);
}

/* The registers the guest had when it was entered for the nth time. */
static const struct guest_regs *regs_at(unsigned entry)
{
	return &fake_vmx_entry(entry)->regs;
}

static uint64_t rip_at(unsigned entry)
{
	return fake_vmx_entry(entry)->guest_rip;
}

/* Exit qualification of an I/O instruction (SDM Table 28-5). */
static uint64_t io_qualification(uint16_t port, unsigned size, bool in, bool string)
{
	return (uint64_t)(size - 1) | (in ? 1u << 3 : 0) | (string ? 1u << 4 : 0) |
	       ((uint64_t)port << 16);
}

static void test_cpuid_leaf_1_through_the_exit(void **state)
{
	(void)state;
	fake_cpuid_set(1, 0, (struct cpuid_regs){0x50654, 0x00100800, 0x7ffefbff, 0xbfebfbff});
	part.vcpus[0].regs.rbx = 0xffffffff00000000ULL; /* CPUID zero-extends */
	part.vcpus[0].regs.rdx = 0x123456789ULL;
	struct fake_exit *s = fake_script_step(EXIT_REASON_CPUID, START_RIP, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 0xffffffff00000001ULL; /* EAX = 1: upper half ignored */
	s->rcx = 0;
	step_hlt(START_RIP + 2);
	run();

	const struct guest_regs *r = regs_at(1);
	assert_int_equal(r->rax, 0x50654);
	/* One logical processor, APIC ID 0; the brand/CLFLUSH bytes kept. */
	assert_int_equal(r->rbx, 0x00010800);
	/* 0x7ffefbff without MONITOR, DS-CPL, VMX, SMX, EST, TM2, SDBG, PDCM
	 * and OSXSAVE (guest CR4.OSXSAVE is 0), with x2APIC, TSC deadline
	 * and hypervisor; test_exits_linux.c checks each bit. */
	assert_int_equal(r->rcx, 0xf7fe7207ULL);
	/* 0xbfebfbff without MCE, MTRR, MCA, DS, ACPI, TM, PBE */
	assert_int_equal(r->rdx, 0x1f8bab7f);
	assert_int_equal(rip_at(1), START_RIP + 2);
	assert_int_equal(fake_cpuid_calls(), 1);
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x1002");
}

static void test_cpuid_passes_subleaf_and_other_leaves_unchanged(void **state)
{
	(void)state;
	fake_cpuid_set(4, 1, (struct cpuid_regs){0x11, 0x22, 0x33, 0x44});
	fake_cpuid_set(0, 0, (struct cpuid_regs){0x16, 0x756e6547, 0x6c65746e, 0x49656e69});
	fake_cpuid_set(0x40010000, 0, (struct cpuid_regs){1, 2, 3, 4});
	struct fake_exit *s = fake_script_step(EXIT_REASON_CPUID, 0x2000, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 4;
	s->rcx = 1;
	s = fake_script_step(EXIT_REASON_CPUID, 0x2002, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 0;
	s->rcx = 0;
	/* Just past the hypervisor range 0x40000000-0x4000ffff: the host
	 * answers. */
	s = fake_script_step(EXIT_REASON_CPUID, 0x2004, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 0x40010000;
	s->rcx = 0;
	step_hlt(0x2006);
	run();
	assert_int_equal(regs_at(1)->rax, 0x11);
	assert_int_equal(regs_at(1)->rbx, 0x22);
	assert_int_equal(regs_at(1)->rcx, 0x33);
	assert_int_equal(regs_at(1)->rdx, 0x44);
	assert_int_equal(regs_at(2)->rbx, 0x756e6547);
	assert_int_equal(regs_at(2)->rcx, 0x6c65746e);
	assert_int_equal(regs_at(3)->rax, 1);
	assert_int_equal(regs_at(3)->rdx, 4);
	assert_int_equal(fake_cpuid_calls(), 3);
}

static void test_cpuid_solo_leaves(void **state)
{
	(void)state;
	/* No host CPUID is scripted: solo's leaves must not query it. */
	const uint32_t leaves[] = {0x40000000, 0x40000001, 0x40000002, 0x400000ff};
	for (unsigned i = 0; i < 4; i++) {
		struct fake_exit *s = fake_script_step(EXIT_REASON_CPUID, 0x1000 + 2 * i, 2);
		s->load_rax = true;
		s->rax = leaves[i];
	}
	part.vcpus[0].regs.rbx = part.vcpus[0].regs.rcx = part.vcpus[0].regs.rdx = 0x5555;
	step_hlt(0x1008);
	run();
	assert_int_equal(fake_cpuid_calls(), 0);

	const struct guest_regs *r = regs_at(1);
	assert_int_equal(r->rax, 0x40000001); /* highest solo leaf */
	char signature[13] = {0};
	uint32_t words[3] = {(uint32_t)r->rbx, (uint32_t)r->rcx, (uint32_t)r->rdx};
	memcpy(signature, words, 12);
	assert_string_equal(signature, "solosolosolo");
	assert_int_equal(r->rbx, 0x6f6c6f73); /* "solo" little-endian */

	assert_int_equal(regs_at(2)->rax, 1); /* hypercall ABI version */
	assert_int_equal(regs_at(2)->rbx, 0);
	assert_int_equal(regs_at(2)->rcx, 0);
	assert_int_equal(regs_at(2)->rdx, 0);
	for (unsigned e = 3; e <= 4; e++) {
		assert_int_equal(regs_at(e)->rax, 0);
		assert_int_equal(regs_at(e)->rbx, 0);
		assert_int_equal(regs_at(e)->rcx, 0);
		assert_int_equal(regs_at(e)->rdx, 0);
	}
	assert_int_equal(rip_at(4), 0x1008);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_CPUID], 4);
}

static void test_io_in_sizes(void **state)
{
	(void)state;
	const uint64_t before = 0x1122334455667788ULL;
	part.vcpus[0].regs.rax = before;
	fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x3000, 1)->qualification =
	    io_qualification(0x60, 1, true, false);
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x3001, 2);
	s->qualification = io_qualification(0x1f0, 2, true, false);
	s->load_rax = true;
	s->rax = before;
	s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x3003, 1);
	s->qualification = io_qualification(0xcfc, 4, true, false);
	s->load_rax = true;
	s->rax = before;
	step_hlt(0x3004);
	run();
	/* Narrow INs merge into AL/AX; a 32-bit IN zero-extends into RAX. */
	assert_int_equal(regs_at(1)->rax, 0x11223344556677ffULL);
	assert_int_equal(regs_at(2)->rax, 0x112233445566ffffULL);
	assert_int_equal(regs_at(3)->rax, 0x00000000ffffffffULL);
	assert_int_equal(rip_at(1), 0x3001);
	assert_int_equal(rip_at(2), 0x3003);
	assert_int_equal(rip_at(3), 0x3004);
	/* Nothing reached a real port. */
	const struct fake_port_access *log;
	assert_int_equal(fake_port_log(&log), 0);
}

static void test_io_out_records_port_and_value(void **state)
{
	(void)state;
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1000, 2);
	s->qualification = io_qualification(0x80, 1, false, false);
	s->load_rax = true;
	s->rax = 0xabcdef53;
	s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1002, 1);
	s->qualification = io_qualification(0x3f8, 2, false, false);
	s->load_rax = true;
	s->rax = 0x1234beef;
	s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1003, 1);
	s->qualification = io_qualification(0xcf8, 4, false, false);
	s->load_rax = true;
	s->rax = 0x12345678deadbeefULL;
	step_hlt(0x1004);
	run();
	/* The last OUT wins; byte and word OUTs are checked below. */
	assert_int_equal(part.vcpus[0].last_out_port, 0xcf8);
	assert_int_equal(part.vcpus[0].last_out_value, 0xdeadbeef);
	assert_int_equal(regs_at(3)->rax, 0x12345678deadbeefULL); /* OUT leaves RAX alone */
	assert_int_equal(rip_at(1), 0x1002);
	assert_int_equal(rip_at(3), 0x1004);
}

static void test_io_out_byte_and_word(void **state)
{
	(void)state;
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1000, 2);
	s->qualification = io_qualification(0x80, 1, false, false);
	s->load_rax = true;
	s->rax = 0xabcdef53;
	step_hlt(0x1002);
	run();
	assert_int_equal(part.vcpus[0].last_out_port, 0x80);
	assert_int_equal(part.vcpus[0].last_out_value, 0x53);

	setup(NULL);
	s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1000, 2);
	s->qualification = io_qualification(0x3f8, 2, false, false);
	s->load_rax = true;
	s->rax = 0x1234beef;
	step_hlt(0x1002);
	run();
	assert_int_equal(part.vcpus[0].last_out_port, 0x3f8);
	assert_int_equal(part.vcpus[0].last_out_value, 0xbeef);
}

static void test_string_io_ends_partition(void **state)
{
	(void)state;
	fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1234, 1)->qualification =
	    io_qualification(0x3f8, 1, false, true);
	run();
	expect_end(PARTITION_CRASHED, "unsupported string I/O on port 0x3f8 at RIP 0x1234");
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1234); /* not skipped */
	assert_int_equal(part.vcpus[0].last_out_port, 0);
}

static void test_io_bad_size_ends_partition(void **state)
{
	(void)state;
	/* Size field 2 (3 bytes) is not a size x86 has. */
	fake_script_step(EXIT_REASON_IO_INSTRUCTION, 0x1000, 1)->qualification =
	    2 | (0x70 << 16) | (1 << 3);
	part.vcpus[0].regs.rax = 0x42;
	run();
	assert_int_equal(part.state, PARTITION_CRASHED);
	assert_int_equal(part.vcpus[0].regs.rax, 0x42);
}

static void test_vmcall(void **state)
{
	(void)state;
	struct fake_exit *s = fake_script_step(EXIT_REASON_VMCALL, 0x1000, 3);
	s->load_rax = true;
	s->rax = HYPERCALL_ABI_VERSION;
	s = fake_script_step(EXIT_REASON_VMCALL, 0x1003, 3);
	s->load_rax = true;
	s->rax = 0xdead;
	step_hlt(0x1006);
	run();
	assert_int_equal(regs_at(1)->rax, 1);
	assert_int_equal(rip_at(1), 0x1003);
	/* An unknown call gets -ENOSYS and the guest runs on. */
	assert_int_equal(regs_at(2)->rax, (uint64_t)-38);
	assert_int_equal(rip_at(2), 0x1006);
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x1006");
}

static void test_hlt_with_interrupts_on(void **state)
{
	(void)state;
	fake_script_write(fake_script_step(EXIT_REASON_HLT, 0xfff0, 1), GUEST_RFLAGS,
	                  RFLAGS_FIXED | RFLAGS_IF);
	run();
	/* Nothing could ever wake it. */
	expect_end(PARTITION_STOPPED, "halted with no timer armed at RIP 0xfff0");
}

static void expect_ept_violation(uint64_t qualification, const char *reason)
{
	setup(NULL);
	struct fake_exit *s = fake_script_step(EXIT_REASON_EPT_VIOLATION, 0x1005, 3);
	s->qualification = qualification;
	fake_script_write(s, GUEST_PHYSICAL_ADDRESS, 0x80000);
	run();
	expect_end(PARTITION_CRASHED, reason);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_EPT_VIOLATION], 1);
}

static void test_ept_violation_wording(void **state)
{
	(void)state;
	/* Bits 0-2 of the qualification: read, write, fetch (SDM 28-7);
	 * bits 3-5 say what the entry allowed and must not matter. */
	expect_ept_violation(
	    0x1, "EPT violation: read of guest-physical 0x80000 outside its memory at RIP 0x1005");
	expect_ept_violation(
	    0x2 | 0x38,
	    "EPT violation: write of guest-physical 0x80000 outside its memory at RIP 0x1005");
	expect_ept_violation(0x4 | 0x1, "EPT violation: instruction fetch of guest-physical "
	                                "0x80000 outside its memory at RIP 0x1005");
	expect_ept_violation(
	    0x180, "EPT violation: access of guest-physical 0x80000 outside its memory at RIP "
	           "0x1005");
}

static void test_ept_misconfig(void **state)
{
	(void)state;
	fake_script_write(fake_script_step(EXIT_REASON_EPT_MISCONFIG, 0x1234, 0),
	                  GUEST_PHYSICAL_ADDRESS, 0xfee00000);
	run();
	expect_end(PARTITION_CRASHED,
	           "EPT misconfiguration at guest-physical 0xfee00000, RIP 0x1234");
}

static void test_triple_fault(void **state)
{
	(void)state;
	fake_script_step(EXIT_REASON_TRIPLE_FAULT, 0xfff0, 0);
	run();
	expect_end(PARTITION_CRASHED, "triple fault at RIP 0xfff0");
}

static void test_nmi_resumes_other_exception_ends(void **state)
{
	(void)state;
	/* Valid (31) | type NMI (2 << 8) | vector 2 */
	fake_script_write(fake_script_step(EXIT_REASON_EXCEPTION_NMI, 0x1000, 0), VM_EXIT_INTR_INFO,
	                  0x80000202);
	/* Valid | hardware exception (3 << 8) | vector 14 (#PF) */
	fake_script_write(fake_script_step(EXIT_REASON_EXCEPTION_NMI, 0x1000, 0), VM_EXIT_INTR_INFO,
	                  0x8000030e);
	run();
	assert_int_equal(rip_at(1), 0x1000); /* the NMI interrupted nothing to skip */
	expect_end(PARTITION_CRASHED, "unexpected exception vector 14 at RIP 0x1000");
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_EXCEPTION_NMI], 2);
}

/* An external-interrupt exit for solo's kick, its vector acknowledged
 * on exit as VT-x is set up to do. */
static void kick_exit(uint64_t rip)
{
	fake_script_write(fake_script_step(EXIT_REASON_EXTERNAL_INTERRUPT, rip, 0),
	                  VM_EXIT_INTR_INFO, 0x80000000u | LAPIC_KICK_VECTOR);
}

static void test_external_interrupt_and_timer_resume(void **state)
{
	(void)state;
	kick_exit(0x1000);
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1000, 0);
	kick_exit(0x1000);
	step_hlt(0x1000);
	run();
	assert_int_equal(fake_lapic.eoi_calls, 2);
	for (unsigned e = 1; e < 4; e++)
		assert_int_equal(rip_at(e), 0x1000);
	assert_int_equal(part.state, PARTITION_STOPPED);
}

static void test_unhandled_exit_reasons(void **state)
{
	(void)state;
	fake_script_step(EXIT_REASON_RDPMC, 0x1007, 2);
	run();
	expect_end(PARTITION_CRASHED, "unhandled exit reason RDPMC (15) at RIP 0x1007");
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_RDPMC], 1);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1007);

	/* A number missing from the list (35), and one past its end. */
	setup(NULL);
	fake_script_step(35, 0x1000, 0);
	run();
	expect_end(PARTITION_CRASHED, "unhandled exit reason unknown (35) at RIP 0x1000");
	assert_int_equal(part.vcpus[0].exit_counts[35], 1);

	setup(NULL);
	fake_script_step(70, 0x1000, 0);
	run();
	expect_end(PARTITION_CRASHED, "unhandled exit reason unknown (70) at RIP 0x1000");
	assert_int_equal(part.vcpus[0].exits_total, 1);
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		assert_int_equal(part.vcpus[0].exit_counts[r], 0);
}

static void test_entry_failure_exits(void **state)
{
	(void)state;
	fake_script_step(EXIT_REASON_INVALID_GUEST_STATE | EXIT_REASON_ENTRY_FAILED, 0x1000, 0);
	run();
	expect_end(PARTITION_CRASHED,
	           "VM entry failed: invalid guest state (exit reason 33), qualification 0");
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_INVALID_GUEST_STATE], 1);
	assert_int_equal(fake_vmx_entry(0)->launched, 0);

	/* MSR loading failed at entry 3 of the list. */
	setup(NULL);
	fake_script_step(EXIT_REASON_MSR_LOAD_FAIL | EXIT_REASON_ENTRY_FAILED, 0x1000, 0)
	    ->qualification = 3;
	run();
	expect_end(PARTITION_CRASHED,
	           "VM entry failed: MSR_LOAD_FAIL (exit reason 34), qualification 3");
}

static void test_vmfail_valid_and_invalid(void **state)
{
	(void)state;
	struct fake_exit *s = fake_script_step(0, 0, 0);
	s->entry_result = VMX_FAIL_VALID;
	s->vm_instruction_error = 7;
	run();
	expect_end(
	    PARTITION_CRASHED,
	    "VM entry failed: VM-instruction error 7 (VM entry with invalid control fields)");
	assert_int_equal(part.vcpus[0].exits_total, 0);
	assert_int_equal(part.vcpus[0].launched, 0);

	/* VMRESUME failing after the guest has run. */
	setup(NULL);
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1000, 0);
	s = fake_script_step(0, 0, 0);
	s->entry_result = VMX_FAIL_VALID;
	s->vm_instruction_error = 5;
	run();
	expect_end(PARTITION_CRASHED,
	           "VM entry failed: VM-instruction error 5 (VMRESUME with non-launched VMCS)");
	assert_int_equal(fake_vmx_entry(1)->launched, 1);

	setup(NULL);
	fake_script_step(0, 0, 0)->entry_result = VMX_FAIL_INVALID;
	run();
	expect_end(PARTITION_CRASHED, "VM entry failed: VMfailInvalid (no current VMCS)");
}

static void test_run_marks_partition_running(void **state)
{
	(void)state;
	/* The first ending wins, so a vCPU run must first mark the
	 * partition running, or a stale end state would hide this run's. */
	part.state = PARTITION_STOPPED;
	strcpy(part.reason, "previous run");
	fake_script_step(EXIT_REASON_TRIPLE_FAULT, 0x1000, 0);
	run();
	expect_end(PARTITION_CRASHED, "triple fault at RIP 0x1000");
}

static void test_exit_counts_exact(void **state)
{
	(void)state;
	fake_cpuid_set(1, 0, (struct cpuid_regs){0});
	uint64_t rip = 0x1000;
	for (unsigned i = 0; i < 3; i++) {
		struct fake_exit *s = fake_script_step(EXIT_REASON_CPUID, rip, 2);
		s->load_rax = s->load_rcx = true;
		s->rax = 1;
		rip += 2;
	}
	kick_exit(rip);
	fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1)->qualification =
	    io_qualification(0x80, 1, 0, 0);
	rip++;
	fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1)->qualification =
	    io_qualification(0x61, 1, 1, 0);
	rip++;
	fake_script_step(EXIT_REASON_VMCALL, rip, 3);
	rip += 3;
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, rip, 0);
	kick_exit(rip);
	step_hlt(rip);
	run();
	assert_int_equal(part.vcpus[0].exits_total, 10);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_CPUID], 3);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_EXTERNAL_INTERRUPT], 2);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_IO_INSTRUCTION], 2);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_VMCALL], 1);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_PREEMPTION_TIMER], 1);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_HLT], 1);
	char buf[160];
	assert_string_equal(vcpu_format_exit_counts(&part.vcpus[0], buf, sizeof(buf)),
	                    "EXTERNAL_INTERRUPT=2 CPUID=3 HLT=1 VMCALL=1 IO_INSTRUCTION=2 "
	                    "PREEMPTION_TIMER=1");
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x100b");
}

static void test_format_exit_counts_edges(void **state)
{
	(void)state;
	char buf[32];
	memset(buf, 'x', sizeof(buf));
	assert_ptr_equal(vcpu_format_exit_counts(&part.vcpus[0], buf, sizeof(buf)), buf);
	assert_string_equal(buf, "none");

	part.vcpus[0].exit_counts[EXIT_REASON_XRSTORS] = 12345678901ULL;
	part.vcpus[0].exit_counts[EXIT_REASON_EXCEPTION_NMI] = 1;
	assert_string_equal(vcpu_format_exit_counts(&part.vcpus[0], buf, sizeof(buf)),
	                    "EXCEPTION_NMI=1 XRSTORS=1234567");
	/* Too small for even the first entry: cut, still terminated. */
	char tiny[6];
	assert_string_equal(vcpu_format_exit_counts(&part.vcpus[0], tiny, sizeof(tiny)), "EXCEP");
}

static void test_partition_end_first_reason_wins(void **state)
{
	(void)state;
	part.state = PARTITION_RUNNING;
	partition_end(&part, PARTITION_STOPPED, "powered off by %s", "guest");
	partition_end(&part, PARTITION_CRASHED, "triple fault");
	expect_end(PARTITION_STOPPED, "powered off by guest");

	setup(NULL);
	part.state = PARTITION_RUNNING;
	partition_end(&part, PARTITION_CRASHED, "first");
	partition_end(&part, PARTITION_STOPPED, "second");
	expect_end(PARTITION_CRASHED, "first");

	/* A reason longer than the field is cut, not overrun. */
	setup(NULL);
	char longer[300];
	memset(longer, 'r', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	partition_end(&part, PARTITION_CRASHED, "%s", longer);
	assert_int_equal(strlen(part.reason), PARTITION_REASON_LEN - 1);
}

static void test_partition_state_names(void **state)
{
	(void)state;
	assert_string_equal(partition_state_name(PARTITION_CREATED), "created");
	assert_string_equal(partition_state_name(PARTITION_RUNNING), "running");
	assert_string_equal(partition_state_name(PARTITION_STOPPED), "stopped");
	assert_string_equal(partition_state_name(PARTITION_CRASHED), "crashed");
	assert_string_equal(partition_state_name((enum partition_state)9), "unknown");
}

static void test_exit_reason_names(void **state)
{
	(void)state;
	assert_string_equal(exit_reason_name(0), "EXCEPTION_NMI");
	assert_string_equal(exit_reason_name(10), "CPUID");
	assert_string_equal(exit_reason_name(30), "IO_INSTRUCTION");
	assert_string_equal(exit_reason_name(48), "EPT_VIOLATION");
	assert_string_equal(exit_reason_name(64), "XRSTORS");
	assert_string_equal(exit_reason_name(35), "unknown"); /* a gap in the SDM's list */
	assert_string_equal(exit_reason_name(38), "unknown");
	assert_string_equal(exit_reason_name(65), "unknown");
	assert_string_equal(exit_reason_name(0xffffffffu), "unknown");
	assert_int_equal(EXIT_REASON_BASIC(0x80000021u), 33);
}

static void test_vm_instruction_error_texts(void **state)
{
	(void)state;
	assert_string_equal(vm_instruction_error_text(1), "VMCALL in VMX root operation");
	assert_string_equal(vm_instruction_error_text(8),
	                    "VM entry with invalid host-state fields");
	assert_string_equal(vm_instruction_error_text(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vm_instruction_error_text(0), "unknown VM-instruction error");
	assert_string_equal(vm_instruction_error_text(14), "unknown VM-instruction error");
	assert_string_equal(vm_instruction_error_text(29), "unknown VM-instruction error");
	assert_string_equal(vm_instruction_error_text(~0u), "unknown VM-instruction error");
}

static void test_cpuid_filter_directly(void **state)
{
	(void)state;
	const struct cpuid_context ctx = {.apic_id = 0};
	struct cpuid_regs r = {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff};
	cpuid_filter(1, 0, &ctx, &r);
	assert_int_equal(r.ecx, 0xf7ff7607);
	assert_int_equal(r.eax, 0xffffffff);
	assert_int_equal(r.edx, 0x5f9faf7f);
	r = (struct cpuid_regs){0, 0, 0x20, 0};
	cpuid_filter(1, 0, &ctx, &r);
	assert_int_equal(r.ecx, 0x81200000); /* hypervisor, TSC deadline, x2APIC */
	r = (struct cpuid_regs){9, 9, 0x20, 9};
	cpuid_filter(2, 0, &ctx, &r);
	assert_int_equal(r.ecx, 0x20);
	assert_int_equal(r.eax, 9);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cpuid_leaf_1_through_the_exit),
	    T(test_cpuid_passes_subleaf_and_other_leaves_unchanged),
	    T(test_cpuid_solo_leaves),
	    T(test_io_in_sizes),
	    T(test_io_out_records_port_and_value),
	    T(test_io_out_byte_and_word),
	    T(test_string_io_ends_partition),
	    T(test_io_bad_size_ends_partition),
	    T(test_vmcall),
	    T(test_hlt_with_interrupts_on),
	    T(test_ept_violation_wording),
	    T(test_ept_misconfig),
	    T(test_triple_fault),
	    T(test_nmi_resumes_other_exception_ends),
	    T(test_external_interrupt_and_timer_resume),
	    T(test_unhandled_exit_reasons),
	    T(test_entry_failure_exits),
	    T(test_vmfail_valid_and_invalid),
	    T(test_run_marks_partition_running),
	    T(test_exit_counts_exact),
	    T(test_format_exit_counts_edges),
	    T(test_partition_end_first_reason_wins),
	    T(test_partition_state_names),
	    T(test_exit_reason_names),
	    T(test_vm_instruction_error_texts),
	    T(test_cpuid_filter_directly),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
