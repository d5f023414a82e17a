/*
 * Basic VM-exit reasons (SDM Vol. 3 Appendix C), one list that gives both
 * the EXIT_REASON_* enum and the names printed in logs and counters.
 */
#ifndef SOLO_VMX_EXIT_REASONS_H
#define SOLO_VMX_EXIT_REASONS_H

#define EXIT_REASON_LIST(X)                                                                        \
	X(EXCEPTION_NMI, 0)                                                                        \
	X(EXTERNAL_INTERRUPT, 1)                                                                   \
	X(TRIPLE_FAULT, 2)                                                                         \
	X(INIT_SIGNAL, 3)                                                                          \
	X(SIPI, 4)                                                                                 \
	X(IO_SMI, 5)                                                                               \
	X(OTHER_SMI, 6)                                                                            \
	X(INTERRUPT_WINDOW, 7)                                                                     \
	X(NMI_WINDOW, 8)                                                                           \
	X(TASK_SWITCH, 9)                                                                          \
	X(CPUID, 10)                                                                               \
	X(GETSEC, 11)                                                                              \
	X(HLT, 12)                                                                                 \
	X(INVD, 13)                                                                                \
	X(INVLPG, 14)                                                                              \
	X(RDPMC, 15)                                                                               \
	X(RDTSC, 16)                                                                               \
	X(RSM, 17)                                                                                 \
	X(VMCALL, 18)                                                                              \
	X(VMCLEAR, 19)                                                                             \
	X(VMLAUNCH, 20)                                                                            \
	X(VMPTRLD, 21)                                                                             \
	X(VMPTRST, 22)                                                                             \
	X(VMREAD, 23)                                                                              \
	X(VMRESUME, 24)                                                                            \
	X(VMWRITE, 25)                                                                             \
	X(VMXOFF, 26)                                                                              \
	X(VMXON, 27)                                                                               \
	X(CR_ACCESS, 28)                                                                           \
	X(DR_ACCESS, 29)                                                                           \
	X(IO_INSTRUCTION, 30)                                                                      \
	X(MSR_READ, 31)                                                                            \
	X(MSR_WRITE, 32)                                                                           \
	X(INVALID_GUEST_STATE, 33)                                                                 \
	X(MSR_LOAD_FAIL, 34)                                                                       \
	X(MWAIT_INSTRUCTION, 36)                                                                   \
	X(MONITOR_TRAP_FLAG, 37)                                                                   \
	X(MONITOR_INSTRUCTION, 39)                                                                 \
	X(PAUSE_INSTRUCTION, 40)                                                                   \
	X(MCE_DURING_VMENTRY, 41)                                                                  \
	X(TPR_BELOW_THRESHOLD, 43)                                                                 \
	X(APIC_ACCESS, 44)                                                                         \
	X(EOI_INDUCED, 45)                                                                         \
	X(GDTR_IDTR, 46)                                                                           \
	X(LDTR_TR, 47)                                                                             \
	X(EPT_VIOLATION, 48)                                                                       \
	X(EPT_MISCONFIG, 49)                                                                       \
	X(INVEPT, 50)                                                                              \
	X(RDTSCP, 51)                                                                              \
	X(PREEMPTION_TIMER, 52)                                                                    \
	X(INVVPID, 53)                                                                             \
	X(WBINVD, 54)                                                                              \
	X(XSETBV, 55)                                                                              \
	X(APIC_WRITE, 56)                                                                          \
	X(RDRAND, 57)                                                                              \
	X(INVPCID, 58)                                                                             \
	X(VMFUNC, 59)                                                                              \
	X(ENCLS, 60)                                                                               \
	X(RDSEED, 61)                                                                              \
	X(PML_FULL, 62)                                                                            \
	X(XSAVES, 63)                                                                              \
	X(XRSTORS, 64)

enum exit_reason {
#define EXIT_REASON_ENUM(name, value) EXIT_REASON_##name = value,
	EXIT_REASON_LIST(EXIT_REASON_ENUM)
#undef EXIT_REASON_ENUM
	    EXIT_REASON_COUNT = 65, /* one past the highest basic reason solo knows */
};

/* The VM-exit reason field: bits 15:0 are the basic reason, bit 31 says
 * the VM entry itself failed (SDM 24.9.1). */
#define EXIT_REASON_BASIC(raw)   ((raw)&0xffffu)
#define EXIT_REASON_ENTRY_FAILED (1u << 31)

/* "CPUID", "EPT_VIOLATION", ...; "unknown" for numbers outside the list. */
const char *exit_reason_name(unsigned basic_reason);

#endif
