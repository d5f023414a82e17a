/*
 * hv_main: the boot CPU's path from the handoff to a running system.
 * Each step either succeeds or stops with one clear line: bad boot data
 * or missing hardware stop here, at init, never later.
 */
#include <stdio.h>
#include <string.h>

#include "acpi/madt.h"
#include "arch/cpu.h"
#include "arch/cmos.h"
#include "arch/cpu_tables.h"
#include "arch/lapic.h"
#include "arch/serial.h"
#include "arch/tsc.h"
#include "config.h"
#include "core/handoff_check.h"
#include "core/linux_partition.h"
#include "core/management_console.h"
#include "core/net_uplink.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/placement.h"
#include "core/scheduler.h"
#include "core/smp.h"
#include "core/template.h"
#include "lib/console.h"
#include "mm/host_paging.h"
#include "mm/page_alloc.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"

#define AP_FINISH_TIMEOUT_US (30ULL * 1000 * 1000)

struct pcpu pcpus[HANDOFF_MAX_CPUS];
unsigned pcpu_count;

extern char __image_start[], __image_end[];
void hv_main(uint64_t handoff_address);

static struct appliance_config config;
static struct manifest manifest;
static bool have_manifest; /* a verified build's manifest */

static __attribute__((noreturn)) void stop(const char *what, const char *why)
{
	console_printf("solo: error: %s: %s\n", what, why);
	console_printf("solo: stopped\n");
	console_flush();
	cpu_halt_forever();
}

static void load_cpu_list(const struct handoff *h)
{
	uint32_t ids[HANDOFF_MAX_CPUS];
	char err[96];
	const char *source = "firmware MP services";
	unsigned count = h->cpu_count;
	memcpy(ids, h->apic_ids, sizeof(ids));
	if (h->acpi_rsdp) {
		int n = madt_find_cpus(h->acpi_rsdp, ids, HANDOFF_MAX_CPUS, err, sizeof(err));
		if (n > 0) {
			count = (unsigned)n;
			source = "ACPI MADT";
		} else {
			console_printf("solo: ACPI: %s; using the firmware's CPU list\n",
			               n < 0 ? err : "no CPUs in the MADT");
			memcpy(ids, h->apic_ids, sizeof(ids));
		}
	}
	/* The boot CPU is always pcpus[0], whatever order the list has. */
	uint32_t bsp = lapic_id();
	pcpus[0].apic_id = bsp;
	pcpu_count = 1;
	for (unsigned i = 0; i < count && pcpu_count < HANDOFF_MAX_CPUS; i++) {
		if (ids[i] == bsp)
			continue;
		pcpus[pcpu_count].index = pcpu_count;
		pcpus[pcpu_count].apic_id = ids[i];
		pcpu_count++;
	}
	console_printf("solo: %u CPU%s (from %s), APIC IDs:", pcpu_count,
	               pcpu_count == 1 ? "" : "s", source);
	for (unsigned i = 0; i < pcpu_count; i++)
		console_printf(" %u", pcpus[i].apic_id);
	console_printf("\n");
}

static void print_vmx_summary(void)
{
	const struct vmx_features *f = &vmx_features;
	console_printf("solo: VMX: VMCS revision 0x%x, EPT (4-level, 4K%s%s pages), VPID, "
	               "unrestricted guest, preemption timer (TSC/%u)\n",
	               f->vmcs_revision, f->ept_2mb_pages ? "/2M" : "",
	               f->ept_1gb_pages ? "/1G" : "", 1u << f->preemption_timer_shift);
	console_printf("solo: VMX: APIC virtualization: TPR shadow %s, x2APIC virtualization %s, "
	               "APIC-register virtualization %s, virtual-interrupt delivery %s\n",
	               f->tpr_shadow ? "yes" : "no", f->virtualize_x2apic ? "yes" : "no",
	               f->apic_register_virt ? "yes" : "no",
	               f->virtual_intr_delivery ? "yes" : "no");
}

