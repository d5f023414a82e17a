/* The manifest parser (manifest.h): strict, one pass, every line checked
 * before anything from it is kept. No libc beyond the boot stage's. */
#include "manifest.h"

#include "loader_error.h"
#include "sha256.h"

static bool line_error(char *err, size_t errlen, unsigned line, const char *why)
{
	char number[24];
	unsigned n = 0;
	do
		number[n++] = (char)('0' + line % 10);
	while ((line /= 10) && n < sizeof(number));
	/* "line " + at most 24 digits + ": " fits before `why`. */
	char text[200] = "line ";
	size_t t = 5;
	while (n)
		text[t++] = number[--n];
	text[t++] = ':';
	text[t++] = ' ';
	for (size_t i = 0; why[i] && t + 1 < sizeof(text); i++)
		text[t++] = why[i];
	text[t] = '\0';
	return loader_fail(err, errlen, text);
}

static bool starts_with(const char *s, size_t n, const char *word)
{
	size_t i = 0;
	for (; word[i]; i++)
		if (i >= n || s[i] != word[i])
			return false;
	return true;
}

/* A decimal number filling [s, s+n): no sign, no leading zero, at most
 * max. */
static bool number(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (n == 0 || (n > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (max - (uint64_t)(s[i] - '0')) / 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool same_path(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower(*a) != lower(*b))
			return false;
	return *a == *b;
}

/* "SHA256HEX SIZE PATH" */
static bool file_line(const char *s, size_t n, struct manifest_file *f)
{
	if (n < 64 + 1 + 1 + 1 + 1 || s[64] != ' ')
		return false;
	for (unsigned i = 0; i < 32; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		f->digest[i] = (uint8_t)(hi << 4 | lo);
	}
	size_t at = 65, size_end = at;
	while (size_end < n && s[size_end] != ' ')
		size_end++;
	if (size_end >= n || !number(s + at, size_end - at, UINT64_MAX, &f->size))
		return false;
	size_t path_len = n - size_end - 1;
	const char *path = s + size_end + 1;
	if (path_len == 0 || path_len > CONFIG_PATH_MAX || path[0] != '\\')
		return false;
	for (size_t i = 0; i < path_len; i++) {
		if ((unsigned char)path[i] < 0x21 || path[i] == '/' || path[i] == 0x7f)
			return false;
		f->path[i] = path[i];
	}
	f->path[path_len] = '\0';
	return true;
}

bool manifest_parse(const char *text, size_t len, struct manifest *out, char *err, size_t errlen)
{
	bool have_appliance = false, have_counter = false;
	out->count = 0;
	out->appliance[0] = '\0';
	out->counter = 0;
	unsigned line = 0;
	for (size_t at = 0; at < len;) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		if (end == len)
			return line_error(err, errlen, line + 1, "no line break at the end");
		const char *s = text + at;
		size_t n = end - at;
		at = end + 1;
		line++;
		for (size_t i = 0; i < n; i++)
			if (s[i] == '\0' || s[i] == '\r')
				return line_error(err, errlen, line, "a NUL or CR byte");
		if (line == 1) {
			if (n != sizeof(MANIFEST_HEADER) - 1 || !starts_with(s, n, MANIFEST_HEADER))
				return line_error(err, errlen, line, "not '" MANIFEST_HEADER "'");
		} else if (starts_with(s, n, "appliance ")) {
			size_t name = n - 10;
			if (have_appliance || name == 0 || name > CONFIG_NAME_MAX)
				return line_error(err, errlen, line,
				                  "a second or bad appliance line");
			for (size_t i = 0; i < name; i++)
				out->appliance[i] = s[10 + i];
			out->appliance[name] = '\0';
			have_appliance = true;
		} else if (starts_with(s, n, "counter ")) {
			if (have_counter || !number(s + 8, n - 8, INT64_MAX, &out->counter) ||
			    out->counter == 0)
				return line_error(err, errlen, line,
				                  "a second or bad counter line");
			have_counter = true;
		} else if (starts_with(s, n, "file ")) {
			if (out->count == MANIFEST_MAX_FILES)
				return line_error(err, errlen, line, "too many files");
			struct manifest_file *f = &out->files[out->count];
			if (!file_line(s + 5, n - 5, f))
				return line_error(err, errlen, line,
				                  "not 'file SHA256HEX SIZE PATH'");
			if (manifest_find(out, f->path))
				return line_error(err, errlen, line, "a file listed twice");
			out->count++;
		} else {
			return line_error(err, errlen, line, "unknown line");
		}
	}
	if (line == 0)
		return loader_fail(err, errlen, "empty");
	if (!have_appliance || !have_counter)
		return loader_fail(err, errlen,
		                   have_appliance ? "no counter line" : "no appliance line");
	return true;
}

const struct manifest_file *manifest_find(const struct manifest *m, const char *path)
{
	for (unsigned i = 0; i < m->count; i++)
		if (same_path(m->files[i].path, path))
			return &m->files[i];
	return 0;
}

bool manifest_check(const struct manifest *m, const char *path, const void *data, uint64_t size,
                    char *why, size_t whylen)
{
	const struct manifest_file *f = manifest_find(m, path);
	if (!f)
		return loader_fail(why, whylen, "not in the manifest");
	if (f->size != size)
		return loader_fail(why, whylen, "not the size the manifest says");
	uint8_t digest[SHA256_DIGEST_SIZE];
	sha256(data, (size_t)size, digest);
	for (unsigned i = 0; i < SHA256_DIGEST_SIZE; i++)
		if (digest[i] != f->digest[i])
			return loader_fail(why, whylen, "digest mismatch: changed since the build");
	return true;
}
