/*
 * The VMX instructions, as thin inline wrappers. Each returns 0 on success
 * and a negative value on VMfailInvalid (-1) or VMfailValid (-2, the
 * VM-instruction error field then says why). Host tests replace this
 * header with a fake VMCS keyed by field encoding.
 */
#ifndef SOLO_ARCH_VMX_OPS_H
#define SOLO_ARCH_VMX_OPS_H

#include <stdint.h>

#define VMX_FAIL_INVALID (-1)
#define VMX_FAIL_VALID   (-2)

/* CF=1 is VMfailInvalid, ZF=1 is VMfailValid (SDM 30.2). */
#define VMX_STATUS(cf, zf) ((cf) ? VMX_FAIL_INVALID : (zf) ? VMX_FAIL_VALID : 0)

static inline int vmx_on(uint64_t vmxon_region_pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmxon %2; setc %0; setz %1"
	                 : "=qm"(cf), "=qm"(zf)
	                 : "m"(vmxon_region_pa)
	                 : "cc", "memory");
	return VMX_STATUS(cf, zf);
}

static inline void vmx_off(void)
{
	__asm__ volatile("vmxoff" ::: "cc", "memory");
}

static inline int vmx_clear(uint64_t vmcs_pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmclear %2; setc %0; setz %1"
	                 : "=qm"(cf), "=qm"(zf)
	                 : "m"(vmcs_pa)
	                 : "cc", "memory");
	return VMX_STATUS(cf, zf);
}

static inline int vmx_ptrld(uint64_t vmcs_pa)
{
	uint8_t cf, zf;
	__asm__ volatile("vmptrld %2; setc %0; setz %1"
	                 : "=qm"(cf), "=qm"(zf)
	                 : "m"(vmcs_pa)
	                 : "cc", "memory");
	return VMX_STATUS(cf, zf);
}

static inline uint64_t vmx_vmread(uint32_t field)
{
	uint64_t value;
	__asm__ volatile("vmread %1, %0" : "=rm"(value) : "r"((uint64_t)field) : "cc");
	return value;
}

static inline int vmx_vmwrite(uint32_t field, uint64_t value)
{
	uint8_t cf, zf;
	__asm__ volatile("vmwrite %3, %2; setc %0; setz %1"
	                 : "=qm"(cf), "=qm"(zf)
	                 : "r"((uint64_t)field), "rm"(value)
	                 : "cc");
	return VMX_STATUS(cf, zf);
}

/* INVEPT/INVVPID descriptors (SDM 30.3). Type 1 = single context,
 * 2 = all contexts. */
static inline void vmx_invept(uint64_t type, uint64_t eptp)
{
	struct {
		uint64_t eptp, reserved;
	} desc = {eptp, 0};
	__asm__ volatile("invept %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
}

static inline void vmx_invvpid(uint64_t type, uint16_t vpid)
{
	struct {
		uint64_t vpid, address;
	} desc = {vpid, 0};
	__asm__ volatile("invvpid %0, %1" ::"m"(desc), "r"(type) : "cc", "memory");
}

#endif
