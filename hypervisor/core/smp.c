/*
 * Multi-processor start-up. APs are started one after another (they share
 * the trampoline), each checks in through pcpu.alive, then runs on its
 * own: VMXON, its probe VM, and a halt. A CPU that fails stops alone, with
 * its reason on the console.
 */
#include <stdio.h>

#include "arch/ap_start.h"
#include "arch/cpu.h"
#include "arch/cpu_tables.h"
#include "arch/lapic.h"
#include "arch/tsc.h"
#include "config.h"
#include "core/linux_partition.h"
#include "core/pcpu.h"
#include "core/scheduler.h"
#include "core/selftest.h"
#include "core/smp.h"
#include "lib/console.h"
#include "mm/page_alloc.h"
#include "vmx/vmx_cpu.h"

static const struct smp_plan *active_plan;

static void enter_vmx_and_test(struct pcpu *cpu, unsigned selftest)
{
	char err[120];
	if (!vmx_cpu_enable(cpu, err, sizeof(err))) {
		console_printf("solo: cpu%u: cannot enter VMX operation: %s\n", cpu->index, err);
		cpu->state = PCPU_FAILED;
		return;
	}
	cpu->state = PCPU_VMX_ROOT;
	console_printf("solo: cpu%u (APIC ID %u): in VMX root operation\n", cpu->index,
	               cpu->apic_id);
	bool ok = selftest_run(cpu, selftest, active_plan->bitmaps);
	if (!ok)
		console_printf("solo: cpu%u: self-test FAILED\n", cpu->index);
	cpu->state = PCPU_SELFTEST_DONE;
}

void smp_run_queue(struct pcpu *cpu)
{
	lapic_enable();
	scheduler_run(cpu, active_plan->bitmaps, active_plan->tsc_hz);
}

static void ap_main(struct pcpu *cpu)
{
	cpu_tables_load(cpu);
	idt_load();
	cpu->alive = 1;
	cpu->state = PCPU_STARTED;
	enter_vmx_and_test(cpu, active_plan->selftest & CONFIG_SELFTEST_PROBE);
	if (cpu->state == PCPU_SELFTEST_DONE) {
		/* Wait for partitions to run; the boot CPU hands them out once
		 * every CPU has finished its self-test. */
		while (!cpu->run_queue_ready)
			cpu_pause();
		smp_run_queue(cpu);
	}
	console_flush();
	cpu_halt_forever();
}

bool smp_prepare_cpus(void)
{
	for (unsigned i = 0; i < pcpu_count; i++) {
		struct pcpu *cpu = &pcpus[i];
		cpu->vmxon_region = page_alloc_zeroed();
		if (!cpu->vmxon_region)
			return false;
		if (i == 0)
			continue; /* the boot CPU keeps its boot stacks */
		hpa_t stack = page_alloc(PCPU_STACK_SIZE / PAGE_SIZE, PAGE_SIZE);
		hpa_t ist = page_alloc(PCPU_IST_STACK_SIZE / PAGE_SIZE, PAGE_SIZE);
		if (!stack || !ist)
			return false;
		cpu->stack_top = stack + PCPU_STACK_SIZE;
		cpu->ist_stack_top = ist + PCPU_IST_STACK_SIZE;
	}
	return true;
}

void smp_start_aps(const struct smp_plan *plan)
{
	active_plan = plan;
	for (unsigned i = 1; i < pcpu_count; i++) {
		struct pcpu *cpu = &pcpus[i];
		if (!ap_start(plan->trampoline_page, cpu->apic_id, plan->cr3, cpu->stack_top,
		              ap_main, cpu, &cpu->alive))
			console_printf("solo: cpu%u (APIC ID %u): did not start\n", i,
			               cpu->apic_id);
	}
}

void smp_run_boot_cpu(struct pcpu *cpu, const struct smp_plan *plan)
{
	active_plan = plan;
	enter_vmx_and_test(cpu, plan->selftest);
}

unsigned smp_wait_all(uint64_t microseconds)
{
	for (uint64_t waited = 0;; waited += 1000) {
		bool busy = false;
		for (unsigned i = 0; i < pcpu_count; i++)
			busy |= pcpus[i].alive &&
			        (pcpus[i].state == PCPU_STARTED || pcpus[i].state == PCPU_VMX_ROOT);
		if (!busy || waited >= microseconds)
			break;
		tsc_delay_us(1000);
	}
	unsigned in_vmx = 0;
	for (unsigned i = 0; i < pcpu_count; i++)
		in_vmx += pcpus[i].state == PCPU_VMX_ROOT || pcpus[i].state == PCPU_SELFTEST_DONE;
	return in_vmx;
}
