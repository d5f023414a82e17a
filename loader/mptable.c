/*
 * Builds the MP spec 1.4 tables (Intel MultiProcessor Specification,
 * chapter 4: "MP Configuration Table") byte by byte at their documented
 * offsets, so the layout does not depend on the compiler's struct packing
 * and the same code is right on every target. Linux validates exactly
 * what is written here: the floating pointer's signature, length (1, in
 * 16-byte units), spec revision (1 or 4) and checksum; the configuration
 * table's signature, checksum, revision and a non-zero local APIC address.
 */
#include "mptable.h"
#include "guest_machine.h"
#include "le_bytes.h"
#include "loader_error.h"

#include <string.h>

/* Floating pointer structure (MP spec 4.1), 16 bytes. */
#define MPF_SIGNATURE 0  /* "_MP_" */
#define MPF_PHYSPTR   4  /* configuration table address */
#define MPF_LENGTH    8  /* in 16-byte paragraphs: 1 */
#define MPF_SPEC_REV  9  /* 4 for version 1.4 */
#define MPF_CHECKSUM  10 /* all 16 bytes sum to 0 */
#define MPF_FEATURE1  11 /* 0: a configuration table is present */
#define MPF_FEATURE2  12 /* bit 7 IMCR present: 0, virtual wire mode */
#define MPF_SIZE      16

/* Configuration table header (MP spec 4.2), 44 bytes. */
#define MPC_SIGNATURE   0 /* "PCMP" */
#define MPC_LENGTH      4 /* base table length, header included */
#define MPC_SPEC_REV    6
#define MPC_CHECKSUM    7  /* the base table sums to 0 */
#define MPC_OEM_ID      8  /* 8 characters, blank padded */
#define MPC_PRODUCT_ID  16 /* 12 characters, blank padded */
#define MPC_ENTRY_COUNT 34
#define MPC_LOCAL_APIC  36
#define MPC_HEADER_SIZE 44

/* Processor entry (MP spec 4.3.1), 20 bytes. */
#define ENTRY_PROCESSOR  0
#define CPU_APIC_ID      1
#define CPU_APIC_VERSION 2
#define CPU_FLAGS        3
#define CPU_SIGNATURE    4
#define CPU_FEATURES     8
#define CPU_ENTRY_SIZE   20
#define CPU_FLAG_ENABLED 0x01
#define CPU_FLAG_BSP     0x02

/* Bus entry (MP spec 4.3.2), 8 bytes. */
#define ENTRY_BUS      1
#define BUS_ID         1
#define BUS_TYPE       2 /* 6 characters, blank padded */
#define BUS_ENTRY_SIZE 8

/* I/O APIC entry (MP spec 4.3.3), 8 bytes. */
#define ENTRY_IOAPIC         2
#define IOAPIC_ID            1
#define IOAPIC_VERSION       2
#define IOAPIC_FLAGS         3
#define IOAPIC_ADDRESS       4
#define IOAPIC_ENTRY_SIZE    8
#define IOAPIC_FLAG_ENABLED  0x01
#define IOAPIC_VERSION_VALUE 0x11

/* I/O interrupt assignment entry (MP spec 4.3.4), 8 bytes. */
#define ENTRY_IO_INTERRUPT 3
#define INT_TYPE           1 /* 0: vectored interrupt */
#define INT_FLAGS          2 /* 0: polarity and trigger conform to the bus (ISA: edge, high) */
#define INT_SOURCE_BUS     4
#define INT_SOURCE_IRQ     5
#define INT_DEST_IOAPIC    6
#define INT_DEST_PIN       7
#define INT_ENTRY_SIZE     8

/* An integrated local APIC of the xAPIC generation (Linux treats version 0
 * as a firmware bug). */
#define LOCAL_APIC_VERSION 0x14
/* Nominal CPUID values for the processor entries: family 6, and the FPU
 * and APIC feature bits of CPUID.1:EDX. Linux reads the APIC ID and flags
 * of each entry, not these, and the guest asks CPUID for the real ones. */
#define CPU_SIGNATURE_VALUE 0x00000600u
#define CPU_FEATURES_VALUE  ((1u << 0) | (1u << 9))

