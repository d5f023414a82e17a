/*
 * Host tests for emulated MMIO (hypervisor/core/exit_mmio.c) through the
 * real vcpu_run(): scripted EPT-violation exits in the xAPIC page and the
 * I/O APIC page, with the guest's instruction placed in its RAM and
 * fetched through its own paging (off, or 4-level tables built here with
 * 4 KiB pages across a page boundary and 2 MiB pages). Each test checks
 * the register and RIP the guest gets back at its next entry, the device
 * state, and for refused accesses the exact reason the partition ends
 * with. The last tests follow COM1's interrupt through the wiring of
 * partition_devices.c: UART THRE -> I/O APIC pin 4 -> local APIC ->
 * injected vector, and EOI through the xAPIC page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/exit_handlers.h"
#include "core/guest_msr.h"
#include "core/hypercall.h"
#include "core/partition.h"
#include "core/vcpu_events.h"
#include "core/vcpu_run.h"
#include "fake/console.h"
#include "fake/cpu.h"
#include "fake/lapic.h"
#include "fake/vmcs.h"
#include "fake/vmx_enter.h"
#include "mm/page_alloc.h"
#include "partition_fixture.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_cpu.h"

#define RAM_SIZE     (8 * MIB)
#define TSC_HZ       2000000000ULL
#define RFLAGS_FIXED 0x2ULL
#define RFLAGS_IF    0x202ULL
#define CR0_PE_ET    0x11ULL
#define CR0_PG       (1ULL << 31)
#define CR4_PAE      (1ULL << 5)
#define CS_AR_32     0xc09bu /* present code, D/B = 1 */
#define CS_AR_64     0xa09bu /* present code, L = 1 */
#define CS_AR_REAL   0x9bu   /* real mode: D/B = 0 */
#define MISC_HLT     (1ULL << 6)
/* EPT-violation qualification: a data read or write (SDM Table 28-7). */
#define QUAL_READ  0x1ULL
#define QUAL_WRITE 0x2ULL
#define APIC_ID    3
#define XAPIC      0xfee00000ULL
#define IOAPIC     0xfec00000ULL

/* Guest page tables for the paged tests. */
#define PML4   0x10000ULL
#define PDPT   0x11000ULL
#define PD     0x12000ULL
#define PT     0x13000ULL
#define PTE_P  0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

/* The instructions Linux uses (GCC output for native_apic_mem_read/write
 * and io_apic_read/write). */
static const uint8_t apic_read[] = {0x8b, 0x87, 0x00,
                                    0xd0, 0x5f, 0xff}; /* mov eax,[rdi-0xa03000] */
static const uint8_t apic_write[] = {0x89, 0xb7, 0x00,
                                     0xd0, 0x5f, 0xff}; /* mov [rdi-0xa03000],esi */

static struct partition part;
static uint8_t *ram;

static const struct rtc_clock boot_time = {
    .at = {.seconds = 0x30, .hours = 0x12, .day = 1, .month = 1, .year = 0x25}, .hz = 1};

/* A Linux partition at its 32-bit entry: paging off, flat CS, xAPIC
 * mode, devices wired as partition_devices_init() does. */
static int setup(void **state)
{
	(void)state;
	partition_fixture(&part, "linux");
	ram = aligned_alloc(PAGE_SIZE, RAM_SIZE);
	assert_non_null(ram);
	memset(ram, 0xcc, RAM_SIZE); /* int3 everywhere */
	part.ram_hpa = ptr_to_hpa(ram);
	part.ram_size = RAM_SIZE;
	part.vcpus[0].tsc_hz = TSC_HZ;
	/* A non-zero APIC ID, so a test that confuses IDs fails. */
	part.vcpus[0].apic.id = APIC_ID;
	partition_devices_set_time(&boot_time);
	partition_devices_init(&part);
	memset(&vmx_caps, 0, sizeof(vmx_caps));
	memset(&vmx_features, 0, sizeof(vmx_features));
	vmx_caps.cr0_fixed0 = 0x80000021ULL;
	vmx_caps.cr0_fixed1 = 0xffffffff;
	vmx_caps.misc = MISC_HLT;
	fake_cpu.tsc = 1000000;
	fake_vmcs_set(GUEST_RIP, 0x100000);
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_FIXED);
	fake_vmcs_set(GUEST_RSP, 0);
	fake_vmcs_set(GUEST_CR0, CR0_PE_ET | 0x20);
	fake_vmcs_set(CR0_READ_SHADOW, CR0_PE_ET);
	fake_vmcs_set(GUEST_CR3, 0);
	fake_vmcs_set(GUEST_CR4, 0);
	fake_vmcs_set(GUEST_CS_AR_BYTES, CS_AR_32);
	fake_vmcs_set(GUEST_CS_BASE, 0);
	fake_vmcs_set(GUEST_INTERRUPTIBILITY_INFO, 0);
	fake_vmcs_set(GUEST_ACTIVITY_STATE, ACTIVITY_ACTIVE);
	fake_vmcs_set(CPU_BASED_VM_EXEC_CONTROL, 0);
	fake_vmcs_set(VM_ENTRY_CONTROLS, 0xd1ff);
	fake_vmcs_set(GUEST_IA32_EFER, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

/* A fresh partition within one test (the test's own is freed after). */
static void reset(void)
{
	teardown(NULL);
	setup(NULL);
}

/* An EPT violation at `gpa` by the instruction at `rip`. The CPU reports
 * no instruction length for EPT violations: exit_mmio must find it. */
static struct fake_exit *ept_violation(uint64_t rip, uint64_t gpa, uint64_t access)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_EPT_VIOLATION, rip, 0);
	s->qualification = access;
	fake_script_write(s, GUEST_PHYSICAL_ADDRESS, gpa);
	return s;
}

