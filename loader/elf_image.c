/*
 * Validates and loads the hypervisor's ELF64 image. The file comes from a
 * disk anyone may have written, so every field is checked against the
 * file's real size before it is used, with arithmetic that cannot wrap;
 * loading then re-runs the same checks so it can never copy out of bounds.
 * ELF structures are declared here (from the System V gABI and the x86-64
 * psABI) because the freestanding targets have no <elf.h>. Only memcpy and
 * memset are used from the C library: the boot stage's gnu-efi has no more.
 */
#include "elf_image.h"
#include "loader_error.h"

#include <string.h>

#include "public/handoff.h"

#define EI_NIDENT   16
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS64  2
#define ELFDATA2LSB 1
#define EV_CURRENT  1
#define ET_EXEC     2
#define EM_X86_64   62
#define PT_LOAD     1
#define PF_X        1

struct elf64_header {
	uint8_t ident[EI_NIDENT];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_program_header {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

_Static_assert(sizeof(struct elf64_header) == 64, "ELF64 header layout");
_Static_assert(sizeof(struct elf64_program_header) == 56, "ELF64 program header layout");

/* A loadable segment as the checks and the loader see it. */
struct segment {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	bool executable;
};

/* The first 'size' bytes may be unaligned (a buffer from anywhere), so
 * headers are copied out rather than cast in place. */
static void read_program_header(const uint8_t *file, const struct elf64_header *eh, unsigned i,
                                struct elf64_program_header *ph)
{
	memcpy(ph, file + eh->phoff + (uint64_t)i * sizeof(*ph), sizeof(*ph));
}

static const char *check_header(const uint8_t *file, size_t size, struct elf64_header *eh)
{
	static const uint8_t magic[4] = {0x7f, 'E', 'L', 'F'};
	if (size == 0)
		return "empty file";
	for (size_t i = 0; i < sizeof(magic) && i < size; i++)
		if (file[i] != magic[i])
			return "not an ELF64 file (bad magic)";
	if (size < sizeof(*eh))
		return "file too small for an ELF header";
	memcpy(eh, file, sizeof(*eh));
	if (eh->ident[EI_CLASS] != ELFCLASS64)
		return "not an ELF64 file (32-bit class)";
	if (eh->ident[EI_DATA] != ELFDATA2LSB)
		return "not a little-endian ELF file";
	if (eh->ident[EI_VERSION] != EV_CURRENT || eh->version != EV_CURRENT)
		return "unsupported ELF version";
	if (eh->type != ET_EXEC)
		return "not an ELF executable (type is not EXEC)";
	if (eh->machine != EM_X86_64)
		return "not an x86-64 ELF file";
	if (eh->phentsize != sizeof(struct elf64_program_header))
		return "unexpected program header size";
	if (eh->phnum == 0)
		return "no program headers";
	uint64_t table = (uint64_t)eh->phnum * sizeof(struct elf64_program_header);
	if (eh->phoff > size || table > size - eh->phoff)
		return "program header table outside the file";
	return 0;
}

static const char *check_segment(const struct elf64_program_header *ph, size_t size)
{
	if (ph->filesz > ph->memsz)
		return "segment file size larger than its memory size";
	if (ph->offset > size || ph->filesz > size - ph->offset)
		return "segment data beyond the end of the file";
	if (ph->vaddr < HANDOFF_HYPERVISOR_VIRT_BASE)
		return "segment outside the kernel window";
	uint64_t window_offset = ph->vaddr - HANDOFF_HYPERVISOR_VIRT_BASE;
	if (window_offset >= ELF_IMAGE_WINDOW_SIZE ||
	    ph->memsz > ELF_IMAGE_WINDOW_SIZE - window_offset)
		return "segment outside the kernel window";
	return 0;
}

static bool overlaps(const struct segment *a, const struct segment *b)
{
	return a->vaddr < b->vaddr + b->memsz && b->vaddr < a->vaddr + a->memsz;
}

/* Collects and checks the loadable segments; both public functions use it
 * so the loader copies exactly what the check accepted. */
static const char *collect(const uint8_t *file, size_t size, struct segment *segs,
                           struct elf_image_info *info)
{
	struct elf64_header eh;
	const char *why = check_header(file, size, &eh);
	if (why)
		return why;

	unsigned count = 0;
	for (unsigned i = 0; i < eh.phnum; i++) {
		struct elf64_program_header ph;
		read_program_header(file, &eh, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		why = check_segment(&ph, size);
		if (why)
			return why;
		if (ph.memsz == 0)
			continue;
		if (count == ELF_IMAGE_MAX_SEGMENTS)
			return "too many loadable segments";
		segs[count++] = (struct segment){
		    .vaddr = ph.vaddr,
		    .memsz = ph.memsz,
		    .offset = ph.offset,
		    .filesz = ph.filesz,
		    .executable = (ph.flags & PF_X) != 0,
		};
	}
	if (count == 0)
		return "no loadable segments";

	uint64_t lowest = UINT64_MAX, end = 0;
	bool entry_ok = false;
	for (unsigned i = 0; i < count; i++) {
		for (unsigned j = i + 1; j < count; j++)
			if (overlaps(&segs[i], &segs[j]))
				return "loadable segments overlap";
		if (segs[i].vaddr < lowest)
			lowest = segs[i].vaddr;
		if (segs[i].vaddr + segs[i].memsz > end)
			end = segs[i].vaddr + segs[i].memsz;
		/* The entry must be in bytes the file provides: bss is
		 * zeroes, and executing those is never what was meant. */
		if (segs[i].executable && eh.entry >= segs[i].vaddr &&
		    eh.entry - segs[i].vaddr < segs[i].filesz)
			entry_ok = true;
	}
	if (end - HANDOFF_HYPERVISOR_VIRT_BASE > ELF_IMAGE_MAX_SPAN)
		return "image larger than 64 MiB";
	if (!entry_ok)
		return "entry point outside the executable segments";

	*info = (struct elf_image_info){
	    .lowest_vaddr = lowest,
	    .span = end - HANDOFF_HYPERVISOR_VIRT_BASE,
	    .entry = eh.entry,
	    .segment_count = count,
	};
	return 0;
}

bool elf_image_check(const void *file, size_t size, struct elf_image_info *info, char *err,
                     size_t errlen)
{
	struct segment segs[ELF_IMAGE_MAX_SEGMENTS];
	const char *why = collect(file, size, segs, info);
	if (why)
		return loader_fail(err, errlen, why);
	if (errlen)
		err[0] = '\0';
	return true;
}

bool elf_image_load(const void *file, size_t size, const struct elf_image_info *info, void *dest,
                    size_t dest_size, void (*zero)(void *dest, size_t len))
{
	struct segment segs[ELF_IMAGE_MAX_SEGMENTS];
	struct elf_image_info checked;
	if (collect(file, size, segs, &checked) || checked.span != info->span ||
	    dest_size < checked.span)
		return false;

	uint8_t *out = dest;
	if (zero)
		zero(out, checked.span);
	else
		memset(out, 0, checked.span);
	for (unsigned i = 0; i < checked.segment_count; i++)
		memcpy(out + (segs[i].vaddr - HANDOFF_HYPERVISOR_VIRT_BASE),
		       (const uint8_t *)file + segs[i].offset, segs[i].filesz);
	return true;
}
