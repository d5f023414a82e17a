/*
 * Host tests for the exits a Linux guest causes, run through the real
 * vcpu_run() against scripted exits (tests/fakes/fake_vmx_enter.c): MSR
 * and control-register accesses (the APIC's switch from xAPIC to x2APIC
 * mode among them), XSETBV, CPUID as Linux sees it, port I/O to the UART,
 * the CMOS clock and the reset ports, hypercalls, HLT with and without a
 * timer, time slices on a shared CPU (vcpu_run_slice), the fault exits,
 * and one scripted boot-to-power-off run that prints, switches to x2APIC,
 * arms the TSC-deadline timer, sleeps, takes the interrupt and powers off.
 * Each test checks what the guest sees at its next entry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/exit_handlers.h"
#include "core/guest_msr.h"
#include "core/hypercall.h"
#include "core/measurements.h"
#include "core/partition.h"
#include "core/vcpu_events.h"
#include "core/vcpu_run.h"
#include "fake/console.h"
#include "fake/cpu.h"
#include "arch/host_ioapic.h"
#include "fake/host_ioapic.h"
#include "fake/lapic.h"
#include "fake/vmcs.h"
#include "fake/vmx_enter.h"
#include "partition_fixture.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_cpu.h"

#define START_RIP     0x1000
#define RFLAGS_FIXED  0x2ULL
#define RFLAGS_IF     0x202ULL
#define TSC_HZ        2000000000ULL
#define TSC_START     1000000ULL
#define ENTRY_BASE    0xd1ffu /* VM-entry controls, IA-32e mode (bit 9) clear */
#define IA32E_MODE    (1u << 9)
#define CR0_SHADOW    0x11ULL /* PE | ET, as the boot protocol enters */
#define CR0_FIXED0    0x80000021ULL
#define CR4_PAE       (1ULL << 5)
#define CR4_OSXSAVE   (1ULL << 18)
#define GP_INFO       0x80000b0dULL /* valid, hardware exception, code, #GP */
#define UD_INFO       0x80000306ULL /* valid, hardware exception, #UD */
#define MISC_HLT      (1ULL << 6)   /* IA32_VMX_MISC: HLT activity state */
#define WINDOW        (1u << 2)     /* interrupt-window exiting */
#define PAT_DEFAULT   0x0007040600070406ULL
#define MSR_SVR       0x80f
#define MSR_EOI       0x80b
#define MSR_LVT_TIMER 0x832
#define LVT_DEADLINE  0x400ecULL /* TSC-deadline mode, vector 0xec */

static struct partition part;

/* A Linux partition as linux_partition_run() builds it: one vCPU with
 * APIC ID 0 in 32-bit protected mode, a 2 GHz TSC, a CPU with the HLT
 * activity state and the common CR0 fixed bits. */
static int setup(void **state)
{
	(void)state;
	partition_fixture(&part, "linux");
	exit_msr_forget_notes();
	part.vcpus[0].tsc_hz = TSC_HZ;
	uart_init(&part.uart, partition_console_byte, NULL, &part);
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	memset(&vmx_features, 0, sizeof(vmx_features));
	vmx_caps.cr0_fixed0 = CR0_FIXED0;
	vmx_caps.cr0_fixed1 = 0xffffffff;
	vmx_caps.misc = MISC_HLT;
	fake_cpu.tsc = TSC_START;
	fake_vmcs_set(GUEST_RIP, START_RIP);
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_FIXED);
	fake_vmcs_set(GUEST_RSP, 0);
	fake_vmcs_set(CR0_READ_SHADOW, CR0_SHADOW);
	fake_vmcs_set(GUEST_CR0, CR0_SHADOW | 0x20);
	fake_vmcs_set(GUEST_CR4, 0);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 0);
	fake_vmcs_set(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, 0);
	fake_vmcs_set(VM_ENTRY_CONTROLS, ENTRY_BASE);
	fake_vmcs_set(GUEST_IA32_EFER, 0);
	fake_vmcs_set(GUEST_IA32_PAT, PAT_DEFAULT);
	return 0;
}

static struct fake_exit *wrmsr(uint64_t rip, uint32_t msr, uint64_t value)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_MSR_WRITE, rip, 2);
	s->load_rcx = s->load_rax = s->load_rdx = true;
	s->rcx = msr;
	s->rax = (uint32_t)value;
	s->rdx = value >> 32;
	return s;
}

static struct fake_exit *rdmsr(uint64_t rip, uint32_t msr)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_MSR_READ, rip, 2);
	s->load_rcx = true;
	s->rcx = msr;
	return s;
}

/* Exit qualification of an I/O instruction (SDM Table 28-5). */
static uint64_t io_qualification(uint16_t port, unsigned size, bool in)
{
	return (uint64_t)(size - 1) | (in ? 1u << 3 : 0) | ((uint64_t)port << 16);
}

static struct fake_exit *out(uint64_t rip, uint16_t port, unsigned size, uint64_t rax)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1);
	s->qualification = io_qualification(port, size, false);
	s->load_rax = true;
	s->rax = rax;
	return s;
}

static struct fake_exit *in(uint64_t rip, uint16_t port, unsigned size)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1);
	s->qualification = io_qualification(port, size, true);
	return s;
}

static struct fake_exit *vmcall(uint64_t rip, uint64_t number, uint64_t rbx, uint64_t rcx)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_VMCALL, rip, 3);
	s->load_rax = s->load_rbx = s->load_rcx = true;
	s->rax = number;
	s->rbx = rbx;
	s->rcx = rcx;
	return s;
}

static void poweroff(uint64_t rip)
{
	vmcall(rip, HYPERCALL_POWEROFF, 0, 0);
}

/* Exit qualification of a control-register access (SDM Table 28-3). */
static uint64_t cr_qualification(unsigned cr, unsigned type, unsigned gpr)
{
	return cr | (type << 4) | (gpr << 8);
}

static struct fake_exit *mov_to_cr0(uint64_t rip, uint64_t value)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_CR_ACCESS, rip, 3);
	s->qualification = cr_qualification(0, 0, 0); /* mov %rax, %cr0 */
	s->load_rax = true;
	s->rax = value;
	return s;
}

static void run(void)
{
	unsigned steps = fake_script_install();
	vcpu_run(&part.vcpus[0]);
	assert_int_equal(fake_vmx_entry_count(), steps);
}

static void expect_end(enum partition_state state, const char *reason)
{
	assert_string_equal(partition_state_name(part.state), partition_state_name(state));
	assert_string_equal(part.reason, reason);
}

static const struct fake_entry *entry(unsigned index)
{
	return fake_vmx_entry(index);
}

/* Was an event injected at this entry? Its interruption information. */
static uint64_t injected_at(unsigned index)
{
	uint64_t info = entry(index)->intr_info;
	return info != FAKE_FIELD_UNSET && (info >> 31) ? info : 0;
}

/* ---- MSR exits ---- */

static void test_rdmsr_splits_into_edx_eax(void **state)
{
	(void)state;
	part.vcpus[0].regs.rax = part.vcpus[0].regs.rdx = ~0ULL;
	rdmsr(0x1000, MSR_IA32_APIC_BASE);
	rdmsr(0x1002, MSR_IA32_TSC)->tsc_at_exit = 0x123456789aULL;
	poweroff(0x1004);
	run();
	/* Both halves zero-extended, as RDMSR does. The APIC starts in
	 * xAPIC mode: enabled and BSP, x2APIC (bit 10) clear. */
	assert_int_equal(entry(1)->regs.rax, 0xfee00900);
	assert_int_equal(entry(1)->regs.rdx, 0);
	assert_int_equal(entry(1)->guest_rip, 0x1002);
	assert_int_equal(entry(2)->regs.rax, 0x3456789a);
	assert_int_equal(entry(2)->regs.rdx, 0x12);
	assert_int_equal(entry(2)->guest_rip, 0x1004);
	assert_int_equal(injected_at(1) | injected_at(2), 0);
}

static void test_wrmsr_joins_edx_eax(void **state)
{
	(void)state;
	struct fake_exit *s = wrmsr(0x1000, MSR_IA32_EFER, 0x100);
	s->rax = 0xdead000000000100ULL; /* the upper half of RAX is ignored */
	wrmsr(0x1002, MSR_IA32_PAT, 0x0006070400060704ULL);
	poweroff(0x1004);
	run();
	assert_int_equal(part.vcpus[0].efer, 0x100);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x100);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_PAT), 0x0006070400060704ULL);
	assert_int_equal(entry(1)->guest_rip, 0x1002);
	assert_int_equal(entry(2)->guest_rip, 0x1004);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_MSR_WRITE], 2);
}