static void place(uint64_t gpa, const void *bytes, size_t n)
{
	assert_true(gpa + n <= RAM_SIZE);
	memcpy(ram + gpa, bytes, n);
}

/* Places the instruction at `rip` (paging off, CS base 0) and scripts its
 * MMIO exit. */
static struct fake_exit *mmio(uint64_t rip, uint64_t gpa, uint64_t access, const void *insn,
                              size_t n)
{
	place(rip, insn, n);
	return ept_violation(rip, gpa, access);
}

#define MMIO(rip, gpa, access, ...)                                                                \
	({                                                                                         \
		static const uint8_t insn_[] = {__VA_ARGS__};                                      \
		mmio(rip, gpa, access, insn_, sizeof(insn_));                                      \
	})

static uint64_t io_qualification(uint16_t port, unsigned size, bool in)
{
	return (uint64_t)(size - 1) | (in ? 1u << 3 : 0) | ((uint64_t)port << 16);
}

static struct fake_exit *out(uint64_t rip, uint16_t port, uint8_t value)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1);
	s->qualification = io_qualification(port, 1, false);
	s->load_rax = true;
	s->rax = value;
	return s;
}

static struct fake_exit *in(uint64_t rip, uint16_t port)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_IO_INSTRUCTION, rip, 1);
	s->qualification = io_qualification(port, 1, true);
	return s;
}

static void poweroff(uint64_t rip)
{
	struct fake_exit *s = fake_script_step(EXIT_REASON_VMCALL, rip, 3);
	s->load_rax = true;
	s->rax = HYPERCALL_POWEROFF;
}

static void run(void)
{
	unsigned steps = fake_script_install();
	vcpu_run(&part.vcpus[0]);
	if (fake_vmx_entry_count() != steps)
		fail_msg("ended after %u of %u entries: %s", fake_vmx_entry_count(), steps,
		         part.reason);
}

static const struct fake_entry *entry(unsigned index)
{
	return fake_vmx_entry(index);
}

static uint64_t injected_at(unsigned index)
{
	uint64_t info = entry(index)->intr_info;
	return info != FAKE_FIELD_UNSET && (info >> 31) ? info : 0;
}

static void expect_end(enum partition_state state, const char *reason)
{
	assert_string_equal(partition_state_name(part.state), partition_state_name(state));
	assert_string_equal(part.reason, reason);
}

/* Long mode with 4-level paging: CR3 at PML4, CS.L set. */
static void enter_long_mode(void)
{
	memset(ram + PML4, 0, PT + PAGE_SIZE - PML4);
	part.vcpus[0].efer = EFER_LME | EFER_LMA;
	fake_vmcs_set(GUEST_CR0, CR0_PG | CR0_PE_ET | 0x20);
	fake_vmcs_set(GUEST_CR3, PML4);
	fake_vmcs_set(GUEST_CR4, CR4_PAE);
	fake_vmcs_set(GUEST_CS_AR_BYTES, CS_AR_64);
	fake_vmcs_set(GUEST_IA32_EFER, EFER_LME | EFER_LMA);
}

static unsigned index_at(uint64_t linear, unsigned level)
{
	return (unsigned)(linear >> (12 + 9 * level)) & 511;
}

static void put_entry(uint64_t table, unsigned index, uint64_t entry)
{
	memcpy(ram + table + index * 8, &entry, 8);
}

static void map_4k(uint64_t linear, uint64_t frame)
{
	put_entry(PML4, index_at(linear, 3), PDPT | PTE_P | PTE_RW);
	put_entry(PDPT, index_at(linear, 2), PD | PTE_P | PTE_RW);
	put_entry(PD, index_at(linear, 1), PT | PTE_P | PTE_RW);
	put_entry(PT, index_at(linear, 0), frame | PTE_P | PTE_RW);
}

/* ---- The xAPIC page ---- */

static void test_xapic_id_read_paging_off(void **state)
{
	(void)state;
	part.vcpus[0].regs.rax = 0xffffffffdeadbeefULL;
	part.vcpus[0].regs.rdi = XAPIC + 0xa03000 + 0x20;
	mmio(0x100000, XAPIC + 0x20, QUAL_READ, apic_read, sizeof(apic_read));
	poweroff(0x100006);
	run();
	/* EAX = ID << 24, zero-extended; RIP past the 6 bytes. */
	assert_int_equal(entry(1)->regs.rax, APIC_ID << 24);
	assert_int_equal(entry(1)->guest_rip, 0x100006);
	assert_int_equal(injected_at(1), 0);
	assert_int_equal(part.vcpus[0].mmio_accesses, 1);
	assert_int_equal(part.vcpus[0].exit_counts[EXIT_REASON_EPT_VIOLATION], 1);
	expect_end(PARTITION_STOPPED, "power-off");
}

