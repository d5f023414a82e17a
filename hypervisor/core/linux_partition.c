/*
 * Building and running a Linux partition. Guest RAM is one contiguous,
 * 2 MiB-aligned block, so EPT maps it with the largest pages the CPU has
 * and the loader can treat it as one array; nothing else is mapped.
 */
#include <stdio.h>
#include <string.h>

#include "arch/cpu.h"
#include "core/clone_point.h"
#include "core/guest_msr.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/vcpu_context.h"
#include "core/vcpu_run.h"
#include "lib/console.h"
#include "linux_boot.h"
#include "core/template.h"
#include "mm/page_alloc.h"
#include "mm/page_pool.h"
#include "vmx/ept_share.h"
#include "vmx/vmcs_snapshot.h"
#include "vmx/msr_bitmap.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"

#define FAIL(...)        (snprintf(err, errlen, __VA_ARGS__), partition_destroy(p), false)
#define CPUID1_ECX_XSAVE (1u << 26)

static void free_table_page(hpa_t page)
{
	page_free(page, 1);
}

/* Single pages of a partition come from the clones' pool when it is a
 * clone (page_pool.h says why), from page_alloc otherwise. */
static hpa_t one_page(const struct partition *p)
{
	return p->from_snapshot ? page_pool_alloc_zeroed() : page_alloc_zeroed();
}

static void free_one_page(const struct partition *p, hpa_t page)
{
	if (p->from_snapshot)
		page_pool_free(page);
	else
		page_free(page, 1);
}

void partition_destroy(struct partition *p)
{
	/* No frame may reach its RAM once it is freed. */
	partition_net_destroy(p);
	uint64_t xsave_pages = vcpu_context_xsave_pages();
	for (unsigned i = 0; i < PARTITION_MAX_VCPUS; i++) {
		struct vcpu *v = &p->vcpus[i];
		/* Each CPU frees the VMCS of a vCPU it ran when that vCPU
		 * leaves it; what is left here is this CPU's. */
		vmcs_destroy(v);
		if (v->xsave_area && xsave_pages == 1)
			free_one_page(p, v->xsave_area);
		else if (v->xsave_area)
			page_free(v->xsave_area, xsave_pages);
		v->xsave_area = 0;
	}
	if (p->template)
		ept_free_private(&p->ept, page_pool_free);
	/* A template's maker keeps page_alloc's tables, as it was built. */
	if (p->ept.tables.root)
		ept_destroy(&p->ept, p->from_snapshot ? page_pool_free : free_table_page);
	if (p->ram_hpa)
		page_free(p->ram_hpa, p->ram_size / PAGE_SIZE);
	if (p->msr_bitmap)
		free_one_page(p, p->msr_bitmap);
	if (p->template)
		template_clone_ended(p->template);
	if (p->making)
		template_abandon(p->making);
	p->template = 0;
	p->making = 0;
	p->from_snapshot = false;
	p->private_pages = 0;
	p->ram_hpa = 0;
	p->msr_bitmap = 0;
	/* Its EPT root may be reused by the next partition. */
	vmx_invept(2, 0);
}

/* The vCPUs (partition_init_vcpus), each with its register save area,
 * which must start zeroed: XSAVE leaves the header's bits for components
 * outside its mask as they were, and XRSTOR faults on a header with stray
 * bits. */
static bool create_vcpus(struct partition *p, const struct linux_partition_spec *spec)
{
	uint64_t pages = vcpu_context_xsave_pages();
	partition_init_vcpus(p, spec->vcpus, spec->cpus, spec->notices);
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		struct vcpu *v = &p->vcpus[i];
		v->xsave_area = pages == 1 ? one_page(p) : page_alloc(pages, PAGE_SIZE);
		if (!v->xsave_area)
			return false;
		memset(hpa_to_ptr(v->xsave_area), 0, pages * PAGE_SIZE);
	}
	return true;
}