static void test_refused_msr_access_gets_gp(void **state)
{
	(void)state;
	part.vcpus[0].regs.rax = 0x5555;
	rdmsr(0x1000, 0x3b);                 /* IA32_TSC_ADJUST */
	wrmsr(0x1000, 0x48, 0x100000001ULL); /* IA32_SPEC_CTRL */
	poweroff(0x1000);
	run();
	/* The fault belongs to the instruction: RIP stays, RAX untouched. */
	assert_int_equal(injected_at(1), GP_INFO);
	assert_int_equal(entry(1)->error_code, 0);
	assert_int_equal(entry(1)->guest_rip, 0x1000);
	assert_int_equal(entry(1)->regs.rax, 0x5555);
	assert_int_equal(injected_at(2), GP_INFO);
	assert_int_equal(entry(2)->guest_rip, 0x1000);
	assert_string_equal(
	    fake_console_text(),
	    "solo: [linux] rdmsr MSR 0x3b (0x0): #GP (noted once per boot)\n"
	    "solo: [linux] wrmsr MSR 0x48 (0x100000001): #GP (noted once per boot)\n");
	assert_int_equal(part.vcpus[0].msr_refusals, 2);
}

static void test_each_refused_msr_noted_once(void **state)
{
	(void)state;
	for (unsigned i = 0; i < 10; i++)
		rdmsr(0x1000, 0x1d9); /* IA32_DEBUGCTL */
	poweroff(0x1000);
	run();
	assert_int_equal(part.vcpus[0].msr_refusals, 10);
	assert_int_equal(fake_console_writes(), 1);
	assert_string_equal(fake_console_text(),
	                    "solo: [linux] rdmsr MSR 0x1d9 (0x0): #GP (noted once per boot)\n");
	for (unsigned e = 1; e <= 10; e++)
		assert_int_equal(injected_at(e), GP_INFO);
}

static void test_linux_boot_probes_refused_quietly(void **state)
{
	(void)state;
	static const uint32_t probes[] = {0x4e, 0x34, 0x140, 0x64e, 0xc0011029};
	for (unsigned i = 0; i < 5; i++)
		rdmsr(0x1000, probes[i]);
	poweroff(0x1000);
	run();
	for (unsigned e = 1; e <= 5; e++)
		assert_int_equal(injected_at(e), GP_INFO);
	assert_int_equal(part.vcpus[0].msr_refusals, 5); /* counted */
	assert_int_equal(fake_console_writes(), 0);      /* not noted */
}

static void test_x2apic_and_tsc_deadline_through_msr_exits(void **state)
{
	(void)state;
	/* In xAPIC mode the x2APIC MSRs are #GP, reads and writes alike. */
	part.vcpus[0].regs.rax = 0x5555;
	rdmsr(0x1000, 0x802);
	wrmsr(0x1000, MSR_SVR, 0x1ff);
	/* The switch, as Linux's x2apic_enable() writes it. */
	wrmsr(0x1000, MSR_IA32_APIC_BASE, 0xfee00d00);
	rdmsr(0x1002, MSR_IA32_APIC_BASE);
	wrmsr(0x1004, MSR_SVR, 0x1ff);
	wrmsr(0x1006, MSR_LVT_TIMER, LVT_DEADLINE);
	wrmsr(0x1008, MSR_IA32_TSC_DEADLINE, 0x1234567890ULL);
	rdmsr(0x100a, MSR_IA32_TSC_DEADLINE);
	rdmsr(0x100c, MSR_EOI); /* write-only */
	poweroff(0x100e);
	run();
	assert_int_equal(injected_at(1), GP_INFO);
	assert_int_equal(entry(1)->guest_rip, 0x1000);
	assert_int_equal(entry(1)->regs.rax, 0x5555);
	assert_int_equal(injected_at(2), GP_INFO);
	assert_int_equal(entry(2)->guest_rip, 0x1000);
	assert_int_equal(injected_at(3), 0);
	assert_int_equal(entry(3)->guest_rip, 0x1002);
	assert_true(part.vcpus[0].apic.x2apic_mode);
	assert_int_equal(entry(4)->regs.rax, 0xfee00d00);
	assert_int_equal(entry(4)->regs.rdx, 0);
	assert_int_equal(part.vcpus[0].apic.svr, 0x1ff);
	assert_int_equal(part.vcpus[0].apic.lvt_timer, LVT_DEADLINE);
	assert_int_equal(part.vcpus[0].apic.timer_deadline, 0x1234567890ULL);
	assert_int_equal(entry(8)->regs.rax, 0x34567890);
	assert_int_equal(entry(8)->regs.rdx, 0x12);
	assert_int_equal(injected_at(9), GP_INFO);
	assert_int_equal(entry(9)->guest_rip, 0x100c);
	for (unsigned e = 3; e <= 8; e++)
		assert_int_equal(injected_at(e), 0);
	assert_int_equal(part.vcpus[0].msr_refusals, 3);
}

/* ---- Control registers ---- */

static void test_cr0_paging_with_lme_enters_long_mode(void **state)
{
	(void)state;
	part.vcpus[0].efer = EFER_LME;
	fake_vmcs_set(GUEST_CR4, CR4_PAE);
	mov_to_cr0(0x1000, 0x80000011); /* PG | ET | PE */
	poweroff(0x1003);
	run();
	assert_int_equal(entry(1)->guest_rip, 0x1003);
	assert_int_equal(injected_at(1), 0);
	/* The guest reads what it wrote; the CPU runs with NE as well. */
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0x80000011);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), 0x80000031);
	assert_int_equal(part.vcpus[0].efer, EFER_LME | EFER_LMA);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x500);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS), ENTRY_BASE | IA32E_MODE);
}

static void test_cr0_paging_off_leaves_long_mode(void **state)
{
	(void)state;
	part.vcpus[0].efer = EFER_LME | EFER_LMA | EFER_SCE;
	fake_vmcs_set(GUEST_CR4, CR4_PAE);
	fake_vmcs_set(CR0_READ_SHADOW, 0x80000011);
	fake_vmcs_set(GUEST_CR0, 0x80000031);
	fake_vmcs_set(VM_ENTRY_CONTROLS, ENTRY_BASE | IA32E_MODE);
	mov_to_cr0(0x1000, 0x11);
	poweroff(0x1003);
	run();
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0x11);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), 0x31);
	assert_int_equal(part.vcpus[0].efer, EFER_LME | EFER_SCE);
	assert_int_equal(fake_vmcs_get(GUEST_IA32_EFER), 0x101);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS), ENTRY_BASE);
}

static void test_cr0_paging_without_lme_stays_32_bit(void **state)
{
	(void)state;
	mov_to_cr0(0x1000, 0x80000011);
	/* Other CR0 bits change with paging on: no mode change either. */
	mov_to_cr0(0x1003, 0xe0000011); /* CD | NW as well */
	poweroff(0x1006);
	run();
	assert_int_equal(part.vcpus[0].efer, 0);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS), ENTRY_BASE);
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0xe0000011);
	assert_int_equal(fake_vmcs_get(GUEST_CR0), 0xe0000031);
	assert_int_equal(entry(2)->guest_rip, 0x1006);
}

/* Each write must be refused with #GP and change nothing. */
static void expect_cr0_gp(uint64_t efer, uint64_t cr4, uint64_t value)
{
	setup(NULL);
	part.vcpus[0].efer = efer;
	fake_vmcs_set(GUEST_CR4, cr4);
	mov_to_cr0(0x1000, value);
	poweroff(0x1000);
	run();
	assert_int_equal(injected_at(1), GP_INFO);
	assert_int_equal(entry(1)->error_code, 0);
	assert_int_equal(entry(1)->guest_rip, 0x1000);
	assert_int_equal(fake_vmcs_writes(CR0_READ_SHADOW), 0);
	assert_int_equal(fake_vmcs_writes(GUEST_CR0), 0);
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), CR0_SHADOW);
	assert_int_equal(fake_vmcs_get(VM_ENTRY_CONTROLS), ENTRY_BASE);
	assert_int_equal(part.vcpus[0].efer, efer);
}

