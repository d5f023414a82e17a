/*
 * The NIC table and boot-time probe (drivers/nic.h). The table is a plain
 * const array: a new driver is one line here. nic0, nic1, ... follow the
 * PCI scan order, so a machine's numbering stays the same from boot to
 * boot as long as its cards stay in their slots.
 */
#include <stdio.h>
#include <string.h>

#include "drivers/nic.h"
#include "lib/console.h"

static const struct nic_driver *const drivers[] = {
    &e1000_driver,
};

static struct nic nics[NIC_MAX];
static unsigned nic_count;

static const struct nic_model *match(const struct nic_driver *driver, const struct pci_device *d)
{
	for (unsigned i = 0; i < driver->model_count; i++)
		if (driver->models[i].vendor_id == d->vendor_id &&
		    driver->models[i].device_id == d->device_id)
			return &driver->models[i];
	return 0;
}

static void report(const struct nic *nic)
{
	char where[8];
	const uint8_t *m = nic->mac;
	pci_format_address(&nic->pci, where);
	console_printf("solo: nic%u: %s at %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s\n",
	               nic->index, nic->model->name, where, m[0], m[1], m[2], m[3], m[4], m[5],
	               nic->driver->ops->link_up((struct nic *)nic) ? "up" : "down");
}

unsigned nic_probe_all(const struct pci_device *devices, unsigned count)
{
	unsigned usable = 0;
	nic_count = 0;
	for (unsigned i = 0; i < count && nic_count < NIC_MAX; i++) {
		const struct pci_device *d = &devices[i];
		for (unsigned k = 0; k < sizeof(drivers) / sizeof(drivers[0]); k++) {
			const struct nic_model *model = match(drivers[k], d);
			if (!model)
				continue;
			/* A NIC that fails keeps its number, so that the
			 * next one is still the nicN the config names. */
			struct nic *nic = &nics[nic_count++];
			char err[96], where[8];
			*nic = (struct nic){
			    .driver = drivers[k],
			    .model = model,
			    .pci = *d,
			};
			nic->index = (unsigned)(nic - nics);
			/* Every driver programs its device through memory
			 * BARs and lets it fetch descriptors itself. */
			pci_enable(d, PCI_COMMAND_MEMORY | PCI_COMMAND_BUS_MASTER);
			nic->usable = drivers[k]->ops->probe(nic, err, sizeof(err));
			if (nic->usable) {
				report(nic);
				usable++;
			} else {
				pci_format_address(d, where);
				console_printf("solo: nic%u: %s at %s not used: %s\n", nic->index,
				               model->name, where, err);
			}
			break;
		}
	}
	return usable;
}

struct nic *nic_get(unsigned index)
{
	return index < nic_count && nics[index].usable ? &nics[index] : 0;
}
