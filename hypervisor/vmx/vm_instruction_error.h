/* VM-instruction error numbers (SDM Vol. 3 section 30.4) as text. */
#ifndef SOLO_VMX_VM_INSTRUCTION_ERROR_H
#define SOLO_VMX_VM_INSTRUCTION_ERROR_H

const char *vm_instruction_error_text(unsigned error);

#endif