static void test_cr0_invalid_writes_get_gp(void **state)
{
	(void)state;
	expect_cr0_gp(0, 0, 0x80000010);              /* PG without PE */
	expect_cr0_gp(EFER_LME, 0, 0x80000011);       /* long mode without PAE */
	expect_cr0_gp(0, 0, 0x20000011);              /* NW without CD */
	expect_cr0_gp(0, 0, 0x100000011ULL);          /* bits 63:32 */
	expect_cr0_gp(EFER_LME, CR4_PAE, 0x80000010); /* PG without PE, with LME */
}

static void test_cr4_write_exit_gets_gp(void **state)
{
	(void)state;
	/* Only a write setting CR4.VMXE or CR4.PKE exits: no nested VMX, no
	 * protection keys (PKRU is not switched between partitions). */
	struct fake_exit *s = fake_script_step(EXIT_REASON_CR_ACCESS, 0x1000, 3);
	s->qualification = cr_qualification(4, 0, 1);
	s->load_rcx = true;
	s->rcx = 0x2020;
	s = fake_script_step(EXIT_REASON_CR_ACCESS, 0x1000, 3);
	s->qualification = cr_qualification(4, 0, 1);
	s->load_rcx = true;
	s->rcx = 0x400020;
	poweroff(0x1000);
	run();
	assert_int_equal(injected_at(1), GP_INFO);
	assert_int_equal(entry(1)->guest_rip, 0x1000);
	assert_int_equal(injected_at(2), GP_INFO);
	assert_int_equal(entry(2)->guest_rip, 0x1000);
}

static void test_cr0_source_register_decoded(void **state)
{
	(void)state;
	/* mov %rbx, %cr0 and mov %rsp, %cr0 (RSP lives in the VMCS). */
	struct fake_exit *s = fake_script_step(EXIT_REASON_CR_ACCESS, 0x1000, 3);
	s->qualification = cr_qualification(0, 0, 3);
	s->load_rbx = true;
	s->rbx = 0x13;
	s = fake_script_step(EXIT_REASON_CR_ACCESS, 0x1003, 3);
	s->qualification = cr_qualification(0, 0, 4);
	fake_script_write(s, GUEST_RSP, 0x80000011);
	poweroff(0x1006);
	run();
	assert_int_equal(entry(1)->guest_rip, 0x1003);
	assert_int_equal(fake_vmcs_get(CR0_READ_SHADOW), 0x80000011);
	assert_int_equal(fake_vmcs_writes(CR0_READ_SHADOW), 2);
}

static void expect_cr_access_ends(uint64_t qualification, const char *reason)
{
	setup(NULL);
	fake_script_step(EXIT_REASON_CR_ACCESS, 0x1234, 3)->qualification = qualification;
	run();
	expect_end(PARTITION_CRASHED, reason);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1234);
}

static void test_unexpected_cr_accesses_end_the_partition(void **state)
{
	(void)state;
	expect_cr_access_ends(cr_qualification(0, 1, 0), "unexpected control-register access "
	                                                 "(qualification 0x10) at RIP 0x1234");
	expect_cr_access_ends(cr_qualification(0, 2, 0), "unexpected control-register access "
	                                                 "(qualification 0x20) at RIP 0x1234");
	expect_cr_access_ends(cr_qualification(0, 3, 0), "unexpected control-register access "
	                                                 "(qualification 0x30) at RIP 0x1234");
	expect_cr_access_ends(cr_qualification(3, 0, 2), "unexpected control-register access "
	                                                 "(qualification 0x203) at RIP 0x1234");
	expect_cr_access_ends(cr_qualification(8, 0, 0), "unexpected control-register access "
	                                                 "(qualification 0x8) at RIP 0x1234");
}

/* ---- XSETBV ---- */

static void test_xcr0_rules(void **state)
{
	(void)state;
	const uint64_t all = 0x2ff; /* x87 .. AVX-512, MPX, PT-less */
	assert_true(xcr0_valid(0x1, all));
	assert_true(xcr0_valid(0x3, all));
	assert_true(xcr0_valid(0x7, all));
	assert_true(xcr0_valid(0x1b, all));  /* MPX pair */
	assert_true(xcr0_valid(0xe7, all));  /* AVX-512 trio with AVX */
	assert_true(xcr0_valid(0x207, all)); /* PKRU */
	assert_false(xcr0_valid(0x0, all));  /* x87 is always on */
	assert_false(xcr0_valid(0x2, all));
	assert_false(xcr0_valid(0x5, all));  /* AVX without SSE */
	assert_false(xcr0_valid(0xb, all));  /* BNDREGS without BNDCSR */
	assert_false(xcr0_valid(0x13, all)); /* BNDCSR without BNDREGS */
	assert_false(xcr0_valid(0x27, all)); /* one of the AVX-512 trio */
	assert_false(xcr0_valid(0x67, all));
	assert_false(xcr0_valid(0xe3, all)); /* AVX-512 without AVX */
	/* Nothing the CPU lacks. */
	assert_false(xcr0_valid(0x7, 0x3));
	assert_false(xcr0_valid(0x1ULL | (1ULL << 40), all));
	assert_true(xcr0_valid(0x1ULL | (1ULL << 40), all | (1ULL << 40)));
}

static struct fake_exit *xsetbv(uint64_t rip, uint32_t index, uint64_t value)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_XSETBV, rip, 3);
	s->load_rcx = s->load_rax = s->load_rdx = true;
	s->rcx = index;
	s->rax = (uint32_t)value;
	s->rdx = value >> 32;
	return s;
}

static void test_xsetbv_exit(void **state)
{
	(void)state;
	/* The host supports x87, SSE, AVX and AVX-512. */
	fake_cpuid_set(0xd, 0, (struct cpuid_regs){.eax = 0xe7});
	xsetbv(0x1000, 0, 0x7);
	xsetbv(0x1003, 1, 0x7);        /* only XCR0 exists */
	xsetbv(0x1003, 0, 0x5);        /* AVX without SSE */
	xsetbv(0x1003, 0, 0x1f);       /* MPX: not on this CPU */
	xsetbv(0x1003, 0, 1ULL << 32); /* EDX is the upper half */
	xsetbv(0x1003, 0, 0xe7);
	poweroff(0x1006);
	run();
	assert_int_equal(entry(1)->guest_rip, 0x1003);
	assert_int_equal(injected_at(1), 0);
	for (unsigned e = 2; e <= 5; e++) {
		assert_int_equal(injected_at(e), GP_INFO);
		assert_int_equal(entry(e)->guest_rip, 0x1003);
	}
	assert_int_equal(entry(6)->guest_rip, 0x1006);
	assert_int_equal(fake_cpu.xsetbv_calls, 2);
	assert_int_equal(fake_cpu.xcr0, 0xe7);
	assert_int_equal(part.vcpus[0].xcr0, 0xe7);
}

/* ---- CPUID ---- */

static const struct cpuid_context ctx = {.apic_id = 3, .tsc_hz = 2500000000ULL};

static struct cpuid_regs filtered(uint32_t leaf, uint32_t subleaf, struct cpuid_regs host)
{
	cpuid_filter(leaf, subleaf, &ctx, &host);
	return host;
}

static const struct cpuid_regs ONES = {~0u, ~0u, ~0u, ~0u};

static void expect_regs(struct cpuid_regs r, uint32_t eax, uint32_t ebx, uint32_t ecx, uint32_t edx)
{
	assert_int_equal(r.eax, eax);
	assert_int_equal(r.ebx, ebx);
	assert_int_equal(r.ecx, ecx);
	assert_int_equal(r.edx, edx);
}

static void test_cpuid_leaf_0_covers_the_tsc_leaves(void **state)
{
	(void)state;
	expect_regs(filtered(0, 0, (struct cpuid_regs){0xd, 1, 2, 3}), 0x16, 1, 2, 3);
	expect_regs(filtered(0, 0, (struct cpuid_regs){0x20, 1, 2, 3}), 0x20, 1, 2, 3);
}