static void test_xapic_write_paging_off(void **state)
{
	(void)state;
	part.vcpus[0].regs.rsi = 0xffffffff000001ffULL; /* only ESI is stored */
	mmio(0x100000, XAPIC + 0xf0, QUAL_WRITE, apic_write, sizeof(apic_write));
	/* Read it back with another register: mov ecx, [rdi + 0xf0]. */
	MMIO(0x100006, XAPIC + 0xf0, QUAL_READ, 0x8b, 0x8f, 0xf0, 0x00, 0x00, 0x00);
	/* mov dword [rdi + 0x80], 0x20: TPR from an immediate. */
	MMIO(0x10000c, XAPIC + 0x80, QUAL_WRITE, 0xc7, 0x87, 0x80, 0, 0, 0, 0x20, 0, 0, 0);
	poweroff(0x100016);
	run();
	assert_int_equal(part.vcpus[0].apic.svr, 0x1ff);
	assert_int_equal(entry(1)->guest_rip, 0x100006);
	assert_int_equal(entry(2)->regs.rcx, 0x1ff);
	assert_int_equal(entry(2)->guest_rip, 0x10000c);
	assert_int_equal(part.vcpus[0].apic.tpr, 0x20);
	assert_int_equal(entry(3)->guest_rip, 0x100016);
	assert_int_equal(part.vcpus[0].mmio_accesses, 3);
	assert_int_equal(part.vcpus[0].regs.rsi, 0xffffffff000001ffULL); /* a store leaves it */
}

static void test_code_segment_base_counts(void **state)
{
	(void)state;
	/* Outside 64-bit mode the instruction is at CS.base + EIP. */
	fake_vmcs_set(GUEST_CS_BASE, 0x200000);
	place(0x200000 + 0x1000, apic_read, sizeof(apic_read));
	ept_violation(0x1000, XAPIC + 0x30, QUAL_READ);
	poweroff(0x1006);
	run();
	assert_int_equal(entry(1)->regs.rax, 0x00060014); /* version */
	assert_int_equal(entry(1)->guest_rip, 0x1006);
}

static void test_xapic_read_through_4_level_paging(void **state)
{
	(void)state;
	enter_long_mode();
	/* The instruction straddles two kernel-text pages whose frames are
	 * in the opposite order: 3 bytes in each. */
	const uint64_t rip = 0xffffffff81234ffdULL;
	map_4k(0xffffffff81234000ULL, 0x345000);
	map_4k(0xffffffff81235000ULL, 0x123000);
	place(0x345ffd, apic_read, 3);
	place(0x123000, apic_read + 3, 3);
	part.vcpus[0].regs.rax = 0x1111111111111111ULL;
	ept_violation(rip, XAPIC + 0x20, QUAL_READ);
	poweroff(rip + 6);
	run();
	assert_int_equal(entry(1)->regs.rax, APIC_ID << 24); /* upper half zeroed */
	assert_int_equal(entry(1)->guest_rip, rip + 6);
	assert_int_equal(part.vcpus[0].mmio_accesses, 1);
}

static void test_xapic_write_through_2m_pages(void **state)
{
	(void)state;
	enter_long_mode();
	/* Linux maps its text with 2 MiB pages: 0xffffffff81000000 ->
	 * guest-physical 0x400000. */
	put_entry(PML4, 511, PDPT | PTE_P | PTE_RW);
	put_entry(PDPT, 510, PD | PTE_P | PTE_RW);
	put_entry(PD, 8, 0x400000 | PTE_PS | PTE_P | PTE_RW);
	const uint64_t rip = 0xffffffff81012345ULL;
	place(0x412345, apic_write, sizeof(apic_write));
	part.vcpus[0].regs.rsi = 0x1ff;
	ept_violation(rip, XAPIC + 0xf0, QUAL_WRITE);
	/* REX forms in 64-bit code: mov r9d, [rdi + 0x30]. */
	place(0x41234b, (const uint8_t[]){0x44, 0x8b, 0x4f, 0x30}, 4);
	ept_violation(rip + 6, XAPIC + 0x30, QUAL_READ);
	poweroff(rip + 10);
	run();
	assert_int_equal(part.vcpus[0].apic.svr, 0x1ff);
	assert_int_equal(entry(1)->guest_rip, rip + 6);
	assert_int_equal(entry(2)->regs.r9, 0x00060014);
	assert_int_equal(entry(2)->guest_rip, rip + 10);
}