bool mptable_build(uint8_t *ram, uint64_t ram_size, uint64_t gpa, unsigned vcpus, char *err,
                   size_t errlen)
{
	if (vcpus == 0 || vcpus > MPTABLE_MAX_CPUS)
		return loader_fail(err, errlen, "MP table: vcpus outside 1..64");
	if (gpa & 15)
		return loader_fail(err, errlen, "MP table: address not 16-byte aligned");
	uint64_t size = MPTABLE_SIZE(vcpus);
	if (gpa > ram_size || ram_size - gpa < size || gpa + size > (1ULL << 32))
		return loader_fail(err, errlen, "MP table: does not fit in RAM");

	uint8_t *mpf = ram + gpa;
	uint8_t *mpc = mpf + MPF_SIZE;
	uint16_t table_length = (uint16_t)(size - MPF_SIZE);
	memset(mpf, 0, (size_t)size);

	memcpy(mpc + MPC_SIGNATURE, "PCMP", 4);
	put_le(mpc + MPC_LENGTH, table_length, 2);
	mpc[MPC_SPEC_REV] = 4;
	memcpy(mpc + MPC_OEM_ID, "SOLO    ", 8);
	memcpy(mpc + MPC_PRODUCT_ID, "SOLO VM     ", 12);
	put_le(mpc + MPC_ENTRY_COUNT, vcpus + 2 + GUEST_ISA_IRQ_COUNT + GUEST_VIRTIO_MAX_DEVICES,
	       2);
	put_le(mpc + MPC_LOCAL_APIC, GUEST_LOCAL_APIC_ADDRESS, 4);

	/* The spec wants processor entries first, then buses. */
	uint8_t *entry = mpc + MPC_HEADER_SIZE;
	for (unsigned i = 0; i < vcpus; i++, entry += CPU_ENTRY_SIZE) {
		entry[0] = ENTRY_PROCESSOR;
		entry[CPU_APIC_ID] = (uint8_t)i;
		entry[CPU_APIC_VERSION] = LOCAL_APIC_VERSION;
		entry[CPU_FLAGS] = CPU_FLAG_ENABLED | (i == 0 ? CPU_FLAG_BSP : 0);
		put_le(entry + CPU_SIGNATURE, CPU_SIGNATURE_VALUE, 4);
		put_le(entry + CPU_FEATURES, CPU_FEATURES_VALUE, 4);
	}
	entry[0] = ENTRY_BUS;
	entry[BUS_ID] = 0;
	memcpy(entry + BUS_TYPE, "ISA   ", 6);
	entry += BUS_ENTRY_SIZE;
	/* One I/O APIC, with an ID after the CPUs' so the two never clash,
	 * and each serial line's ISA IRQ on its pin of the same number; so
	 * are the network interfaces' (all of them, whether the partition
	 * has them or not: an IRQ listed and unused costs nothing). */
	uint8_t ioapic_id = (uint8_t)vcpus;
	entry[0] = ENTRY_IOAPIC;
	entry[IOAPIC_ID] = ioapic_id;
	entry[IOAPIC_VERSION] = IOAPIC_VERSION_VALUE;
	entry[IOAPIC_FLAGS] = IOAPIC_FLAG_ENABLED;
	put_le(entry + IOAPIC_ADDRESS, GUEST_IOAPIC_ADDRESS, 4);
	entry += IOAPIC_ENTRY_SIZE;
	uint8_t irqs[GUEST_ISA_IRQ_COUNT + GUEST_VIRTIO_MAX_DEVICES] = GUEST_ISA_IRQS;
	for (unsigned i = 0; i < GUEST_VIRTIO_MAX_DEVICES; i++)
		irqs[GUEST_ISA_IRQ_COUNT + i] = (uint8_t)GUEST_VIRTIO_IRQ(i);
	for (unsigned i = 0; i < sizeof(irqs); i++, entry += INT_ENTRY_SIZE) {
		entry[0] = ENTRY_IO_INTERRUPT;
		entry[INT_TYPE] = 0;
		put_le(entry + INT_FLAGS, 0, 2);
		entry[INT_SOURCE_BUS] = 0;
		entry[INT_SOURCE_IRQ] = irqs[i];
		entry[INT_DEST_IOAPIC] = ioapic_id;
		entry[INT_DEST_PIN] = irqs[i];
	}
	mpc[MPC_CHECKSUM] = byte_checksum(mpc, table_length);

	memcpy(mpf + MPF_SIGNATURE, "_MP_", 4);
	put_le(mpf + MPF_PHYSPTR, gpa + MPF_SIZE, 4);
	mpf[MPF_LENGTH] = 1;
	mpf[MPF_SPEC_REV] = 4;
	mpf[MPF_CHECKSUM] = byte_checksum(mpf, MPF_SIZE);
	return true;
}