static void test_cpuid_leaf_1(void **state)
{
	(void)state;
	/* Every bit solo hides, one at a time. */
	const unsigned ecx_hidden[] = {3, 4, 5, 6, 7, 8, 11, 15};
	for (unsigned i = 0; i < sizeof(ecx_hidden) / sizeof(ecx_hidden[0]); i++) {
		struct cpuid_regs r =
		    filtered(1, 0, (struct cpuid_regs){.ecx = 1u << ecx_hidden[i]});
		assert_int_equal(r.ecx, 0x81200000); /* only what solo adds */
	}
	const unsigned edx_hidden[] = {7, 12, 14, 21, 22, 29, 31};
	for (unsigned i = 0; i < sizeof(edx_hidden) / sizeof(edx_hidden[0]); i++)
		assert_int_equal(
		    filtered(1, 0, (struct cpuid_regs){.edx = 1u << edx_hidden[i]}).edx, 0);
	/* All ones in: the family in EAX kept; EBX gets 1 logical processor
	 * and APIC ID 3; hypervisor, x2APIC and TSC deadline set; OSXSAVE
	 * follows the guest's CR4 (clear here), not the host. */
	expect_regs(filtered(1, 0, ONES), ~0u, 0x0301ffff, 0xf7ff7607, 0x5f9faf7f);
	struct cpuid_context osxsave = ctx;
	osxsave.guest_osxsave = true;
	struct cpuid_regs r = {0};
	cpuid_filter(1, 0, &osxsave, &r);
	assert_int_equal(r.ecx, 0x89200000);
	/* SSE3, PCID, AVX and friends pass through. */
	assert_int_equal(filtered(1, 0, (struct cpuid_regs){.ecx = 0x10020001}).ecx, 0x91220001);
}

static void test_cpuid_zeroed_and_replaced_leaves(void **state)
{
	(void)state;
	expect_regs(filtered(5, 0, ONES), 0, 0, 0, 0);   /* MONITOR/MWAIT */
	expect_regs(filtered(0xa, 0, ONES), 0, 0, 0, 0); /* perfmon */
	/* Leaf 6: ARAT (the APIC timer keeps running in deep C-states)
	 * and nothing else. */
	expect_regs(filtered(6, 0, ONES), 4, 0, 0, 0);
	expect_regs(filtered(6, 0, (struct cpuid_regs){0}), 4, 0, 0, 0);
}

static void test_cpuid_leaf_7(void **state)
{
	(void)state;
	/* Hidden: TSC_ADJUST, SGX, HLE, INVPCID, RTM, RDT-M, MPX, RDT-A, PT;
	 * PKU, OSPKE, WAITPKG, LA57, RDPID (it reads TSC_AUX, which solo
	 * does not switch), SGX-LC; hybrid, the speculation-control MSRs and
	 * SSBD. */
	expect_regs(filtered(7, 0, ONES), ~0u, 0xfdff23e9, 0xbfbeffc7, 0x43ff7fff);
	/* AVX2, ERMS, SMEP, SMAP stay. */
	expect_regs(filtered(7, 0, (struct cpuid_regs){0, 0x00180328, 0, 0}), 0, 0x00180328, 0, 0);
	expect_regs(filtered(7, 1, ONES), 0, 0, 0, 0);
	expect_regs(filtered(7, 2, ONES), 0, 0, 0, 0);
}

static void test_cpuid_topology(void **state)
{
	(void)state;
	const uint32_t leaves[] = {0xb, 0x1f};
	for (unsigned i = 0; i < 2; i++) {
		/* Subleaf 0: SMT level, one thread, shift 0; x2APIC ID in EDX. */
		expect_regs(filtered(leaves[i], 0, ONES), 0, 1, 0x100, 3);
		/* Subleaf 1 onward: invalid level, the subleaf echoed in ECX. */
		expect_regs(filtered(leaves[i], 1, ONES), 0, 0, 1, 3);
		expect_regs(filtered(leaves[i], 5, ONES), 0, 0, 5, 3);
	}
}

static void test_cpuid_xsave_leaf(void **state)
{
	(void)state;
	/* 0xd.1: XSAVEOPT and XGETBV1 stay; XSAVEC (bit 1) and XSAVES (bit
	 * 3) go: guests keep to the standard format. */
	expect_regs(filtered(0xd, 1, (struct cpuid_regs){0xf, 0x440, 0x100, 0}), 0x5, 0x440, 0x100,
	            0);
	expect_regs(filtered(0xd, 0, (struct cpuid_regs){0x2e7, 0xa88, 0xa88, 0}), 0x2e7, 0xa88,
	            0xa88, 0);
}

static void test_cpuid_tsc_frequency(void **state)
{
	(void)state;
	/* TSC = crystal (ECX Hz) * EBX / EAX. */
	expect_regs(filtered(0x15, 0, ONES), 1, 1, 2500000000u, 0);
	/* Base and maximum MHz, bus 100 MHz. */
	expect_regs(filtered(0x16, 0, ONES), 2500, 2500, 100, 0);
}

static void test_cpuid_hypervisor_leaves(void **state)
{
	(void)state;
	/* "solosolosolo", up to 0x40000001. */
	expect_regs(filtered(0x40000000, 0, ONES), 0x40000001, 0x6f6c6f73, 0x6f6c6f73, 0x6f6c6f73);
	expect_regs(filtered(0x40000001, 0, ONES), 1, 0, 0, 0);
	/* "KVMKVMKVM\0\0\0", up to 0x40000101, which has no features. */
	struct cpuid_regs kvm = filtered(0x40000100, 0, ONES);
	expect_regs(kvm, 0x40000101, 0x4b4d564b, 0x564b4d56, 0x4d);
	char signature[12];
	memcpy(signature, &kvm.ebx, 4);
	memcpy(signature + 4, &kvm.ecx, 4);
	memcpy(signature + 8, &kvm.edx, 4);
	assert_memory_equal(signature, "KVMKVMKVM\0\0\0", 12);
	expect_regs(filtered(0x40000101, 0, ONES), 0, 0, 0, 0);
	expect_regs(filtered(0x40000002, 0, ONES), 0, 0, 0, 0);
	expect_regs(filtered(0x4000ffff, 0, ONES), 0, 0, 0, 0);
}

static void test_cpuid_extended_leaves(void **state)
{
	(void)state;
	/* RDTSCP (0x80000001 EDX bit 27) is hidden; NX, LM, LAHF stay. */
	expect_regs(filtered(0x80000001, 0, ONES), ~0u, ~0u, ~0u, 0xf7ffffff);
	expect_regs(filtered(0x80000001, 0, (struct cpuid_regs){0, 0, 0x121, 0x2c100800}), 0, 0,
	            0x121, 0x24100800);
	expect_regs(filtered(0x80000008, 0, (struct cpuid_regs){0x3027, 0, 0, 0}), 0x3027, 0, 0, 0);
	expect_regs(filtered(0x80000000, 0, ONES), ~0u, ~0u, ~0u, ~0u);
}

