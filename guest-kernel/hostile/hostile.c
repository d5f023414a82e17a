/*
 * A hostile partition: a freestanding 32-bit guest (no Linux) that tries,
 * in order, everything a partition must not get away with under solo and
 * reports on COM1 what it observed, one `hostile: ...` line per finding,
 * for tests/emu/scenario-bochs-linux.sh to check. It sweeps every I/O
 * port, reads every MSR in the two ranges the MSR bitmap covers, makes
 * hypercalls with garbage numbers and arguments, writes invalid control
 * register and XCR0 values, and sends INIT, SIPI, NMI and fixed IPIs to
 * APIC IDs it does not own. Its own IDT turns the faults solo injects
 * into counts and skips the faulting instruction, so the guest survives
 * them. Last comes the act chosen by `hostile=` on the kernel command
 * line: `memory` touches guest-physical memory outside its RAM, `triple`
 * triple-faults, `hypercall` makes more garbage hypercalls and powers off.
 * The network acts (`net-outside`, `net-loop`, `net-index`: net_attack.c)
 * replace the sweeps: a flood, then a broken transmit ring.
 * The expected figures are derived from solo's code in the scenario.
 */
#include <stdbool.h>
#include <stdint.h>

#include "console.h"
#include "net_attack.h"

#define COM1_PORTS         8
#define PORT_KBD_COMMAND   0x64
#define PORT_RESET_CONTROL 0xcf9

#define VECTOR_UD 6
#define VECTOR_GP 13
#define VECTOR_PF 14

#define CR0_PE           (1u << 0)
#define CR0_NW           (1u << 29)
#define CR0_PG           (1u << 31)
#define CR4_VMXE         (1u << 13)
#define CR4_OSXSAVE      (1u << 18)
#define CPUID1_ECX_XSAVE (1u << 26)

#define MSR_APIC_BASE    0x1b
#define APIC_BASE_X2APIC (1u << 10)
#define MSR_X2APIC_IRR1  0x811 /* vectors 32-63 */
#define MSR_X2APIC_ICR   0x830
#define XAPIC_ICR_LOW    0xfee00300u
#define XAPIC_ICR_HIGH   0xfee00310u

/* ICR low bits: delivery mode, level assert, destination shorthand. */
#define ICR_FIXED        0x000u
#define ICR_NMI          0x400u
#define ICR_INIT         0x500u
#define ICR_SIPI         0x600u
#define ICR_ASSERT       0x4000u
#define ICR_ALL_BUT_SELF 0xc0000u
#define IPI_VECTOR       0x30

#define HYPERCALL_VERSION     0
#define HYPERCALL_EXIT        1
#define HYPERCALL_POWEROFF    2
#define HYPERCALL_MEASUREMENT 3
#define HYPERCALL_CLONE_POINT 4
#define EFAULT_RESULT         0xfffffff2u /* -14 in EAX */
#define ENOENT_RESULT         0xfffffffeu /* -2 in EAX */
#define EINVAL_RESULT         0xffffffeau /* -22 in EAX */
#define ENOSYS_RESULT         0xffffffdau /* -38 in EAX */

/* What head.S's fault_common pushed: PUSHAD, then the stub's vector and
 * error code, then the CPU's EIP, CS, EFLAGS (no privilege change). */
struct fault_frame {
	uint32_t edi, esi, ebp, esp, ebx, edx, ecx, eax;
	uint32_t vector, error;
	uint32_t eip, cs, eflags;
};

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type; /* present, DPL 0, 32-bit interrupt gate */
	uint16_t offset_high;
};

struct __attribute__((packed)) table_register {
	uint16_t limit;
	uint32_t base;
};

extern const uint32_t fault_stubs[32];
void hostile_main(const uint8_t *boot_params);
void hostile_fault(struct fault_frame *frame);

static struct idt_gate idt[32];
static volatile unsigned fault_count[32];
static volatile uint32_t last_fault_eip;

/* ---- the console (the rest is in freestanding/console.h) --------------- */

/* Hypercall results are signed: print -38 rather than 0xffffffda. */
static void put_signed(uint32_t v)
{
	if (v & 0x80000000u) {
		putc_serial('-');
		v = 0u - v;
	}
	put_dec(v);
}

