/*
 * Host tests for instant start (core/template.c, core/clone_point.c,
 * vmx/ept_share.c, mm/page_pool.c, the clone paths of
 * core/guest_memory.c): copy-on-write EPT over a template's RAM (a write
 * gets a private copy, the template and the other clones keep theirs,
 * every private page comes back), the pool the copies come from, a
 * clone's memory as solo reads and writes it, the clone point's answer
 * (unique per call, only into memory the caller may write), and the
 * registry: the first partition of a kind makes the template, the next
 * wait for it, then clone it. Memory is page-aligned heap given to the
 * real page allocator, its address the "host-physical" one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/clone_point.h"
#include "core/exit_handlers.h"
#include "core/guest_memory.h"
#include "core/hypercall.h"
#include "core/linux_partition.h"
#include "core/template.h"
#include "mm/page_alloc.h"
#include "mm/page_pool.h"
#include "partition_fixture.h"
#include "vmx/ept_share.h"
#include "vmx/vmcs.h"

#define HEAP_SIZE (64 * MIB)
#define RAM       (4 * MIB)
#define PAGES     (RAM / PAGE_SIZE)

static hpa_t template_ram(void)
{
	hpa_t ram = page_alloc(PAGES, PAGE_SIZE_2M);
	assert_true(ram != 0);
	uint8_t *bytes = hpa_to_ptr(ram);
	for (uint64_t i = 0; i < RAM; i++)
		bytes[i] = (uint8_t)(i * 13 + (i >> 12));
	return ram;
}

static bool template_intact(hpa_t ram)
{
	const uint8_t *bytes = hpa_to_ptr(ram);
	for (uint64_t i = 0; i < RAM; i++)
		if (bytes[i] != (uint8_t)(i * 13 + (i >> 12)))
			return false;
	return true;
}

static int setup_heap(void **state)
{
	(void)state;
	void *heap = aligned_alloc(PAGE_SIZE_2M, HEAP_SIZE);
	assert_non_null(heap);
	assert_true(page_alloc_add_range(ptr_to_hpa(heap), HEAP_SIZE));
	return 0;
}

static void clone_ept(struct ept *e, hpa_t ram)
{
	assert_true(ept_init(e, true, false, page_pool_alloc_zeroed));
	assert_true(ept_map_shared(e, 0, ram, RAM));
}

static void drop_ept(struct ept *e)
{
	ept_free_private(e, page_pool_free);
	ept_destroy(e, page_pool_free);
}

static void test_write_gets_a_private_copy(void **state)
{
	(void)state;
	hpa_t ram = template_ram();
	struct ept e;
	clone_ept(&e, ram);
	hpa_t at;
	assert_true(ept_translate(&e, 0x5123, &at));
	assert_true(at == ram + 0x5123);

	hpa_t page;
	assert_int_equal(ept_make_private(&e, 0x5000, page_pool_alloc, &page), EPT_COW_COPIED);
	assert_true(page != ram + 0x5000);
	assert_memory_equal(hpa_to_ptr(page), hpa_to_ptr(ram + 0x5000), PAGE_SIZE);
	assert_true(ept_translate(&e, 0x5123, &at) && at == page + 0x123);
	/* Its neighbours, in the same 2 MiB page before the split, stay
	 * shared. */
	assert_true(ept_translate(&e, 0x4000, &at) && at == ram + 0x4000);
	assert_true(ept_translate(&e, 0x200000, &at) && at == ram + 0x200000);
	hpa_t again;
	assert_int_equal(ept_make_private(&e, 0x5000, page_pool_alloc, &again), EPT_COW_PRIVATE);
	assert_true(again == page);
	memset(hpa_to_ptr(page), 0xee, PAGE_SIZE);
	assert_true(template_intact(ram));
	assert_int_equal(ept_make_private(&e, RAM, page_pool_alloc, &page), EPT_COW_UNMAPPED);
	assert_int_equal(ept_free_private(&e, page_pool_free), 1);
	drop_ept(&e);
	page_free(ram, PAGES);
}

static hpa_t no_page(void)
{
	return 0;
}

static void test_copy_without_memory_fails_cleanly(void **state)
{
	(void)state;
	hpa_t ram = template_ram();
	struct ept e;
	clone_ept(&e, ram);
	hpa_t page;
	assert_int_equal(ept_make_private(&e, 0x3000, no_page, &page), EPT_COW_NO_MEMORY);
	hpa_t at;
	assert_true(ept_translate(&e, 0x3000, &at) && at == ram + 0x3000);
	drop_ept(&e);
	page_free(ram, PAGES);
}

