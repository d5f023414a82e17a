/* Loading a CPU's own GDT, TSS and IDT, and its GS base (this_cpu()). */
#ifndef SOLO_ARCH_CPU_TABLES_H
#define SOLO_ARCH_CPU_TABLES_H

struct pcpu;

/* Builds and loads this CPU's GDT and TSS, reloads every segment register
 * and points GS at the pcpu. */
void cpu_tables_load(struct pcpu *cpu);

/* Points GS at the pcpu, so this_cpu() finds it (done early on the boot
 * CPU, before its tables are loaded). */
void cpu_set_this_cpu(struct pcpu *cpu);

/* Loads the shared IDT (built once by the BSP). */
void idt_init(void);
void idt_load(void);

#endif
