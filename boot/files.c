/*
 * Reads whole files from the volume the boot stage itself was loaded from
 * (LoadedImage -> DeviceHandle -> SimpleFileSystem), so the ESP that holds
 * BOOTX64.EFI is the one that holds solo's files too. File contents go
 * into MEMORY_MAP_TYPE_MODULE pages, which the hypervisor receives as they
 * are through the handoff block, each checked against the manifest first
 * in a verified build (verify.c). Error lines name the file by its path,
 * after an optional context ("vm 'linux': kernel ") saying why it was
 * wanted.
 */
#include "boot.h"
#include "memory_map.h"

static EFI_FILE_HANDLE open_volume(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *loaded;
	EFI_STATUS status = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded);
	if (EFI_ERROR(status)) {
		console_error(L"cannot find the boot stage's own image: %r", status);
		return NULL;
	}
	EFI_SIMPLE_FILE_SYSTEM_PROTOCOL *fs;
	status = BS->HandleProtocol(loaded->DeviceHandle, &FileSystemProtocol, (void **)&fs);
	if (EFI_ERROR(status)) {
		console_error(L"the boot volume has no file system: %r", status);
		return NULL;
	}
	EFI_FILE_HANDLE root;
	status = fs->OpenVolume(fs, &root);
	if (EFI_ERROR(status)) {
		console_error(L"cannot open the boot volume: %r", status);
		return NULL;
	}
	return root;
}

static bool file_size(EFI_FILE_HANDLE file, const char *context, const CHAR16 *path, UINT64 *size)
{
	EFI_FILE_INFO *info = LibFileInfo(file);
	if (!info) {
		console_error(L"%a%s: cannot read its size", context, path);
		return false;
	}
	bool is_dir = (info->Attribute & EFI_FILE_DIRECTORY) != 0;
	*size = info->FileSize;
	FreePool(info);
	if (is_dir) {
		console_error(L"%a%s: is a directory", context, path);
		return false;
	}
	return true;
}

/* Read() may return fewer bytes than asked for; loop until done. */
static bool read_all(EFI_FILE_HANDLE file, const char *context, const CHAR16 *path, UINT8 *dst,
                     UINT64 size)
{
	UINT64 done = 0;
	while (done < size) {
		UINTN chunk = (UINTN)(size - done);
		EFI_STATUS status = file->Read(file, &chunk, dst + done);
		if (EFI_ERROR(status)) {
			console_error(L"%a%s: read failed: %r", context, path, status);
			return false;
		}
		if (chunk == 0) {
			console_error(L"%a%s: file ended early", context, path);
			return false;
		}
		done += chunk;
	}
	return true;
}

bool files_read(EFI_HANDLE image, const char *context, const CHAR16 *path, UINTN max_size,
                struct boot_file *out)
{
	EFI_FILE_HANDLE root = open_volume(image);
	if (!root)
		return false;

	bool ok = false;
	EFI_FILE_HANDLE file;
	EFI_STATUS status = root->Open(root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (status == EFI_NOT_FOUND) {
		console_error(L"%a%s: not found", context, path);
		goto close_root;
	}
	if (EFI_ERROR(status)) {
		console_error(L"%a%s: cannot open: %r", context, path, status);
		goto close_root;
	}

	UINT64 size;
	if (!file_size(file, context, path, &size))
		goto close_file;
	if (size > max_size) {
		console_error(L"%a%s: larger than %ld MiB", context, path, (UINT64)max_size >> 20);
		goto close_file;
	}
	EFI_PHYSICAL_ADDRESS base;
	if (!pages_alloc(MEMORY_MAP_TYPE_MODULE, (UINTN)size, &base))
		goto close_file;
	if (!read_all(file, context, path, (UINT8 *)(UINTN)base, size) ||
	    !verify_file(context, path, (const void *)(UINTN)base, (UINTN)size) ||
	    !measure_file(context, path, (const void *)(UINTN)base, (UINTN)size))
		goto close_file; /* the pages go with the other allocations */
	*out = (struct boot_file){.base = base, .size = (UINTN)size};
	ok = true;

close_file:
	file->Close(file);
close_root:
	root->Close(root);
	return ok;
}