static void read_config(const struct handoff *h)
{
	const struct handoff_file *file = handoff_find_file(h, HANDOFF_FILE_CONFIG);
	char err[160];
	if (!file)
		stop("appliance config", "not handed over by the boot stage");
	if (!config_parse(hpa_to_ptr(file->base), file->size, &config, err, sizeof(err)))
		stop("appliance config", err);
	console_printf("solo: appliance '%s': %u container%s\n", config.name,
	               config.container_count, config.container_count == 1 ? "" : "s");
	scheduler_set_timeslice(config.timeslice_us);
	partition_net_init(&config);
	if (config.timeslice_us != CONFIG_TIMESLICE_DEFAULT_US)
		console_printf("solo: time slices of %u us\n", config.timeslice_us);
	/* The boot stage checked it against its anchor and every file
	 * against it: here it only names the digests partitions boot. */
	const struct handoff_file *m = handoff_find_file(h, HANDOFF_FILE_MANIFEST);
	have_manifest =
	    m && manifest_parse(hpa_to_ptr(m->base), m->size, &manifest, err, sizeof(err));
	if (m && !have_manifest)
		console_printf("solo: manifest not read (%s): partitions' kernels and initrds go "
		               "unmeasured\n",
		               err);
}

static struct vmx_bitmaps allocate_bitmaps(void)
{
	struct vmx_bitmaps b = {
	    .io_a = page_alloc_zeroed(),
	    .io_b = page_alloc_zeroed(),
	    .msr = page_alloc_zeroed(),
	};
	if (!b.io_a || !b.io_b || !b.msr)
		stop("memory", "out of memory for the VMX bitmaps");
	memset(hpa_to_ptr(b.io_a), 0xff, PAGE_SIZE);
	memset(hpa_to_ptr(b.io_b), 0xff, PAGE_SIZE);
	memset(hpa_to_ptr(b.msr), 0xff, PAGE_SIZE);
	return b;
}

#define MAX_PARTITIONS (CONFIG_MAX_VMS + CONFIG_MAX_CONTAINER_PARTITIONS)
/* One CPU may have to run them all. */
_Static_assert(MAX_PARTITIONS <= PCPU_MAX_QUEUED, "a run queue holds every partition");
static struct partition partitions[MAX_PARTITIONS];
static struct partition_slot slots[MAX_PARTITIONS];

/* Prepares and creates the partition for one [vm] (or container, seen as
 * the [vm] it boots as). Returns false, with the reason on the console,
 * when it cannot start; the others go ahead regardless. */
static bool create_one(const struct handoff *h, const struct config_vm *vm,
                       struct restart_policy policy, bool pinned, bool clonable, bool eager,
                       const char *name, const struct config_nic *nics, struct partition_slot *slot,
                       struct partition *p)
{
	const struct handoff_file *kernel = handoff_find_file(h, vm->kernel);
	const struct handoff_file *initrd = vm->initrd[0] ? handoff_find_file(h, vm->initrd) : 0;
	char err[160];
	if (!kernel || (vm->initrd[0] && !initrd)) {
		console_printf("solo: [%s] not started: %s not handed over by the boot stage\n",
		               vm->name, kernel ? vm->initrd : vm->kernel);
		return false;
	}
	*slot = (struct partition_slot){
	    .spec =
	        {
	            .name = name,
	            .hostname = name == vm->name ? 0 : name,
	            .clonable = clonable,
	            .template_eager = eager,
	            .kernel = hpa_to_ptr(kernel->base),
	            .kernel_size = kernel->size,
	            .initrd = initrd ? hpa_to_ptr(initrd->base) : 0,
	            .initrd_size = initrd ? initrd->size : 0,
	            .cmdline = vm->cmdline,
	            .memory = vm->memory,
	            .vcpus = vm->vcpus,
	            .nics = nics,
	            .nic_count = vm->nic_count,
	        },
	    .policy = policy,
	    .stop_timeout_s = vm->stop_timeout_s,
	    .pinned = pinned,
	    .partition = p,
	    .state = SLOT_CREATED,
	};
	measurements_take(&slot->measurements, have_manifest ? &manifest : 0, vm);
	slot->spec.measurements = &slot->measurements;
	slot->templates_asked = template_generation();
	enum partition_launch launch = linux_partition_launch(p, &slot->spec, err, sizeof(err));
	if (launch == PARTITION_LAUNCH_FAILED) {
		console_printf("solo: [%s] not started: %s\n", name, err);
		return false;
	}
	if (launch == PARTITION_LAUNCH_WAITING)
		slot->state = SLOT_WAITING;
	return true;
}

