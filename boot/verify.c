/*
 * Verified launch (docs/verified-launch.md). solo build writes the
 * manifest's SHA-256 into this boot stage's anchor, which Secure Boot's
 * check of BOOTX64.EFI then covers; here every file read afterwards is
 * checked against the manifest before anything uses it, the manifest
 * must be for the appliance the config names, and its build counter may
 * not be older than the newest this machine booted (a UEFI variable).
 * An anchor of zeros is a development build: it boots, and says so once.
 */
#include "boot.h"
#include "manifest.h"
#include "sha256.h"
#include "sha256_cpu.h"

#define MANIFEST_WIDE_PATH L"\\solo\\manifest"

/* Written by solo build: it finds the marker in the file. `used` and
 * volatile keep the bytes as the file holds them. */
__attribute__((used)) static volatile struct manifest_anchor anchor = {
    .marker = MANIFEST_ANCHOR_MARKER,
};

/* {7d2c1a5e-8b4f-4c3e-9a61-5f0e3b2d4c18}: the newest build counter booted. */
static EFI_GUID counter_vendor = {
    0x7d2c1a5e, 0x8b4f, 0x4c3e, {0x9a, 0x61, 0x5f, 0x0e, 0x3b, 0x2d, 0x4c, 0x18}};
#define COUNTER_VARIABLE L"SoloBuildCounter"

static struct manifest *manifest; /* NULL: nothing to check against */
static bool refused;              /* a file failed its check */
static struct boot_file manifest_file;
static UINT64 recorded; /* the variable's value, 0 when unset */

static bool anchor_is_empty(const uint8_t digest[32])
{
	for (unsigned i = 0; i < 32; i++)
		if (digest[i])
			return false;
	return true;
}

static UINT64 recorded_counter(void)
{
	UINT64 value = 0;
	UINTN size = sizeof(value);
	UINT32 attributes;
	EFI_STATUS status =
	    RT->GetVariable(COUNTER_VARIABLE, &counter_vendor, &attributes, &size, &value);
	return !EFI_ERROR(status) && size == sizeof(value) ? value : 0;
}

bool verify_begin(EFI_HANDLE image)
{
	uint8_t expected[32];
	for (unsigned i = 0; i < 32; i++)
		expected[i] = anchor.digest[i];
	if (anchor_is_empty(expected)) {
		console_info(
		    L"unverified build: this boot stage holds no manifest digest, so files "
		    L"are not checked");
		return true;
	}
	struct boot_file file;
	if (!files_read(image, "", MANIFEST_WIDE_PATH, MANIFEST_MAX_SIZE, &file))
		return false;
	const void *text = (const void *)(UINTN)file.base;
	uint8_t digest[32];
	sha256(text, file.size, digest);
	if (memcmp(digest, expected, sizeof(digest)) != 0) {
		console_error(
		    L"%s: digest mismatch: not the manifest this boot stage was built with",
		    MANIFEST_WIDE_PATH);
		return false;
	}
	struct manifest *m = AllocatePool(sizeof(*m));
	char err[120];
	if (!m) {
		console_error(L"cannot allocate memory to read %s", MANIFEST_WIDE_PATH);
		return false;
	}
	if (!manifest_parse(text, file.size, m, err, sizeof(err))) {
		console_error(L"%s: %a", MANIFEST_WIDE_PATH, err);
		FreePool(m);
		return false;
	}
	recorded = recorded_counter();
	if (m->counter < recorded) {
		console_error(L"%s: build %ld is older than build %ld, the newest this machine has "
		              L"booted (rollback refused)",
		              MANIFEST_WIDE_PATH, m->counter, recorded);
		FreePool(m);
		return false;
	}
	manifest = m;
	manifest_file = file;
	console_info(L"verified build %ld of appliance '%a': %d files in the manifest, SHA-256 %s",
	             m->counter, m->appliance, m->count,
	             sha256_cpu_chosen() ? L"by the CPU" : L"in software");
	return true;
}

bool verify_file(const char *context, const CHAR16 *path, const void *data, UINTN size)
{
	if (!manifest)
		return true;
	char narrow[CONFIG_PATH_MAX + 1], why[64];
	unsigned n = 0;
	for (; path[n] && n < CONFIG_PATH_MAX; n++)
		narrow[n] = path[n] < 0x80 ? (char)path[n] : '?';
	narrow[n] = '\0';
	if (manifest_check(manifest, narrow, data, size, why, sizeof(why)))
		return true;
	console_error(L"%a%s: %a", context, path, why);
	refused = true;
	return false;
}

static bool same_name(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

bool verify_appliance(const char *name)
{
	if (!manifest || same_name(manifest->appliance, name))
		return true;
	console_error(L"%s: for appliance '%a', but the config is of '%a'", MANIFEST_WIDE_PATH,
	              manifest->appliance, name);
	return false;
}

void verify_commit(void)
{
	if (!manifest || manifest->counter <= recorded)
		return;
	UINT64 value = manifest->counter;
	EFI_STATUS status = RT->SetVariable(
	    COUNTER_VARIABLE, &counter_vendor,
	    EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS, sizeof(value), &value);
	if (EFI_ERROR(status))
		console_info(L"cannot record build %ld as the newest booted: %r", value, status);
	else
		console_info(L"recorded build %ld as the newest this machine has booted", value);
}

bool verify_manifest(struct boot_file *out)
{
	if (manifest)
		*out = manifest_file;
	return manifest != 0;
}

bool verify_refused(void)
{
	return refused;
}