/* A clone writes every page of its RAM: each becomes its own, the
 * template and another clone see the template's bytes, and every page
 * goes back to the pool at the end. */
static void test_every_page_written(void **state)
{
	(void)state;
	hpa_t ram = template_ram();
	struct page_pool_stats before = page_pool_stats();
	struct ept a, b;
	clone_ept(&a, ram);
	clone_ept(&b, ram);
	for (uint64_t gpa = 0; gpa < RAM; gpa += PAGE_SIZE) {
		hpa_t page;
		assert_int_equal(ept_make_private(&a, gpa, page_pool_alloc, &page), EPT_COW_COPIED);
		memset(hpa_to_ptr(page), (int)(gpa >> 12), PAGE_SIZE);
	}
	assert_true(template_intact(ram));
	for (uint64_t gpa = 0; gpa < RAM; gpa += PAGE_SIZE) {
		hpa_t at;
		assert_true(ept_translate(&b, gpa, &at) && at == ram + gpa);
		assert_true(ept_translate(&a, gpa, &at) && at != ram + gpa);
		assert_int_equal(*(uint8_t *)hpa_to_ptr(at), (uint8_t)(gpa >> 12));
	}
	assert_int_equal(ept_free_private(&a, page_pool_free), PAGES);
	drop_ept(&a);
	drop_ept(&b);
	assert_int_equal(page_pool_stats().in_use, before.in_use);
	page_free(ram, PAGES);
}

static void test_pool_reuses_and_releases(void **state)
{
	(void)state;
	assert_true(page_pool_release());
	uint64_t free_before = page_alloc_free_pages();
	hpa_t first = page_pool_alloc();
	assert_true(first != 0);
	assert_int_equal(page_alloc_free_pages(), free_before - PAGE_POOL_REFILL_PAGES);
	assert_false(page_pool_release()); /* one page is in use */
	page_pool_free(first);
	assert_true(page_pool_alloc() == first); /* the page freed last comes first */
	page_pool_free(first);
	hpa_t zeroed = page_pool_alloc_zeroed();
	for (unsigned i = 0; i < PAGE_SIZE; i++)
		assert_int_equal(((uint8_t *)hpa_to_ptr(zeroed))[i], 0);
	page_pool_free(zeroed);
	assert_true(page_pool_release());
	assert_int_equal(page_alloc_free_pages(), free_before);
	assert_int_equal(page_pool_stats().free, 0);
}

/* What solo reads and writes in a clone goes through its EPT, and a
 * write makes private copies of the pages it touches. */
static void test_clone_memory_from_solo(void **state)
{
	(void)state;
	static struct partition p;
	memset(&p, 0, sizeof(p));
	hpa_t ram = template_ram();
	static struct template t;
	p.template = &t;
	p.ram_size = RAM;
	clone_ept(&p.ept, ram);
	char text[64], back[64];
	memset(text, 'x', sizeof(text));
	/* Across a page boundary: two pages copied. */
	assert_true(guest_write_physical(&p, 0x7ff0, text, sizeof(text)));
	assert_int_equal(p.private_pages, 2);
	assert_true(guest_read_physical(&p, 0x7ff0, back, sizeof(back)));
	assert_memory_equal(back, text, sizeof(text));
	assert_true(template_intact(ram));
	assert_false(guest_write_physical(&p, RAM - 8, text, 16));
	assert_true(guest_read_physical(&p, 0x100000, back, 8));
	assert_memory_equal(back, hpa_to_ptr(ram + 0x100000), 8);
	assert_int_equal(ept_free_private(&p.ept, page_pool_free), 2);
	ept_destroy(&p.ept, page_pool_free);
	page_free(ram, PAGES);
}

/* Guest page tables in a partition's own RAM: linear [0, 2M) user and
 * writable, [2M, 4M) supervisor only, [4M, 6M) user read-only. */
#define PML4 0x10000ULL
#define PDPT 0x11000ULL
#define PD   0x12000ULL
static const struct guest_paging long_mode = {
    .cr0 = 0x80000011ULL, .cr3 = PML4, .cr4 = 1ULL << 5, .efer = 0x500ULL};

