/*
 * A PCI host bridge with nothing behind it: configuration mechanism #1
 * (the address register at 0xCF8, the data window at 0xCFC-0xCFF), with
 * the bridge itself at bus 0, device 0, function 0 and every other
 * function absent (reads all ones). Stock kernels probe PCI whatever the
 * machine, and without a host bridge to pass their sanity check they log
 * "PCI: Fatal: No config space access function found". Its configuration
 * space is read-only; writes are dropped.
 */
#ifndef SOLO_DEVICES_PCI_HOST_H
#define SOLO_DEVICES_PCI_HOST_H

#include <stdbool.h>
#include <stdint.h>

#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT    0xcfc
/* A virtual host bridge (Red Hat's vendor ID for virtual hardware). */
#define PCI_HOST_VENDOR_ID 0x1b36
#define PCI_HOST_DEVICE_ID 0x0008

struct pci_host {
	uint32_t address; /* the last dword written to 0xCF8 */
};

/* Whether a port access of `size` bytes is the host's to answer. */
bool pci_host_claims(uint16_t port, unsigned size);
uint32_t pci_host_read(const struct pci_host *h, uint16_t port, unsigned size);
void pci_host_write(struct pci_host *h, uint16_t port, unsigned size, uint32_t value);

#endif
