/*
 * The ACPI tables (acpi_tables.h), at the offsets ACPI 6.4 gives:
 * section 5.2.5.3 (RSDP), 5.2.6 (table header), 5.2.7-8 (RSDT, XSDT),
 * 5.2.9 (FADT, revision 6), 5.2.12 (MADT) and 5.2.11.1 (DSDT). Every
 * table is checksummed; the RSDP twice (its first 20 bytes, then all 36).
 */
#include "acpi_tables.h"
#include "aml.h"
#include "le_bytes.h"
#include "loader_error.h"

#include <string.h>

/* The RSDP. */
#define RSDP_CHECKSUM          8
#define RSDP_OEM_ID            9
#define RSDP_REVISION          15
#define RSDP_RSDT_ADDRESS      16
#define RSDP_LENGTH            20
#define RSDP_XSDT_ADDRESS      24
#define RSDP_EXTENDED_CHECKSUM 32
#define RSDP_V1_SIZE           20
#define RSDP_SIZE              36

/* The header every other table starts with. */
#define SDT_LENGTH       4
#define SDT_REVISION     8
#define SDT_CHECKSUM     9
#define SDT_OEM_ID       10
#define SDT_OEM_TABLE_ID 16
#define SDT_OEM_REVISION 24
#define SDT_CREATOR_ID   28
#define SDT_CREATOR_REV  32
#define SDT_HEADER_SIZE  36

/* The FADT, revision 6 (ACPI 6.0 and later), 276 bytes. */
#define FADT_DSDT              40
#define FADT_IAPC_BOOT_ARCH    109
#define FADT_FLAGS             112
#define FADT_RESET_REG         116
#define FADT_RESET_VALUE       128
#define FADT_MINOR_VERSION     131
#define FADT_X_DSDT            140
#define FADT_SLEEP_CONTROL_REG 244
#define FADT_SLEEP_STATUS_REG  256
#define FADT_HYPERVISOR_ID     268
#define FADT_SIZE              276
#define FADT_REVISION          6
#define FADT_MINOR             4

/* FADT flags. */
#define FADT_WBINVD          (1u << 0)
#define FADT_PWR_BUTTON      (1u << 4) /* 1: no fixed-feature power button */
#define FADT_SLP_BUTTON      (1u << 5) /* 1: no fixed-feature sleep button */
#define FADT_RESET_REG_SUP   (1u << 10)
#define FADT_HW_REDUCED_ACPI (1u << 20)
/* IA-PC boot architecture flags: no VGA, no MSI (there is no PCI). */
#define BOOT_ARCH_VGA_NOT_PRESENT   (1u << 2)
#define BOOT_ARCH_MSI_NOT_SUPPORTED (1u << 3)

/* A Generic Address Structure: 12 bytes. */
#define GAS_SYSTEM_IO   1
#define GAS_ACCESS_BYTE 1

/* The MADT, revision 5. */
#define MADT_LOCAL_APIC_ADDRESS 36
#define MADT_FLAGS              40
#define MADT_HEADER_SIZE        44
#define MADT_REVISION           5
#define MADT_LOCAL_APIC         0 /* Processor Local APIC, 8 bytes */
#define MADT_IO_APIC            1 /* 12 bytes */
#define MADT_SOURCE_OVERRIDE    2 /* Interrupt Source Override, 10 bytes */
#define LOCAL_APIC_ENABLED      1
/* MPS INTI flags: active high (01), edge triggered (01 << 2). */
#define INTI_EDGE_HIGH 0x0005

#define DSDT_REVISION 2 /* 64-bit integers */

/* Each table starts 16-byte aligned, after the one before. */
#define ALIGN16(x) (((x) + 15) & ~(uint64_t)15)

static void put16(uint8_t *p, uint64_t v)
{
	put_le(p, v, 2);
}

