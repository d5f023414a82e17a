/*
 * libFuzzer target for the MMIO MOV decoder: the first input byte picks
 * the code segment (bit 0: 64-bit), the rest are instruction bytes as a
 * guest could leave them at RIP. On success the result must describe a
 * real instruction: at most 15 bytes and no more than were available, a
 * width of 1, 2, 4 or 8 (never 8 outside 64-bit code), a register 0-15
 * (0-3 when it names AH-BH), an immediate only on a store. The decoder
 * must read only the bytes it reports: the same bytes cut to its length
 * decode the same, one byte fewer is refused. Seeds (corpus/insn_decode/)
 * are Linux's APIC accessors and one of each prefix and addressing form.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/insn_decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool long_mode = data[0] & 1;
	const uint8_t *bytes = data + 1;
	size_t available = size - 1;
	struct insn_mov mov;
	if (!insn_decode_mov(bytes, available, long_mode, &mov))
		return 0;
	require(mov.length >= 2 && mov.length <= available && mov.length <= INSN_MAX_LENGTH);
	require(mov.size == 1 || mov.size == 2 || mov.size == 4 || mov.size == 8);
	require(long_mode || mov.size != 8);
	require(mov.reg < 16);
	require(!mov.high_byte || (mov.size == 1 && mov.reg < 4 && !mov.has_immediate));
	require(!mov.has_immediate || mov.is_write);
	if (mov.has_immediate && mov.size < 8)
		require((mov.immediate >> (8 * mov.size)) == 0);

	struct insn_mov again;
	require(insn_decode_mov(bytes, mov.length, long_mode, &again));
	require(memcmp(&again, &mov, sizeof(mov)) == 0);
	require(!insn_decode_mov(bytes, mov.length - 1, long_mode, &again));
	return 0;
}
