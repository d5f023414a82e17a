/*
 * PCI configuration mechanism #1 (arch/pci_config.h). The address and
 * data ports are one shared pair, so a lock keeps two CPUs from
 * interleaving their halves (solo scans at boot, on one CPU, but the
 * lock costs nothing there).
 */
#include "arch/pci_config.h"
#include "lib/spinlock.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_CONFIG_ENABLE  (1u << 31)

static struct spinlock config_lock;

static inline void outl(uint16_t port, uint32_t value)
{
	__asm__ volatile("outl %0, %1" ::"a"(value), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint32_t address(unsigned bus, unsigned device, unsigned function, unsigned offset)
{
	return PCI_CONFIG_ENABLE | (bus & 0xff) << 16 | (device & 0x1f) << 11 |
	       (function & 7) << 8 | (offset & 0xfc);
}

uint32_t pci_config_read32(unsigned bus, unsigned device, unsigned function, unsigned offset)
{
	spin_lock(&config_lock);
	outl(PCI_CONFIG_ADDRESS, address(bus, device, function, offset));
	uint32_t value = inl(PCI_CONFIG_DATA);
	spin_unlock(&config_lock);
	return value;
}

void pci_config_write32(unsigned bus, unsigned device, unsigned function, unsigned offset,
                        uint32_t value)
{
	spin_lock(&config_lock);
	outl(PCI_CONFIG_ADDRESS, address(bus, device, function, offset));
	outl(PCI_CONFIG_DATA, value);
	spin_unlock(&config_lock);
}