static void test_cpuid_exit_uses_the_vcpu(void **state)
{
	(void)state;
	x2apic_init(&part.vcpus[0].apic, 2, 1);
	fake_vmcs_set(GUEST_CR4, CR4_OSXSAVE | CR4_PAE);
	fake_cpuid_set(1, 0, (struct cpuid_regs){0x906ea, 0x00100800, 0x0, 0x0});
	struct fake_exit *s = fake_script_step(EXIT_REASON_CPUID, 0x1000, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 1;
	s->rcx = 0;
	fake_cpuid_set(0x15, 0, (struct cpuid_regs){2, 184, 24000000, 0});
	s = fake_script_step(EXIT_REASON_CPUID, 0x1002, 2);
	s->load_rax = s->load_rcx = true;
	s->rax = 0x15;
	s->rcx = 0;
	poweroff(0x1004);
	run();
	assert_int_equal(entry(1)->regs.rbx, 0x02010800);
	assert_int_equal(entry(1)->regs.rcx, 0x89200000); /* with OSXSAVE */
	assert_int_equal(entry(2)->regs.rax, 1);
	assert_int_equal(entry(2)->regs.rbx, 1);
	assert_int_equal(entry(2)->regs.rcx, TSC_HZ);
	assert_int_equal(entry(2)->guest_rip, 0x1004);
}

/* ---- Port I/O ---- */

static void test_uart_output_reaches_the_console(void **state)
{
	(void)state;
	const char *text = "ok\r\n";
	uint64_t rip = 0x1000;
	for (const char *c = text; *c; c++)
		out(rip++, 0x3f8, 1, 0xabcd00 | (uint8_t)*c);
	poweroff(rip);
	run();
	assert_string_equal(fake_console_text(), "[linux] ok\n");
	assert_int_equal(part.uart.bytes_out, 4);
	assert_int_equal(entry(4)->guest_rip, 0x1004);
	expect_end(PARTITION_STOPPED, "power-off");
}

static void test_uart_registers_through_io(void **state)
{
	(void)state;
	part.vcpus[0].regs.rax = 0x1122334455667700ULL;
	in(0x1000, 0x3fd, 1);          /* LSR: THRE | TEMT */
	out(0x1001, 0x3ff, 1, 0x335a); /* scratch, from AL */
	in(0x1002, 0x3ff, 1);
	out(0x1003, 0x3f8, 2, 0x4142); /* not byte-wide: dropped */
	in(0x1004, 0x3fd, 2);          /* likewise: unclaimed */
	out(0x1005, 0x3fb, 1, 0x80);   /* LCR: DLAB */
	out(0x1006, 0x3f8, 1, 0x0c);   /* DLL, no output */
	poweroff(0x1007);
	run();
	assert_int_equal(entry(1)->regs.rax, 0x1122334455667760ULL);
	assert_int_equal(part.uart.scr, 0x5a);
	assert_int_equal(entry(3)->regs.rax, 0x335a);
	assert_int_equal(entry(5)->regs.rax, 0xffff);
	assert_int_equal(part.uart.lcr, 0x80);
	assert_int_equal(part.uart.divisor, 0x0c);
	assert_int_equal(part.uart.bytes_out, 0);
	assert_int_equal(fake_console_length(), 0);
}

static void test_unclaimed_ports_read_all_ones(void **state)
{
	(void)state;
	part.vcpus[0].regs.rax = 0x1234;
	in(0x1000, 0x61, 1);
	in(0x1001, 0x3e8, 1); /* COM3: no device */
	in(0x1002, 0xcfc, 4);
	out(0x1003, 0x80, 1, 0x42);
	poweroff(0x1004);
	run();
	assert_int_equal(entry(1)->regs.rax, 0x12ff);
	assert_int_equal(entry(2)->regs.rax, 0x12ff);
	assert_int_equal(entry(3)->regs.rax, 0xffffffff);
	assert_int_equal(part.vcpus[0].last_out_port, 0x80);
	assert_int_equal(part.state, PARTITION_STOPPED);
	const struct fake_port_access *log;
	assert_int_equal(fake_port_log(&log), 0); /* no real port touched */
}

static void test_rtc_through_io(void **state)
{
	(void)state;
	/* The partition's clock as partition_devices_init() sets it up,
	 * from the wall-clock time solo read at boot. */
	const struct rtc_clock now = {.at = {.seconds = 0x07,
	                                     .minutes = 0x45,
	                                     .hours = 0x13,
	                                     .weekday = 0x03,
	                                     .day = 0x31,
	                                     .month = 0x12,
	                                     .year = 0x24,
	                                     .century = 0x20},
	                              .tsc = fake_cpu.tsc,
	                              .hz = TSC_HZ};
	partition_devices_set_time(&now);
	partition_devices_init(&part);
	/* Linux's mach_get_cmos_time(): wait for UIP clear, then the
	 * registers, each an index OUT and a data IN. */
	const uint8_t index[] = {0x0a, 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32, 0x0b, 0x0d, 0x8c};
	const uint8_t value[] = {0x26, 0x07, 0x45, 0x13, 0x31, 0x12, 0x24, 0x20, 0x02, 0x80, 0x00};
	uint64_t rip = 0x1000;
	for (unsigned i = 0; i < sizeof(index); i++) {
		out(rip, 0x70, 1, 0x5a00 | index[i]);
		in(rip + 1, 0x71, 1);
		rip += 2;
	}
	/* The guest cannot set the clock. */
	out(rip, 0x70, 1, 0x5a00);
	out(rip + 1, 0x71, 1, 0x5a59);
	in(rip + 2, 0x71, 1);
	/* The index port reads as an empty bus; wider accesses are not
	 * the clock's. */
	in(rip + 3, 0x70, 1);
	in(rip + 4, 0x71, 2);
	poweroff(rip + 5);
	run();
	/* Each IN merges its byte into the RAX the OUT before it left
	 * (the index, upper bytes 0x5a). */
	for (unsigned i = 0; i < sizeof(index); i++) {
		uint64_t rax = entry(2 * i + 2)->regs.rax;
		if (rax != (0x5a00ULL | value[i]))
			fail_msg("CMOS 0x%02x read 0x%llx", index[i], (unsigned long long)rax);
	}
	unsigned e = 2 * sizeof(index);
	assert_int_equal(entry(e + 3)->regs.rax, 0x5a07);
	assert_int_equal(entry(e + 4)->regs.rax, 0x5aff);
	assert_int_equal(entry(e + 5)->regs.rax, 0xffff);
	assert_int_equal(part.rtc.index, 0x00);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_IO_INSTRUCTION], e + 5);
	const struct fake_port_access *log;
	assert_int_equal(fake_port_log(&log), 0); /* the host's own RTC untouched */
	expect_end(PARTITION_STOPPED, "power-off");
}

/* The clock runs: read through port I/O, a reading taken 3,600.5 s
 * before now shows an hour (and the half second) later. */
static void test_rtc_runs_through_io(void **state)
{
	(void)state;
	fake_cpu.tsc = 5000 * TSC_HZ;
	const struct rtc_clock then = {.at = {.seconds = 0x59,
	                                      .minutes = 0x59,
	                                      .hours = 0x23,
	                                      .day = 0x31,
	                                      .month = 0x12,
	                                      .year = 0x24,
	                                      .century = 0x20},
	                               .tsc = fake_cpu.tsc - 3600 * TSC_HZ - TSC_HZ / 2,
	                               .hz = TSC_HZ};
	partition_devices_set_time(&then);
	partition_devices_init(&part);
	const uint8_t index[] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};
	const uint8_t value[] = {0x59, 0x59, 0x00, 0x01, 0x01, 0x25, 0x20};
	uint64_t rip = 0x1000;
	for (unsigned i = 0; i < sizeof(index); i++) {
		out(rip, 0x70, 1, index[i]);
		in(rip + 1, 0x71, 1);
		rip += 2;
	}
	poweroff(rip);
	run();
	for (unsigned i = 0; i < sizeof(index); i++)
		if ((entry(2 * i + 2)->regs.rax & 0xff) != value[i])
			fail_msg("CMOS 0x%02x read 0x%llx", index[i],
			         (unsigned long long)entry(2 * i + 2)->regs.rax);
}

static void expect_reboot(uint16_t port, uint8_t value)
{
	setup(NULL);
	out(0x1000, port, 1, value);
	run();
	expect_end(PARTITION_STOPPED, "reboot requested");
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1000);
	assert_int_equal(fake_vmx_entry_count(), 1);
}

/* Hardware-reduced ACPI's sleep registers (guest_machine.h): writing
 * SLP_EN with S5's sleep type is a power-off; any other write, or S5
 * without SLP_EN, does nothing; the status register reads 0. */
static void test_acpi_sleep_control_powers_off(void **state)
{
	(void)state;
	setup(NULL);
	part.vcpus[0].regs.rax = 0x12345678;
	in(0x1000, 0x601, 1);
	out(0x1001, 0x600, 1, 3 << 2 | 1 << 5); /* S3: not offered, ignored */
	out(0x1002, 0x600, 1, 5 << 2);          /* S5 without SLP_EN */
	out(0x1003, 0x600, 1, 5 << 2 | 1 << 5);
	run(); /* the last step is the last entry: nothing resumes after it */
	assert_int_equal(entry(1)->regs.rax, 0x12345600);
	expect_end(PARTITION_STOPPED, "power-off");
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1003);
}

static void test_reset_ports_end_the_partition(void **state)
{
	(void)state;
	expect_reboot(0x64, 0xfe);  /* keyboard controller pulse reset */
	expect_reboot(0xcf9, 0x06); /* reset control: full reset */
	expect_reboot(0xcf9, 0x04);
	expect_reboot(0xcf9, 0x0e);
}

static void test_reset_lookalikes_do_not(void **state)
{
	(void)state;
	out(0x1000, 0x64, 1, 0xd1); /* write output port command */
	out(0x1001, 0x60, 1, 0xfe);
	out(0x1002, 0xcf9, 1, 0x02);       /* system reset bit without reset CPU */
	out(0x1003, 0xcf8, 4, 0x80000004); /* PCI config address */
	poweroff(0x1004);
	run();
	expect_end(PARTITION_STOPPED, "power-off");
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_IO_INSTRUCTION], 4);
}

static void test_kernel_panic_over_the_uart_stops_at_once(void **state)
{
	(void)state;
	const char *text = "Kernel panic - not syncing: boom\n";
	uint64_t rip = 0x1000;
	for (const char *c = text; *c; c++)
		out(rip++, 0x3f8, 1, (uint8_t)*c);
	run(); /* no entry after the newline */
	expect_end(PARTITION_CRASHED, "kernel panic: boom");
	assert_string_equal(fake_console_text(), "[linux] Kernel panic - not syncing: boom\n");
	assert_int_equal(part.vcpus[0].exits_total, strlen(text));
}