static void answer_partition(struct partition *p, uint8_t **ram)
{
	partition_fixture(p, "twin-2");
	*ram = aligned_alloc(PAGE_SIZE_2M, 8 * MIB);
	memset(*ram, 0, 8 * MIB);
	p->ram_hpa = ptr_to_hpa(*ram);
	p->ram_size = 8 * MIB;
	uint64_t *pml4 = (uint64_t *)(*ram + PML4), *pdpt = (uint64_t *)(*ram + PDPT),
	         *pd = (uint64_t *)(*ram + PD);
	pml4[0] = PDPT | 7;
	pdpt[0] = PD | 7;
	pd[0] = 0x000000 | 0x87;
	pd[1] = 0x200000 | 0x83;
	pd[2] = 0x400000 | 0x85;
}

static void test_clone_point_answer(void **state)
{
	(void)state;
	static struct partition p;
	uint8_t *ram;
	answer_partition(&p, &ram);
	p.hostname = "twin-2";
	struct vcpu *v = &p.vcpus[0];
	v->regs.rbx = 0x1000;
	v->regs.rcx = 512;
	clone_point_answer(&p, v, &long_mode);
	int64_t n = (int64_t)v->regs.rax;
	assert_true(n > 0);
	char first[200] = {0};
	memcpy(first, ram + 0x1000, (size_t)n);
	assert_int_equal(strncmp(first, "hostname=twin-2\nseed=", 21), 0);
	assert_int_equal(n, 21 + 64 + 1);
	assert_int_equal(first[n - 1], '\n');
	/* Each answer has its own seed. */
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal(v->regs.rax, (uint64_t)n);
	assert_memory_not_equal(first, ram + 0x1000, (size_t)n);
	/* No hostname for a partition that keeps its spec's. */
	p.hostname = 0;
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal(v->regs.rax, 5 + 64 + 1);

	v->regs.rcx = 10;
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal((int64_t)v->regs.rax, HYPERCALL_EINVAL);
	v->regs.rcx = 512;
	memset(ram + 0x201000, 0, 128);
	v->regs.rbx = 0x201000; /* the kernel's page */
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal((int64_t)v->regs.rax, HYPERCALL_EFAULT);
	v->regs.rbx = 0x401000; /* read-only to the user */
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal((int64_t)v->regs.rax, HYPERCALL_EFAULT);
	v->regs.rbx = 0x1ffff0; /* runs into the kernel's page */
	clone_point_answer(&p, v, &long_mode);
	assert_int_equal((int64_t)v->regs.rax, HYPERCALL_EFAULT);
	for (unsigned i = 0; i < 128; i++)
		assert_int_equal(ram[0x201000 + i], 0);
	free(ram);
}

static void free_table_page(hpa_t page)
{
	page_free(page, 1);
}

static const struct linux_partition_spec kind = {.name = "twin",
                                                 .kernel = "K",
                                                 .initrd = "I",
                                                 .cmdline = "quiet",
                                                 .memory = RAM,
                                                 .vcpus = 1,
                                                 .clonable = true};

/* The registry's answers along a template's life, and the snapshot
 * carried into a clone. */
