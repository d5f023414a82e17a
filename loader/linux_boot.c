/*
 * Loads a Linux bzImage into guest RAM by the 32-bit boot protocol. The
 * image is untrusted: every header field is read with bounds-checked
 * little-endian accessors and validated before use, placement is planned
 * completely (with arithmetic that cannot wrap) before the first byte of
 * guest RAM is written, and the writes then cannot fail. Offsets are the
 * protocol's own (boot.rst for the setup header, zero-page.rst for the
 * rest of struct boot_params) rather than a C struct, so the layout does
 * not depend on packing. Only memcpy and memset come from the C library,
 * because the boot stage's gnu-efi provides no more (no snprintf: the
 * messages are assembled by hand).
 */
#include "linux_boot.h"

#include <string.h>

#include "acpi_tables.h"
#include "le_bytes.h"
#include "mptable.h"

/* Setup header fields: file offset = zero-page offset (boot.rst). */
#define HDR_SETUP_SECTS        0x1f1
#define HDR_SYSSIZE            0x1f4
#define HDR_BOOT_FLAG          0x1fe
#define HDR_JUMP               0x200
#define HDR_HEADER             0x202
#define HDR_VERSION            0x206
#define HDR_TYPE_OF_LOADER     0x210
#define HDR_LOADFLAGS          0x211
#define HDR_CODE32_START       0x214
#define HDR_RAMDISK_IMAGE      0x218
#define HDR_RAMDISK_SIZE       0x21c
#define HDR_CMD_LINE_PTR       0x228
#define HDR_INITRD_ADDR_MAX    0x22c
#define HDR_KERNEL_ALIGNMENT   0x230
#define HDR_RELOCATABLE_KERNEL 0x234
#define HDR_XLOADFLAGS         0x236
#define HDR_CMDLINE_SIZE       0x238
#define HDR_PREF_ADDRESS       0x258
#define HDR_INIT_SIZE          0x260
/* A 2.12 header runs through handover_offset (0x264, 4 bytes). The jump
 * at 0x200 is a short jmp whose 8-bit displacement doubles as the header
 * length, so the header can never end past 0x202 + 0x7f. */
#define HDR_END_MIN 0x268
#define HDR_END_MAX 0x281

/* Zero-page fields outside the setup header (zero-page.rst). */
#define ZP_ACPI_RSDP_ADDR    0x070
#define ZP_EXT_RAMDISK_IMAGE 0x0c0
#define ZP_EXT_RAMDISK_SIZE  0x0c4
#define ZP_EXT_CMD_LINE_PTR  0x0c8
#define ZP_E820_ENTRIES      0x1e8
#define ZP_E820_TABLE        0x2d0
#define ZP_E820_ENTRY_SIZE   20
#define ZP_SIZE              4096

#define BOOT_FLAG_MAGIC     0xaa55
#define HEADER_MAGIC        0x53726448 /* "HdrS" little-endian */
#define SHORT_JMP_OPCODE    0xeb
#define LOADED_HIGH         0x01
#define TYPE_OF_LOADER_NONE 0xff /* "undefined": solo has no assigned ID */
#define SECTOR_SIZE         512
#define PAGE_SIZE           4096ULL

/* Addresses above this in pref_address are nonsense; rejecting them keeps
 * every later sum far from wrapping. */
#define PREF_ADDRESS_LIMIT (1ULL << 48)

/* ---- messages ----------------------------------------------------------- */

/* One error phrase being assembled into the caller's buffer, truncated to
 * its length and always NUL-terminated. */
struct msg {
	char *buf;
	size_t len;
	size_t pos;
};

static void msg_put(struct msg *m, const char *s)
{
	for (; *s && m->pos + 1 < m->len; s++)
		m->buf[m->pos++] = *s;
	if (m->len)
		m->buf[m->pos] = '\0';
}

static void msg_dec(struct msg *m, uint64_t v)
{
	char digits[21];
	size_t i = sizeof(digits) - 1;
	digits[i] = '\0';
	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	msg_put(m, digits + i);
}

