/*
 * Measured launch (docs/verified-launch.md): where the firmware offers a
 * TPM 2.0 (EFI_TCG2_PROTOCOL), every file the boot stage accepts is
 * extended into PCR 12 with an EV_IPL event naming it, in the order the
 * boot stage reads them, so a TPM quote proves what booted; `solo pcr
 * IMAGE` computes the value a verifier should expect. Without a TPM, one
 * line says so and verification still applies.
 */
#include "boot.h"

#define SOLO_PCR           12
#define EV_IPL             0x0000000d
#define TPM_ALG_SHA256     0x000b
#define TPM_ST_NO_SESSIONS 0x8001
#define TPM_CC_PCR_READ    0x0000017e

/* The parts of the TCG EFI Protocol Specification's interface used here. */
#pragma pack(push, 1)
struct tcg2_event_header {
	UINT32 header_size;
	UINT16 header_version;
	UINT32 pcr_index;
	UINT32 event_type;
};
struct tcg2_event {
	UINT32 size;
	struct tcg2_event_header header;
	UINT8 event[];
};
#pragma pack(pop)

struct tcg2_protocol {
	void *get_capability;
	void *get_event_log;
	EFI_STATUS(EFIAPI *hash_log_extend_event)
	(struct tcg2_protocol *self, UINT64 flags, EFI_PHYSICAL_ADDRESS data, UINT64 length,
	 struct tcg2_event *event);
	EFI_STATUS(EFIAPI *submit_command)
	(struct tcg2_protocol *self, UINT32 in_size, UINT8 *in, UINT32 out_size, UINT8 *out);
};

static EFI_GUID tcg2_guid = {
    0x607f766c, 0x7455, 0x42be, {0x93, 0x0b, 0xe4, 0xd7, 0x6d, 0xb2, 0x72, 0x0f}};
static struct tcg2_protocol *tcg2;

void measure_begin(void)
{
	EFI_STATUS status = BS->LocateProtocol(&tcg2_guid, NULL, (void **)&tcg2);
	if (EFI_ERROR(status) || !tcg2) {
		tcg2 = NULL;
		console_info(L"no TPM 2.0 (EFI_TCG2_PROTOCOL): the launch is not measured");
		return;
	}
	console_info(L"TPM 2.0: measuring every file into PCR %d", SOLO_PCR);
}

bool measure_file(const char *context, const CHAR16 *path, const void *data, UINTN size)
{
	if (!tcg2)
		return true;
	UINTN n = 0;
	while (path[n])
		n++;
	UINTN event_size = sizeof(struct tcg2_event) + n + 1;
	struct tcg2_event *e = AllocatePool(event_size);
	if (!e) {
		console_error(L"%a%s: cannot allocate its TPM event", context, path);
		return false;
	}
	e->size = (UINT32)event_size;
	e->header = (struct tcg2_event_header){.header_size = sizeof(struct tcg2_event_header),
	                                       .header_version = 1,
	                                       .pcr_index = SOLO_PCR,
	                                       .event_type = EV_IPL};
	/* The event names the file: its ESP path in ASCII. */
	for (UINTN i = 0; i < n; i++)
		e->event[i] = path[i] < 0x80 ? (UINT8)path[i] : '?';
	e->event[n] = 0;
	EFI_STATUS status =
	    tcg2->hash_log_extend_event(tcg2, 0, (EFI_PHYSICAL_ADDRESS)(UINTN)data, size, e);
	FreePool(e);
	if (EFI_ERROR(status)) {
		console_error(L"%a%s: TPM extend failed: %r", context, path, status);
		return false;
	}
	return true;
}

static UINT32 big32(const UINT8 *p)
{
	return (UINT32)p[0] << 24 | (UINT32)p[1] << 16 | (UINT32)p[2] << 8 | p[3];
}

void measure_report(void)
{
	if (!tcg2)
		return;
	/* TPM2_PCR_Read of PCR 12 in the SHA-256 bank. */
	UINT8 in[20] = {0x80, 0x01, 0, 0, 0,    20,   0x00, 0x00, 0x01, 0x7e,
	                0,    0,    0, 1, 0x00, 0x0b, 3,    0x00, 0x10, 0x00};
	UINT8 out[64] = {0};
	EFI_STATUS status = tcg2->submit_command(tcg2, sizeof(in), in, sizeof(out), out);
	if (EFI_ERROR(status) || big32(out + 6) != 0 || out[28] != 0 || out[29] != 32) {
		console_info(L"TPM 2.0: cannot read PCR %d back (%r)", SOLO_PCR, status);
		return;
	}
	CHAR16 hex[65];
	static const CHAR16 digits[] = L"0123456789abcdef";
	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[out[30 + i] >> 4];
		hex[2 * i + 1] = digits[out[30 + i] & 15];
	}
	hex[64] = 0;
	console_info(L"TPM 2.0: PCR %d (sha256) is %s", SOLO_PCR, hex);
}