static void test_template_life(void **state)
{
	(void)state;
	static struct partition maker, clone;
	struct template *t, *seen;
	assert_int_equal(template_lookup(&kind, false, true, &t), TEMPLATE_NONE);
	assert_int_equal(template_lookup(&kind, true, true, &t), TEMPLATE_MAKE);
	assert_int_equal(template_lookup(&kind, true, true, &seen), TEMPLATE_WAIT);
	assert_ptr_equal(seen, t);
	/* A kind with no more starts expected: the first boots without
	 * making a template, the second makes it. */
	struct linux_partition_spec other = kind;
	other.memory = 2 * RAM;
	struct template *t2;
	assert_int_equal(template_lookup(&other, true, false, &t2), TEMPLATE_NONE);
	assert_int_equal(template_lookup(&other, true, false, &t2), TEMPLATE_MAKE);
	template_abandon(t2);
	/* The maker ended early: the next one makes it. */
	template_abandon(t);
	assert_int_equal(template_lookup(&kind, true, false, &t), TEMPLATE_MAKE);

	partition_fixture(&maker, "twin-1");
	/* A CPU without XSAVE: one page holds the FXSAVE area. */
	fake_cpuid_set(1, 0, (struct cpuid_regs){0});
	/* STAR, LSTAR, CSTAR, SFMASK, KERNEL_GS_BASE: saved with the vCPU. */
	static const uint32_t switched[] = {0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	                                    0xc0000102};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0x1000 + i);
	maker.ram_hpa = template_ram();
	maker.ram_size = RAM;
	assert_true(ept_init(&maker.ept, true, false, page_alloc_zeroed));
	assert_true(ept_map_ram(&maker.ept, 0, maker.ram_hpa, RAM));
	maker.making = t;
	struct vcpu *v = &maker.vcpus[0];
	v->xsave_area = page_alloc_zeroed();
	memset(hpa_to_ptr(v->xsave_area), 0x5a, 64);
	v->regs.rbx = 0x1000;
	v->regs.r12 = 0xabcdef;
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++)
		fake_vmcs_set(vmcs_snapshot_field_code(i), 0x100 + i);
	fake_vmcs_set(GUEST_RIP, 0xffffffff81000123ULL);
	hpa_t ram = maker.ram_hpa;
	assert_true(template_take(t, v));
	assert_true(t->ready);
	assert_ptr_equal(maker.template, t);
	assert_null(maker.making);
	assert_true(maker.ram_hpa == 0);
	assert_true(t->ram_hpa == ram);
	assert_int_equal(vmcs_snapshot_field(&t->vmcs, GUEST_RIP), 0xffffffff81000123ULL);
	/* The maker's own RAM is shared now: its next write copies. */
	hpa_t page;
	assert_int_equal(ept_make_private(&maker.ept, 0x2000, page_pool_alloc, &page),
	                 EPT_COW_COPIED);

	assert_int_equal(template_lookup(&kind, true, false, &seen), TEMPLATE_CLONE);
	assert_ptr_equal(seen, t);
	assert_int_equal(t->clones_running, 2);
	partition_fixture(&clone, "twin-2");
	partition_devices_init(&clone);
	fake_cpuid_set(1, 0, (struct cpuid_regs){0});
	clone.vcpus[0].xsave_area = page_alloc_zeroed();
	template_restore(t, &clone);
	assert_int_equal(clone.vcpus[0].regs.r12, 0xabcdef);
	assert_int_equal(clone.vcpus[0].msrs[1], 0x1001); /* LSTAR, as the maker had it */
	assert_true(clone.vcpus[0].context_saved);
	assert_ptr_equal(clone.vcpus[0].apic.ipi_ctx, &clone.vcpus[0]);
	assert_ptr_equal(clone.uart.owner, &clone);
	assert_memory_equal(hpa_to_ptr(clone.vcpus[0].xsave_area), hpa_to_ptr(v->xsave_area), 64);
	/* Its VMCS gets every field the maker's had. */
	fake_vmcs_reset();
	vmcs_snapshot_restore(&t->vmcs);
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++) {
		uint32_t code = vmcs_snapshot_field_code(i);
		assert_int_equal(fake_vmcs_get(code),
		                 code == GUEST_RIP ? 0xffffffff81000123ULL : 0x100 + i);
	}

	/* Memory comes back only once no clone runs on it. */
	assert_int_equal(template_idle_pages(), 0);
	assert_int_equal(template_reclaim_idle(), 0);
	template_clone_ended(t);
	assert_int_equal(template_idle_pages(), 0); /* one clone still runs */
	template_clone_ended(t);
	/* Idle: counted as free, and exactly what a reclaim frees. */
	uint64_t idle = template_idle_pages();
	assert_true(idle >= PAGES);
	uint64_t free_before = page_alloc_free_pages();
	assert_int_equal(template_reclaim_idle(), idle);
	assert_int_equal(page_alloc_free_pages(), free_before + idle);
	assert_int_equal(template_idle_pages(), 0);
	assert_int_equal(template_count(), 0);
	/* Its kind is remembered: the next start makes it again. */
	assert_int_equal(template_lookup(&kind, true, false, &seen), TEMPLATE_MAKE);
	template_abandon(seen);
	ept_free_private(&maker.ept, page_pool_free);
	ept_destroy(&maker.ept, free_table_page);
}

/* A clone's write to a shared page, through the real exit handler:
 * copied and retried; with no page left for the copy, the clone (and
 * only it) ends, saying why. */