static void msg_hex(struct msg *m, uint64_t v)
{
	char digits[19];
	size_t i = sizeof(digits) - 1;
	digits[i] = '\0';
	do {
		digits[--i] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	digits[--i] = 'x';
	digits[--i] = '0';
	msg_put(m, digits + i);
}

/* A byte count as whole MiB, rounded up: what something needs. */
static void msg_mib_up(struct msg *m, uint64_t bytes)
{
	msg_dec(m, (bytes >> 20) + ((bytes & ((1ULL << 20) - 1)) != 0));
	msg_put(m, " MiB");
}

/* Starts a message (overwriting any earlier one) with phrase. */
static struct msg msg_start(char *err, size_t errlen, const char *phrase)
{
	struct msg m = {err, errlen, 0};
	if (errlen)
		err[0] = '\0';
	msg_put(&m, phrase);
	return m;
}

static bool fail(char *err, size_t errlen, const char *phrase)
{
	msg_start(err, errlen, phrase);
	return false;
}

/* ---- bzImage ------------------------------------------------------------ */

bool bzimage_check(const void *image, size_t size, struct bzimage_info *info, char *err,
                   size_t errlen)
{
	const uint8_t *p = image;
	if (size < 2 * SECTOR_SIZE)
		return fail(err, errlen, "too small for a bzImage");
	if (get_le(p + HDR_BOOT_FLAG, 2) != BOOT_FLAG_MAGIC)
		return fail(err, errlen, "not a bzImage (no 0xAA55 boot flag)");
	if (get_le(p + HDR_HEADER, 4) != HEADER_MAGIC)
		return fail(err, errlen, "not a bzImage (no HdrS magic)");

	uint16_t version = (uint16_t)get_le(p + HDR_VERSION, 2);
	if (version < LINUX_BOOT_PROTOCOL_MIN) {
		struct msg m = msg_start(err, errlen, "boot protocol ");
		msg_dec(&m, version >> 8);
		msg_put(&m, (version & 0xff) < 10 ? ".0" : ".");
		msg_dec(&m, version & 0xff);
		msg_put(&m, " too old, need 2.12");
		return false;
	}
	if (p[HDR_JUMP] != SHORT_JMP_OPCODE)
		return fail(err, errlen, "setup header has no jump at 0x200");
	uint32_t header_end = HDR_HEADER + p[HDR_JUMP + 1];
	if (header_end < HDR_END_MIN || header_end > HDR_END_MAX) {
		struct msg m = msg_start(err, errlen, "setup header end ");
		msg_hex(&m, header_end);
		msg_put(&m, " outside 0x268..0x281");
		return false;
	}

	uint32_t setup_sects = p[HDR_SETUP_SECTS] ? p[HDR_SETUP_SECTS] : 4;
	uint32_t setup_size = (setup_sects + 1) * SECTOR_SIZE;
	if (setup_size >= size)
		return fail(err, errlen, "no protected-mode code after the setup sectors");
	if (!(p[HDR_LOADFLAGS] & LOADED_HIGH))
		return fail(err, errlen, "not loaded high (a zImage, not a bzImage)");
	if (!p[HDR_RELOCATABLE_KERNEL])
		return fail(err, errlen, "kernel not relocatable");

	uint32_t align = (uint32_t)get_le(p + HDR_KERNEL_ALIGNMENT, 4);
	if (align == 0 || (align & (align - 1))) {
		struct msg m = msg_start(err, errlen, "kernel_alignment ");
		msg_hex(&m, align);
		msg_put(&m, " not a power of two");
		return false;
	}
	if (align < PAGE_SIZE || align > (1u << 30)) {
		struct msg m = msg_start(err, errlen, "kernel_alignment ");
		msg_hex(&m, align);
		msg_put(&m, " outside 4 KiB..1 GiB");
		return false;
	}

	uint64_t pm_size = get_le(p + HDR_SYSSIZE, 4) * 16;
	if (pm_size == 0)
		return fail(err, errlen, "syssize 0 (no protected-mode code)");
	if (pm_size > size - setup_size)
		return fail(err, errlen, "protected-mode code beyond the end of the file");

	uint32_t init_size = (uint32_t)get_le(p + HDR_INIT_SIZE, 4);
	if (init_size < pm_size)
		return fail(err, errlen, "init_size smaller than the protected-mode code");
	if (init_size > LINUX_BOOT_INIT_SIZE_MAX) {
		struct msg m = msg_start(err, errlen, "init_size ");
		msg_hex(&m, init_size);
		msg_put(&m, " above 1 GiB");
		return false;
	}
	uint64_t pref = get_le(p + HDR_PREF_ADDRESS, 8);
	if (pref >= PREF_ADDRESS_LIMIT) {
		struct msg m = msg_start(err, errlen, "pref_address ");
		msg_hex(&m, pref);
		msg_put(&m, " out of range");
		return false;
	}
	uint32_t cmdline_size = (uint32_t)get_le(p + HDR_CMDLINE_SIZE, 4);
	if (cmdline_size == 0)
		return fail(err, errlen, "cmdline_size 0");
	uint32_t initrd_addr_max = (uint32_t)get_le(p + HDR_INITRD_ADDR_MAX, 4);
	if (initrd_addr_max < LINUX_BOOT_HIGH_RAM_BASE) {
		struct msg m = msg_start(err, errlen, "initrd_addr_max ");
		msg_hex(&m, initrd_addr_max);
		msg_put(&m, " below 1 MiB");
		return false;
	}

	*info = (struct bzimage_info){
	    .version = version,
	    .xloadflags = (uint16_t)get_le(p + HDR_XLOADFLAGS, 2),
	    .setup_size = setup_size,
	    .header_end = header_end,
	    .protected_mode_offset = setup_size,
	    .protected_mode_size = pm_size,
	    .pref_address = pref,
	    .init_size = init_size,
	    .kernel_alignment = align,
	    .cmdline_size = cmdline_size,
	    .initrd_addr_max = initrd_addr_max,
	};
	if (errlen)
		err[0] = '\0';
	return true;
}

/* ---- e820 --------------------------------------------------------------- */

unsigned linux_boot_e820(uint64_t ram_size, struct linux_e820_entry *table, unsigned max)
{
	if (max < 3)
		return 0;
	unsigned n = 0;
	uint64_t low_end = ram_size < LINUX_BOOT_LOW_RAM_END ? ram_size : LINUX_BOOT_LOW_RAM_END;
	if (low_end)
		table[n++] = (struct linux_e820_entry){0, low_end, LINUX_E820_RAM};
	/* The legacy hole is reserved whatever the RAM size: it holds the MP
	 * table, and Linux expects nothing usable between 640 KiB and 1 MiB. */
	table[n++] = (struct linux_e820_entry){LINUX_BOOT_LOW_RAM_END,
	                                       LINUX_BOOT_HIGH_RAM_BASE - LINUX_BOOT_LOW_RAM_END,
	                                       LINUX_E820_RESERVED};
	if (ram_size > LINUX_BOOT_HIGH_RAM_BASE)
		table[n++] = (struct linux_e820_entry){
		    LINUX_BOOT_HIGH_RAM_BASE, ram_size - LINUX_BOOT_HIGH_RAM_BASE, LINUX_E820_RAM};
	return n;
}

/* ---- placement ---------------------------------------------------------- */

static uint64_t align_up(uint64_t v, uint64_t align)
{
	return (v + align - 1) & ~(align - 1);
}

/* The command line's length, or LINUX_BOOT_CMDLINE_MAX + 1 when longer:
 * never reads more than that many bytes of it. */
static size_t cmdline_length(const char *cmdline)
{
	size_t n = 0;
	while (n <= LINUX_BOOT_CMDLINE_MAX && cmdline[n])
		n++;
	return n;
}

/* The kernel goes to pref_address when that is a sane load address (at
 * least 1 MiB, aligned). Loading lower would save nothing: a relocatable
 * x86 kernel never decompresses below its LOAD_PHYSICAL_ADDR, which is
 * what pref_address holds, so it would use the same memory anyway. A
 * kernel with an unusable pref_address goes to the first aligned address
 * at or above 16 MiB instead. pref_address < 2^48 and the alignment is at
 * most 1 GiB, so nothing here wraps. */
static uint64_t kernel_load_address(const struct bzimage_info *bi)
{
	uint64_t align = bi->kernel_alignment;
	uint64_t pref = bi->pref_address;
	if (pref >= LINUX_BOOT_HIGH_RAM_BASE && !(pref & (align - 1)))
		return pref;
	uint64_t base = pref > LINUX_BOOT_FALLBACK_LOAD_GPA ? pref : LINUX_BOOT_FALLBACK_LOAD_GPA;
	return align_up(base, align);
}

bool linux_boot_plan(uint64_t ram_size, const struct bzimage_info *bi, uint64_t initrd_size,
                     const char *cmdline, unsigned vcpus, struct linux_boot_layout *out, char *err,
                     size_t errlen)
{
	size_t cmdline_len = cmdline_length(cmdline ? cmdline : "");
	if (vcpus == 0 || vcpus > MPTABLE_MAX_CPUS)
		return fail(err, errlen, "vcpus outside 1..64");
	if (cmdline_len > LINUX_BOOT_CMDLINE_MAX)
		return fail(err, errlen, "command line longer than 4095 characters");
	if (cmdline_len > bi->cmdline_size) {
		struct msg m = msg_start(err, errlen, "command line of ");
		msg_dec(&m, cmdline_len);
		msg_put(&m, " characters longer than the kernel's cmdline_size ");
		msg_dec(&m, bi->cmdline_size);
		return false;
	}
	if (ram_size < LINUX_BOOT_HIGH_RAM_BASE)
		return fail(err, errlen, "guest RAM smaller than 1 MiB");

	uint64_t load = kernel_load_address(bi);
	uint64_t kernel_end = load + bi->init_size;
	if (kernel_end > ram_size) {
		struct msg m = msg_start(err, errlen, "guest RAM of ");
		msg_mib_up(&m, ram_size);
		msg_put(&m, " too small: the kernel needs ");
		msg_mib_up(&m, kernel_end);
		return false;
	}

	uint64_t initrd_gpa = 0;
	if (initrd_size) {
		uint64_t limit = (uint64_t)bi->initrd_addr_max + 1;
		uint64_t top = (ram_size < limit ? ram_size : limit) & ~(PAGE_SIZE - 1);
		uint64_t room = top > kernel_end ? top - kernel_end : 0;
		uint64_t start = top >= initrd_size ? (top - initrd_size) & ~(PAGE_SIZE - 1) : 0;
		if (initrd_size > room || start < kernel_end) {
			struct msg m = msg_start(err, errlen, "initrd of ");
			msg_mib_up(&m, initrd_size);
			msg_put(&m, " does not fit between the kernel (ends at ");
			msg_hex(&m, kernel_end);
			msg_put(&m, ") and ");
			msg_hex(&m, top);
			return false;
		}
		initrd_gpa = start;
	}

	*out = (struct linux_boot_layout){
	    .entry_gpa = load,
	    .entry64_gpa = (bi->xloadflags & LINUX_XLF_KERNEL_64) ? load + 0x200 : 0,
	    .boot_params_gpa = LINUX_BOOT_ZERO_PAGE_GPA,
	    .cmdline_gpa = LINUX_BOOT_CMDLINE_GPA,
	    .mptable_gpa = MPTABLE_DEFAULT_GPA,
	    .acpi_gpa = ACPI_TABLES_DEFAULT_GPA,
	    .kernel_gpa = load,
	    .kernel_end = kernel_end,
	    .initrd_gpa = initrd_gpa,
	    .initrd_size = initrd_size,
	};
	return true;
}

/* ---- writing ------------------------------------------------------------ */

static void write_zero_page(uint8_t *zp, const uint8_t *image, const struct bzimage_info *bi,
                            const struct linux_boot_layout *l, uint64_t ram_size)
{
	memset(zp, 0, ZP_SIZE);
	/* The protocol: copy the setup header as the image has it, from
	 * 0x1f1 to its end, then modify the fields a loader owns. The rest
	 * stays zero; in particular the sentinel at 0x1ef, which tells the
	 * kernel the loader did zero the page. */
	memcpy(zp + HDR_SETUP_SECTS, image + HDR_SETUP_SECTS, bi->header_end - HDR_SETUP_SECTS);

	zp[HDR_TYPE_OF_LOADER] = TYPE_OF_LOADER_NONE;
	/* LOADED_HIGH only: CAN_USE_HEAP would promise a real-mode heap
	 * (heap_end_ptr) for setup code that never runs under the 32-bit
	 * protocol; QUIET_FLAG stays off so the decompressor's messages
	 * reach an early serial console; KEEP_SEGMENTS is obsolete. */
	zp[HDR_LOADFLAGS] = LOADED_HIGH;
	/* A relocatable kernel loaded away from its default must be told
	 * where it is (boot.rst, code32_start). */
	put_le(zp + HDR_CODE32_START, l->kernel_gpa, 4);
	put_le(zp + HDR_CMD_LINE_PTR, l->cmdline_gpa, 4);
	put_le(zp + ZP_EXT_CMD_LINE_PTR, l->cmdline_gpa >> 32, 4);
	put_le(zp + HDR_RAMDISK_IMAGE, l->initrd_gpa, 4);
	put_le(zp + ZP_EXT_RAMDISK_IMAGE, l->initrd_gpa >> 32, 4);
	put_le(zp + HDR_RAMDISK_SIZE, l->initrd_size, 4);
	put_le(zp + ZP_EXT_RAMDISK_SIZE, l->initrd_size >> 32, 4);
	/* Where the RSDP is, so the kernel need not scan for it (boot
	 * protocol 2.14's field; older kernels scan the BIOS area, where it
	 * also is). */
	put_le(zp + ZP_ACPI_RSDP_ADDR, l->acpi_gpa, 8);

	struct linux_e820_entry map[3];
	unsigned n = linux_boot_e820(ram_size, map, 3);
	zp[ZP_E820_ENTRIES] = (uint8_t)n;
	for (unsigned i = 0; i < n; i++) {
		uint8_t *e = zp + ZP_E820_TABLE + i * ZP_E820_ENTRY_SIZE;
		put_le(e, map[i].addr, 8);
		put_le(e + 8, map[i].size, 8);
		put_le(e + 16, map[i].type, 4);
	}
}

bool linux_boot_prepare(uint8_t *ram, uint64_t ram_size, const void *image, size_t image_size,
                        const void *initrd, size_t initrd_size, const char *cmdline,
                        const struct guest_machine *machine, struct linux_boot_layout *out,
                        char *err, size_t errlen)
{
	unsigned vcpus = machine->vcpus;
	struct bzimage_info bi;
	if (!bzimage_check(image, image_size, &bi, err, errlen))
		return false;
	if (!cmdline)
		cmdline = "";
	if (!initrd)
		initrd_size = 0;
	struct linux_boot_layout l;
	if (!linux_boot_plan(ram_size, &bi, initrd_size, cmdline, vcpus, &l, err, errlen))
		return false;
	size_t cmdline_len = cmdline_length(cmdline);

	/* From here on nothing can fail: every range was checked above. The
	 * MP table's and the ACPI tables' own checks pass because ram_size >=
	 * 1 MiB and vcpus is in range. */
	const uint8_t *img = image;
	struct acpi_tables_layout acpi;
	if (!mptable_build(ram, ram_size, l.mptable_gpa, vcpus, err, errlen) ||
	    !acpi_tables_build(ram, ram_size, l.acpi_gpa, machine, &acpi, err, errlen))
		return false;
	write_zero_page(ram + l.boot_params_gpa, img, &bi, &l, ram_size);
	memcpy(ram + l.cmdline_gpa, cmdline, cmdline_len);
	ram[l.cmdline_gpa + cmdline_len] = '\0';
	memcpy(ram + l.kernel_gpa, img + bi.protected_mode_offset, bi.protected_mode_size);
	if (initrd_size)
		memcpy(ram + l.initrd_gpa, initrd, initrd_size);
	*out = l;
	if (errlen)
		err[0] = '\0';
	return true;
}
