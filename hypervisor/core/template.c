/* The template registry and snapshots (see template.h). */
#include <string.h>

#include "arch/vmx_ops.h"
#include "core/guest_memory.h"
#include "core/linux_partition.h"
#include "core/partition_net.h"
#include "core/template.h"
#include "core/vcpu_context.h"
#include "lib/spinlock.h"
#include "mm/page_alloc.h"
#include "vmx/ept_share.h"

static struct spinlock registry_lock = SPINLOCK_INIT;
static struct template templates[TEMPLATE_MAX];

static bool same_kind(const struct template *t, const struct linux_partition_spec *spec)
{
	return t->kernel == spec->kernel && t->initrd == spec->initrd &&
	       t->memory == spec->memory && strcmp(t->cmdline, spec->cmdline) == 0;
}

enum template_use template_lookup(const struct linux_partition_spec *spec, bool clonable,
                                  bool eager, struct template **found)
{
	if (!clonable)
		return TEMPLATE_NONE;
	struct template *t = 0, *free_entry = 0;
	spin_lock(&registry_lock);
	for (unsigned i = 0; i < TEMPLATE_MAX && !t; i++) {
		if (!templates[i].used)
			free_entry = free_entry ? free_entry : &templates[i];
		else if (same_kind(&templates[i], spec))
			t = &templates[i];
	}
	enum template_use use = TEMPLATE_NONE;
	if (!t && free_entry) {
		/* Claimed now, so partitions of the kind starting meanwhile
		 * wait for this one's snapshot instead of booting too. */
		t = free_entry;
		*t = (struct template){
		    .used = true,
		    .kernel = spec->kernel,
		    .initrd = spec->initrd,
		    .cmdline = spec->cmdline,
		    .memory = spec->memory,
		};
		if (eager) {
			t->making = true;
			use = TEMPLATE_MAKE;
		}
	} else if (t && t->ready) {
		t->clones_started++;
		t->clones_running++;
		use = TEMPLATE_CLONE;
	} else if (t && t->making) {
		use = TEMPLATE_WAIT;
	} else if (t) {
		t->making = true; /* its second start */
		use = TEMPLATE_MAKE;
	}
	*found = t;
	spin_unlock(&registry_lock);
	return use;
}

/* Bumped whenever a wait for a template may end (one made, or its
 * maker gone): what the scheduler looks at before it asks again for
 * each partition that waits. */
static unsigned long generation;

unsigned long template_generation(void)
{
	return __atomic_load_n(&generation, __ATOMIC_SEQ_CST);
}

void template_abandon(struct template *t)
{
	spin_lock(&registry_lock);
	t->making = false;
	spin_unlock(&registry_lock);
	__atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
}

bool template_take(struct template *t, struct vcpu *v)
{
	struct partition *p = v->partition;
	uint64_t pages = vcpu_context_xsave_pages();
	hpa_t xsave = page_alloc(pages, PAGE_SIZE);
	if (!xsave) {
		template_abandon(t);
		return false;
	}
	/* What the CPU holds for the guest outside the VMCS, into the vCPU
	 * (the next entry loads it back), then into the template. */
	vcpu_context_save(v);
	memcpy(hpa_to_ptr(xsave), hpa_to_ptr(v->xsave_area), pages * PAGE_SIZE);
	vmcs_snapshot_take(&t->vmcs);
	t->xsave_area = xsave;
	t->xsave_pages = pages;
	t->vcpu = *v;
	t->uart = p->uart;
	t->control = p->control;
	t->ioapic = p->ioapic;
	t->rtc = p->rtc;
	t->pci = p->pci;
	t->nic_count = p->nic_count;
	partition_net_save(p, t->nics);
	/* The partition's RAM is the template's now; the partition keeps
	 * running on it as the first clone, its EPT made read-only, and its
	 * devices see it page by page. */
	t->ram_hpa = p->ram_hpa;
	t->ram_size = p->ram_size;
	p->ram_hpa = 0;
	p->template = t;
	t->clones_started = 1;
	t->clones_running = 1;
	p->making = 0;
	t->write_set_count = 0;
	p->recording_writes = true;
	ept_share_all(&p->ept);
	/* The CPU may hold writable translations of what is the template's
	 * now: flushed before the devices copy their pages. */
	vmx_invept(2, 0);
	if (!partition_net_follow_ram(p))
		partition_end(p, PARTITION_CRASHED,
		              "out of memory for its own copies of its network rings");
	spin_lock(&registry_lock);
	t->making = false;
	t->ready = true;
	spin_unlock(&registry_lock);
	__atomic_add_fetch(&generation, 1, __ATOMIC_SEQ_CST);
	return true;
}

