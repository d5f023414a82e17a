/*
 * The MMIO MOV decoder. Instruction layout (SDM Vol. 2 chapter 2):
 * prefixes, opcode, ModRM, optional SIB, displacement, immediate.
 */
#include "core/insn_decode.h"

#define PREFIX_OPSIZE   0x66
#define PREFIX_ADDRSIZE 0x67

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65: /* segments */
	case 0xf0: case 0xf2: case 0xf3: case PREFIX_ADDRSIZE: case PREFIX_OPSIZE:
		return true;
	default:
		return false;
	}
}

/* Bytes of SIB and displacement after a ModRM byte, or -1 if they run
 * past `left` bytes. */
static int addressing_bytes(uint8_t modrm, const uint8_t *after, size_t left)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	int n = 0;
	if (mod == 3)
		return -1; /* register operand: not a memory access */
	if (rm == 4) {
		if (left < 1)
			return -1;
		uint8_t sib = after[0];
		n = 1;
		if (mod == 0 && (sib & 7) == 5)
			n += 4;
	} else if (mod == 0 && rm == 5) {
		n = 4; /* disp32 (RIP-relative in 64-bit mode) */
	}
	if (mod == 1)
		n += 1;
	else if (mod == 2)
		n += 4;
	return (size_t)n <= left ? n : -1;
}

bool insn_decode_mov(const uint8_t *bytes, size_t available, bool long_mode, struct insn_mov *out)
{
	size_t i = 0;
	bool opsize = false, addrsize = false;
	uint8_t rex = 0;
	if (available > INSN_MAX_LENGTH)
		available = INSN_MAX_LENGTH;
	while (i < available && is_legacy_prefix(bytes[i])) {
		opsize |= bytes[i] == PREFIX_OPSIZE;
		addrsize |= bytes[i++] == PREFIX_ADDRSIZE;
	}
	/* In 64-bit code 0x67 selects 32-bit addressing, whose ModRM/SIB
	 * layout is the same; in 32-bit code it selects 16-bit addressing
	 * (no SIB, disp16), which this decoder does not read. */
	if (addrsize && !long_mode)
		return false;
	if (long_mode && i < available && (bytes[i] & 0xf0) == 0x40)
		rex = bytes[i++];
	if (i + 2 > available)
		return false;
	uint8_t opcode = bytes[i++], modrm = bytes[i++];
	bool rex_w = rex & 8;
	unsigned wide = rex_w ? 8 : opsize ? 2 : 4;
	*out = (struct insn_mov){.reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0)};
	switch (opcode) {
	case 0x8b:
		out->size = wide;
		break;
	case 0x89:
		out->size = wide;
		out->is_write = true;
		break;
	case 0x8a:
		out->size = 1;
		break;
	case 0x88:
		out->size = 1;
		out->is_write = true;
		break;
	case 0xc7:
	case 0xc6:
		if ((modrm >> 3) & 7)
			return false; /* only /0 is MOV */
		out->size = opcode == 0xc6 ? 1 : wide;
		out->is_write = true;
		out->has_immediate = true;
		break;
	default:
		return false;
	}
	if (out->size == 1 && !rex && out->reg >= 4 && out->reg < 8 && !out->has_immediate) {
		out->high_byte = true; /* AH, CH, DH, BH */
		out->reg -= 4;
	}
	int extra = addressing_bytes(modrm, bytes + i, available - i);
	if (extra < 0)
		return false;
	i += (size_t)extra;
	if (out->has_immediate) {
		/* The immediate is at most 4 bytes, sign-extended for 8. */
		unsigned imm = out->size == 8 ? 4 : out->size;
		if (i + imm > available)
			return false;
		uint64_t v = 0;
		for (unsigned b = 0; b < imm; b++)
			v |= (uint64_t)bytes[i + b] << (8 * b);
		if (out->size == 8 && (v & 0x80000000u))
			v |= 0xffffffff00000000ULL;
		out->immediate = v;
		i += imm;
	}
	out->length = (unsigned)i;
	return true;
}