static void test_xapic_icr_and_eoi(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	/* SVR on, then a self IPI through the two ICR halves (mov [rdi],
	 * ecx with ECX loaded by the guest), then EOI. */
	struct fake_exit *s = MMIO(0x100000, XAPIC + 0xf0, QUAL_WRITE, 0x89, 0x0f);
	s->load_rcx = true;
	s->rcx = 0x1ff;
	s = MMIO(0x100002, XAPIC + 0x310, QUAL_WRITE, 0x89, 0x0f);
	s->load_rcx = true;
	s->rcx = APIC_ID << 24;
	s = MMIO(0x100004, XAPIC + 0x300, QUAL_WRITE, 0x89, 0x0f);
	s->load_rcx = true;
	s->rcx = 0x4051; /* fixed, assert, vector 0x51 */
	MMIO(0x200000, XAPIC + 0xb0, QUAL_WRITE, 0xc7, 0x07, 0, 0, 0, 0); /* in the handler */
	poweroff(0x200006);
	run();
	assert_int_equal(injected_at(3), 0x80000051);
	assert_int_equal(entry(3)->guest_rip, 0x100006);
	assert_int_equal(part.vcpus[0].apic.icr_high, APIC_ID << 24);
	assert_int_equal(part.vcpus[0].apic.isr[2], 0); /* EOI retired 0x51 */
	assert_int_equal(entry(4)->guest_rip, 0x200006);
	assert_int_equal(part.vcpus[0].mmio_accesses, 4);
}

static void test_xapic_page_left_after_x2apic_switch(void **state)
{
	(void)state;
	/* Once the guest switched, the xAPIC page is not there any more
	 * (SDM 11.12.1: MMIO accesses no longer reach the APIC). */
	assert_true(guest_msr_write(&part.vcpus[0], MSR_IA32_APIC_BASE, 0xfee00d00, 0));
	mmio(0x100000, XAPIC + 0x20, QUAL_READ, apic_read, sizeof(apic_read));
	run();
	expect_end(PARTITION_CRASHED, "EPT violation: read of guest-physical 0xfee00020 outside "
	                              "its memory at RIP 0x100000");
	assert_int_equal(part.vcpus[0].mmio_accesses, 0);
}

static void test_pages_around_the_devices_not_claimed(void **state)
{
	(void)state;
	const uint64_t outside[] = {XAPIC - 4, XAPIC + 0x1000, IOAPIC - 4, IOAPIC + 0x1000};
	const char *const reasons[] = {
	    "EPT violation: read of guest-physical 0xfedffffc outside its memory at RIP 0x100000",
	    "EPT violation: read of guest-physical 0xfee01000 outside its memory at RIP 0x100000",
	    "EPT violation: read of guest-physical 0xfebffffc outside its memory at RIP 0x100000",
	    "EPT violation: read of guest-physical 0xfec01000 outside its memory at RIP 0x100000"};
	for (unsigned i = 0; i < 4; i++) {
		if (i)
			reset();
		mmio(0x100000, outside[i], QUAL_READ, apic_read, sizeof(apic_read));
		run();
		expect_end(PARTITION_CRASHED, reasons[i]);
	}
}

/* ---- The I/O APIC page ---- */

static void test_ioapic_select_and_window(void **state)
{
	(void)state;
	/* As io_apic_read()/io_apic_write(): select at +0, data at +0x10.
	 * mov dword [rdi], 1 (version register); mov eax, [rdi + 0x10]. */
	part.vcpus[0].regs.rax = ~0ULL;
	MMIO(0x100000, IOAPIC, QUAL_WRITE, 0xc7, 0x07, 0x01, 0, 0, 0);
	MMIO(0x100006, IOAPIC + 0x10, QUAL_READ, 0x8b, 0x47, 0x10);
	/* Pin 4's low half: select 0x18 from ECX, write vector 0x24 from
	 * EDX, read back into EBX. */
	struct fake_exit *s = MMIO(0x100009, IOAPIC, QUAL_WRITE, 0x89, 0x0f);
	s->load_rcx = true;
	s->rcx = 0x18;
	s = MMIO(0x10000b, IOAPIC + 0x10, QUAL_WRITE, 0x89, 0x57, 0x10);
	s->load_rdx = true;
	s->rdx = 0x24;
	MMIO(0x10000e, IOAPIC + 0x10, QUAL_READ, 0x8b, 0x5f, 0x10);
	/* IOREGSEL reads back. */
	MMIO(0x100011, IOAPIC, QUAL_READ, 0x8b, 0x37);
	/* The ID register: the I/O APIC ID partition_devices_init() gave. */
	MMIO(0x100013, IOAPIC, QUAL_WRITE, 0xc7, 0x07, 0x00, 0, 0, 0);
	MMIO(0x100019, IOAPIC + 0x10, QUAL_READ, 0x8b, 0x47, 0x10);
	poweroff(0x10001c);
	run();
	assert_int_equal(entry(2)->regs.rax, 0x00170011);
	assert_int_equal(entry(2)->guest_rip, 0x100009);
	assert_int_equal(part.ioapic.redirection[4], 0x24);
	assert_int_equal(entry(5)->regs.rbx, 0x24);
	assert_int_equal(entry(6)->regs.rsi, 0x18);
	assert_int_equal(entry(8)->regs.rax, 0x01000000);
	assert_int_equal(entry(8)->guest_rip, 0x10001c);
	assert_int_equal(part.vcpus[0].mmio_accesses, 8);
	expect_end(PARTITION_STOPPED, "power-off");
}