/* The clone's own devices carry the template's state, still wired to
 * the clone. */
static void restore_uart(struct uart16550 *to, const struct uart16550 *from)
{
	void *owner = to->owner;
	*to = *from;
	to->owner = owner;
}

void template_restore(const struct template *t, struct partition *p)
{
	restore_uart(&p->uart, &t->uart);
	restore_uart(&p->control, &t->control);
	p->ioapic = t->ioapic;
	p->rtc = t->rtc;
	p->pci = t->pci;

	struct vcpu *v = &p->vcpus[0];
	const struct vcpu *from = &t->vcpu;
	/* Registers and the architectural state solo keeps in software;
	 * what is the clone's own (its partition, VMCS, save area, CPU,
	 * counters) stays. */
	v->regs = from->regs;
	v->efer = from->efer;
	v->xcr0 = from->xcr0;
	v->cr2 = from->cr2;
	memcpy(v->msrs, from->msrs, sizeof(v->msrs));
	v->debug = from->debug;
	memcpy(hpa_to_ptr(v->xsave_area), hpa_to_ptr(t->xsave_area), t->xsave_pages * PAGE_SIZE);
	v->context_saved = true;
	struct x2apic apic = from->apic;
	apic.ipi_sink = v->apic.ipi_sink;
	apic.ipi_ctx = v->apic.ipi_ctx;
	apic.timer_fired = 0;
	apic.ipis_dropped = 0;
	v->apic = apic;
	v->intr_window_exiting = from->intr_window_exiting;
	v->halt_deadline = from->halt_deadline;
	memcpy(v->posted_irr, from->posted_irr, sizeof(v->posted_irr));
	v->posted = from->posted;
	v->exception_pending = from->exception_pending;
	v->exception_vector = from->exception_vector;
	v->exception_has_error_code = from->exception_has_error_code;
	v->exception_error_code = from->exception_error_code;
}

void template_note_write(struct partition *p, uint64_t gpa)
{
	struct template *t = p->template;
	unsigned n = t->write_set_count;
	if (n == TEMPLATE_WRITE_SET_MAX) {
		p->recording_writes = false;
		return;
	}
	t->write_set[n] = (uint32_t)(gpa / PAGE_SIZE);
	__atomic_store_n(&t->write_set_count, n + 1, __ATOMIC_RELEASE);
}

bool template_prefetch(struct partition *p)
{
	const struct template *t = p->template;
	unsigned n = __atomic_load_n(&t->write_set_count, __ATOMIC_ACQUIRE);
	for (unsigned i = 0; i < n; i++)
		if (!guest_page_for_write(p, (uint64_t)t->write_set[i] * PAGE_SIZE))
			return false;
	return true;
}

void template_clone_ended(struct template *t)
{
	spin_lock(&registry_lock);
	t->clones_running--;
	spin_unlock(&registry_lock);
}

/* A snapshot no running clone maps: its memory may go. */
static bool is_idle(const struct template *t)
{
	return t->used && t->ready && !t->clones_running;
}

static uint64_t pages_held(const struct template *t)
{
	return t->ram_size / PAGE_SIZE + t->xsave_pages;
}

uint64_t template_reclaim_idle(void)
{
	uint64_t pages = 0;
	spin_lock(&registry_lock);
	for (unsigned i = 0; i < TEMPLATE_MAX; i++) {
		struct template *t = &templates[i];
		if (!is_idle(t))
			continue;
		page_free(t->ram_hpa, t->ram_size / PAGE_SIZE);
		page_free(t->xsave_area, t->xsave_pages);
		pages += pages_held(t);
		t->ready = false; /* the kind is still known: its next start makes it */
	}
	spin_unlock(&registry_lock);
	return pages;
}

uint64_t template_idle_pages(void)
{
	uint64_t pages = 0;
	spin_lock(&registry_lock);
	for (unsigned i = 0; i < TEMPLATE_MAX; i++)
		if (is_idle(&templates[i]))
			pages += pages_held(&templates[i]);
	spin_unlock(&registry_lock);
	return pages;
}

unsigned template_count(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < TEMPLATE_MAX; i++)
		n += templates[i].used && templates[i].ready;
	return n;
}

const struct template *template_at(unsigned index)
{
	for (unsigned i = 0; i < TEMPLATE_MAX; i++)
		if (templates[i].used && templates[i].ready && index-- == 0)
			return &templates[i];
	return 0;
}