static void test_write_exit_copies_or_ends_the_clone(void **state)
{
	(void)state;
	static struct partition p;
	static struct template t;
	partition_fixture(&p, "twin-2");
	hpa_t ram = template_ram();
	p.template = &t;
	p.ram_size = RAM;
	clone_ept(&p.ept, ram);
	struct vm_exit write = {.basic_reason = EXIT_REASON_EPT_VIOLATION, .qualification = 2};
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, 0x9008);
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0);
	assert_int_equal(exit_ept_violation(&p.vcpus[0], &write), EXIT_ACTION_RESUME);
	assert_int_equal(p.private_pages, 1);
	assert_false(p.ended);

	/* Every page the pool and the allocator have, taken. */
	static hpa_t taken[HEAP_SIZE / PAGE_SIZE];
	unsigned n = 0;
	while ((taken[n] = page_pool_alloc()) != 0)
		n++;
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, 0xa000);
	assert_int_equal(exit_ept_violation(&p.vcpus[0], &write), EXIT_ACTION_STOP);
	assert_int_equal(p.state, PARTITION_CRASHED);
	assert_string_equal(p.reason, "out of memory for a private copy of guest-physical 0xa000");
	assert_true(template_intact(ram));
	while (n)
		page_pool_free(taken[--n]);
	drop_ept(&p.ept);
	page_free(ram, PAGES);
}

/* A guest write to gpa, through the real exit handler. */
static void maker_writes(struct partition *p, uint64_t gpa)
{
	struct vm_exit write = {.basic_reason = EXIT_REASON_EPT_VIOLATION, .qualification = 2};
	fake_vmcs_set(GUEST_PHYSICAL_ADDRESS, gpa);
	fake_vmcs_set(IDT_VECTORING_INFO_FIELD, 0);
	assert_int_equal(exit_ept_violation(&p->vcpus[0], &write), EXIT_ACTION_RESUME);
}

/* The maker's writes from its clone point to its first line are the
 * template's write set: a clone gets its own copies of those pages when
 * it is built (with the template's bytes), and no exit for them later;
 * pages outside the set stay shared. The set is bounded. */
static void test_write_set_copied_up_front(void **state)
{
	(void)state;
	static struct partition maker, clone;
	static struct template t;
	hpa_t ram = template_ram();
	partition_fixture(&maker, "web-1");
	maker.template = &t;
	maker.ram_size = RAM;
	maker.recording_writes = true;
	clone_ept(&maker.ept, ram);
	static const uint64_t written[] = {0x5000, 0x3008, 0x200000};
	for (unsigned i = 0; i < 3; i++)
		maker_writes(&maker, written[i]);
	maker_writes(&maker, 0x5010); /* its own already (a stale translation): not again */
	/* What solo writes for it (an answer) is not the guest's path. */
	assert_non_null(guest_page_for_write(&maker, 0x6000));
	assert_int_equal(t.write_set_count, 3);
	/* Its first line ends the set. */
	maker.line_len = 0;
	partition_console_byte(&maker, 'x');
	partition_console_byte(&maker, '\n');
	assert_false(maker.recording_writes);
	maker_writes(&maker, 0x9000);
	assert_int_equal(t.write_set_count, 3);

	partition_fixture(&clone, "web-2");
	clone.template = &t;
	clone.ram_size = RAM;
	clone.building = true;
	clone_ept(&clone.ept, ram);
	assert_true(template_prefetch(&clone));
	assert_int_equal(clone.private_pages, 3);
	hpa_t at;
	for (unsigned i = 0; i < 3; i++) {
		assert_true(ept_private_page(&clone.ept, written[i], &at));
		assert_int_equal(at & 0xfff, written[i] & 0xfff);
		assert_memory_equal(hpa_to_ptr(at & ~0xfffULL),
		                    (uint8_t *)hpa_to_ptr(ram) + (written[i] & ~0xfffULL),
		                    PAGE_SIZE);
	}
	assert_false(ept_private_page(&clone.ept, 0x9000, &at));
	assert_false(ept_private_page(&clone.ept, 0x4000, &at));
	assert_false(clone.recording_writes); /* a clone records nothing */

	/* Bounded: past TEMPLATE_WRITE_SET_MAX pages the maker stops. */
	maker.recording_writes = true;
	for (uint64_t gpa = 0x10000;
	     gpa < 0x10000 + (uint64_t)(TEMPLATE_WRITE_SET_MAX + 8) * PAGE_SIZE; gpa += PAGE_SIZE)
		maker_writes(&maker, gpa);
	assert_int_equal(t.write_set_count, TEMPLATE_WRITE_SET_MAX);
	assert_false(maker.recording_writes);
	assert_true(template_intact(ram));
	drop_ept(&maker.ept);
	drop_ept(&clone.ept);
	page_free(ram, PAGES);
}