static void test_ioapic_claimed_in_x2apic_mode(void **state)
{
	(void)state;
	part.vcpus[0].apic.x2apic_mode = true;
	MMIO(0x100000, IOAPIC, QUAL_WRITE, 0xc7, 0x07, 0x01, 0, 0, 0);
	MMIO(0x100006, IOAPIC + 0x10, QUAL_READ, 0x8b, 0x47, 0x10);
	poweroff(0x100009);
	run();
	assert_int_equal(entry(2)->regs.rax, 0x00170011);
}

/* ---- Refusals ---- */

static void expect_refusal(uint64_t gpa, const char *why)
{
	char reason[PARTITION_REASON_LEN];
	snprintf(reason, sizeof(reason),
	         "unsupported MMIO access to guest-physical 0x%llx at RIP 0x100000: %s",
	         (unsigned long long)gpa, why);
	run();
	expect_end(PARTITION_CRASHED, reason);
	/* Stopped at the instruction: no entry after it, RIP unchanged. */
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x100000);
	assert_int_equal(part.vcpus[0].mmio_accesses, 0);
}

static void test_refused_instructions_end_the_partition(void **state)
{
	(void)state;
	/* rep movsd, add eax,[rdi], movzx: not a MOV solo emulates. */
	const uint8_t not_mov[][3] = {{0xf3, 0xa5, 0xcc}, {0x03, 0x07, 0xcc}, {0x0f, 0xb7, 0x07}};
	for (unsigned i = 0; i < 3; i++) {
		if (i)
			reset();
		mmio(0x100000, XAPIC + 0x20, QUAL_READ, not_mov[i], 3);
		expect_refusal(XAPIC + 0x20, "not a MOV solo can emulate");
	}
	reset();
	uint64_t before = part.vcpus[0].regs.rax = 0x1234;
	mmio(0x100000, IOAPIC + 0x10, QUAL_READ, (const uint8_t[]){0x8d, 0x07}, 2); /* lea */
	expect_refusal(IOAPIC + 0x10, "not a MOV solo can emulate");
	assert_int_equal(part.vcpus[0].regs.rax, before);
}

static void test_unreadable_instruction_refused(void **state)
{
	(void)state;
	/* RIP outside RAM (paging off). */
	ept_violation(0x100000 + RAM_SIZE, XAPIC + 0x20, QUAL_READ);
	run();
	expect_end(PARTITION_CRASHED, "unsupported MMIO access to guest-physical 0xfee00020 at RIP "
	                              "0x900000: not a MOV solo can emulate");
	/* Paged, with the second page of the instruction unmapped: the
	 * bytes that could be read are a truncated instruction. */
	reset();
	enter_long_mode();
	const uint64_t rip = 0xffffffff81234ffdULL;
	map_4k(0xffffffff81234000ULL, 0x345000);
	place(0x345ffd, apic_read, 3);
	ept_violation(rip, XAPIC + 0x20, QUAL_READ);
	run();
	expect_end(PARTITION_CRASHED, "unsupported MMIO access to guest-physical 0xfee00020 at RIP "
	                              "0xffffffff81234ffd: not a MOV solo can emulate");
	assert_int_equal(fake_vmcs_get(GUEST_RIP), rip);
}

static void test_wrong_widths_refused(void **state)
{
	(void)state;
	const char *const why = "APIC registers take 32-bit accesses only";
	/* Byte, word and quadword accesses. */
	MMIO(0x100000, XAPIC + 0x20, QUAL_READ, 0x8a, 0x07);
	expect_refusal(XAPIC + 0x20, why);
	reset();
	MMIO(0x100000, XAPIC + 0x80, QUAL_WRITE, 0x66, 0x89, 0x07);
	expect_refusal(XAPIC + 0x80, why);
	reset();
	MMIO(0x100000, IOAPIC, QUAL_WRITE, 0xc6, 0x07, 0x01);
	expect_refusal(IOAPIC, why);
	assert_int_equal(part.ioapic.select, 0);
	reset();
	enter_long_mode();
	map_4k(0x100000, 0x100000);
	MMIO(0x100000, XAPIC + 0x20, QUAL_READ, 0x48, 0x8b, 0x07);
	expect_refusal(XAPIC + 0x20, why);
	reset();
	MMIO(0x100000, XAPIC + 0x20, QUAL_READ, 0x8a, 0x27); /* mov ah, [rdi] */
	expect_refusal(XAPIC + 0x20, why);
}

static void test_missing_registers_refused(void **state)
{
	(void)state;
	const char *const why = "no such APIC register";
	/* Reserved xAPIC register, and a write to a read-only one. */
	mmio(0x100000, XAPIC + 0x00, QUAL_READ, apic_read, sizeof(apic_read));
	expect_refusal(XAPIC, why);
	reset();
	mmio(0x100000, XAPIC + 0x30, QUAL_WRITE, apic_write, sizeof(apic_write));
	expect_refusal(XAPIC + 0x30, why);
	/* Misaligned inside the page. */
	reset();
	mmio(0x100000, XAPIC + 0x22, QUAL_READ, apic_read, sizeof(apic_read));
	expect_refusal(XAPIC + 0x22, why);
	/* I/O APIC: only IOREGSEL and IOWIN exist (version 0x11 has no EOI
	 * register at 0x40). */
	reset();
	part.vcpus[0].regs.rax = 0x77;
	mmio(0x100000, IOAPIC + 0x40, QUAL_READ, apic_read, sizeof(apic_read));
	expect_refusal(IOAPIC + 0x40, why);
	assert_int_equal(part.vcpus[0].regs.rax, 0x77);
	reset();
	mmio(0x100000, IOAPIC + 0x20, QUAL_WRITE, apic_write, sizeof(apic_write));
	expect_refusal(IOAPIC + 0x20, why);
}