/* ---- Hypercalls ---- */

static void test_hypercall_exit_status(void **state)
{
	(void)state;
	vmcall(0x1000, HYPERCALL_EXIT, 3, 0);
	run();
	expect_end(PARTITION_STOPPED, "exited with status 3");
	assert_true(part.has_exit_status);
	assert_int_equal(part.exit_status, 3);

	setup(NULL);
	vmcall(0x1000, HYPERCALL_EXIT, 255, 0);
	run();
	expect_end(PARTITION_STOPPED, "exited with status 255");
	assert_int_equal(part.exit_status, 255);
}

static void test_hypercall_exit_signal(void **state)
{
	(void)state;
	vmcall(0x1000, HYPERCALL_EXIT, 0, 9);
	run();
	expect_end(PARTITION_STOPPED, "killed by signal 9");
	assert_true(part.has_exit_status);
	assert_int_equal(part.exit_status, 137);

	setup(NULL);
	vmcall(0x1000, HYPERCALL_EXIT, 7, 64); /* a signal wins over a status */
	run();
	expect_end(PARTITION_STOPPED, "killed by signal 64");
	assert_int_equal(part.exit_status, 192);
}

static void test_hypercall_bad_arguments(void **state)
{
	(void)state;
	vmcall(0x1000, HYPERCALL_EXIT, 256, 0);
	vmcall(0x1003, HYPERCALL_EXIT, 0, 65);
	vmcall(0x1006, HYPERCALL_EXIT, ~0ULL, ~0ULL);
	vmcall(0x1009, 99, 0, 0);
	vmcall(0x100c, 0xffffffff00000002ULL, 0, 0); /* only EAX numbers the call */
	run();
	/* -EINVAL, and the guest runs on past the VMCALL. */
	for (unsigned e = 1; e <= 3; e++) {
		assert_int_equal(entry(e)->regs.rax, (uint64_t)-22);
		assert_int_equal(entry(e)->guest_rip, 0x1000 + 3 * e);
		assert_int_equal(injected_at(e), 0);
	}
	assert_int_equal(entry(4)->regs.rax, (uint64_t)-38);
	assert_false(part.has_exit_status);
	expect_end(PARTITION_STOPPED, "power-off");
}

/* The measurements, 8 bytes per register, big-endian; an unknown one
 * and a partition without any give ENOENT, a bad index EINVAL. */
static void test_hypercall_measurement(void **state)
{
	(void)state;
	static struct partition_measurements m;
	for (unsigned i = 0; i < 32; i++)
		m.digest[MEASUREMENT_CONFIG][i] = (uint8_t)(0xa0 + i);
	m.known[MEASUREMENT_CONFIG] = true;
	part.measurements = &m;
	vmcall(0x1000, HYPERCALL_MEASUREMENT, MEASUREMENT_CONFIG, 0);
	vmcall(0x1003, HYPERCALL_MEASUREMENT, MEASUREMENT_KERNEL, 0);
	vmcall(0x1006, HYPERCALL_MEASUREMENT, MEASUREMENT_COUNT, 0);
	vmcall(0x1009, HYPERCALL_MEASUREMENT, ~0ULL, 0);
	poweroff(0x100c);
	run();
	assert_int_equal(entry(1)->regs.rax, 0);
	assert_int_equal(entry(1)->regs.rbx, 0xa0a1a2a3a4a5a6a7ULL);
	assert_int_equal(entry(1)->regs.rcx, 0xa8a9aaabacadaeafULL);
	assert_int_equal(entry(1)->regs.rdx, 0xb0b1b2b3b4b5b6b7ULL);
	assert_int_equal(entry(1)->regs.rsi, 0xb8b9babbbcbdbebfULL);
	assert_int_equal(entry(2)->regs.rax, (uint64_t)-2);
	assert_int_equal(entry(3)->regs.rax, (uint64_t)-22);
	assert_int_equal(entry(4)->regs.rax, (uint64_t)-22);
	expect_end(PARTITION_STOPPED, "power-off");
	part.measurements = NULL;
}

static void test_hypercall_measurement_without_any(void **state)
{
	(void)state;
	vmcall(0x1000, HYPERCALL_MEASUREMENT, MEASUREMENT_CMDLINE, 0);
	poweroff(0x1003);
	run();
	assert_int_equal(entry(1)->regs.rax, (uint64_t)-2);
	expect_end(PARTITION_STOPPED, "power-off");
}

/* ---- HLT ---- */

static void arm_deadline_timer(uint64_t deadline)
{
	struct x2apic *apic = &part.vcpus[0].apic;
	assert_true(x2apic_write(apic, MSR_SVR, 0x1ff, 0));
	assert_true(x2apic_write(apic, MSR_LVT_TIMER, LVT_DEADLINE, 0));
	x2apic_write_tsc_deadline(apic, deadline);
}

static struct fake_exit *hlt(uint64_t rip, uint64_t rflags)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_HLT, rip, 1);
	fake_script_write(s, GUEST_RFLAGS, rflags);
	return s;
}

static void test_hlt_interrupts_off_ends(void **state)
{
	(void)state;
	arm_deadline_timer(TSC_START + 1000); /* cannot wake it with IF=0 */
	hlt(0x1000, RFLAGS_FIXED);
	run();
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x1000");
}

static void test_hlt_no_timer_ends(void **state)
{
	(void)state;
	hlt(0x1000, RFLAGS_IF);
	run();
	expect_end(PARTITION_STOPPED, "halted with no timer armed at RIP 0x1000");
}

static void test_hlt_with_other_vcpus(void **state)
{
	(void)state;
	/* A second vCPU, running on another CPU. */
	static const unsigned cpus[2] = {0, 1};
	partition_init_vcpus(&part, 2, cpus, 0);
	part.vcpus[1].run_state = VCPU_STATE_RUNNABLE;
	const struct vm_exit hlt = {
	    .basic_reason = EXIT_REASON_HLT, .instruction_length = 1, .guest_rip = 0x1000};
	/* No timer armed: vCPU 0 sleeps until an IPI instead of ending. */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	assert_int_equal(exit_hlt(&part.vcpus[0], &hlt), EXIT_ACTION_HALT);
	assert_int_equal(part.vcpus[0].halt_deadline, 0);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1001);
	/* Interrupts off: parked while vCPU 1 still runs... */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_FIXED);
	assert_int_equal(exit_hlt(&part.vcpus[0], &hlt), EXIT_ACTION_HALT);
	assert_true(part.vcpus[0].parked);
	assert_false(part.ended);
	/* ...and once vCPU 1 parks too, nothing can run again. */
	assert_int_equal(exit_hlt(&part.vcpus[1], &hlt), EXIT_ACTION_STOP);
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x1000");
}

static void test_hlt_with_timer_sleeps_in_hlt_state(void **state)
{
	(void)state;
	const uint64_t deadline = TSC_START + 600000;
	arm_deadline_timer(deadline);
	hlt(0x1000, RFLAGS_IF)->tsc_at_exit = TSC_START + 100000;
	/* The CPU wakes the halted guest for the preemption timer. */
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1001, 0)->tsc_at_exit = deadline + 25;
	poweroff(0x3000);
	run();
	/* Entered halted, past the HLT, with the timer set to the deadline. */
	assert_int_equal(entry(1)->guest_rip, 0x1001);
	assert_int_equal(entry(1)->activity_state, ACTIVITY_HLT);
	assert_int_equal(entry(1)->preemption_timer, 500000);
	assert_int_equal(injected_at(1), 0);
	/* Woken with the timer's vector. */
	assert_int_equal(injected_at(2), 0x800000ec);
	assert_int_equal(entry(2)->activity_state, ACTIVITY_ACTIVE);
	assert_int_equal(part.vcpus[0].halted_tsc, 500025);
	assert_int_equal(part.vcpus[0].halted_since, 0);
	assert_int_equal(part.vcpus[0].apic.timer_fired, 1);
}

static void test_sti_hlt_clears_the_interrupt_shadow(void **state)
{
	(void)state;
	/* Linux idles with "sti; hlt": HLT exits inside the STI shadow. The
	 * HLT activity state is invalid with blocking by STI (SDM 26.3.1.5),
	 * and the shadow is over once HLT is skipped. */
	arm_deadline_timer(TSC_START + 600000);
	struct fake_exit *s = hlt(0x1000, RFLAGS_IF);
	fake_script_write(s, GUEST_INTERRUPTIBILITY_INFO, 1);
	poweroff(0x1001);
	run();
	assert_int_equal(entry(1)->activity_state, ACTIVITY_HLT);
	assert_int_equal(entry(1)->interruptibility, 0);
}

