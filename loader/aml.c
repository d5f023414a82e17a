/*
 * The AML encoder (aml.h). Encodings from the ACPI 6.4 specification,
 * section 20.2: a container's PkgLength counts its own bytes and
 * everything after them up to the container's end, in 1 to 4 bytes (the
 * lead byte's top two bits say how many follow). Each container reserves
 * the longest form when it opens and is moved down to the shortest one
 * that fits when it closes.
 */
#include "aml.h"

#include <string.h>

#define ZERO_OP         0x00
#define ONE_OP          0x01
#define NAME_OP         0x08
#define BYTE_PREFIX     0x0a
#define WORD_PREFIX     0x0b
#define DWORD_PREFIX    0x0c
#define STRING_PREFIX   0x0d
#define QWORD_PREFIX    0x0e
#define SCOPE_OP        0x10
#define BUFFER_OP       0x11
#define PACKAGE_OP      0x12
#define EXT_OP_PREFIX   0x5b
#define METHOD_OP       0x14
#define DEVICE_OP       0x82
#define NOTIFY_OP       0x86
#define ROOT_CHAR       0x5c
#define PKGLENGTH_MAX   4
#define BUFFER_SIZE_MAX 3 /* WordPrefix and a 16-bit size */

void aml_init(struct aml *a, uint8_t *buf, size_t size)
{
	*a = (struct aml){.buf = buf, .size = size};
}

static void emit(struct aml *a, const void *bytes, size_t n)
{
	if (a->overflow || n > a->size - a->used) {
		a->overflow = true;
		return;
	}
	memcpy(a->buf + a->used, bytes, n);
	a->used += n;
}

static void emit_byte(struct aml *a, uint8_t b)
{
	emit(a, &b, 1);
}

/* A name segment, padded to four characters with '_'. */
static void emit_segment(struct aml *a, const char *name)
{
	char seg[4] = {'_', '_', '_', '_'};
	for (unsigned i = 0; i < 4 && name[i] && name[i] != '.'; i++)
		seg[i] = name[i];
	emit(a, seg, 4);
}

/* A name: a leading '\' is the root prefix; one segment follows. */
static void emit_name(struct aml *a, const char *name)
{
	if (name[0] == '\\') {
		emit_byte(a, ROOT_CHAR);
		name++;
	}
	emit_segment(a, name);
}

static void open_container(struct aml *a, bool buffer)
{
	if (a->depth == AML_MAX_DEPTH) {
		a->overflow = true;
		return;
	}
	a->open_buffer[a->depth] = buffer;
	a->open[a->depth++] = a->used;
	static const uint8_t zeros[PKGLENGTH_MAX + BUFFER_SIZE_MAX];
	emit(a, zeros, PKGLENGTH_MAX + (buffer ? BUFFER_SIZE_MAX : 0));
}

void aml_scope(struct aml *a, const char *name)
{
	emit_byte(a, SCOPE_OP);
	open_container(a, false);
	emit_name(a, name);
}

void aml_device(struct aml *a, const char *name)
{
	emit_byte(a, EXT_OP_PREFIX);
	emit_byte(a, DEVICE_OP);
	open_container(a, false);
	emit_name(a, name);
}

void aml_method(struct aml *a, const char *name, unsigned args)
{
	emit_byte(a, METHOD_OP);
	open_container(a, false);
	emit_name(a, name);
	emit_byte(a, (uint8_t)(args & 7)); /* MethodFlags: not serialized */
}

void aml_notify(struct aml *a, const char *target, uint64_t value)
{
	emit_byte(a, NOTIFY_OP);
	emit_name(a, target);
	aml_integer(a, value);
}

void aml_buffer(struct aml *a)
{
	emit_byte(a, BUFFER_OP);
	open_container(a, true);
}

void aml_package(struct aml *a, unsigned elements)
{
	emit_byte(a, PACKAGE_OP);
	open_container(a, false);
	emit_byte(a, (uint8_t)elements);
}

/* Writes the PkgLength of a body of `body` bytes into out; its size. */
static size_t encode_pkglength(size_t body, uint8_t out[PKGLENGTH_MAX])
{
	if (body + 1 <= 0x3f) {
		out[0] = (uint8_t)(body + 1);
		return 1;
	}
	for (size_t n = 2; n <= PKGLENGTH_MAX; n++) {
		size_t total = body + n;
		if (total < (1ul << (4 + 8 * (n - 1)))) {
			out[0] = (uint8_t)(((n - 1) << 6) | (total & 0xf));
			for (size_t i = 1; i < n; i++)
				out[i] = (uint8_t)(total >> (4 + 8 * (i - 1)));
			return n;
		}
	}
	return 0; /* longer than 256 MiB: AML cannot say it */
}

