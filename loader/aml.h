/*
 * Just enough of an AML encoder (ACPI 6.4, chapter 20) to write solo's
 * DSDT: scopes, devices, methods, named integers, strings, EISA IDs,
 * buffers of resource descriptors, packages of integers and Notify. It writes into a fixed
 * buffer; a write past its end sets `overflow` and is dropped, so the
 * caller checks once at the end. Containers (scope, device, buffer,
 * package) are opened and closed in pairs: the package length of each is
 * patched in when it closes. Pure C, no allocation: shared by the
 * hypervisor and the host tests.
 */
#ifndef SOLO_LOADER_AML_H
#define SOLO_LOADER_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_DEPTH 8

struct aml {
	uint8_t *buf;
	size_t size, used;
	bool overflow;
	/* Where each open container's package length was reserved, and
	 * whether it is a buffer (whose byte count follows that length). */
	size_t open[AML_MAX_DEPTH];
	bool open_buffer[AML_MAX_DEPTH];
	unsigned depth;
};

void aml_init(struct aml *a, uint8_t *buf, size_t size);

/* Scope (name) { ... }: `name` is a path such as "\\_SB_" or a four-
 * character segment such as "COM1" (shorter ones are padded with '_'). */
void aml_scope(struct aml *a, const char *name);
/* Device (name) { ... } */
void aml_device(struct aml *a, const char *name);
/* Method (name, args) { ... }, not serialized. */
void aml_method(struct aml *a, const char *name, unsigned args);
/* Closes the innermost open scope, device, method, buffer or package. */
void aml_close(struct aml *a);

/* Name (name, ...) with an integer, a string or an EISA ID ("PNP0501") as
 * its value; for a buffer or a package, aml_name() then aml_buffer() or
 * aml_package() and their contents. */
void aml_name_integer(struct aml *a, const char *name, uint64_t value);
void aml_name_string(struct aml *a, const char *name, const char *value);
void aml_name_eisaid(struct aml *a, const char *name, const char *id);
void aml_name(struct aml *a, const char *name);

/* Buffer () { ... } of raw bytes (aml_bytes), e.g. a resource template. */
void aml_buffer(struct aml *a);
void aml_bytes(struct aml *a, const void *bytes, size_t n);
/* Package () { ... } of integers (aml_integer). */
void aml_package(struct aml *a, unsigned elements);
void aml_integer(struct aml *a, uint64_t value);

/* Notify (target, value): target a name such as "PWRB", found by the
 * namespace's search rules from where the Notify runs. */
void aml_notify(struct aml *a, const char *target, uint64_t value);

/* The EISA ID encoding of a seven-character ID such as "PNP0501":
 * three letters compressed into 15 bits, then four hex digits. */
uint32_t aml_eisaid(const char *id);

/* True when everything fit and every container was closed. */
bool aml_done(const struct aml *a);

#endif