static void test_16_bit_code_refused(void **state)
{
	(void)state;
	/* In a 16-bit code segment (real mode, CS.D = 0) 8B 87 is
	 * mov ax, [bx + disp16]: 4 bytes, 16 bits wide. Decoding it as
	 * 32-bit code would move 32 bits and skip 6 bytes. */
	fake_vmcs_set(GUEST_CR0, 0x30);
	fake_vmcs_set(GUEST_CS_AR_BYTES, CS_AR_REAL);
	mmio(0x100000, XAPIC + 0x20, QUAL_READ, apic_read, sizeof(apic_read));
	expect_refusal(XAPIC + 0x20, "16-bit code is not decoded");
	assert_int_equal(part.vcpus[0].regs.rax, 0);
}

/* ---- COM1 -> I/O APIC pin 4 -> local APIC ---- */

/* The guest's first steps, at 0x100000-0x10000e: it enables its APIC and
 * routes I/O APIC pin `pin` to `vector` (fixed, edge, unmasked). */
static void route_pin(unsigned pin, uint8_t vector)
{
	struct fake_exit *s = MMIO(0x100000, XAPIC + 0xf0, QUAL_WRITE, 0x89, 0x0f);
	s->load_rcx = true;
	s->rcx = 0x1ff;
	/* The entry's destination (its high half, kept by the low-half
	 * write) is this vCPU's APIC ID, as Linux programs it. */
	part.ioapic.redirection[pin] = (uint64_t)APIC_ID << 56;
	/* mov dword [rdi], select; mov dword [rdi + 0x10], vector */
	const uint8_t select[] = {0xc7, 0x07, (uint8_t)(0x10 + 2 * pin), 0, 0, 0};
	const uint8_t window[] = {0xc7, 0x47, 0x10, vector, 0, 0, 0};
	mmio(0x100002, IOAPIC, QUAL_WRITE, select, sizeof(select));
	mmio(0x100008, IOAPIC + 0x10, QUAL_WRITE, window, sizeof(window));
}

static void test_com1_interrupt_reaches_the_guest(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	route_pin(4, 0x24);
	out(0x10000f, 0x3f9, 0x02); /* IER = THRI: THRE asserts */
	/* Taken at the next entry. The handler reads IIR, sends a byte
	 * (another edge, held in IRR while 0x24 is in service) and EOIs;
	 * the held one is taken then, and handled the same way. */
	in(0x300000, 0x3fa);
	out(0x300001, 0x3f8, 'x');
	MMIO(0x300002, XAPIC + 0xb0, QUAL_WRITE, 0xc7, 0x07, 0, 0, 0, 0);
	in(0x300008, 0x3fa);
	MMIO(0x300009, XAPIC + 0xb0, QUAL_WRITE, 0xc7, 0x07, 0, 0, 0, 0);
	poweroff(0x100010);
	run();
	for (unsigned e = 0; e < fake_vmx_entry_count(); e++)
		if (e != 4 && e != 7)
			assert_int_equal(injected_at(e), 0);
	assert_int_equal(injected_at(4), 0x80000024);
	assert_int_equal(entry(4)->guest_rip, 0x100010);
	assert_int_equal(entry(5)->regs.rax & 0xff, 0x02); /* IIR: THRE */
	assert_int_equal(injected_at(7), 0x80000024);
	assert_int_equal(entry(7)->guest_rip, 0x300008);
	assert_int_equal(entry(8)->regs.rax & 0xff, 0x02);
	assert_int_equal(part.ioapic.delivered, 2);
	assert_int_equal(part.uart.bytes_out, 1);
	/* Everything retired. */
	for (unsigned w = 0; w < 8; w++)
		assert_int_equal(part.vcpus[0].apic.irr[w] | part.vcpus[0].apic.isr[w], 0);
	expect_end(PARTITION_STOPPED, "power-off");
}

static void test_com1_interrupt_masked_at_the_ioapic(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	assert_true(xapic_mmio_write(&part.vcpus[0].apic, 0xf0, 0x1ff, 0));
	/* Pin 4 as partition_devices_init() leaves it: masked. */
	out(0x100000, 0x3f9, 0x02);
	in(0x100001, 0x3fa);
	/* Routed, but to another pin. */
	MMIO(0x100002, IOAPIC, QUAL_WRITE, 0xc7, 0x07, 0x16, 0, 0, 0);
	MMIO(0x100008, IOAPIC + 0x10, QUAL_WRITE, 0xc7, 0x47, 0x10, 0x24, 0, 0, 0);
	out(0x10000f, 0x3f8, 'y');
	poweroff(0x100010);
	run();
	for (unsigned e = 0; e < fake_vmx_entry_count(); e++)
		assert_int_equal(injected_at(e), 0);
	/* The UART still reports THRE in IIR: polling drivers work. */
	assert_int_equal(entry(2)->regs.rax & 0xff, 0x02);
	assert_int_equal(part.ioapic.redirection[3], 0x24);
	assert_int_equal(part.ioapic.delivered, 0);
	for (unsigned w = 0; w < 8; w++)
		assert_int_equal(part.vcpus[0].apic.irr[w], 0);
}

