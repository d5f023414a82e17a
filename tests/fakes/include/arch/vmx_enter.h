/*
 * Host-test stand-in for the assembly VM entry: vmx_enter() plays a script
 * of VM exits (tests/fakes/fake_vmx_enter.c, driven through
 * fake/vmx_enter.h), so the real run loop and handlers run on the host.
 */
#ifndef SOLO_ARCH_VMX_ENTER_H
#define SOLO_ARCH_VMX_ENTER_H

#include <stdint.h>

struct guest_regs;

int vmx_enter(struct guest_regs *regs, uint64_t launched);
void vmx_exit_entry(void);

#endif
