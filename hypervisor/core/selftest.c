/*
 * The self-test VMs. Each is a few bytes of real-mode code at 0:1000 in a
 * 64 KiB partition of its own, run under unrestricted guest with EPT, and
 * torn down afterwards so its memory goes back to the allocator.
 */
#include <stdio.h>
#include <string.h>

#include "arch/vmx_ops.h"
#include "core/exit_handlers.h"
#include "core/linux_partition.h"
#include "core/partition.h"
#include "core/pcpu.h"
#include "core/selftest.h"
#include "core/vcpu_run.h"
#include "lib/console.h"
#include "mm/page_alloc.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "vmx/vmx_cpu.h"

#define GUEST_RAM_SIZE (64 * 1024)
#define GUEST_CODE_IP  0x1000
#define GUEST_STACK    0x8000
#define PROBE_PORT     0x80
#define PROBE_BYTE     0x53 /* 'S' */
#define STRAY_GPA      0x80000

/* mov eax,1; cpuid; mov al,'S'; out 0x80,al; xor eax,eax; vmcall; hlt */
static const uint8_t probe_code[] = {0x66, 0xb8, 0x01,       0x00, 0x00,       0x00, 0x0f,
                                     0xa2, 0xb0, PROBE_BYTE, 0xe6, PROBE_PORT, 0x66, 0x31,
                                     0xc0, 0x0f, 0x01,       0xc1, 0xf4};
/* mov ax,0x8000; mov ds,ax; mov al,[0] (guest-physical 0x80000); hlt */
static const uint8_t stray_code[] = {0xb8, 0x00, 0x80, 0x8e, 0xd8, 0xa0, 0x00, 0x00, 0xf4};

enum selftest_kind { KIND_PROBE, KIND_STRAY, KIND_BAD_ENTRY };

struct selftest_vm {
	const char *name;
	enum selftest_kind kind;
	const uint8_t *code;
	size_t code_len;
};

static const struct selftest_vm vms[] = {
    {"probe", KIND_PROBE, probe_code, sizeof(probe_code)},
    {"stray", KIND_STRAY, stray_code, sizeof(stray_code)},
    {"bad-entry", KIND_BAD_ENTRY, probe_code, sizeof(probe_code)},
};

/* Did the VM end exactly as its kind should? Writes what differed. */
static bool check_outcome(const struct selftest_vm *t, const struct partition *p, char *why,
                          size_t len)
{
	const struct vcpu *v = &p->vcpus[0];
	switch (t->kind) {
	case KIND_PROBE:
		if (p->state != PARTITION_STOPPED)
			return snprintf(why, len, "state %s", partition_state_name(p->state)),
			       false;
		if (v->exit_counts[EXIT_REASON_CPUID] != 1 ||
		    v->exit_counts[EXIT_REASON_IO_INSTRUCTION] != 1 ||
		    v->exit_counts[EXIT_REASON_VMCALL] != 1 || v->exit_counts[EXIT_REASON_HLT] != 1)
			return snprintf(why, len, "unexpected exit counts"), false;
		if (v->last_out_port != PROBE_PORT || v->last_out_value != PROBE_BYTE)
			return snprintf(why, len, "OUT 0x%x <- 0x%x", v->last_out_port,
			                v->last_out_value),
			       false;
		/* ECX still holds what the guest's CPUID leaf 1 returned. */
		if (!(v->regs.rcx & (1u << 31)) || (v->regs.rcx & (1u << 5)))
			return snprintf(why, len, "CPUID.1:ECX 0x%llx: hypervisor bit or VMX wrong",
			                (unsigned long long)v->regs.rcx),
			       false;
		if (v->regs.rax != SOLO_HYPERCALL_ABI_VERSION)
			return snprintf(why, len, "hypercall returned 0x%llx",
			                (unsigned long long)v->regs.rax),
			       false;
		return true;
	case KIND_STRAY:
		if (p->state != PARTITION_CRASHED || !strstr(p->reason, "EPT violation"))
			return snprintf(why, len, "not stopped by an EPT violation"), false;
		return true;
	case KIND_BAD_ENTRY:
		if (p->state != PARTITION_CRASHED || !strstr(p->reason, "VM entry failed"))
			return snprintf(why, len, "entry did not fail"), false;
		return true;
	}
	return false;
}

static bool build(struct partition *p, const struct selftest_vm *t, const struct pcpu *cpu,
                  const struct vmx_bitmaps *bitmaps)
{
	partition_devices_init(p);
	p->ram_size = GUEST_RAM_SIZE;
	p->ram_hpa = page_alloc(GUEST_RAM_SIZE / PAGE_SIZE, PAGE_SIZE);
	if (!p->ram_hpa)
		return false;
	memset(hpa_to_ptr(p->ram_hpa), 0, GUEST_RAM_SIZE);
	memcpy((uint8_t *)hpa_to_ptr(p->ram_hpa) + GUEST_CODE_IP, t->code, t->code_len);
	if (!ept_init(&p->ept, vmx_features.ept_2mb_pages, vmx_features.ept_1gb_pages,
	              page_alloc_zeroed) ||
	    !ept_map_ram(&p->ept, 0, p->ram_hpa, p->ram_size))
		return false;
	p->vcpus[0].partition = p;
	p->vcpus[0].pcpu_index = cpu->index;
	if (!vmcs_create(&p->vcpus[0]))
		return false;
	vmcs_setup_host(cpu);
	vmcs_setup_controls(&p->vcpus[0], bitmaps, p->ept.eptp);
	vmcs_setup_guest_real_mode(GUEST_CODE_IP, GUEST_STACK);
	if (t->kind == KIND_BAD_ENTRY)
		vmcs_writel(GUEST_RFLAGS, 0); /* bit 1 must be 1: invalid guest state */
	return true;
}

static bool run_one(struct pcpu *cpu, const struct selftest_vm *t,
                    const struct vmx_bitmaps *bitmaps)
{
	struct partition p;
	memset(&p, 0, sizeof(p));
	snprintf(p.name, sizeof(p.name), "%s-cpu%u", t->name, cpu->index);
	bool ok = build(&p, t, cpu, bitmaps);
	if (!ok) {
		console_printf("[%s] not started: out of memory\n", p.name);
	} else {
		vcpu_run(&p.vcpus[0]);
		char counts[160], why[80] = "";
		console_printf("[%s] %s: %s\n", p.name, partition_state_name(p.state), p.reason);
		console_printf("[%s] exits: %s\n", p.name,
		               vcpu_format_exit_counts(&p.vcpus[0], counts, sizeof(counts)));
		ok = check_outcome(t, &p, why, sizeof(why));
		console_printf("[%s] self-test %s%s%s\n", p.name,
		               ok ? "passed" : "FAILED: ", ok ? "" : why, "");
	}
	partition_destroy(&p);
	return ok;
}

bool selftest_run(struct pcpu *cpu, unsigned which, const struct vmx_bitmaps *bitmaps)
{
	bool all_ok = true;
	for (unsigned i = 0; i < sizeof(vms) / sizeof(vms[0]); i++)
		if (which & (1u << i))
			all_ok &= run_one(cpu, &vms[i], bitmaps);
	return all_ok;
}