/* The MSR bitmap and the vCPUs; NULL, or what there was no memory for. */
static const char *create_cpu_state(struct partition *p, const struct linux_partition_spec *spec)
{
	p->msr_bitmap = one_page(p);
	if (!p->msr_bitmap)
		return "MSR bitmap";
	if (!create_vcpus(p, spec))
		return "register save areas";
	guest_msr_setup_bitmap(hpa_to_ptr(p->msr_bitmap));
	return 0;
}

bool linux_partition_create(struct partition *p, const struct linux_partition_spec *spec, char *err,
                            size_t errlen)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", spec->name);
	p->measurements = spec->measurements;
	partition_devices_init(p);
	if (spec->vcpus < 1 || spec->vcpus > PARTITION_MAX_VCPUS)
		return FAIL("%u vCPUs asked, at most %u per partition", spec->vcpus,
		            PARTITION_MAX_VCPUS);
	uint64_t size = (spec->memory + PAGE_SIZE_2M - 1) & ~(PAGE_SIZE_2M - 1);
	p->ram_hpa = page_alloc(size / PAGE_SIZE, PAGE_SIZE_2M);
	if (!p->ram_hpa) {
		/* Templates no clone runs on are a cache, and an unused pool
		 * holds runs: their memory goes first. */
		bool freed = template_reclaim_idle() > 0;
		freed |= page_pool_release();
		if (freed)
			p->ram_hpa = page_alloc(size / PAGE_SIZE, PAGE_SIZE_2M);
	}
	if (!p->ram_hpa)
		return FAIL("not enough free memory for %llu MiB of RAM",
		            (unsigned long long)(size / MIB));
	p->ram_size = size;
	memset(hpa_to_ptr(p->ram_hpa), 0, size);

	char why[120];
	struct linux_boot_layout layout;
	if (!linux_boot_prepare(hpa_to_ptr(p->ram_hpa), size, spec->kernel, spec->kernel_size,
	                        spec->initrd, spec->initrd_size, spec->cmdline,
	                        &(struct guest_machine){spec->vcpus, spec->nic_count}, &layout, why,
	                        sizeof(why)))
		return FAIL("%s", why);
	if (!ept_init(&p->ept, vmx_features.ept_2mb_pages, vmx_features.ept_1gb_pages,
	              page_alloc_zeroed) ||
	    !ept_map_ram(&p->ept, 0, p->ram_hpa, size))
		return FAIL("out of memory for its EPT");
	const char *missing = create_cpu_state(p, spec);
	if (missing)
		return FAIL("out of memory for its %s", missing);
	if (!partition_net_create(p, spec->nics, spec->nic_count, why, sizeof(why)))
		return FAIL("%s", why);
	p->vcpus[0].regs.rsi = layout.boot_params_gpa;
	p->entry_gpa = layout.entry_gpa;
	p->hostname = spec->hostname;
	return true;
}

bool linux_partition_clone(struct partition *p, const struct linux_partition_spec *spec,
                           struct template *t, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", spec->name);
	p->measurements = spec->measurements;
	p->hostname = spec->hostname;
	p->template = t;
	p->from_snapshot = true;
	p->ram_size = t->ram_size;
	partition_devices_init(p);
	if (!ept_init(&p->ept, vmx_features.ept_2mb_pages, vmx_features.ept_1gb_pages,
	              page_pool_alloc_zeroed) ||
	    !ept_map_shared(&p->ept, 0, t->ram_hpa, t->ram_size))
		return FAIL("out of memory for its EPT");
	const char *missing = create_cpu_state(p, spec);
	if (missing)
		return FAIL("out of memory for its %s", missing);
	template_restore(t, p);
	/* Until it is handed to a CPU, no CPU maps it: its devices may copy
	 * pages from here. */
	p->building = true;
	char why[120];
	if (!partition_net_create(p, spec->nics, spec->nic_count, why, sizeof(why))) {
		p->building = false;
		return FAIL("%s", why);
	}
	if (!partition_net_restore(p, t->nics, t->nic_count)) {
		p->building = false;
		return FAIL("out of memory for its own copies of its network rings");
	}
	/* What its maker wrote on the way to its first line, this clone
	 * will write too: copied now, not one exit at a time. */
	if (!template_prefetch(p)) {
		p->building = false;
		return FAIL("out of memory for its own copies of its template's write set");
	}
	/* The clone point's answer is the clone's own: its identity and
	 * fresh entropy, written into its memory before it first runs. */
	clone_point_answer(p, &p->vcpus[0],
	                   &(struct guest_paging){
	                       .cr0 = vmcs_snapshot_field(&t->vmcs, GUEST_CR0),
	                       .cr3 = vmcs_snapshot_field(&t->vmcs, GUEST_CR3),
	                       .cr4 = vmcs_snapshot_field(&t->vmcs, GUEST_CR4),
	                       .efer = t->vcpu.efer,
	                   });
	p->building = false;
	return true;
}