/* Creates a partition for every [vm] and [container] of the config. */
static unsigned create_partitions(const struct handoff *h)
{
	static struct config_vm container_vms[CONFIG_MAX_CONTAINERS]; /* 708 KiB */
	/* A replica's name (its container's, "-1" ... "-N" after it) and
	 * interfaces (its own MACs and addresses). */
	static char replica_names[CONFIG_MAX_CONTAINER_PARTITIONS][PARTITION_NAME_LEN];
	static struct config_nic replica_nics[CONFIG_MAX_CONTAINER_PARTITIONS][CONFIG_MAX_NICS];
	unsigned count = 0, replicas = 0;
	for (unsigned i = 0; i < config.vm_count; i++)
		count +=
		    create_one(h, &config.vms[i], (struct restart_policy){CONFIG_RESTART_NO, 0},
		               false, false, false, config.vms[i].name, config.vms[i].nics,
		               &slots[count], &partitions[count]);
	for (unsigned i = 0; i < config.container_count; i++) {
		const struct config_container *c = &config.containers[i];
		config_container_vm(c, &container_vms[i]);
		struct restart_policy policy = {c->restart, c->restart_max};
		for (unsigned r = 0; r < c->replicas; r++) {
			const char *name = container_vms[i].name;
			const struct config_nic *nics = container_vms[i].nics;
			if (c->replicas > 1) {
				config_replica_name(c, r + 1, replica_names[replicas],
				                    PARTITION_NAME_LEN);
				config_replica_nics(&config, c, r + 1, replica_nics[replicas]);
				name = replica_names[replicas];
				nics = replica_nics[replicas];
				replicas++;
			}
			bool eager = c->replicas > 1 || c->restart != CONFIG_RESTART_NO;
			count += create_one(h, &container_vms[i], policy,
			                    c->cpus == CONFIG_CPUS_PINNED, !c->start_boot, eager,
			                    name, nics, &slots[count], &partitions[count]);
		}
	}
	return count;
}

/* Queues each vCPU of the partition on the CPU placement chose for it;
 * a partition that got no CPU (or does not fit a run queue) is not
 * started. */
static void place(struct partition_slot *slot, const unsigned *cpu_of)
{
	struct partition *p = slot->partition;
	unsigned n = slot->spec.vcpus;
	bool fits = cpu_of[0] != PLACEMENT_NONE;
	for (unsigned v = 0; v < n && fits; v++)
		fits = pcpus[cpu_of[v]].run_queue_length < PCPU_MAX_QUEUED;
	if (!fits) {
		/* Nowhere to run: the console must not take requests for it. */
		slot->spec.cpus[0] = PLACEMENT_NONE;
		slot->state = SLOT_DONE;
		console_printf("solo: [%s] not started: no CPU left to %s it\n", slot->spec.name,
		               slot->pinned ? "pin" : "place");
		partition_destroy(p);
		return;
	}
	for (unsigned v = 0; v < n; v++) {
		struct pcpu *cpu = &pcpus[cpu_of[v]];
		slot->spec.cpus[v] = cpu_of[v];
		p->vcpus[v].pcpu_index = cpu_of[v];
		unsigned entry = cpu->run_queue_length++;
		cpu->run_queue[entry] = (struct run_entry){slot, v};
		slot->spec.notices[v] = scheduler_notice_of(cpu, entry);
		p->vcpus[v].notice = slot->spec.notices[v];
	}
}

/* The boot CPU's work between its slices: the management console, and
 * the frames the physical uplinks received (their interrupts come to
 * this CPU, net_uplink.h). */
static void between_slices(void)
{
	console_poll();
	net_uplink_poll();
}

/* Hands the partitions out to the CPUs in VMX operation and runs the
 * boot CPU's share, serving the management console between its slices
 * for as long as solo runs. */
static __attribute__((noreturn)) void run_partitions(unsigned count, uint64_t baseline,
                                                     uint64_t tsc_hz)
{
	static unsigned cpu_of[MAX_PARTITIONS][PLACEMENT_MAX_VCPUS];
	bool usable[HANDOFF_MAX_CPUS], pinned[MAX_PARTITIONS];
	unsigned vcpus[MAX_PARTITIONS];
	for (unsigned i = 0; i < pcpu_count; i++)
		usable[i] = pcpus[i].state == PCPU_SELFTEST_DONE;
	for (unsigned i = 0; i < count; i++) {
		pinned[i] = slots[i].pinned;
		vcpus[i] = slots[i].spec.vcpus;
	}
	if (count && !placement_assign(usable, pcpu_count, pinned, vcpus, count, cpu_of)) {
		console_printf("solo: no CPU can run partitions\n");
		count = 0;
	}
	for (unsigned i = 0; i < count; i++)
		place(&slots[i], cpu_of[i]);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned i = 1; i < pcpu_count; i++)
		pcpus[i].run_queue_ready = 1;
	console_attach(slots, count, baseline, tsc_hz);
	pcpus[0].between_slices = between_slices;
	console_printf("solo: console ready (type help)\n");
	smp_run_queue(&pcpus[0]);
}