static void test_hlt_with_interrupt_pending_does_not_sleep(void **state)
{
	(void)state;
	arm_deadline_timer(TSC_START + 600000);
	x2apic_set_irr(&part.vcpus[0].apic, 0x41);
	/* Masked by IF=0 until the HLT: then it is taken at once. */
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_FIXED);
	hlt(0x1000, RFLAGS_IF);
	poweroff(0x2000);
	run();
	assert_int_equal(entry(0)->cpu_controls, WINDOW);
	assert_int_equal(injected_at(1), 0x80000041);
	assert_int_equal(entry(1)->activity_state, ACTIVITY_ACTIVE);
	assert_int_equal(entry(1)->guest_rip, 0x1001);
	assert_int_equal(part.vcpus[0].halted_since, 0);
	assert_int_equal(fake_vmcs_writes(GUEST_ACTIVITY_STATE), 1); /* the wake only */
}

static void test_hlt_without_hlt_activity_waits_on_the_host(void **state)
{
	(void)state;
	vmx_caps.misc = 0;
	const uint64_t deadline = TSC_START + 10000;
	arm_deadline_timer(deadline);
	fake_cpu.tsc_step = 1000; /* each rdtsc moves time on */
	hlt(0x1000, RFLAGS_IF);
	poweroff(0x2000);
	run();
	/* Never entered halted; the host waited out the deadline, so the
	 * interrupt is injected at the next entry. */
	assert_int_equal(entry(1)->activity_state, ACTIVITY_ACTIVE);
	assert_int_equal(injected_at(1), 0x800000ec);
	assert_true(fake_cpu.tsc >= deadline);
	assert_true(part.vcpus[0].halted_tsc > 0);
}

/* Solo's time handling each exit is counted: from the exit back to the
 * next entry's event work, with the TSC moving 1000 per read, two reads
 * (the exit's and the next loop's) apart for each of the three exits
 * that resume; the last one (power-off) leaves without a next entry. */
static void test_exit_handling_time_counted(void **state)
{
	(void)state;
	fake_cpu.tsc_step = 1000;
	rdmsr(0x1000, 0x1b);
	rdmsr(0x1002, 0x1b);
	rdmsr(0x1004, 0x1b);
	poweroff(0x1006);
	run();
	const struct vcpu *v = &part.vcpus[0];
	assert_int_equal(v->exits_total, 4);
	/* Each resumed exit: at least the step between its two reads, and
	 * no more than the reads its handler made besides. */
	assert_true(v->exit_handling_tsc >= 3 * 1000);
	assert_true(v->exit_handling_tsc < 3 * 1000 * 8);
	assert_int_equal(v->exit_handling_tsc % 1000, 0);
}

/* ---- Time slices (vcpu_run_slice) ---- */

#define SLICE_END (TSC_START + 50000)

/* Runs the script as one slice on a shared CPU. */
static enum vcpu_stop run_shared_slice(void)
{
	unsigned steps = fake_script_install();
	part.state = PARTITION_RUNNING; /* as the start of its vCPU 0 left it */
	enum vcpu_stop stop = vcpu_run_slice(&part.vcpus[0], SLICE_END, false);
	assert_int_equal(fake_vmx_entry_count(), steps);
	return stop;
}

static void test_shared_slice_halt_gives_up_the_cpu(void **state)
{
	(void)state;
	arm_deadline_timer(TSC_START + 600000);
	hlt(0x1000, RFLAGS_IF);
	assert_int_equal(run_shared_slice(), VCPU_HALTED);
	/* Not put to sleep in the guest: the scheduler waits for the
	 * deadline. The HLT is skipped and the sleep is timed. */
	assert_int_equal(fake_vmcs_writes(GUEST_ACTIVITY_STATE), 0);
	assert_int_equal(fake_vmcs_get(GUEST_ACTIVITY_STATE), ACTIVITY_ACTIVE);
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x1001);
	assert_int_not_equal(part.vcpus[0].halted_since, 0);
	assert_string_equal(partition_state_name(part.state),
	                    partition_state_name(PARTITION_RUNNING));
}

static void test_shared_slice_preempted_when_it_ends(void **state)
{
	(void)state;
	/* Exits before the slice end resume the guest; the first after it
	 * gives the CPU back. */
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1000, 0)->tsc_at_exit = SLICE_END - 1;
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1000, 0)->tsc_at_exit = SLICE_END;
	assert_int_equal(run_shared_slice(), VCPU_PREEMPTED);
	assert_int_equal(part.vcpus[0].slice_end, SLICE_END);
	/* The preemption timer was capped at the slice end. */
	assert_int_equal(entry(0)->preemption_timer, SLICE_END - TSC_START);
	assert_int_equal(entry(1)->preemption_timer, 1);
	assert_string_equal(partition_state_name(part.state),
	                    partition_state_name(PARTITION_RUNNING));

	/* The next slice resumes where it stopped. */
	fake_script_reset();
	poweroff(0x1000);
	assert_int_equal(run_shared_slice(), VCPU_ENDED);
	assert_int_equal(entry(0)->launched, 1);
	expect_end(PARTITION_STOPPED, "power-off");
}

static void test_shared_slice_ends_with_the_partition(void **state)
{
	(void)state;
	hlt(0x1000, RFLAGS_FIXED);
	assert_int_equal(run_shared_slice(), VCPU_ENDED);
	expect_end(PARTITION_STOPPED, "halted with interrupts off at RIP 0x1000");
}

/* A host device's interrupt (a NIC with frames for solo) ends even a
 * vCPU's slice alone on its CPU, so the driver runs at once: its pin is
 * masked with the EOI (the host I/O APIC's handler). solo's own kick
 * alone on the CPU only takes its EOI, and the vCPU runs on. */
static void test_device_interrupt_ends_an_alone_slice(void **state)
{
	(void)state;
	fake_script_write(fake_script_step(EXIT_REASON_EXTERNAL_INTERRUPT, 0x1000, 0),
	                  VM_EXIT_INTR_INFO, 0x80000000u | LAPIC_KICK_VECTOR);
	fake_script_write(fake_script_step(EXIT_REASON_EXTERNAL_INTERRUPT, 0x1000, 0),
	                  VM_EXIT_INTR_INFO, 0x80000000u | HOST_IOAPIC_VECTOR);
	unsigned steps = fake_script_install();
	unsigned eois = fake_lapic.eoi_calls, taken = fake_host_ioapic.interrupts;
	assert_int_equal(vcpu_run_slice(&part.vcpus[0], SLICE_END, true), VCPU_PREEMPTED);
	assert_int_equal(fake_vmx_entry_count(), steps);
	assert_int_equal(fake_lapic.eoi_calls, eois + 1);
	assert_int_equal(fake_host_ioapic.interrupts, taken + 1);
	assert_false(part.vcpus[0].device_interrupt);
}

static void test_alone_slice_ignores_the_slice_end(void **state)
{
	(void)state;
	/* With the CPU to itself the vCPU runs past slice_end and sleeps in
	 * the HLT activity state instead of returning. */
	arm_deadline_timer(TSC_START + 600000);
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x1000, 0)->tsc_at_exit = SLICE_END + 1;
	hlt(0x1000, RFLAGS_IF);
	poweroff(0x1001);
	unsigned steps = fake_script_install();
	assert_int_equal(vcpu_run_slice(&part.vcpus[0], SLICE_END, true), VCPU_ENDED);
	assert_int_equal(fake_vmx_entry_count(), steps);
	assert_int_equal(part.vcpus[0].slice_end, UINT64_MAX);
	assert_int_equal(entry(0)->preemption_timer, 600000);
	assert_int_equal(entry(2)->activity_state, ACTIVITY_HLT);
	expect_end(PARTITION_STOPPED, "power-off");
}

/* ---- Fault exits ---- */

static void test_interrupt_window_exit_delivers(void **state)
{
	(void)state;
	assert_true(x2apic_write(&part.vcpus[0].apic, MSR_SVR, 0x1ff, 0));
	x2apic_set_irr(&part.vcpus[0].apic, 0x50);
	/* IF=0 at first: the window is asked for. */
	fake_script_write(fake_script_step(EXIT_REASON_INTERRUPT_WINDOW, 0x1000, 0), GUEST_RFLAGS,
	                  RFLAGS_IF);
	poweroff(0x1000);
	run();
	assert_int_equal(entry(0)->cpu_controls, WINDOW);
	assert_int_equal(injected_at(0), 0);
	assert_int_equal(entry(1)->guest_rip, 0x1000);
	assert_int_equal(injected_at(1), 0x80000050);
	assert_int_equal(entry(1)->cpu_controls, 0);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_INTERRUPT_WINDOW], 1);
}

