/* Guest state out of one VMCS and into another (see vmcs_snapshot.h). */
#include "vmx/vmcs_snapshot.h"

#include "arch/vmx_ops.h"
#include "vmx/vmcs_fields.h"

static const uint32_t fields[] = {
    GUEST_ES_SELECTOR,
    GUEST_CS_SELECTOR,
    GUEST_SS_SELECTOR,
    GUEST_DS_SELECTOR,
    GUEST_FS_SELECTOR,
    GUEST_GS_SELECTOR,
    GUEST_LDTR_SELECTOR,
    GUEST_TR_SELECTOR,
    GUEST_ES_LIMIT,
    GUEST_CS_LIMIT,
    GUEST_SS_LIMIT,
    GUEST_DS_LIMIT,
    GUEST_FS_LIMIT,
    GUEST_GS_LIMIT,
    GUEST_LDTR_LIMIT,
    GUEST_TR_LIMIT,
    GUEST_GDTR_LIMIT,
    GUEST_IDTR_LIMIT,
    GUEST_ES_AR_BYTES,
    GUEST_CS_AR_BYTES,
    GUEST_SS_AR_BYTES,
    GUEST_DS_AR_BYTES,
    GUEST_FS_AR_BYTES,
    GUEST_GS_AR_BYTES,
    GUEST_LDTR_AR_BYTES,
    GUEST_TR_AR_BYTES,
    GUEST_ES_BASE,
    GUEST_CS_BASE,
    GUEST_SS_BASE,
    GUEST_DS_BASE,
    GUEST_FS_BASE,
    GUEST_GS_BASE,
    GUEST_LDTR_BASE,
    GUEST_TR_BASE,
    GUEST_GDTR_BASE,
    GUEST_IDTR_BASE,
    GUEST_CR0,
    GUEST_CR3,
    GUEST_CR4,
    GUEST_DR7,
    GUEST_RSP,
    GUEST_RIP,
    GUEST_RFLAGS,
    GUEST_PENDING_DBG_EXCEPTIONS,
    GUEST_SYSENTER_CS,
    GUEST_SYSENTER_ESP,
    GUEST_SYSENTER_EIP,
    GUEST_IA32_DEBUGCTL,
    GUEST_IA32_PAT,
    GUEST_IA32_EFER,
    GUEST_INTERRUPTIBILITY_INFO,
    GUEST_ACTIVITY_STATE,
};

/* Controls that hold guest state, restored after the fields above. */
static const uint32_t controls[] = {CR0_READ_SHADOW, CR4_READ_SHADOW, VM_ENTRY_CONTROLS,
                                    CPU_BASED_VM_EXEC_CONTROL};
#define GUEST_FIELDS (sizeof(fields) / sizeof(fields[0]))
#define CONTROLS     (sizeof(controls) / sizeof(controls[0]))

_Static_assert(GUEST_FIELDS + CONTROLS == VMCS_SNAPSHOT_FIELDS, "the lists fill the snapshot");

uint32_t vmcs_snapshot_field_code(unsigned i)
{
	return i < GUEST_FIELDS ? fields[i] : controls[i - GUEST_FIELDS];
}

void vmcs_snapshot_take(struct vmcs_snapshot *s)
{
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++)
		s->values[i] = vmx_vmread(vmcs_snapshot_field_code(i));
}

void vmcs_snapshot_restore(const struct vmcs_snapshot *s)
{
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++)
		vmx_vmwrite(vmcs_snapshot_field_code(i), s->values[i]);
}

uint64_t vmcs_snapshot_field(const struct vmcs_snapshot *s, uint32_t field)
{
	for (unsigned i = 0; i < VMCS_SNAPSHOT_FIELDS; i++)
		if (vmcs_snapshot_field_code(i) == field)
			return s->values[i];
	return 0;
}
