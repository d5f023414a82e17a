/*
 * Finds the ACPI RSDP in the UEFI configuration table. The ACPI 2.0 entry
 * (XSDT, 64-bit addresses) wins over the 1.0 one. Some firmware has no
 * ACPI at all (OVMF under Bochs), so "none" is a normal answer: the
 * hypervisor gets 0 and must manage without ACPI.
 */
#include "boot.h"

static UINT64 find(EFI_GUID guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
		if (memcmp(&t->VendorGuid, &guid, sizeof(guid)) != 0)
			continue;
		/* Trust the entry only if it looks like an RSDP. */
		if (memcmp(t->VendorTable, "RSD PTR ", 8) == 0)
			return (UINT64)(UINTN)t->VendorTable;
	}
	return 0;
}

UINT64 acpi_find_rsdp(void)
{
	UINT64 rsdp = find((EFI_GUID)ACPI_20_TABLE_GUID);
	return rsdp ? rsdp : find((EFI_GUID)ACPI_TABLE_GUID);
}
