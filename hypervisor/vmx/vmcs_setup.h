/* Filling a VMCS: host state, execution controls, and guest start state. */
#ifndef SOLO_VMX_VMCS_SETUP_H
#define SOLO_VMX_VMCS_SETUP_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/phys.h"

struct pcpu;
struct vcpu;

/* The bitmaps every partition shares for now: all ones, so every port and
 * every MSR access exits. */
struct vmx_bitmaps {
	hpa_t io_a, io_b, msr;
};

/* Allocates the vCPU's VMCS and VPID, clears the VMCS and makes it
 * current. */
bool vmcs_create(struct vcpu *vcpu);
/* VMCLEARs and frees the vCPU's VMCS, and gives its VPID back. */
void vmcs_destroy(struct vcpu *vcpu);

void vmcs_setup_host(const struct pcpu *cpu);
void vmcs_setup_controls(const struct vcpu *vcpu, const struct vmx_bitmaps *bitmaps, uint64_t eptp);
/* A 32-bit protected-mode guest at eip, as the Linux boot protocol's
 * 32-bit entry wants it (the caller puts the zero page's address in
 * RSI). */
void vmcs_setup_guest_protected_mode(uint32_t eip);

/* A real-mode guest (unrestricted guest) at 0:ip with stack 0:sp. */
void vmcs_setup_guest_real_mode(uint16_t ip, uint16_t sp);

/* An application processor after INIT and a start-up IPI (SDM 8.4.4):
 * real mode at CS = vector << 8, IP 0. */
void vmcs_setup_guest_startup(uint8_t vector);

#endif
