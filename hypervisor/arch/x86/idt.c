/*
 * The IDT, shared by all CPUs: gates for the 32 exception vectors and for
 * the interrupts solo takes while it sleeps (its wake-up timer, another
 * CPU's kick, a device interrupt routed through the I/O APIC, the
 * spurious vector); it runs with interrupts off otherwise. An exception
 * in solo's own code is a bug, reported with every register, after
 * which that CPU stops and the others carry on.
 */
#include <stdint.h>

#include "arch/cpu.h"
#include "arch/cpu_tables.h"
#include "arch/host_ioapic.h"
#include "arch/lapic.h"
#include "core/pcpu.h"
#include "lib/console.h"

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct exception_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};

extern const uint64_t isr_table[32];
extern const char isr_wakeup[], isr_device[], isr_spurious[];
static struct idt_gate idt[256] __attribute__((aligned(16)));

static void set_gate(unsigned vector, uint64_t handler, uint8_t ist)
{
	idt[vector] = (struct idt_gate){
	    .offset_low = (uint16_t)handler,
	    .selector = SEL_CODE64,
	    .ist = ist,
	    .type_attr = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
	    .offset_mid = (uint16_t)(handler >> 16),
	    .offset_high = (uint32_t)(handler >> 32),
	};
}

static const char *const exception_names[32] = {"#DE divide error",
                                                "#DB debug",
                                                "NMI",
                                                "#BP breakpoint",
                                                "#OF overflow",
                                                "#BR bound range",
                                                "#UD invalid opcode",
                                                "#NM device not available",
                                                "#DF double fault",
                                                "coprocessor overrun",
                                                "#TS invalid TSS",
                                                "#NP segment not present",
                                                "#SS stack fault",
                                                "#GP general protection",
                                                "#PF page fault",
                                                "reserved",
                                                "#MF x87 error",
                                                "#AC alignment check",
                                                "#MC machine check",
                                                "#XM SIMD error",
                                                "#VE virtualization",
                                                "#CP control protection"};

void idt_init(void)
{
	for (unsigned v = 0; v < 32; v++) {
		/* Double fault, NMI and machine check run on IST1 so they
		 * are reported even after a stack overflow. */
		uint8_t ist = (v == 2 || v == 8 || v == 18) ? 1 : 0;
		set_gate(v, isr_table[v], ist);
	}
	set_gate(LAPIC_WAKE_VECTOR, (uint64_t)(uintptr_t)isr_wakeup, 0);
	set_gate(LAPIC_KICK_VECTOR, (uint64_t)(uintptr_t)isr_wakeup, 0);
	set_gate(HOST_IOAPIC_VECTOR, (uint64_t)(uintptr_t)isr_device, 0);
	set_gate(LAPIC_SPURIOUS_VECTOR, (uint64_t)(uintptr_t)isr_spurious, 0);
}

void idt_load(void)
{
	struct descriptor_pointer idtr = {sizeof(idt) - 1, (uint64_t)(uintptr_t)idt};
	cpu_lidt(&idtr);
}

void exception_handle(const struct exception_frame *f);

void exception_handle(const struct exception_frame *f)
{
	const struct pcpu *cpu = this_cpu();
	const char *name =
	    f->vector < 32 && exception_names[f->vector] ? exception_names[f->vector] : "reserved";
	console_printf("solo: cpu%u: exception %s (vector %llu) error code 0x%llx at RIP 0x%llx\n",
	               cpu ? cpu->index : 0, name, (unsigned long long)f->vector,
	               (unsigned long long)f->error_code, (unsigned long long)f->rip);
	console_printf("solo: cpu%u:  rax %016llx rbx %016llx rcx %016llx rdx %016llx\n",
	               cpu ? cpu->index : 0, (unsigned long long)f->rax, (unsigned long long)f->rbx,
	               (unsigned long long)f->rcx, (unsigned long long)f->rdx);
	console_printf("solo: cpu%u:  rsi %016llx rdi %016llx rbp %016llx rsp %016llx\n",
	               cpu ? cpu->index : 0, (unsigned long long)f->rsi, (unsigned long long)f->rdi,
	               (unsigned long long)f->rbp, (unsigned long long)f->rsp);
	console_printf("solo: cpu%u:  r8  %016llx r9  %016llx r10 %016llx r11 %016llx\n",
	               cpu ? cpu->index : 0, (unsigned long long)f->r8, (unsigned long long)f->r9,
	               (unsigned long long)f->r10, (unsigned long long)f->r11);
	console_printf("solo: cpu%u:  r12 %016llx r13 %016llx r14 %016llx r15 %016llx\n",
	               cpu ? cpu->index : 0, (unsigned long long)f->r12, (unsigned long long)f->r13,
	               (unsigned long long)f->r14, (unsigned long long)f->r15);
	console_printf("solo: cpu%u:  cr2 %016llx cr3 %016llx rflags %016llx cs %04llx\n",
	               cpu ? cpu->index : 0, (unsigned long long)cpu_read_cr2(),
	               (unsigned long long)cpu_read_cr3(), (unsigned long long)f->rflags,
	               (unsigned long long)f->cs);
	console_printf("solo: cpu%u: stopped after an exception in the hypervisor\n",
	               cpu ? cpu->index : 0);
	if (cpu)
		((struct pcpu *)cpu)->state = PCPU_FAILED;
	console_flush();
	cpu_halt_forever();
}