enum partition_launch linux_partition_launch(struct partition *p,
                                             const struct linux_partition_spec *spec, char *err,
                                             size_t errlen)
{
	uint64_t now = cpu_rdtsc();
	struct template *t = 0;
	bool clonable = spec->clonable && spec->vcpus == 1;
	bool built;
	switch (template_lookup(spec, clonable, spec->template_eager, &t)) {
	case TEMPLATE_WAIT:
		return PARTITION_LAUNCH_WAITING;
	case TEMPLATE_CLONE:
		built = linux_partition_clone(p, spec, t, err, errlen);
		break;
	case TEMPLATE_MAKE:
		built = linux_partition_create(p, spec, err, errlen);
		if (built)
			p->making = t;
		else
			template_abandon(t);
		break;
	default:
		built = linux_partition_create(p, spec, err, errlen);
		break;
	}
	if (!built)
		return PARTITION_LAUNCH_FAILED;
	p->launched_tsc = now;
	return PARTITION_LAUNCH_BUILT;
}

bool linux_partition_start(struct partition *p, unsigned index, struct pcpu *cpu,
                           const struct vmx_bitmaps *bitmaps, uint64_t tsc_hz)
{
	struct vcpu *v = &p->vcpus[index];
	v->pcpu_index = cpu->index;
	v->tsc_hz = tsc_hz;
	if (!vmcs_create(v)) {
		partition_end(p, PARTITION_CRASHED, "cannot create a VMCS for vCPU %u", index);
		return false;
	}
	struct vmx_bitmaps own = *bitmaps;
	own.msr = p->msr_bitmap;
	vmcs_setup_host(cpu);
	vmcs_setup_controls(v, &own, p->ept.eptp);
	if (index > 0) {
		vmcs_setup_guest_startup(v->sipi_vector);
		console_printf("solo: [%s] vCPU %u started on cpu%u at 0x%x\n", p->name, index,
		               cpu->index, (unsigned)v->sipi_vector << 12);
		return true;
	}
	p->started_tsc = cpu_rdtsc();
	p->state = PARTITION_RUNNING;
	if (p->from_snapshot) {
		vmcs_snapshot_restore(&p->template->vmcs);
		console_printf("solo: [%s] starting on cpu%u: %llu MiB RAM, %u vCPU, a clone of "
		               "its template\n",
		               p->name, cpu->index, (unsigned long long)(p->ram_size / MIB),
		               p->vcpu_count);
		return true;
	}
	vmcs_setup_guest_protected_mode((uint32_t)p->entry_gpa);
	console_printf("solo: [%s] starting on cpu%u: %llu MiB RAM, %u vCPU%s, entry 0x%llx\n",
	               p->name, cpu->index, (unsigned long long)(p->ram_size / MIB), p->vcpu_count,
	               p->vcpu_count == 1 ? "" : "s", (unsigned long long)p->entry_gpa);
	return true;
}

void partition_exit_totals(const struct partition *p, uint64_t counts[EXIT_REASON_COUNT],
                           uint64_t *total)
{
	*total = 0;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
		counts[r] = 0;
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		*total += p->vcpus[i].exits_total;
		for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
			counts[r] += p->vcpus[i].exit_counts[r];
	}
}

