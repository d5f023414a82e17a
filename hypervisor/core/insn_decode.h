/*
 * Just enough of an x86 instruction decoder to complete a guest's MMIO
 * access after an EPT violation: the MOV forms compilers emit for device
 * registers (8B/89 register moves, C7 immediate stores, their byte forms
 * 8A/88/C6), with legacy, operand-size and REX prefixes, every ModRM/SIB
 * addressing form and displacement. The hardware gives the address; solo
 * needs the direction, width, register and length. Anything else is
 * refused, and the partition stops with the reason.
 */
#ifndef SOLO_CORE_INSN_DECODE_H
#define SOLO_CORE_INSN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INSN_MAX_LENGTH 15

struct insn_mov {
	bool is_write;	    /* store to memory */
	bool has_immediate; /* store of `immediate`, not of a register */
	unsigned size;	    /* operand bytes: 1, 2, 4 or 8 */
	unsigned reg;	    /* 0-15, the register read or written */
	bool high_byte;	    /* AH/CH/DH/BH: byte form without REX, reg 4-7 */
	uint64_t immediate;
	unsigned length; /* instruction bytes */
};

/* Decodes the instruction at bytes[0..available). long_mode: 64-bit code
 * segment (REX allowed, default operand size 32); otherwise a 32-bit code
 * segment. Returns false for anything but the supported MOV forms, for
 * 16-bit addressing (0x67 outside 64-bit code) and for a truncated
 * instruction. */
bool insn_decode_mov(const uint8_t *bytes, size_t available, bool long_mode, struct insn_mov *out);

#endif
