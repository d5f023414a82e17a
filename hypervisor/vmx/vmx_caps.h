/*
 * VMX capabilities: read the capability MSRs once, then compute every VMX
 * control word from them with the allowed-0/allowed-1 rule (SDM Vol. 3
 * Appendix A.3-A.5), never from hard-coded values. Pure logic: the MSR
 * reader is passed in, so the boot stage, the hypervisor and the host tests
 * all share this file.
 */
#ifndef SOLO_VMX_CAPS_H
#define SOLO_VMX_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#define MSR_IA32_FEATURE_CONTROL         0x3a
#define MSR_IA32_VMX_BASIC               0x480
#define MSR_IA32_VMX_PINBASED_CTLS       0x481
#define MSR_IA32_VMX_PROCBASED_CTLS      0x482
#define MSR_IA32_VMX_EXIT_CTLS           0x483
#define MSR_IA32_VMX_ENTRY_CTLS          0x484
#define MSR_IA32_VMX_MISC                0x485
#define MSR_IA32_VMX_CR0_FIXED0          0x486
#define MSR_IA32_VMX_CR0_FIXED1          0x487
#define MSR_IA32_VMX_CR4_FIXED0          0x488
#define MSR_IA32_VMX_CR4_FIXED1          0x489
#define MSR_IA32_VMX_PROCBASED_CTLS2     0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP        0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490

#define FEATURE_CONTROL_LOCKED          (1u << 0)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX (1u << 2)

#define VMX_BASIC_TRUE_CTLS (1ULL << 55)

/* Pin-based VM-execution controls (SDM 24.6.1). */
#define PIN_BASED_EXT_INTR_EXITING (1u << 0)
#define PIN_BASED_NMI_EXITING      (1u << 3)
#define PIN_BASED_VIRTUAL_NMIS     (1u << 5)
#define PIN_BASED_PREEMPTION_TIMER (1u << 6)
#define PIN_BASED_POSTED_INTR      (1u << 7)

/* Primary processor-based VM-execution controls (SDM 24.6.2). */
#define CPU_BASED_HLT_EXITING                 (1u << 7)
#define CPU_BASED_INVLPG_EXITING              (1u << 9)
#define CPU_BASED_TPR_SHADOW                  (1u << 21)
#define CPU_BASED_UNCOND_IO_EXITING           (1u << 24)
#define CPU_BASED_USE_IO_BITMAPS              (1u << 25)
#define CPU_BASED_USE_MSR_BITMAPS             (1u << 28)
#define CPU_BASED_ACTIVATE_SECONDARY_CONTROLS (1u << 31)

/* Secondary processor-based VM-execution controls. */
#define SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES (1u << 0)
#define SECONDARY_EXEC_ENABLE_EPT               (1u << 1)
#define SECONDARY_EXEC_ENABLE_RDTSCP            (1u << 3)
#define SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE   (1u << 4)
#define SECONDARY_EXEC_ENABLE_VPID              (1u << 5)
#define SECONDARY_EXEC_UNRESTRICTED_GUEST       (1u << 7)
#define SECONDARY_EXEC_APIC_REGISTER_VIRT       (1u << 8)
#define SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY    (1u << 9)
#define SECONDARY_EXEC_ENABLE_INVPCID           (1u << 12)
#define SECONDARY_EXEC_XSAVES                   (1u << 20)

/* VM-exit controls (SDM 24.7.1). */
#define VM_EXIT_SAVE_DEBUG_CONTROLS   (1u << 2)
#define VM_EXIT_HOST_ADDR_SPACE_SIZE  (1u << 9)
#define VM_EXIT_ACK_INTR_ON_EXIT      (1u << 15)
#define VM_EXIT_SAVE_IA32_PAT         (1u << 18)
#define VM_EXIT_LOAD_IA32_PAT         (1u << 19)
#define VM_EXIT_SAVE_IA32_EFER        (1u << 20)
#define VM_EXIT_LOAD_IA32_EFER        (1u << 21)
#define VM_EXIT_SAVE_PREEMPTION_TIMER (1u << 22)