static void print_line(const char *line)
{
	console_printf("%s\n", line);
}

void linux_partition_report(struct partition *p, uint64_t tsc_hz)
{
	partition_console_flush(p);
	uint64_t ran = cpu_rdtsc() - p->started_tsc;
	uint64_t counts[EXIT_REASON_COUNT], total, halted = 0, timer = 0, dropped = 0, switches = 0,
	                                           handling = 0;
	unsigned refused = 0;
	for (unsigned i = 0; i < p->vcpu_count; i++) {
		const struct vcpu *v = &p->vcpus[i];
		halted += v->halted_tsc;
		timer += v->apic.timer_fired;
		dropped += v->apic.ipis_dropped;
		refused += v->msr_refusals;
		switches += v->switches_in;
		handling += v->exit_handling_tsc;
	}
	partition_exit_totals(p, counts, &total);
	char text[400];
	console_printf("[%s] %s: %s\n", p->name, partition_state_name(p->state), p->reason);
	console_printf("[%s] exits: %s\n", p->name, format_exit_counts(counts, text, sizeof(text)));
	/* With several vCPUs, halted time is the sum of theirs. */
	console_printf(
	    "[%s] ran %llu ms, %llu ms of it halted, switched in %llu times; %llu timer "
	    "interrupts, %u MSR accesses refused, %llu IPIs dropped (to no vCPU of its own, or "
	    "NMI/SMI/ExtINT)\n",
	    p->name, (unsigned long long)(tsc_hz ? ran * 1000 / tsc_hz : 0),
	    (unsigned long long)(tsc_hz ? halted * 1000 / tsc_hz : 0), (unsigned long long)switches,
	    (unsigned long long)timer, refused, (unsigned long long)dropped);
	console_printf(
	    "solo: [%s] timeline: started at TSC %llu, first output at TSC %llu, ended at "
	    "TSC %llu\n",
	    p->name, (unsigned long long)p->started_tsc, (unsigned long long)p->first_output_tsc,
	    (unsigned long long)cpu_rdtsc());
	if (p->first_output_tsc && p->launched_tsc)
		console_printf("solo: [%s] start: %s, %llu TSC ticks from its start to its first "
		               "line\n",
		               p->name,
		               p->from_snapshot ? "a clone of its template"
		               : p->template    ? "a full boot, which made its template"
		                                : "a full boot",
		               (unsigned long long)(p->first_output_tsc - p->launched_tsc));
	if (p->template)
		console_printf(
		    "[%s] RAM: %llu private pages (copied on write), %llu shared with its "
		    "template\n",
		    p->name, (unsigned long long)p->private_pages,
		    (unsigned long long)(p->ram_size / PAGE_SIZE - p->private_pages));
	console_printf("[%s] solo's share: %llu TSC ticks handling its exits, %llu per exit\n",
	               p->name, (unsigned long long)handling,
	               (unsigned long long)(total ? handling / total : 0));
	partition_net_report(p, print_line);
	console_printf("[%s] solo's memory for it: %llu KiB (%llu MiB of guest RAM apart)\n",
	               p->name, (unsigned long long)(partition_overhead_bytes(p) / 1024),
	               (unsigned long long)(p->ram_size / MIB));
}

uint64_t partition_overhead_bytes(const struct partition *p)
{
	/* What solo holds for a partition besides its RAM: EPT tables, the
	 * VMCS, the MSR bitmap and its own bookkeeping (the I/O bitmaps are
	 * shared by all). */
	uint64_t pages = p->ept.tables.table_pages + (p->msr_bitmap ? 1 : 0);
	for (unsigned i = 0; i < p->vcpu_count; i++)
		pages += (p->vcpus[i].vmcs ? 1 : 0) +
		         (p->vcpus[i].xsave_area ? vcpu_context_xsave_pages() : 0);
	return pages * PAGE_SIZE + sizeof(*p);
}