static void mask_legacy_pic(void)
{
	/* Firmware may leave the 8259s unmasked; solo uses none of their
	 * interrupts. */
	cpu_outb(0x21, 0xff);
	cpu_outb(0xa1, 0xff);
}

void hv_main(uint64_t handoff_address)
{
	struct pcpu *bsp = &pcpus[0];
	cpu_set_this_cpu(bsp); /* exception reports use this_cpu() from here on */
	serial_init();
	/* The TSC counts from power-on: this says how long the firmware and
	 * the boot stage took (make bench draws it). */
	console_printf("\nsolo: hypervisor starting at TSC %llu\n",
	               (unsigned long long)cpu_rdtsc());

	const struct handoff *h = hpa_to_ptr(handoff_address);
	char err[120];
	if (!handoff_check(h, err, sizeof(err)))
		stop("handoff block", err);

	uint64_t free_pages = page_alloc_init(h);
	console_printf("solo: memory: %llu MiB usable of %llu MiB mapped\n",
	               (unsigned long long)(free_pages * PAGE_SIZE / MIB),
	               (unsigned long long)(handoff_memory_top(h) / MIB));

	static uint8_t bsp_ist_stack[PCPU_IST_STACK_SIZE] __attribute__((aligned(16)));
	bsp->ist_stack_top = (uint64_t)(uintptr_t)(bsp_ist_stack + sizeof(bsp_ist_stack));
	idt_init();
	cpu_tables_load(bsp);
	idt_load();
	mask_legacy_pic();

	uint64_t image_size = (uint64_t)(__image_end - __image_start);
	bool has_1g_pages = (cpu_cpuid(0x80000001, 0).edx >> 26) & 1;
	uint64_t top = handoff_memory_top(h);
	if (top < (4ULL << 30))
		top = 4ULL << 30; /* include the APIC and other MMIO below 4 GiB */
	hpa_t cr3 = host_paging_build(page_alloc_zeroed, top, HANDOFF_HYPERVISOR_VIRT_BASE,
	                              h->hypervisor_phys_base, image_size, has_1g_pages);
	if (!cr3 || cr3 >= (4ULL << 30))
		stop("paging", "cannot build page tables below 4 GiB");
	cpu_write_cr3(cr3);

	read_config(h);
	lapic_init();
	load_cpu_list(h);
	net_uplink_init(&config, bsp->apic_id);
	bsp->alive = 1;
	bsp->state = PCPU_STARTED;

	uint64_t hz = tsc_calibrate();
	struct rtc_clock wall_clock = {.hz = hz};
	cmos_read_time(&wall_clock.at);
	wall_clock.tsc = cpu_rdtsc();
	partition_devices_set_time(&wall_clock);
	console_printf("solo: TSC %llu.%03llu MHz (measured against the PIT)\n",
	               (unsigned long long)(hz / 1000000), (unsigned long long)(hz / 1000 % 1000));

	const char *missing = NULL;
	if (!vmx_global_init(&missing))
		stop("no usable VT-x: required VMX feature missing", missing);
	print_vmx_summary();

	struct vmx_bitmaps bitmaps = allocate_bitmaps();
	if (!smp_prepare_cpus())
		stop("memory", "out of memory for per-CPU stacks");
	uint64_t baseline = page_alloc_free_pages();
	struct smp_plan plan = {
	    .trampoline_page = h->trampoline_page,
	    .cr3 = cr3,
	    .selftest = config.selftest,
	    .bitmaps = &bitmaps,
	    .tsc_hz = hz,
	};
	smp_start_aps(&plan);
	smp_run_boot_cpu(bsp, &plan);
	unsigned in_vmx = smp_wait_all(AP_FINISH_TIMEOUT_US);

	console_printf("solo: %u of %u CPUs in VMX root operation\n", in_vmx, pcpu_count);
	console_printf("solo: free pages: %llu after the test VMs, %llu before\n",
	               (unsigned long long)page_alloc_free_pages(), (unsigned long long)baseline);
	console_printf("solo: ready\n");

	unsigned count = create_partitions(h);
	if (count || config.vm_count || config.container_count)
		run_partitions(count, baseline, hz);
	console_flush();
	cpu_halt_forever();
}