static void test_vmx_instructions_get_ud(void **state)
{
	(void)state;
	const uint32_t reasons[] = {EXIT_REASON_GETSEC,   EXIT_REASON_VMCLEAR, EXIT_REASON_VMLAUNCH,
	                            EXIT_REASON_VMPTRLD,  EXIT_REASON_VMPTRST, EXIT_REASON_VMREAD,
	                            EXIT_REASON_VMRESUME, EXIT_REASON_VMWRITE, EXIT_REASON_VMXOFF,
	                            EXIT_REASON_VMXON,    EXIT_REASON_INVEPT,  EXIT_REASON_INVVPID,
	                            EXIT_REASON_VMFUNC};
	const unsigned n = sizeof(reasons) / sizeof(reasons[0]);
	for (unsigned i = 0; i < n; i++)
		fake_script_step(reasons[i], 0x1000 + i, 3);
	poweroff(0x1000 + n);
	run();
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(injected_at(i + 1), UD_INFO);
		assert_int_equal(entry(i + 1)->guest_rip, 0x1000 + i); /* a fault: not skipped */
		assert_int_equal(part.vcpus[0].exit_counts[reasons[i]], 1);
	}
	assert_false(fake_vmcs_has(VM_ENTRY_EXCEPTION_ERROR_CODE));
}

static void test_invd_and_wbinvd_skipped(void **state)
{
	(void)state;
	fake_script_step(EXIT_REASON_INVD, 0x1000, 2);
	fake_script_step(EXIT_REASON_WBINVD, 0x1002, 2);
	poweroff(0x1004);
	run();
	assert_int_equal(entry(1)->guest_rip, 0x1002);
	assert_int_equal(entry(2)->guest_rip, 0x1004);
	assert_int_equal(injected_at(1) | injected_at(2), 0);
	expect_end(PARTITION_STOPPED, "power-off");
}

/* ---- A whole run ---- */

static void test_print_sleep_interrupt_poweroff(void **state)
{
	(void)state;
	const uint64_t deadline = TSC_START + 2000000;
	out(0x1000, 0x3f8, 1, 'h');
	out(0x1001, 0x3f8, 1, 'i');
	out(0x1002, 0x3f8, 1, '\n');
	wrmsr(0x1003, MSR_IA32_APIC_BASE, 0xfee00d00); /* to x2APIC mode */
	wrmsr(0x1005, MSR_SVR, 0x1ff);
	wrmsr(0x1007, MSR_LVT_TIMER, LVT_DEADLINE);
	wrmsr(0x1009, MSR_IA32_TSC_DEADLINE, deadline)->tsc_at_exit = TSC_START + 100000;
	hlt(0x100b, RFLAGS_IF)->tsc_at_exit = TSC_START + 200000;
	fake_script_step(EXIT_REASON_PREEMPTION_TIMER, 0x100c, 0)->tsc_at_exit = deadline + 500;
	wrmsr(0x2000, MSR_EOI, 0); /* in the guest's timer handler */
	poweroff(0x2002);
	run();

	assert_string_equal(fake_console_text(), "[linux] hi\n");
	assert_int_equal(part.uart.bytes_out, 3);
	assert_true(part.vcpus[0].apic.x2apic_mode);
	/* Asleep in hardware until exactly the deadline... */
	assert_int_equal(entry(8)->guest_rip, 0x100c);
	assert_int_equal(entry(8)->activity_state, ACTIVITY_HLT);
	assert_int_equal(entry(8)->preemption_timer, 1800000);
	/* ...then woken with the timer interrupt, the only event injected. */
	assert_int_equal(entry(9)->intr_info, 0x800000ec);
	assert_int_equal(entry(9)->activity_state, ACTIVITY_ACTIVE);
	assert_int_equal(fake_vmcs_writes(VM_ENTRY_INTR_INFO_FIELD), 1);
	for (unsigned e = 0; e < 11; e++)
		if (e != 9)
			assert_int_equal(injected_at(e), 0);
	/* No deadline left: the next entries get the 100 ms quantum. */
	assert_int_equal(entry(10)->preemption_timer, 200000000);
	assert_int_equal(part.vcpus[0].apic.timer_fired, 1);
	assert_int_equal(part.vcpus[0].apic.isr[7], 0); /* EOI retired 0xec */
	assert_int_equal(part.vcpus[0].apic.irr[7], 0);
	assert_int_equal(part.vcpus[0].halted_tsc, 1800500);

	assert_int_equal(part.vcpus[0].exits_total, 11);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_IO_INSTRUCTION], 3);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_MSR_WRITE], 5);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_HLT], 1);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_PREEMPTION_TIMER], 1);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_VMCALL], 1);
	assert_int_equal(part.vcpus[0].msr_refusals, 0);
	char counts[160];
	assert_string_equal(vcpu_format_exit_counts(&part.vcpus[0], counts, sizeof(counts)),
	                    "HLT=1 VMCALL=1 IO_INSTRUCTION=3 MSR_WRITE=5 PREEMPTION_TIMER=1");
	expect_end(PARTITION_STOPPED, "power-off");
	assert_false(part.has_exit_status);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_rdmsr_splits_into_edx_eax),
	    T(test_wrmsr_joins_edx_eax),
	    T(test_refused_msr_access_gets_gp),
	    T(test_each_refused_msr_noted_once),
	    T(test_linux_boot_probes_refused_quietly),
	    T(test_x2apic_and_tsc_deadline_through_msr_exits),
	    T(test_cr0_paging_with_lme_enters_long_mode),
	    T(test_cr0_paging_off_leaves_long_mode),
	    T(test_cr0_paging_without_lme_stays_32_bit),
	    T(test_cr0_invalid_writes_get_gp),
	    T(test_cr4_write_exit_gets_gp),
	    T(test_cr0_source_register_decoded),
	    T(test_unexpected_cr_accesses_end_the_partition),
	    T(test_xcr0_rules),
	    T(test_xsetbv_exit),
	    T(test_cpuid_leaf_0_covers_the_tsc_leaves),
	    T(test_cpuid_leaf_1),
	    T(test_cpuid_zeroed_and_replaced_leaves),
	    T(test_cpuid_leaf_7),
	    T(test_cpuid_topology),
	    T(test_cpuid_xsave_leaf),
	    T(test_cpuid_tsc_frequency),
	    T(test_cpuid_hypervisor_leaves),
	    T(test_cpuid_extended_leaves),
	    T(test_cpuid_exit_uses_the_vcpu),
	    T(test_uart_output_reaches_the_console),
	    T(test_uart_registers_through_io),
	    T(test_unclaimed_ports_read_all_ones),
	    T(test_rtc_through_io),
	    T(test_rtc_runs_through_io),
	    T(test_hypercall_measurement),
	    T(test_hypercall_measurement_without_any),
	    T(test_reset_ports_end_the_partition),
	    T(test_acpi_sleep_control_powers_off),
	    T(test_reset_lookalikes_do_not),
	    T(test_kernel_panic_over_the_uart_stops_at_once),
	    T(test_hypercall_exit_status),
	    T(test_hypercall_exit_signal),
	    T(test_hypercall_bad_arguments),
	    T(test_hlt_interrupts_off_ends),
	    T(test_hlt_no_timer_ends),
	    T(test_hlt_with_other_vcpus),
	    T(test_hlt_with_timer_sleeps_in_hlt_state),
	    T(test_sti_hlt_clears_the_interrupt_shadow),
	    T(test_hlt_with_interrupt_pending_does_not_sleep),
	    T(test_hlt_without_hlt_activity_waits_on_the_host),
	    T(test_exit_handling_time_counted),
	    T(test_shared_slice_halt_gives_up_the_cpu),
	    T(test_shared_slice_preempted_when_it_ends),
	    T(test_shared_slice_ends_with_the_partition),
	    T(test_alone_slice_ignores_the_slice_end),
	    T(test_device_interrupt_ends_an_alone_slice),
	    T(test_interrupt_window_exit_delivers),
	    T(test_vmx_instructions_get_ud),
	    T(test_invd_and_wbinvd_skipped),
	    T(test_print_sleep_interrupt_poweroff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
