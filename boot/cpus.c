/*
 * Lists the CPUs the hypervisor will start, by APIC ID, BSP first. The
 * source is the PI MP Services protocol, because the MADT is not always
 * there (no ACPI at all under Bochs + OVMF) while the firmware always
 * knows its CPUs. gnu-efi has no header for the protocol, so its layout is
 * declared here from the UEFI PI specification, Vol. 2, "MP Services
 * Protocol". Without the protocol (a single-CPU firmware build), the BSP
 * alone is reported.
 */
#include "boot.h"
#include "cpu.h"

#define MP_SERVICES_PROTOCOL_GUID                                                                  \
	{                                                                                          \
		0x3fdda605, 0xa76e, 0x4f46,                                                        \
		{                                                                                  \
			0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08                             \
		}                                                                                  \
	}

/* EFI_PROCESSOR_INFORMATION.StatusFlag bits. */
#define PROCESSOR_AS_BSP_BIT        (1u << 0)
#define PROCESSOR_ENABLED_BIT       (1u << 1)
#define PROCESSOR_HEALTH_STATUS_BIT (1u << 2)

struct processor_information {
	UINT64 processor_id; /* the APIC ID on x86 */
	UINT32 status_flag;
	struct {
		UINT32 package, core, thread;
	} location;
	/* PI 1.7 appended a six-word extended location, filled only when
	 * asked for with a flag in the processor number. It is declared so
	 * the buffer is large enough whatever the firmware's version. */
	UINT32 extended_location[6];
};

struct mp_services_protocol;
typedef EFI_STATUS(EFIAPI *mp_get_number_of_processors)(struct mp_services_protocol *self,
                                                        UINTN *count, UINTN *enabled);
typedef EFI_STATUS(EFIAPI *mp_get_processor_info)(struct mp_services_protocol *self, UINTN number,
                                                  struct processor_information *info);

/* Only the first two services are used; the rest are kept as opaque slots
 * so the structure has the protocol's real layout. */
struct mp_services_protocol {
	mp_get_number_of_processors get_number_of_processors;
	mp_get_processor_info get_processor_info;
	void *startup_all_aps;
	void *startup_this_ap;
	void *switch_bsp;
	void *enable_disable_ap;
	void *who_am_i;
};

static void bsp_only(struct handoff *h)
{
	h->bsp_apic_id = cpu_apic_id();
	h->apic_ids[0] = h->bsp_apic_id;
	h->cpu_count = 1;
}

void cpus_enumerate(struct handoff *h)
{
	EFI_GUID guid = MP_SERVICES_PROTOCOL_GUID;
	struct mp_services_protocol *mp;
	UINTN count, enabled;
	if (EFI_ERROR(BS->LocateProtocol(&guid, NULL, (void **)&mp)) ||
	    EFI_ERROR(mp->get_number_of_processors(mp, &count, &enabled))) {
		console_info(L"no MP Services protocol: starting on the boot CPU only");
		bsp_only(h);
		return;
	}

	bsp_only(h); /* slot 0 is the BSP whatever order the firmware uses */
	UINTN skipped = 0, dropped = 0;
	for (UINTN i = 0; i < count; i++) {
		struct processor_information info;
		if (EFI_ERROR(mp->get_processor_info(mp, i, &info))) {
			skipped++;
			continue;
		}
		if (info.status_flag & PROCESSOR_AS_BSP_BIT) {
			h->bsp_apic_id = (UINT32)info.processor_id;
			h->apic_ids[0] = h->bsp_apic_id;
			continue;
		}
		/* A disabled or failed CPU is not one to run guests on. */
		const UINT32 usable = PROCESSOR_ENABLED_BIT | PROCESSOR_HEALTH_STATUS_BIT;
		if ((info.status_flag & usable) != usable) {
			skipped++;
			continue;
		}
		if (h->cpu_count == HANDOFF_MAX_CPUS) {
			dropped++;
			continue;
		}
		h->apic_ids[h->cpu_count++] = (UINT32)info.processor_id;
	}
	if (skipped)
		console_info(L"skipped %ld disabled or failed CPUs", (UINT64)skipped);
	if (dropped)
		console_info(L"using %d CPUs, %ld more are not supported", HANDOFF_MAX_CPUS,
		             (UINT64)dropped);
}
