/*
 * Each CPU gets its own GDT (because the TSS descriptor's busy bit and base
 * differ per CPU) with one 64-bit code segment, one data segment and a TSS
 * whose IST1 stack catches double faults, NMIs and machine checks even
 * when the normal stack is gone. VM exits restore these selectors.
 */
#include "arch/cpu.h"
#include "arch/cpu_tables.h"
#include "core/pcpu.h"

#define MSR_IA32_GS_BASE 0xc0000101

struct pcpu *this_cpu(void)
{
	struct pcpu *cpu;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(cpu));
	return cpu;
}

static uint64_t tss_descriptor_low(uint64_t base, uint32_t limit)
{
	return (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
	       ((uint64_t)((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
}

void cpu_tables_load(struct pcpu *cpu)
{
	cpu->gdt[0] = 0;
	cpu->gdt[1] = 0x00af9a000000ffffULL; /* SEL_CODE64: L=1, present, DPL 0 */
	cpu->gdt[2] = 0x00cf92000000ffffULL; /* SEL_DATA */
	uint64_t tss_base = (uint64_t)(uintptr_t)&cpu->tss;
	cpu->gdt[3] = tss_descriptor_low(tss_base, sizeof(cpu->tss) - 1);
	cpu->gdt[4] = tss_base >> 32;
	cpu->tss = (struct tss64){0};
	cpu->tss.ist[0] = cpu->ist_stack_top;
	cpu->tss.iomap_base = sizeof(cpu->tss); /* no I/O permission bitmap */

	struct descriptor_pointer gdtr = {sizeof(cpu->gdt) - 1, (uint64_t)(uintptr_t)cpu->gdt};
	cpu_lgdt(&gdtr);
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %[cs]\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "movl %[ds], %%eax\n\t"
	                 "movl %%eax, %%ds\n\t"
	                 "movl %%eax, %%es\n\t"
	                 "movl %%eax, %%ss\n\t"
	                 "movl %%eax, %%fs\n\t"
	                 "movl %%eax, %%gs\n\t"
	                 :
	                 : [cs] "i"(SEL_CODE64), [ds] "i"(SEL_DATA)
	                 : "rax", "memory");
	cpu_ltr(SEL_TSS);
	cpu_set_this_cpu(cpu);
}

void cpu_set_this_cpu(struct pcpu *cpu)
{
	cpu->self = cpu;
	cpu_wrmsr(MSR_IA32_GS_BASE, (uint64_t)(uintptr_t)cpu);
}
