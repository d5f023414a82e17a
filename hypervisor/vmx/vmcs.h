/*
 * Width-checked VMCS accessors: vmcs_write32(GUEST_RIP, x) does not
 * compile, because the width is encoded in the field (SDM Appendix B).
 * Over the arch layer's vmx_vmread/vmx_vmwrite, which host tests fake.
 */
#ifndef SOLO_VMX_VMCS_H
#define SOLO_VMX_VMCS_H

#include <stdint.h>

#include "arch/vmx_ops.h"
#include "vmx/vmcs_fields.h"

#define VMCS_CHECK_WIDTH(field, width)                                                             \
	((void)sizeof(struct {                                                                     \
		_Static_assert(VMCS_FIELD_WIDTH(field) == (width), "VMCS field width mismatch");   \
		int unused;                                                                        \
	}))

#define vmcs_read16(f) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16), (uint16_t)vmx_vmread(f))
#define vmcs_read32(f) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32), (uint32_t)vmx_vmread(f))
#define vmcs_read64(f) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64), (uint64_t)vmx_vmread(f))
#define vmcs_readl(f)  (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL), (uint64_t)vmx_vmread(f))

#define vmcs_write16(f, v) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_16), vmx_vmwrite(f, (uint16_t)(v)))
#define vmcs_write32(f, v) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_32), vmx_vmwrite(f, (uint32_t)(v)))
#define vmcs_write64(f, v) (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_64), vmx_vmwrite(f, (uint64_t)(v)))
#define vmcs_writel(f, v)  (VMCS_CHECK_WIDTH(f, VMCS_WIDTH_NATURAL), vmx_vmwrite(f, (uint64_t)(v)))

#endif
