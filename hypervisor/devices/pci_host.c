/*
 * The empty PCI host bridge (pci_host.h). The address register (PCI
 * Local Bus Specification 3.0, 3.2.2.3.2): bit 31 enables, bits 23:16
 * bus, 15:11 device, 10:8 function, 7:2 the dword register; only a dword
 * access at 0xCF8 reaches it. The data window's bytes 0-3 select within
 * that dword.
 */
#include "devices/pci_host.h"

#define ADDRESS_ENABLE    (1u << 31)
#define ADDRESS_WRITABLE  0x80fffffcu /* reserved bits 30:24 and 1:0 read 0 */
#define CLASS_HOST_BRIDGE 0x06000000u /* class 06, subclass 00, prog-if 00, revision 0 */

bool pci_host_claims(uint16_t port, unsigned size)
{
	if (port == PCI_CONFIG_ADDRESS_PORT && size == 4)
		return true;
	return port >= PCI_CONFIG_DATA_PORT && port < PCI_CONFIG_DATA_PORT + 4 &&
	       (port - PCI_CONFIG_DATA_PORT) + size <= 4;
}

/* The bridge's configuration dword at this offset; all ones elsewhere. */
static uint32_t config_dword(uint32_t address)
{
	if (!(address & ADDRESS_ENABLE) || (address & 0x00ffff00u))
		return 0xffffffffu; /* not bus 0, device 0, function 0 */
	switch (address & 0xfc) {
	case 0x00:
		return (uint32_t)PCI_HOST_DEVICE_ID << 16 | PCI_HOST_VENDOR_ID;
	case 0x08:
		return CLASS_HOST_BRIDGE;
	default:
		return 0; /* no BARs, no capabilities, header type 0 */
	}
}

uint32_t pci_host_read(const struct pci_host *h, uint16_t port, unsigned size)
{
	if (port == PCI_CONFIG_ADDRESS_PORT)
		return h->address;
	unsigned shift = 8 * (unsigned)(port - PCI_CONFIG_DATA_PORT);
	uint32_t mask = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
	return (config_dword(h->address) >> shift) & mask;
}

void pci_host_write(struct pci_host *h, uint16_t port, unsigned size, uint32_t value)
{
	(void)size;
	if (port == PCI_CONFIG_ADDRESS_PORT)
		h->address = value & ADDRESS_WRITABLE;
	/* The bridge's registers are read-only; absent functions take nothing. */
}
