/* The assembly VM entry/exit path (vmx_enter.S). */
#ifndef SOLO_ARCH_VMX_ENTER_H
#define SOLO_ARCH_VMX_ENTER_H

#include <stdint.h>

struct guest_regs;

/* 0 after a VM exit; VMX_FAIL_INVALID or VMX_FAIL_VALID when VMLAUNCH or
 * VMRESUME itself failed. */
int vmx_enter(struct guest_regs *regs, uint64_t launched);

/* HOST_RIP of every VMCS. */
void vmx_exit_entry(void);

#endif