static void put32(uint8_t *p, uint64_t v)
{
	put_le(p, v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	put_le(p, v, 8);
}

static void header(uint8_t *t, const char *signature, uint32_t length, uint8_t revision)
{
	memcpy(t, signature, 4);
	put32(t + SDT_LENGTH, length);
	t[SDT_REVISION] = revision;
	memcpy(t + SDT_OEM_ID, "SOLO  ", 6);
	memcpy(t + SDT_OEM_TABLE_ID, "SOLOVM  ", 8);
	put32(t + SDT_OEM_REVISION, 1);
	memcpy(t + SDT_CREATOR_ID, "SOLO", 4);
	put32(t + SDT_CREATOR_REV, 1);
}

static void seal(uint8_t *t)
{
	t[SDT_CHECKSUM] = 0;
	t[SDT_CHECKSUM] = byte_checksum(t, (size_t)get_le(t + SDT_LENGTH, 4));
}

/* A one-byte register in I/O space. */
static void io_register(uint8_t *gas, uint16_t port)
{
	gas[0] = GAS_SYSTEM_IO;
	gas[1] = 8; /* bit width */
	gas[2] = 0; /* bit offset */
	gas[3] = GAS_ACCESS_BYTE;
	put64(gas + 4, port);
}

static void build_fadt(uint8_t *t, uint64_t dsdt)
{
	header(t, "FACP", FADT_SIZE, FADT_REVISION);
	put32(t + FADT_DSDT, (uint32_t)dsdt);
	put64(t + FADT_X_DSDT, dsdt);
	put16(t + FADT_IAPC_BOOT_ARCH, BOOT_ARCH_VGA_NOT_PRESENT | BOOT_ARCH_MSI_NOT_SUPPORTED);
	put32(t + FADT_FLAGS, FADT_WBINVD | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_RESET_REG_SUP |
	                          FADT_HW_REDUCED_ACPI);
	io_register(t + FADT_RESET_REG, GUEST_RESET_PORT);
	t[FADT_RESET_VALUE] = GUEST_RESET_VALUE;
	t[FADT_MINOR_VERSION] = FADT_MINOR;
	io_register(t + FADT_SLEEP_CONTROL_REG, GUEST_SLEEP_CONTROL_PORT);
	io_register(t + FADT_SLEEP_STATUS_REG, GUEST_SLEEP_STATUS_PORT);
	memcpy(t + FADT_HYPERVISOR_ID, "solo\0\0\0\0", 8);
	seal(t);
}

static uint32_t madt_size(unsigned vcpus)
{
	return MADT_HEADER_SIZE + 8 * vcpus + 12 + 10 * GUEST_ISA_IRQ_COUNT;
}

static void build_madt(uint8_t *t, unsigned vcpus)
{
	uint32_t length = madt_size(vcpus);
	header(t, "APIC", length, MADT_REVISION);
	put32(t + MADT_LOCAL_APIC_ADDRESS, GUEST_LOCAL_APIC_ADDRESS);
	put32(t + MADT_FLAGS, 0); /* no 8259 PICs */
	uint8_t *e = t + MADT_HEADER_SIZE;
	for (unsigned i = 0; i < vcpus; i++, e += 8) {
		e[0] = MADT_LOCAL_APIC;
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID */
		put32(e + 4, LOCAL_APIC_ENABLED);
	}
	e[0] = MADT_IO_APIC;
	e[1] = 12;
	e[2] = (uint8_t)vcpus; /* its ID follows the CPUs' */
	e[3] = 0;
	put32(e + 4, GUEST_IOAPIC_ADDRESS);
	put32(e + 8, 0); /* GSI base: pin n is GSI n */
	e += 12;
	/* Each serial line's ISA IRQ to the pin of the same number, edge and
	 * high, as ISA is: said outright rather than left to the bus default. */
	static const uint8_t irqs[GUEST_ISA_IRQ_COUNT] = GUEST_ISA_IRQS;
	for (unsigned i = 0; i < GUEST_ISA_IRQ_COUNT; i++, e += 10) {
		e[0] = MADT_SOURCE_OVERRIDE;
		e[1] = 10;
		e[2] = 0; /* ISA */
		e[3] = irqs[i];
		put32(e + 4, irqs[i]);
		put16(e + 8, INTI_EDGE_HIGH);
	}
	seal(t);
}

/* A device with a _HID, a _UID and a resource template. */
static void device(struct aml *a, const char *name, const char *eisaid, unsigned uid,
                   const uint8_t *resources, size_t n)
{
	aml_device(a, name);
	aml_name_eisaid(a, "_HID", eisaid);
	aml_name_integer(a, "_UID", uid);
	aml_name(a, "_CRS");
	aml_buffer(a);
	aml_bytes(a, resources, n);
	aml_close(a); /* buffer */
	aml_close(a); /* device */
}

/* A 16550's resources: IO (Decode16, port, port, 1, 8), IRQNoFlags ()
 * {irq} and the end tag (checksum 0, "ignored"). */
#define SERIAL_RESOURCES(port, irq)                                                                \
	{                                                                                          \
		0x47, 0x01, (port)&0xff, (port) >> 8, (port)&0xff, (port) >> 8, 0x01, 0x08, 0x22,  \
		    (uint8_t)(1u << (irq)), 0x00, 0x79, 0x00                                       \
	}

/* The power button (PNP0C0C) and the generic event device (ACPI0013)
 * that presses it: its one interrupt's event method notifies the button
 * (0x80: pressed), whatever the event number. */
_Static_assert(GUEST_GED_GSI < GUEST_IOAPIC_PINS, "the event device's GSI is an I/O APIC pin");

static void power_button(struct aml *a)
{
	static const uint8_t ged_interrupt[] = {
	    /* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {5} */
	    0x89, 0x06, 0x00, 0x03, 0x01, GUEST_GED_GSI, 0x00, 0x00, 0x00,
	    /* end tag */
	    0x79, 0x00};
	aml_device(a, "PWRB");
	aml_name_eisaid(a, "_HID", "PNP0C0C");
	aml_name_integer(a, "_UID", 1);
	aml_close(a);
	aml_device(a, "GED0");
	aml_name_string(a, "_HID", "ACPI0013");
	aml_name_integer(a, "_UID", 1);
	aml_name(a, "_CRS");
	aml_buffer(a);
	aml_bytes(a, ged_interrupt, sizeof(ged_interrupt));
	aml_close(a); /* buffer */
	aml_method(a, "_EVT", 1);
	aml_notify(a, "PWRB", 0x80);
	aml_close(a); /* method */
	aml_close(a); /* device */
}

/* A network interface: a virtio-mmio window (LNRO0005, the ID Linux's
 * virtio_mmio driver matches) with its interrupt. */
static void virtio_device(struct aml *a, unsigned i)
{
	uint32_t base = GUEST_VIRTIO_MMIO_BASE + i * GUEST_VIRTIO_MMIO_SIZE;
	uint8_t resources[] = {
	    /* Memory32Fixed (ReadWrite, base, 4 KiB) */
	    0x86, 0x09, 0x00, 0x01, (uint8_t)base, (uint8_t)(base >> 8), (uint8_t)(base >> 16),
	    (uint8_t)(base >> 24), (uint8_t)GUEST_VIRTIO_MMIO_SIZE,
	    (uint8_t)(GUEST_VIRTIO_MMIO_SIZE >> 8), 0x00, 0x00,
	    /* Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive) {10 + i} */
	    0x89, 0x06, 0x00, 0x03, 0x01, (uint8_t)GUEST_VIRTIO_IRQ(i), 0x00, 0x00, 0x00,
	    /* end tag */
	    0x79, 0x00};
	char name[5] = {'V', 'R', 'T', (char)('0' + i), '\0'};
	aml_device(a, name);
	aml_name_string(a, "_HID", "LNRO0005");
	aml_name_integer(a, "_UID", i);
	aml_name(a, "_CRS");
	aml_buffer(a);
	aml_bytes(a, resources, sizeof(resources));
	aml_close(a); /* buffer */
	aml_close(a); /* device */
}

/* COM1 and the control line (PNP0501) with their ports and IRQs; the CMOS
 * clock (PNP0B00), whose alarm interrupt solo does not raise, so none is
 * declared; the power button and its event device; the network
 * interfaces (virtio-mmio); and the S5 sleep
 * type. */
static bool build_dsdt_aml(struct aml *a, unsigned virtio_devices)
{
	static const uint8_t com1[] = SERIAL_RESOURCES(GUEST_COM1_PORT, GUEST_COM1_IRQ);
	static const uint8_t com2[] = SERIAL_RESOURCES(GUEST_CONTROL_PORT, GUEST_CONTROL_IRQ);
	static const uint8_t rtc[] = {/* IO (Decode16, 0x70, 0x70, 1, 2) */
	                              0x47, 0x01, 0x70, 0x00, 0x70, 0x00, 0x01, 0x02, 0x79, 0x00};
	aml_scope(a, "\\_SB_");
	device(a, "COM1", "PNP0501", 1, com1, sizeof(com1));
	device(a, "COM2", "PNP0501", 2, com2, sizeof(com2));
	device(a, "RTC_", "PNP0B00", 1, rtc, sizeof(rtc));
	power_button(a);
	for (unsigned i = 0; i < virtio_devices; i++)
		virtio_device(a, i);
	aml_close(a); /* \_SB */
	/* SLP_TYPa, SLP_TYPb and two reserved: what the sleep control
	 * register is written with to power off. */
	aml_name(a, "\\_S5_");
	aml_package(a, 4);
	aml_integer(a, GUEST_SLP_TYP_S5);
	aml_integer(a, GUEST_SLP_TYP_S5);
	aml_integer(a, 0);
	aml_integer(a, 0);
	aml_close(a);
	return aml_done(a);
}

bool acpi_tables_build(uint8_t *ram, uint64_t ram_size, uint64_t gpa, const struct guest_machine *m,
                       struct acpi_tables_layout *out, char *err, size_t errlen)
{
	if (m->vcpus == 0 || m->vcpus > 64)
		return loader_fail(err, errlen, "ACPI tables: vcpus outside 1..64");
	if (m->virtio_devices > GUEST_VIRTIO_MAX_DEVICES)
		return loader_fail(err, errlen, "ACPI tables: more than 4 network interfaces");
	if (gpa & 15)
		return loader_fail(err, errlen, "ACPI tables: address not 16-byte aligned");
	if (gpa > ram_size || ram_size - gpa < ACPI_TABLES_MAX_SIZE ||
	    gpa + ACPI_TABLES_MAX_SIZE > (1ULL << 32))
		return loader_fail(err, errlen, "ACPI tables: do not fit in RAM");

	struct acpi_tables_layout l = {.rsdp = gpa};
	l.rsdt = ALIGN16(l.rsdp + RSDP_SIZE);
	l.xsdt = ALIGN16(l.rsdt + SDT_HEADER_SIZE + 2 * 4);
	l.fadt = ALIGN16(l.xsdt + SDT_HEADER_SIZE + 2 * 8);
	l.madt = ALIGN16(l.fadt + FADT_SIZE);
	l.dsdt = ALIGN16(l.madt + madt_size(m->vcpus));
	uint8_t *base = ram + gpa;
	memset(base, 0, ACPI_TABLES_MAX_SIZE);

	/* The DSDT first: its length is only known once its AML is. */
	uint8_t *dsdt = ram + l.dsdt;
	struct aml a;
	aml_init(&a, dsdt + SDT_HEADER_SIZE,
	         ACPI_TABLES_MAX_SIZE - (size_t)(l.dsdt - gpa) - SDT_HEADER_SIZE);
	if (!build_dsdt_aml(&a, m->virtio_devices)) {
		memset(base, 0, ACPI_TABLES_MAX_SIZE);
		return loader_fail(err, errlen, "ACPI tables: the DSDT does not fit");
	}
	uint32_t dsdt_length = SDT_HEADER_SIZE + (uint32_t)a.used;
	header(dsdt, "DSDT", dsdt_length, DSDT_REVISION);
	seal(dsdt);
	l.size = (uint32_t)(l.dsdt + dsdt_length - gpa);

	build_fadt(ram + l.fadt, l.dsdt);
	build_madt(ram + l.madt, m->vcpus);

	uint8_t *rsdt = ram + l.rsdt;
	header(rsdt, "RSDT", SDT_HEADER_SIZE + 2 * 4, 1);
	put32(rsdt + SDT_HEADER_SIZE, (uint32_t)l.fadt);
	put32(rsdt + SDT_HEADER_SIZE + 4, (uint32_t)l.madt);
	seal(rsdt);
	uint8_t *xsdt = ram + l.xsdt;
	header(xsdt, "XSDT", SDT_HEADER_SIZE + 2 * 8, 1);
	put64(xsdt + SDT_HEADER_SIZE, l.fadt);
	put64(xsdt + SDT_HEADER_SIZE + 8, l.madt);
	seal(xsdt);

	uint8_t *rsdp = ram + l.rsdp;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + RSDP_OEM_ID, "SOLO  ", 6);
	rsdp[RSDP_REVISION] = 2; /* ACPI 2.0 and later: XSDT, length */
	put32(rsdp + RSDP_RSDT_ADDRESS, (uint32_t)l.rsdt);
	put32(rsdp + RSDP_LENGTH, RSDP_SIZE);
	put64(rsdp + RSDP_XSDT_ADDRESS, l.xsdt);
	rsdp[RSDP_CHECKSUM] = byte_checksum(rsdp, RSDP_V1_SIZE);
	rsdp[RSDP_EXTENDED_CHECKSUM] = byte_checksum(rsdp, RSDP_SIZE);
	*out = l;
	return true;
}