static void stop_here(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

/* ---- faults ------------------------------------------------------------- */

/* Length of the instructions this guest expects to fault: the ones it
 * issues itself, all register forms, so no ModRM memory operands. */
static unsigned expected_length(const uint8_t *insn)
{
	if (insn[0] == 0x0f)
		return insn[1] == 0x01 || insn[1] == 0x22 || insn[1] == 0x20 ? 3 : 2;
	if (insn[0] == 0xec || insn[0] == 0xee) /* in al, dx / out dx, al */
		return 1;
	return 0;
}

void hostile_fault(struct fault_frame *frame)
{
	unsigned vector = frame->vector & 31;
	fault_count[vector]++;
	last_fault_eip = frame->eip;
	unsigned length = expected_length((const uint8_t *)frame->eip);
	bool expected = vector == VECTOR_GP || vector == VECTOR_UD || vector == VECTOR_PF;
	if (!expected || !length) {
		puts_serial("hostile: unexpected fault ");
		put_dec(vector);
		puts_serial(" at EIP ");
		put_hex(frame->eip);
		puts_serial(", stopping\n");
		stop_here();
	}
	frame->eip += length;
}

static void load_idt(uint16_t limit)
{
	struct table_register idtr = {limit, (uint32_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

static void setup_idt(void)
{
	for (unsigned i = 0; i < 32; i++)
		idt[i] = (struct idt_gate){
		    .offset_low = (uint16_t)fault_stubs[i],
		    .selector = 0x08,
		    .type = 0x8e,
		    .offset_high = (uint16_t)(fault_stubs[i] >> 16),
		};
	load_idt(sizeof(idt) - 1);
}

static unsigned gp_faults(void)
{
	return fault_count[VECTOR_GP];
}

/* ---- privileged instructions -------------------------------------------- */

/* Each returns whether it raised #GP (the handler skipped it). */
static bool rdmsr(uint32_t msr, uint64_t *value)
{
	unsigned before = gp_faults();
	uint32_t lo = 0, hi = 0;
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return gp_faults() != before;
}

static bool wrmsr(uint32_t msr, uint64_t value)
{
	unsigned before = gp_faults();
	__asm__ volatile("wrmsr"
	                 :
	                 : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
	                 : "memory");
	return gp_faults() != before;
}

static bool write_cr0(uint32_t v)
{
	unsigned before = gp_faults();
	__asm__ volatile("movl %0, %%cr0" : : "a"(v) : "memory");
	return gp_faults() != before;
}

static bool write_cr4(uint32_t v)
{
	unsigned before = gp_faults();
	__asm__ volatile("movl %0, %%cr4" : : "a"(v) : "memory");
	return gp_faults() != before;
}

static uint32_t read_cr0(void)
{
	uint32_t v;
	__asm__ volatile("movl %%cr0, %0" : "=a"(v));
	return v;
}

static uint32_t read_cr4(void)
{
	uint32_t v;
	__asm__ volatile("movl %%cr4, %0" : "=a"(v));
	return v;
}

static bool xsetbv(uint32_t index, uint64_t value)
{
	unsigned before = gp_faults();
	__asm__ volatile("xsetbv"
	                 :
	                 : "c"(index), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
	                 : "memory");
	return gp_faults() != before;
}

static uint32_t vmcall(uint32_t number, uint32_t arg1, uint32_t arg2)
{
	uint32_t result = number;
	__asm__ volatile("vmcall" : "+a"(result), "+b"(arg1), "+c"(arg2) : : "memory");
	return result;
}

static void cpuid(uint32_t leaf, uint32_t r[4])
{
	__asm__ volatile("cpuid"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
	                 : "a"(leaf), "c"(0));
}

/* The xAPIC page is MMIO that solo emulates by decoding the MOV; a plain
 * register-indirect MOV is what it must understand. */
static void mmio_write(uint32_t address, uint32_t value)
{
	__asm__ volatile("movl %0, (%1)" : : "r"(value), "r"(address) : "memory");
}

/* ---- the acts ------------------------------------------------------------ */

static void sweep_ports(void)
{
	unsigned answering = 0, listed = 0, faults_before = gp_faults();
	puts_serial("hostile: sweeping ports 0x0-0xffff with IN\n");
	char list[16 * 8];
	unsigned len = 0;
	for (uint32_t port = 0; port <= 0xffff; port++) {
		if (inb((uint16_t)port) == 0xff)
			continue;
		answering++;
		if (listed++ < 12) {
			/* Collected, not printed: printing would touch COM1. */
			list[len++] = ' ';
			for (int shift = 12; shift >= 0; shift -= 4)
				list[len++] = "0123456789abcdef"[(port >> shift) & 0xf];
		}
	}
	list[len] = 0;
	puts_serial("hostile: ports answering: ");
	put_dec(answering);
	puts_serial(" (");
	puts_serial(list + 1);
	puts_serial(")\n");

	unsigned written = 0;
	for (uint32_t port = 0; port <= 0xffff; port++) {
		/* COM1 would print garbage; 0x64 and 0xcf9 are the reset
		 * requests solo honours by ending the partition. */
		if ((port >= COM1 && port < COM1 + COM1_PORTS) || port == PORT_KBD_COMMAND ||
		    port == PORT_RESET_CONTROL)
			continue;
		outb((uint16_t)port, 0);
		written++;
	}
	puts_serial("hostile: ports written: ");
	put_dec(written);
	puts_serial(", faults: ");
	put_dec(gp_faults() - faults_before);
	puts_serial("\n");
}

static void sweep_msr_range(uint32_t first, uint32_t count)
{
	unsigned readable = 0, gp = 0, listed = 0;
	puts_serial("hostile: rdmsr ");
	put_hex(first);
	puts_serial("-");
	put_hex(first + count - 1);
	puts_serial(": readable");
	for (uint32_t msr = first; msr < first + count; msr++) {
		uint64_t value;
		if (rdmsr(msr, &value)) {
			gp++;
			continue;
		}
		readable++;
		if (listed++ < 16) {
			puts_serial(" ");
			put_hex(msr);
		}
	}
	puts_serial("\nhostile: msrs readable: ");
	put_dec(readable);
	puts_serial(", #GP: ");
	put_dec(gp);
	puts_serial(" (range ");
	put_hex(first);
	puts_serial(")\n");
}

static unsigned hypercall_check(const char *what, uint32_t number, uint32_t arg1, uint32_t arg2,
                                uint32_t expected)
{
	uint32_t got = vmcall(number, arg1, arg2);
	puts_serial("hostile: vmcall ");
	puts_serial(what);
	puts_serial(" -> ");
	put_signed(got);
	puts_serial(got == expected ? " (ok)\n" : " (WRONG)\n");
	return got == expected ? 0 : 1;
}

static void garbage_hypercalls(void)
{
	unsigned wrong = 0;
	wrong += hypercall_check("version", HYPERCALL_VERSION, 0, 0, 1);
	wrong += hypercall_check("clone point(0xdeadbeef)", HYPERCALL_CLONE_POINT, 0xdeadbeef,
	                         0xdeadbeef, EFAULT_RESULT);
	wrong += hypercall_check("clone point(size 1)", HYPERCALL_CLONE_POINT, 0x1000, 1,
	                         EINVAL_RESULT);
	wrong += hypercall_check("5", 5, 0xdeadbeef, 0xdeadbeef, ENOSYS_RESULT);
	wrong += hypercall_check("measurement(4)", HYPERCALL_MEASUREMENT, 4, 0, EINVAL_RESULT);
	wrong += hypercall_check("measurement(0xdeadbeef)", HYPERCALL_MEASUREMENT, 0xdeadbeef, 0,
	                         EINVAL_RESULT);
	wrong += hypercall_check("measurement(initrd)", HYPERCALL_MEASUREMENT, 1, 0, ENOENT_RESULT);
	wrong += hypercall_check("0xffffffff", 0xffffffffu, 0, 0, ENOSYS_RESULT);
	wrong += hypercall_check("0x7fffffff", 0x7fffffffu, 1, 2, ENOSYS_RESULT);
	wrong += hypercall_check("exit(1000)", HYPERCALL_EXIT, 1000, 0, EINVAL_RESULT);
	wrong += hypercall_check("exit(0xffffffff)", HYPERCALL_EXIT, 0xffffffffu, 0, EINVAL_RESULT);
	wrong += hypercall_check("exit(0, signal 65)", HYPERCALL_EXIT, 0, 65, EINVAL_RESULT);
	wrong += hypercall_check("exit(0, signal 0x80000000)", HYPERCALL_EXIT, 0, 0x80000000u,
	                         EINVAL_RESULT);
	/* Its own kernel's digest: in 32-bit code only the low half of each
	 * of RBX, RCX, RDX, RSI (digest bytes 4-7, 12-15, 20-23, 28-31). */
	uint32_t r[5];
	__asm__ volatile("vmcall"
	                 : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]), "=S"(r[4])
	                 : "a"(HYPERCALL_MEASUREMENT), "b"(0), "c"(0)
	                 : "memory");
	puts_serial("hostile: measurement kernel -> ");
	put_signed(r[0]);
	puts_serial(", low words");
	for (int i = 1; i <= 4; i++) {
		puts_serial(" ");
		put_hex(r[i]);
	}
	puts_serial("\n");
	puts_serial("hostile: hypercalls answered wrongly: ");
	put_dec(wrong);
	puts_serial("\n");
}

/* Counts an invalid write and whether it raised #GP, and says so. */
static void expect_gp(unsigned *tried, unsigned *refused, const char *what, bool faulted)
{
	(*tried)++;
	*refused += faulted;
	puts_serial("hostile: ");
	puts_serial(what);
	puts_serial(faulted ? ": #GP\n" : ": accepted (WRONG)\n");
}

static void bad_control_writes(void)
{
	unsigned tried = 0, refused = 0;
	uint32_t cr0 = read_cr0(), cr4 = read_cr4();
	expect_gp(&tried, &refused, "cr0 PG without PE", write_cr0((cr0 | CR0_PG) & ~CR0_PE));
	expect_gp(&tried, &refused, "cr0 NW without CD", write_cr0(cr0 | CR0_NW));
	expect_gp(&tried, &refused, "cr4 VMXE", write_cr4(cr4 | CR4_VMXE));
	if (read_cr4() & CR4_VMXE)
		puts_serial("hostile: cr4 reads back with VMXE (WRONG)\n");

	uint32_t r[4];
	cpuid(1, r);
	if (r[2] & CPUID1_ECX_XSAVE) {
		/* XSETBV is #UD until the OS enables it (and #UD beats the
		 * VM exit), so turn OSXSAVE on first: solo does not own it. */
		write_cr4(read_cr4() | CR4_OSXSAVE);
		expect_gp(&tried, &refused, "xsetbv xcr0=0", xsetbv(0, 0));
		expect_gp(&tried, &refused, "xsetbv xcr0=x87|avx (no sse)", xsetbv(0, 0x5));
		expect_gp(&tried, &refused, "xsetbv xcr1", xsetbv(1, 0x1));
		expect_gp(&tried, &refused, "xsetbv xcr0 bit 62", xsetbv(0, 0x4000000000000003ull));
		/* A valid value must still work: the refusals are not blanket. */
		bool valid_faulted = xsetbv(0, 0x3);
		puts_serial(valid_faulted ? "hostile: xsetbv xcr0=x87|sse: #GP (WRONG)\n"
		                          : "hostile: xsetbv xcr0=x87|sse: accepted\n");
	} else {
		puts_serial("hostile: no XSAVE, xsetbv not tried\n");
	}
	puts_serial("hostile: bad control writes refused: ");
	put_dec(refused);
	puts_serial(" of ");
	put_dec(tried);
	puts_serial("\n");
}

static const uint32_t ipi_kinds[] = {
    ICR_INIT | ICR_ASSERT,
    ICR_SIPI | ICR_ASSERT | 0x08, /* start at 0x8000 */
    ICR_NMI | ICR_ASSERT,
    ICR_FIXED | ICR_ASSERT | IPI_VECTOR,
};
#define IPI_KINDS (sizeof(ipi_kinds) / sizeof(ipi_kinds[0]))

static void foreign_ipis(void)
{
	unsigned sent = 0, gp_before = gp_faults();
	for (uint32_t dest = 1; dest <= 7; dest++)
		for (unsigned k = 0; k < IPI_KINDS; k++) {
			mmio_write(XAPIC_ICR_HIGH, dest << 24);
			mmio_write(XAPIC_ICR_LOW, ipi_kinds[k]);
			sent++;
		}
	mmio_write(XAPIC_ICR_LOW, ICR_INIT | ICR_ASSERT | ICR_ALL_BUT_SELF);
	sent++;
	puts_serial("hostile: xapic ipis sent: ");
	put_dec(sent);
	puts_serial(", faults: ");
	put_dec(gp_faults() - gp_before);
	puts_serial("\n");

	uint64_t base;
	if (rdmsr(MSR_APIC_BASE, &base) || wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC)) {
		puts_serial("hostile: switching to x2apic refused (WRONG)\n");
		return;
	}
	sent = 0;
	gp_before = gp_faults();
	for (uint32_t dest = 1; dest <= 7; dest++)
		for (unsigned k = 0; k < IPI_KINDS; k++) {
			wrmsr(MSR_X2APIC_ICR, ((uint64_t)dest << 32) | ipi_kinds[k]);
			sent++;
		}
	wrmsr(MSR_X2APIC_ICR, ICR_INIT | ICR_ASSERT | ICR_ALL_BUT_SELF);
	sent++;
	/* A broadcast with a physical destination of all ones. */
	wrmsr(MSR_X2APIC_ICR, (0xffffffffull << 32) | ICR_SIPI | ICR_ASSERT | 0x08);
	sent++;
	puts_serial("hostile: x2apic ipis sent: ");
	put_dec(sent);
	puts_serial(", faults: ");
	put_dec(gp_faults() - gp_before);
	puts_serial("\n");
	uint64_t irr = 0;
	bool irr_faulted = rdmsr(MSR_X2APIC_IRR1, &irr);
	bool mine = !irr_faulted && (irr & (1u << (IPI_VECTOR - 32)));
	puts_serial(mine ? "hostile: own irr has the foreign ipi vector (WRONG)\n"
	                 : "hostile: own irr clean\n");
}

/* ---- final acts ---------------------------------------------------------- */

static void act_memory(void)
{
	volatile uint32_t *far_ram = (volatile uint32_t *)0x40000000u;
	volatile uint32_t *hpet = (volatile uint32_t *)0xfed00000u;
	puts_serial("hostile: reading guest-physical 0x40000000\n");
	uint32_t v = *far_ram;
	puts_serial("hostile: read 0x40000000 returned ");
	put_hex(v);
	puts_serial(" (WRONG)\nhostile: writing guest-physical 0xfed00000\n");
	*hpet = 0xdeadbeef;
	puts_serial("hostile: write to 0xfed00000 went through (WRONG)\n");
}

static void act_triple(void)
{
	puts_serial("hostile: loading an empty IDT and raising #UD\n");
	load_idt(0);
	__asm__ volatile("ud2");
	puts_serial("hostile: survived a triple fault (WRONG)\n");
}

static void act_hypercall(void)
{
	/* A deterministic spread of numbers, skipping the real ones. */
	uint32_t x = 0x12345678u;
	unsigned wrong = 0, made = 0;
	for (unsigned i = 0; i < 1000; i++) {
		x = x * 1664525u + 1013904223u;
		if (x <= HYPERCALL_CLONE_POINT)
			continue;
		made++;
		if (vmcall(x, x ^ 0x55555555u, ~x) != ENOSYS_RESULT)
			wrong++;
	}
	puts_serial("hostile: random hypercalls: ");
	put_dec(made);
	puts_serial(", answered wrongly: ");
	put_dec(wrong);
	puts_serial("\nhostile: powering off\n");
	vmcall(HYPERCALL_POWEROFF, 0, 0);
	puts_serial("hostile: power-off returned (WRONG)\n");
}

void hostile_main(const uint8_t *boot_params)
{
	setup_idt();
	const char *cmdline = boot_cmdline(boot_params);
	puts_serial("hostile: started, boot_params at ");
	put_hex((uint32_t)boot_params);
	puts_serial(", cmdline \"");
	puts_serial(cmdline);
	puts_serial("\"\n");
	/* The network acts skip the sweeps (scenario-bochs-linux.sh has
	 * them): what they test is the interface. */
	static const struct {
		const char *name;
		enum net_attack how;
	} net_acts[] = {{"hostile=net-outside", NET_ATTACK_OUTSIDE},
	                {"hostile=net-loop", NET_ATTACK_LOOP},
	                {"hostile=net-index", NET_ATTACK_INDEX}};
	for (unsigned i = 0; i < sizeof(net_acts) / sizeof(net_acts[0]); i++) {
		if (cmdline_has(cmdline, net_acts[i].name)) {
			net_attack(net_acts[i].how);
			stop_here();
		}
	}

	sweep_ports();
	sweep_msr_range(0, 0x2000);
	sweep_msr_range(0xc0000000u, 0x2000);
	garbage_hypercalls();
	bad_control_writes();
	foreign_ipis();
	puts_serial("hostile: faults taken: #GP ");
	put_dec(fault_count[VECTOR_GP]);
	puts_serial(", #UD ");
	put_dec(fault_count[VECTOR_UD]);
	puts_serial(", #PF ");
	put_dec(fault_count[VECTOR_PF]);
	puts_serial("\n");

	if (cmdline_has(cmdline, "hostile=memory")) {
		puts_serial("hostile: done with the sweeps, now: memory\n");
		act_memory();
	} else if (cmdline_has(cmdline, "hostile=triple")) {
		puts_serial("hostile: done with the sweeps, now: triple\n");
		act_triple();
	} else if (cmdline_has(cmdline, "hostile=hypercall")) {
		puts_serial("hostile: done with the sweeps, now: hypercall\n");
		act_hypercall();
	} else {
		puts_serial("hostile: no hostile= act on the command line\n");
	}
	stop_here();
}
