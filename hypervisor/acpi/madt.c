/*
 * A strict, allocation-free walk of the ACPI tables that list CPUs
 * (ACPI 6.x sections 5.2.5-5.2.12). Firmware tables are input like any
 * other: every length is checked against its container before use.
 */
#include <stdio.h>
#include <string.h>

#include "acpi/madt.h"
#include "mm/phys.h"

#define SDT_HEADER_LEN      36
#define MADT_ENTRIES_OFFSET 44
#define MADT_LOCAL_APIC     0
#define MADT_LOCAL_X2APIC   9
#define MADT_ENABLED        (1u << 0)
#define MADT_ONLINE_CAPABLE (1u << 1)
#define MAX_TABLE_LEN       (1u << 20)

#define FAIL(...) (snprintf(err, errlen, __VA_ARGS__), -1)

static uint32_t read32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint64_t read64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

static bool checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

/* The table at `address` if its header is sane, else NULL. */
static const uint8_t *table_at(uint64_t address, uint32_t *len)
{
	if (!address)
		return NULL;
	const uint8_t *t = hpa_to_ptr(address);
	*len = read32(t + 4);
	if (*len < SDT_HEADER_LEN || *len > MAX_TABLE_LEN || !checksum_ok(t, *len))
		return NULL;
	return t;
}

static const uint8_t *find_madt(const uint8_t *rsdp, char *err, size_t errlen)
{
	bool xsdt = rsdp[15] >= 2;
	uint64_t root_address = xsdt ? read64(rsdp + 24) : read32(rsdp + 16);
	uint32_t root_len;
	const uint8_t *root = table_at(root_address, &root_len);
	if (!root || memcmp(root, xsdt ? "XSDT" : "RSDT", 4) != 0) {
		snprintf(err, errlen, "%s missing or corrupt", xsdt ? "XSDT" : "RSDT");
		return NULL;
	}
	unsigned entry_size = xsdt ? 8 : 4;
	for (uint32_t off = SDT_HEADER_LEN; off + entry_size <= root_len; off += entry_size) {
		uint64_t address = xsdt ? read64(root + off) : read32(root + off);
		uint32_t len;
		const uint8_t *t = table_at(address, &len);
		if (t && memcmp(t, "APIC", 4) == 0 && len >= MADT_ENTRIES_OFFSET)
			return t;
	}
	snprintf(err, errlen, "no MADT in the ACPI tables");
	return NULL;
}

int madt_find_cpus(uint64_t rsdp_address, uint32_t *apic_ids, unsigned max, char *err,
                   size_t errlen)
{
	const uint8_t *rsdp = hpa_to_ptr(rsdp_address);
	if (!rsdp_address || memcmp(rsdp, "RSD PTR ", 8) != 0 || !checksum_ok(rsdp, 20))
		return FAIL("RSDP invalid");
	if (rsdp[15] >= 2 && (read32(rsdp + 20) < 36 || !checksum_ok(rsdp, 36)))
		return FAIL("RSDP extended checksum invalid");
	const uint8_t *madt = find_madt(rsdp, err, errlen);
	if (!madt)
		return -1;
	uint32_t len = read32(madt + 4);
	unsigned count = 0;
	for (uint32_t off = MADT_ENTRIES_OFFSET; off < len;) {
		if (off + 2 > len)
			return FAIL("MADT entry at offset %u truncated", off);
		uint8_t type = madt[off], entry_len = madt[off + 1];
		if (entry_len < 2 || off + entry_len > len)
			return FAIL("MADT entry at offset %u has bad length %u", off, entry_len);
		uint32_t id = 0, flags = 0;
		bool is_cpu = false;
		if (type == MADT_LOCAL_APIC && entry_len >= 8) {
			id = madt[off + 3];
			flags = read32(madt + off + 4);
			is_cpu = true;
		} else if (type == MADT_LOCAL_X2APIC && entry_len >= 16) {
			id = read32(madt + off + 4);
			flags = read32(madt + off + 8);
			is_cpu = true;
		}
		if (is_cpu && (flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE))) {
			bool seen = false;
			for (unsigned i = 0; i < count; i++)
				seen |= apic_ids[i] == id;
			if (!seen) {
				if (count == max)
					return FAIL("more than %u CPUs in the MADT", max);
				apic_ids[count++] = id;
			}
		}
		off += entry_len;
	}
	return (int)count;
}