void aml_close(struct aml *a)
{
	if (a->overflow || a->depth == 0) {
		a->overflow = true;
		return;
	}
	size_t start = a->open[--a->depth];
	bool buffer = a->open_buffer[a->depth];
	size_t reserved = PKGLENGTH_MAX + (buffer ? BUFFER_SIZE_MAX : 0);
	size_t data = a->used - start - reserved;
	uint8_t head[PKGLENGTH_MAX + BUFFER_SIZE_MAX];
	size_t size_bytes = 0;
	uint8_t size_enc[BUFFER_SIZE_MAX];
	if (buffer) {
		/* A buffer's byte count comes first, as an integer. */
		if (data > 0xffff) {
			a->overflow = true;
			return;
		}
		size_enc[0] = data <= 0xff ? BYTE_PREFIX : WORD_PREFIX;
		size_enc[1] = (uint8_t)data;
		size_enc[2] = (uint8_t)(data >> 8);
		size_bytes = data <= 0xff ? 2 : 3;
	}
	size_t n = encode_pkglength(size_bytes + data, head);
	if (!n) {
		a->overflow = true;
		return;
	}
	memcpy(head + n, size_enc, size_bytes);
	memmove(a->buf + start + n + size_bytes, a->buf + start + reserved, data);
	memcpy(a->buf + start, head, n + size_bytes);
	a->used = start + n + size_bytes + data;
}

void aml_integer(struct aml *a, uint64_t value)
{
	if (value == 0) {
		emit_byte(a, ZERO_OP);
		return;
	}
	if (value == 1) {
		emit_byte(a, ONE_OP);
		return;
	}
	uint8_t prefix;
	size_t n;
	if (value <= 0xff) {
		prefix = BYTE_PREFIX, n = 1;
	} else if (value <= 0xffff) {
		prefix = WORD_PREFIX, n = 2;
	} else if (value <= 0xffffffffull) {
		prefix = DWORD_PREFIX, n = 4;
	} else {
		prefix = QWORD_PREFIX, n = 8;
	}
	emit_byte(a, prefix);
	for (size_t i = 0; i < n; i++)
		emit_byte(a, (uint8_t)(value >> (8 * i)));
}

void aml_name(struct aml *a, const char *name)
{
	emit_byte(a, NAME_OP);
	emit_name(a, name);
}

void aml_name_integer(struct aml *a, const char *name, uint64_t value)
{
	aml_name(a, name);
	aml_integer(a, value);
}

void aml_name_string(struct aml *a, const char *name, const char *value)
{
	aml_name(a, name);
	emit_byte(a, STRING_PREFIX);
	size_t n = 0; /* no strlen: the boot stage's libc has none */
	while (value[n])
		n++;
	emit(a, value, n + 1);
}

uint32_t aml_eisaid(const char *id)
{
	uint32_t letters = (uint32_t)((id[0] - 0x40) & 0x1f) << 10 |
	                   (uint32_t)((id[1] - 0x40) & 0x1f) << 5 |
	                   (uint32_t)((id[2] - 0x40) & 0x1f);
	uint32_t digits = 0;
	for (int i = 3; i < 7; i++) {
		char c = id[i];
		digits = digits << 4 | (uint32_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
	}
	/* Stored big-endian within the DWORD: the letters' high byte first. */
	return (letters >> 8) | (letters & 0xff) << 8 | (digits >> 8) << 16 | (digits & 0xff) << 24;
}

void aml_name_eisaid(struct aml *a, const char *name, const char *id)
{
	aml_name(a, name);
	uint32_t v = aml_eisaid(id);
	emit_byte(a, DWORD_PREFIX);
	for (int i = 0; i < 4; i++)
		emit_byte(a, (uint8_t)(v >> (8 * i)));
}

void aml_bytes(struct aml *a, const void *bytes, size_t n)
{
	emit(a, bytes, n);
}

bool aml_done(const struct aml *a)
{
	return !a->overflow && a->depth == 0;
}
