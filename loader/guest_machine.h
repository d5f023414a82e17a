/*
 * The small standard machine every partition sees, described once: the
 * tables that tell a guest about it (mptable.c for kernels without ACPI,
 * acpi_tables.c for the others) are built from this, and the hypervisor's
 * device models sit at these addresses (partition_devices.c checks that
 * at compile time). docs/linux-boot.md describes it table by table.
 */
#ifndef SOLO_LOADER_GUEST_MACHINE_H
#define SOLO_LOADER_GUEST_MACHINE_H

/* Each vCPU's local APIC, at the architectural default; APIC ID = vCPU
 * index, vCPU 0 the boot processor. */
#define GUEST_LOCAL_APIC_ADDRESS 0xfee00000u
/* One I/O APIC, its 24 pins the global system interrupts 0-23; its ID
 * follows the vCPUs' (vcpus), so the two never clash. */
#define GUEST_IOAPIC_ADDRESS 0xfec00000u
#define GUEST_IOAPIC_PINS    24
/* COM1, a 16550 whose ISA IRQ reaches the I/O APIC pin of that number. */
#define GUEST_COM1_PORT 0x3f8
#define GUEST_COM1_IRQ  4
/* The control line: a second 16550 (COM2) on which solo asks the guest
 * to shut down (docs/control-line.md). */
#define GUEST_CONTROL_PORT 0x2f8
#define GUEST_CONTROL_IRQ  3
/* A generic event device's interrupt (GSI 5, edge, active high): solo
 * raises it to press the power button (ACPI's PNP0C0C) when it asks for a
 * shutdown, for guests that listen there rather than on the control line. */
#define GUEST_GED_GSI 5
/* The ISA IRQs wired, each to the I/O APIC pin of its number. */
#define GUEST_ISA_IRQS                                                                             \
	{                                                                                          \
		GUEST_COM1_IRQ, GUEST_CONTROL_IRQ                                                  \
	}
#define GUEST_ISA_IRQ_COUNT 2
/* Hardware-reduced ACPI's sleep control and status registers, one byte
 * each in I/O space: writing SLP_EN with the SLP_TYP of S5 powers off. */
#define GUEST_SLEEP_CONTROL_PORT 0x600
#define GUEST_SLEEP_STATUS_PORT  0x601
#define GUEST_SLP_TYP_S5         5
#define GUEST_SLEEP_SLP_EN       (1u << 5)
#define GUEST_SLEEP_SLP_TYP(v)   (((v) >> 2) & 7u)
/* The reset register (ACPI's, and the PC's 0xCF9): writing 6 resets. */
#define GUEST_RESET_PORT  0xcf9
#define GUEST_RESET_VALUE 0x06

/* Network interfaces: virtio-net devices on the virtio-mmio transport
 * (version 2), one 4 KiB register window each from the base, interface i
 * at base + i * size, its interrupt ISA IRQ (and I/O APIC pin) 10 + i,
 * edge triggered, active high. Our kernel finds them on its command line
 * (virtio_mmio.device=4K@0xfeb00000:10), ACPI kernels in the DSDT. */
#define GUEST_VIRTIO_MMIO_BASE   0xfeb00000u
#define GUEST_VIRTIO_MMIO_SIZE   0x1000u
#define GUEST_VIRTIO_MAX_DEVICES 4
#define GUEST_VIRTIO_IRQ(i)      (10u + (i))

/* What differs between partitions. */
struct guest_machine {
	unsigned vcpus;          /* 1..64 */
	unsigned virtio_devices; /* network interfaces, 0..GUEST_VIRTIO_MAX_DEVICES */
};

#endif
