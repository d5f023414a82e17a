/*
 * Host-test stand-in for the VMX instruction wrappers: the same API and
 * return codes, implemented in tests/fakes/fake_vmcs.c over a fake VMCS
 * keyed by field encoding (fake/vmcs.h drives it and injects failures).
 */
#ifndef SOLO_ARCH_VMX_OPS_H
#define SOLO_ARCH_VMX_OPS_H

#include <stdint.h>

#define VMX_FAIL_INVALID (-1)
#define VMX_FAIL_VALID   (-2)

int vmx_on(uint64_t vmxon_region_pa);
void vmx_off(void);
int vmx_clear(uint64_t vmcs_pa);
int vmx_ptrld(uint64_t vmcs_pa);
uint64_t vmx_vmread(uint32_t field);
int vmx_vmwrite(uint32_t field, uint64_t value);
void vmx_invept(uint64_t type, uint64_t eptp);
void vmx_invvpid(uint64_t type, uint16_t vpid);

#endif
