/*
 * The guest's view of MSRs: which pass straight through (state the CPU
 * switches itself, or that solo's host code never uses) and how the
 * intercepted ones are emulated. Anything not listed raises #GP in the
 * guest; nothing is passed through by default.
 */
#ifndef SOLO_CORE_GUEST_MSR_H
#define SOLO_CORE_GUEST_MSR_H

#include <stdbool.h>
#include <stdint.h>

#include "core/vcpu.h"

#define MSR_IA32_TSC 0x10
#define MSR_IA32_PLATFORM_ID 0x17
#define MSR_IA32_APIC_BASE 0x1b
#define MSR_IA32_FEATURE_CONTROL_MSR 0x3a
#define MSR_IA32_BIOS_SIGN_ID 0x8b
#define MSR_IA32_SYSENTER_CS 0x174
#define MSR_IA32_SYSENTER_ESP 0x175
#define MSR_IA32_SYSENTER_EIP 0x176
#define MSR_IA32_MISC_ENABLE 0x1a0
#define MSR_IA32_PAT 0x277
#define MSR_IA32_EFER 0xc0000080
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

#define EFER_SCE (1ULL << 0)
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)

/* The local APIC's fixed base with "enabled" set; bit 10 (x2APIC mode)
 * and bit 8 (boot processor) are added per vCPU. */
#define GUEST_APIC_BASE (0xfee00000ULL | (1ULL << 11))

/* Clears the intercept bits of the MSRs the guest may use directly. */
void guest_msr_setup_bitmap(uint8_t *bitmap);

/* Emulates RDMSR/WRMSR of `msr`. Returns false when the access must
 * raise #GP. */
bool guest_msr_read(struct vcpu *vcpu, uint32_t msr, uint64_t now, uint64_t *value);
bool guest_msr_write(struct vcpu *vcpu, uint32_t msr, uint64_t value, uint64_t now);

#endif