/* VM-entry controls (SDM 24.8.1). */
#define VM_ENTRY_LOAD_DEBUG_CONTROLS (1u << 2)
#define VM_ENTRY_IA32E_MODE          (1u << 9)
#define VM_ENTRY_LOAD_IA32_PAT       (1u << 14)
#define VM_ENTRY_LOAD_IA32_EFER      (1u << 15)

/* IA32_VMX_EPT_VPID_CAP bits (SDM Appendix A.10). */
#define EPT_CAP_WALK_LENGTH_4           (1ULL << 6)
#define EPT_CAP_MEMTYPE_WB              (1ULL << 14)
#define EPT_CAP_2MB_PAGES               (1ULL << 16)
#define EPT_CAP_1GB_PAGES               (1ULL << 17)
#define EPT_CAP_INVEPT                  (1ULL << 20)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT   (1ULL << 25)
#define EPT_CAP_INVEPT_ALL_CONTEXT      (1ULL << 26)
#define VPID_CAP_INVVPID                (1ULL << 32)
#define VPID_CAP_INVVPID_SINGLE_CONTEXT (1ULL << 41)
#define VPID_CAP_INVVPID_ALL_CONTEXT    (1ULL << 42)

/* The raw capability MSRs. Controls hold the TRUE_* variants when
 * IA32_VMX_BASIC says they exist. A capability MSR that does not exist on
 * this CPU is 0 (nothing allowed). */
struct vmx_cap_msrs {
	uint64_t basic;
	uint64_t pinbased;
	uint64_t procbased;
	uint64_t procbased2;
	uint64_t exit;
	uint64_t entry;
	uint64_t misc;
	uint64_t ept_vpid;
	uint64_t cr0_fixed0, cr0_fixed1;
	uint64_t cr4_fixed0, cr4_fixed1;
};

/* The control words solo runs every VMCS with (before per-guest tweaks
 * such as VM_ENTRY_IA32E_MODE). */
struct vmx_controls {
	uint32_t pinbased;
	uint32_t procbased;
	uint32_t procbased2;
	uint32_t exit;
	uint32_t entry;
};

/* What the CPU offers beyond the required minimum, for the boot summary
 * and for choosing page sizes and optional paths. */
struct vmx_features {
	uint32_t vmcs_revision;
	uint32_t vmcs_size;
	bool ept_2mb_pages;
	bool ept_1gb_pages;
	bool apic_register_virt;
	bool virtual_intr_delivery;
	bool virtualize_x2apic;
	bool tpr_shadow;
	unsigned preemption_timer_shift; /* timer ticks every 2^shift TSC ticks */
};

typedef uint64_t (*vmx_rdmsr_fn)(uint32_t msr);

/* Reads every capability MSR that exists, in the order the SDM allows
 * (the secondary and EPT/VPID MSRs only when the controls say they exist). */
void vmx_caps_read(vmx_rdmsr_fn rdmsr, struct vmx_cap_msrs *caps);

/* Computes the control words. Returns true on success; on failure *missing
 * names the first required feature this CPU lacks (a static string). */
bool vmx_controls_compute(const struct vmx_cap_msrs *caps, struct vmx_controls *controls,
                          struct vmx_features *features, const char **missing);

/* Applies the allowed-0/allowed-1 rule to one control word: bits the CPU
 * requires are forced on, bits it cannot set are dropped. */
uint32_t vmx_adjust_controls(uint64_t cap_msr, uint32_t wanted);

/* The value a control register must take in VMX operation, given the fixed
 * bits (SDM Appendix A.7, A.8). unrestricted drops CR0.PE/PG from the
 * must-be-one set, as unrestricted guests allow. */
uint64_t vmx_fixed_cr0(const struct vmx_cap_msrs *caps, uint64_t cr0, bool unrestricted);
uint64_t vmx_fixed_cr4(const struct vmx_cap_msrs *caps, uint64_t cr4);

#endif