/* The maker's clone point through the real hypercall handler: the
 * snapshot is taken with the call done, and the answer lands in the
 * maker's private copy of the buffer's page, never in the template. */
static void test_clone_point_hypercall_makes_the_template(void **state)
{
	(void)state;
	static struct partition maker;
	static const struct linux_partition_spec mine = {
	    .kernel = "K2", .initrd = "I2", .cmdline = "", .memory = RAM, .vcpus = 1};
	struct template *t;
	assert_int_equal(template_lookup(&mine, true, true, &t), TEMPLATE_MAKE);
	partition_fixture(&maker, "solo-1");
	fake_cpuid_set(1, 0, (struct cpuid_regs){0});
	static const uint32_t switched[] = {0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	                                    0xc0000102};
	for (unsigned i = 0; i < 5; i++)
		fake_msr_set(switched[i], 0);
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++)
		fake_vmcs_set(vmcs_snapshot_field_code(i), 0);
	fake_vmcs_set(GUEST_CR0, 0x11); /* paging off: linear is physical */
	fake_vmcs_set(GUEST_RIP, 0x7000);
	maker.ram_hpa = template_ram();
	maker.ram_size = RAM;
	hpa_t ram = maker.ram_hpa;
	assert_true(ept_init(&maker.ept, true, false, page_alloc_zeroed));
	assert_true(ept_map_ram(&maker.ept, 0, ram, RAM));
	maker.making = t;
	struct vcpu *v = &maker.vcpus[0];
	v->xsave_area = page_alloc_zeroed();
	v->regs = (struct guest_regs){.rax = HYPERCALL_CLONE_POINT, .rbx = 0x3000, .rcx = 256};
	struct vm_exit call = {
	    .basic_reason = EXIT_REASON_VMCALL, .instruction_length = 3, .guest_rip = 0x7000};
	assert_int_equal(exit_vmcall(v, &call), EXIT_ACTION_RESUME);
	assert_true(t->ready);
	assert_null(maker.making);
	/* Resumed past VMCALL, from the snapshot too; RBX as the guest set it. */
	assert_int_equal(fake_vmcs_get(GUEST_RIP), 0x7003);
	assert_int_equal(vmcs_snapshot_field(&t->vmcs, GUEST_RIP), 0x7003);
	assert_int_equal(t->vcpu.regs.rbx, 0x3000);
	int64_t n = (int64_t)v->regs.rax;
	assert_int_equal(n, 5 + 64 + 1);
	char answer[80];
	assert_true(guest_read_physical(&maker, 0x3000, answer, (size_t)n));
	assert_memory_equal(answer, "seed=", 5);
	assert_int_equal(maker.private_pages, 1);
	assert_true(template_intact(ram));
	/* A second call is only answered: the template is made once. */
	v->regs.rax = HYPERCALL_CLONE_POINT;
	assert_int_equal(exit_vmcall(v, &call), EXIT_ACTION_RESUME);
	assert_int_equal(v->regs.rax, (uint64_t)n);
	assert_true(t->ram_hpa == ram);

	ept_free_private(&maker.ept, page_pool_free);
	ept_destroy(&maker.ept, free_table_page);
	template_clone_ended(t);
	assert_true(template_reclaim_idle() >= PAGES);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_write_gets_a_private_copy),
	    cmocka_unit_test(test_copy_without_memory_fails_cleanly),
	    cmocka_unit_test(test_every_page_written),
	    cmocka_unit_test(test_pool_reuses_and_releases),
	    cmocka_unit_test(test_clone_memory_from_solo),
	    cmocka_unit_test(test_clone_point_answer),
	    cmocka_unit_test(test_template_life),
	    cmocka_unit_test(test_write_exit_copies_or_ends_the_clone),
	    cmocka_unit_test(test_clone_point_hypercall_makes_the_template),
	    cmocka_unit_test(test_write_set_copied_up_front),
	};
	return cmocka_run_group_tests(tests, setup_heap, NULL);
}