/* solo's stop request, waiting on the control line when the guest's
 * driver enables its interrupt: pin 3 delivers it, and the handler reads
 * "stop\n" from COM2. A second request while the first is unread adds
 * nothing. */
static void test_control_line_stop_request(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	assert_true(partition_ask_to_stop(&part, false));
	assert_true(partition_ask_to_stop(&part, true));
	assert_int_equal(part.control.rx_count, 5);
	route_pin(3, 0x23);
	out(0x10000f, 0x2f9, 0x01); /* IER = received data */
	in(0x300000, 0x2fa);
	for (unsigned i = 0; i < 5; i++)
		in(0x300001 + i, 0x2f8);
	in(0x300006, 0x2fd);
	MMIO(0x300007, XAPIC + 0xb0, QUAL_WRITE, 0xc7, 0x07, 0, 0, 0, 0);
	poweroff(0x100010);
	run();
	assert_int_equal(injected_at(4), 0x80000023);
	assert_int_equal(entry(5)->regs.rax & 0xff, 0x04); /* IIR: received data */
	const char *want = "stop\n";
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(entry(6 + i)->regs.rax & 0xff, (uint8_t)want[i]);
	assert_int_equal(entry(11)->regs.rax & 0xff, 0x60); /* LSR: nothing more */
	assert_int_equal(part.ioapic.delivered, 1);
	assert_int_equal(part.uart.bytes_out, 0); /* COM1 untouched */
	expect_end(PARTITION_STOPPED, "power-off");
	/* Read: asking again repeats nothing. Lost (cleared unread): it
	 * does; and a first ask always writes. */
	assert_true(partition_ask_to_stop(&part, true));
	assert_int_equal(part.control.rx_count, 0);
	assert_true(partition_ask_to_stop(&part, false));
	assert_int_equal(part.control.rx_count, 5);
	uart_write(&part.control, 2, 0x03); /* FCR: clear the receive FIFO */
	assert_true(partition_ask_to_stop(&part, true));
	assert_int_equal(part.control.rx_count, 5);
	assert_int_equal(part.control.bytes_in, 15);
}

/* The power button: a first request raises GSI 5, which the guest routed
 * (edge, as its _CRS says); asking again does not press it again. */
static void test_stop_request_presses_the_power_button(void **state)
{
	(void)state;
	fake_vmcs_set(GUEST_RFLAGS, RFLAGS_IF);
	route_pin(5, 0x35);
	poweroff(0x10000f);
	run();
	assert_int_equal(part.ioapic.delivered, 0);
	assert_true(partition_ask_to_stop(&part, false));
	assert_int_equal(part.ioapic.delivered, 1);
	assert_true(x2apic_pending_vector(&part.vcpus[0].apic) == 0x35);
	assert_true(partition_ask_to_stop(&part, true));
	assert_int_equal(part.ioapic.delivered, 1);
}

/* ---- A network interface's virtio-mmio window ---- */

#define VIRTIO    0xfeb00000ULL
#define POOL_SIZE (1u << 20)
#define TEST_MTU  9000

static const uint8_t NIC_MAC[6] = {0x02, 0x11, 0x22, 0x33, 0x44, 0x55};

/* Gives the test's partition one interface on a one-network appliance,
 * its queue from a page pool of the test's own. */
static void attach_nic(void)
{
	static struct appliance_config config;
	static struct config_nic nic;
	static void *pool;
	if (!pool) {
		pool = aligned_alloc(PAGE_SIZE, POOL_SIZE);
		assert_true(page_alloc_add_range(ptr_to_hpa(pool), POOL_SIZE));
	}
	memset(&config, 0, sizeof(config));
	config.network_count = 1;
	snprintf(config.networks[0].name, sizeof(config.networks[0].name), "lan");
	config.networks[0].mtu = TEST_MTU;
	nic = (struct config_nic){.network = 0};
	memcpy(nic.mac, NIC_MAC, sizeof(NIC_MAC));
	partition_net_init(&config);
	char err[80];
	assert_true(partition_net_create(&part, &nic, 1, err, sizeof(err)));
	assert_int_equal(part.nic_count, 1);
}

/* Reads narrower than 32 bits write only their part of the register, as
 * the CPU's MOV does; a 32-bit one zero-extends. Linux reads the MAC a
 * byte at a time (readb: mov al, [rdi]) and the MTU as a word. */
