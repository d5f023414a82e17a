/*
 * The fake VM entry: each vmx_enter() call takes the next step of the
 * script a test installed, records how the hypervisor entered (registers,
 * GUEST_RIP, launched), then plays the guest's part: loads the registers
 * the step names and writes the exit fields into the fake VMCS the way
 * the CPU does on a VM exit (SDM 27.2), including clearing the valid bit
 * of the VM-entry interruption information, or reports a failed VMLAUNCH
 * or VMRESUME with its VM-instruction error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/vmx_enter.h"
#include "fake/cpu.h"
#include "fake/vmcs.h"
#include "fake/vmx_enter.h"
#include "vmx/vmcs_fields.h"

static struct fake_exit script[FAKE_SCRIPT_MAX];
static unsigned script_len;
static struct fake_entry entries[FAKE_SCRIPT_MAX];
static unsigned entry_count;

void fake_vmx_script(const struct fake_exit *steps, unsigned count)
{
	assert_true(count <= FAKE_SCRIPT_MAX);
	memcpy(script, steps, count * sizeof(*steps));
	script_len = count;
	entry_count = 0;
}

/* The script tests build step by step, installed by fake_script_install(). */
static struct fake_exit building[FAKE_SCRIPT_MAX];
static unsigned building_len;

void fake_script_reset(void)
{
	building_len = 0;
}

struct fake_exit *fake_script_step(uint32_t reason, uint64_t rip, uint32_t length)
{
	assert_true(building_len < FAKE_SCRIPT_MAX);
	struct fake_exit *s = &building[building_len++];
	*s = (struct fake_exit){.reason = reason, .guest_rip = rip, .instruction_length = length};
	return s;
}

void fake_script_write(struct fake_exit *s, uint32_t field, uint64_t value)
{
	assert_true(s->write_count < FAKE_EXIT_MAX_WRITES);
	s->writes[s->write_count].field = field;
	s->writes[s->write_count++].value = value;
}

unsigned fake_script_install(void)
{
	fake_vmx_script(building, building_len);
	return building_len;
}

unsigned fake_vmx_entry_count(void)
{
	return entry_count;
}

const struct fake_entry *fake_vmx_entry(unsigned index)
{
	assert_true(index < entry_count);
	return &entries[index];
}

static uint64_t field_or_unset(uint32_t field)
{
	return fake_vmcs_has(field) ? fake_vmcs_get(field) : FAKE_FIELD_UNSET;
}

int vmx_enter(struct guest_regs *regs, uint64_t launched)
{
	if (entry_count >= script_len)
		fail_msg("VM entry %u, but the script has only %u steps", entry_count + 1,
		         script_len);
	const struct fake_exit *step = &script[entry_count];
	entries[entry_count++] = (struct fake_entry){
	    .regs = *regs,
	    .guest_rip = field_or_unset(GUEST_RIP),
	    .launched = launched,
	    .intr_info = field_or_unset(VM_ENTRY_INTR_INFO_FIELD),
	    .error_code = field_or_unset(VM_ENTRY_EXCEPTION_ERROR_CODE),
	    .activity_state = field_or_unset(GUEST_ACTIVITY_STATE),
	    .interruptibility = field_or_unset(GUEST_INTERRUPTIBILITY_INFO),
	    .preemption_timer = field_or_unset(VMX_PREEMPTION_TIMER_VALUE),
	    .cpu_controls = field_or_unset(CPU_BASED_VM_EXEC_CONTROL),
	};
	if (step->entry_result) {
		if (step->entry_result == VMX_FAIL_VALID)
			fake_vmcs_set(VM_INSTRUCTION_ERROR, step->vm_instruction_error);
		return step->entry_result;
	}
	if (step->load_rax)
		regs->rax = step->rax;
	if (step->load_rcx)
		regs->rcx = step->rcx;
	if (step->load_rdx)
		regs->rdx = step->rdx;
	if (step->load_rbx)
		regs->rbx = step->rbx;
	if (step->tsc_at_exit)
		fake_cpu.tsc = step->tsc_at_exit;
	if (fake_vmcs_has(VM_ENTRY_INTR_INFO_FIELD))
		fake_vmcs_set(VM_ENTRY_INTR_INFO_FIELD,
		              fake_vmcs_get(VM_ENTRY_INTR_INFO_FIELD) & ~(1u << 31));
	fake_vmcs_set(VM_EXIT_REASON, step->reason);
	fake_vmcs_set(EXIT_QUALIFICATION, step->qualification);
	fake_vmcs_set(VM_EXIT_INSTRUCTION_LEN, step->instruction_length);
	fake_vmcs_set(GUEST_RIP, step->guest_rip);
	assert_true(step->write_count <= FAKE_EXIT_MAX_WRITES);
	for (unsigned i = 0; i < step->write_count; i++)
		fake_vmcs_set(step->writes[i].field, step->writes[i].value);
	return 0;
}

/* Only its address is used (as HOST_RIP); the host never jumps here. */
void vmx_exit_entry(void)
{
	fail_msg("vmx_exit_entry called on the host");
}
