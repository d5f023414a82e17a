/*
 * Templates: instant container start (docs/templates.md). The first
 * partition of a kind boots in full; when its guest init reaches the
 * clone point (the SOLO_HC_CLONE_POINT hypercall, before anything
 * makes the container unique) solo snapshots it there: its RAM, every
 * register of its vCPU and the state of its devices. That RAM becomes
 * the template's, shared read-only by every later partition of the
 * kind, which starts as a clone: a VMCS and an EPT, no boot. A clone's
 * write copies the page it hits into the clone's own memory.
 *
 * A kind is a kernel, an initrd, a command line, a memory size: clones
 * of one template run the same image. A template lives as long as solo
 * (its restarts and replicas need it); the partition that made it
 * becomes its first clone.
 */
#ifndef SOLO_CORE_TEMPLATE_H
#define SOLO_CORE_TEMPLATE_H

#include <stdbool.h>

#include "core/partition.h"
#include "vmx/vmcs_snapshot.h"

/* One per kind: every [vm] and container could be one. */
#define TEMPLATE_MAX 80
/* The most pages of the maker's write set a clone copies up front. */
#define TEMPLATE_WRITE_SET_MAX 384

struct linux_partition_spec;

struct template
{
	bool used;   /* the kind has started at least once */
	bool making; /* a partition boots to make it */
	bool ready;  /* snapshot taken */
	/* The kind. */
	const void *kernel, *initrd;
	const char *cmdline;
	uint64_t memory;
	/* The snapshot. */
	hpa_t ram_hpa;
	uint64_t ram_size;
	struct vmcs_snapshot vmcs;
	struct vcpu vcpu;
	hpa_t xsave_area;
	uint64_t xsave_pages;
	struct uart16550 uart, control;
	struct ioapic ioapic;
	struct rtc_cmos rtc;
	struct pci_host pci;
	/* The driver's side of each network interface; a clone's own
	 * interfaces (its MACs, its switch ports) take it over. */
	unsigned nic_count;
	struct virtio_mmio nics[CONFIG_MAX_NICS];
	/* The pages its maker wrote from the clone point to its first line
	 * (page numbers, in order): a clone copies them when it is built
	 * instead of one exit each on its way to the same line. Appended by
	 * the maker's vCPU; count published last. */
	uint32_t write_set[TEMPLATE_WRITE_SET_MAX];
	unsigned write_set_count;
	unsigned clones_started; /* ever, the maker included */
	unsigned clones_running;
};

enum template_use {
	TEMPLATE_NONE,  /* boot in full, no template (start = boot, or not clonable) */
	TEMPLATE_MAKE,  /* boot in full and make the template at the clone point */
	TEMPLATE_CLONE, /* start as a clone of *t */
	TEMPLATE_WAIT,  /* another partition is making the template: wait for it */
};

/* What a partition about to start does; *t is the template for MAKE and
 * CLONE (counted as running; template_clone_ended if the clone then
 * cannot be built). A partition may be cloned when it asks for it (start
 * = clone) and has one vCPU. A template costs its
 * maker a copy of every page it writes after the clone point, so it is
 * made at a kind's first start only when more are expected (`eager`:
 * replicas, a restart policy), else at its second start. */
enum template_use template_lookup(const struct linux_partition_spec *spec, bool clonable,
                                  bool eager, struct template **t);

/* The maker ended before its clone point: the next partition of its
 * kind makes the template. */
void template_abandon(struct template *t);

/* A count that changes whenever a partition waiting for a template
 * (TEMPLATE_WAIT) may go on: a template made or a maker gone. */
unsigned long template_generation(void);

/* At the maker's clone point, in its vCPU's exit (its VMCS current): the
 * snapshot is taken and the partition's RAM becomes the template's; the
 * partition goes on as its first clone (its EPT read-only and flushed
 * on this CPU, its devices' pages its own). False if out of memory (the partition goes on as it
 * was; the template is abandoned). */
bool template_take(struct template *t, struct vcpu *v);

/* Gives a partition being built as a clone the template's vCPU and
 * device state (its RAM is the caller's EPT's business). */
void template_restore(const struct template *t, struct partition *p);

/* The maker's copy-on-write of guest-physical gpa, recorded while
 * p->recording_writes. */
void template_note_write(struct partition *p, uint64_t gpa);

/* Gives a clone being built its own copies of the template's write set;
 * false when memory ran out. */
bool template_prefetch(struct partition *p);

/* A clone of t ended (its private pages are freed). */
void template_clone_ended(struct template *t);

/* Frees every template no running clone uses (its RAM, its saved
 * registers); the next partition of its kind boots in full again and
 * makes it anew. Called when memory runs short and at shutdown: idle
 * templates are a cache, kept while memory lasts.
 * Returns the pages freed. */
uint64_t template_reclaim_idle(void);

/* The pages template_reclaim_idle would free now: memory that is free
 * in all but name, which the console counts as free. */
uint64_t template_idle_pages(void);

/* The templates made so far, for the console's stats. */
unsigned template_count(void);
const struct template *template_at(unsigned index);

#endif