static void test_virtio_reads_merge_by_width(void **state)
{
	(void)state;
	attach_nic();
	part.vcpus[0].regs.rdi = VIRTIO + 0x100 + 1; /* the MAC's second byte */
	part.vcpus[0].regs.rax = 0x1122334455667788ULL;
	MMIO(0x100000, VIRTIO + 0x101, QUAL_READ, 0x8a, 0x07);       /* mov al, [edi] */
	MMIO(0x100002, VIRTIO + 0x10a, QUAL_READ, 0x66, 0x8b, 0x0f); /* mov cx, [edi] */
	MMIO(0x100005, VIRTIO + 0x000, QUAL_READ, 0x8b, 0x17);       /* mov edx, [edi] */
	place(0x100007, (const uint8_t[]){0xcc}, 1);
	part.vcpus[0].regs.rcx = 0xffffffffffffffffULL;
	part.vcpus[0].regs.rdx = 0xffffffffffffffffULL;
	poweroff(0x100007);
	run();
	assert_int_equal(entry(1)->regs.rax, 0x1122334455667700ULL | NIC_MAC[1]);
	assert_int_equal(entry(2)->regs.rcx, 0xffffffffffff0000ULL | TEST_MTU);
	assert_int_equal(entry(3)->regs.rdx, 0x74726976); /* "virt", zero-extended */
	assert_int_equal(part.vcpus[0].mmio_accesses, 3);
	partition_net_destroy(&part);
}

/* A quadword access, a register read at a width registers do not take,
 * and a window past the partition's interfaces are refused: the first
 * two with their reason, the last as memory it does not have. */
static void test_virtio_refusals(void **state)
{
	(void)state;
	attach_nic();
	enter_long_mode();
	map_4k(0x100000, 0x100000);
	MMIO(0x100000, VIRTIO, QUAL_READ, 0x48, 0x8b, 0x07); /* mov rax, [rdi] */
	expect_refusal(VIRTIO, "virtio-mmio takes 8, 16 and 32-bit accesses only");
	partition_net_destroy(&part);
	reset();
	attach_nic();
	MMIO(0x100000, VIRTIO + 0x70, QUAL_READ, 0x8a, 0x07); /* a byte of Status */
	expect_refusal(VIRTIO + 0x70, "no such virtio-mmio register");
	partition_net_destroy(&part);
	reset();
	attach_nic();
	MMIO(0x100000, VIRTIO + 0x1000, QUAL_READ, 0x8b, 0x07);
	run();
	expect_end(PARTITION_CRASHED, "EPT violation: read of guest-physical 0xfeb01000 outside "
	                              "its memory at RIP 0x100000");
	partition_net_destroy(&part);
}

/* A queue whose rings lie outside the partition's RAM ends it, with the
 * reason, at the write that makes the queue ready; the writes before it
 * (mov dword [disp32], imm32) are taken. */
static void test_virtio_ring_outside_ram_ends_the_partition(void **state)
{
	(void)state;
	attach_nic();
	/* QueueNum = 8, QueueDescLow = the last 16 bytes of RAM, ready. */
	MMIO(0x100000, VIRTIO + 0x38, QUAL_WRITE, 0xc7, 0x05, 0x38, 0x00, 0xb0, 0xfe, 8, 0, 0, 0);
	MMIO(0x10000a, VIRTIO + 0x80, QUAL_WRITE, 0xc7, 0x05, 0x80, 0x00, 0xb0, 0xfe, 0xf0, 0xff,
	     0x7f, 0x00);
	MMIO(0x100014, VIRTIO + 0x44, QUAL_WRITE, 0xc7, 0x05, 0x44, 0x00, 0xb0, 0xfe, 1, 0, 0, 0);
	run();
	expect_end(PARTITION_CRASHED, "virtio-net eth0: a ring lies outside its RAM");
	assert_int_equal(part.nics[0].dev.transport.queues[0].size, 8);
	assert_false(part.nics[0].dev.transport.queues[0].ready);
	partition_net_destroy(&part);
}

/* An interface naming a network the appliance does not have is refused
 * at creation, with nothing attached. */
static void test_virtio_unknown_network_refused(void **state)
{
	(void)state;
	attach_nic();
	partition_net_destroy(&part);
	struct config_nic nic = {.network = 3};
	char err[80];
	assert_false(partition_net_create(&part, &nic, 1, err, sizeof(err)));
	assert_string_equal(err, "eth0: no such network");
	assert_int_equal(part.nic_count, 0);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_xapic_id_read_paging_off),
	    T(test_control_line_stop_request),
	    T(test_stop_request_presses_the_power_button),
	    T(test_xapic_write_paging_off),
	    T(test_code_segment_base_counts),
	    T(test_xapic_read_through_4_level_paging),
	    T(test_xapic_write_through_2m_pages),
	    T(test_xapic_icr_and_eoi),
	    T(test_xapic_page_left_after_x2apic_switch),
	    T(test_pages_around_the_devices_not_claimed),
	    T(test_ioapic_select_and_window),
	    T(test_ioapic_claimed_in_x2apic_mode),
	    T(test_refused_instructions_end_the_partition),
	    T(test_unreadable_instruction_refused),
	    T(test_wrong_widths_refused),
	    T(test_missing_registers_refused),
	    T(test_16_bit_code_refused),
	    T(test_com1_interrupt_reaches_the_guest),
	    T(test_com1_interrupt_masked_at_the_ioapic),
	    T(test_virtio_reads_merge_by_width),
	    T(test_virtio_refusals),
	    T(test_virtio_ring_outside_ram_ends_the_partition),
	    T(test_virtio_unknown_network_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
