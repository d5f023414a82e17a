/*
 * The container spec that solo's host tool writes to /.solo/spec in each
 * container's initramfs and the guest init (solo-init.c) reads: what to
 * run and as whom. The format is text, one `key=value` per line, the value
 * running to the end of the line with no escapes (so a value can hold any
 * byte but a newline or NUL): argv= (repeated, in order, at least one),
 * env=NAME=value (repeated), cwd=/path (default /), uid=N and gid=N
 * (default 0), hostname=name (default: leave the kernel's). Empty lines are
 * skipped; any other line is an error, unknown keys included, so a spec
 * from a newer host tool fails loudly instead of being half applied. The
 * parser is pure (no I/O), so host unit tests cover it.
 */
#ifndef SOLO_SPEC_H
#define SOLO_SPEC_H

#include <stddef.h>
#include <stdint.h>

struct spec {
	char **argv; /* argc entries and a NULL, ready for execve */
	size_t argc;
	char **env; /* envc "NAME=value" entries and a NULL */
	size_t envc;
	const char *cwd;      /* absolute; "/" when the spec has none */
	uint32_t uid, gid;    /* below 0xffffffff, which setuid() reads as "no change" */
	const char *hostname; /* NULL when the spec has none */
};

/* Room for "line N: " and the longest message with its quoted excerpt. */
#define SPEC_ERROR_SIZE 160

/*
 * Parses TEXT, LEN bytes followed by a NUL (a NUL earlier is an error),
 * which it modifies: lines are cut in place and the spec's strings point
 * into TEXT, so TEXT must outlive SPEC.
 * Returns 0, or -1 with a one-line reason in ERROR (SPEC_ERROR_SIZE bytes)
 * and nothing left to free.
 */
int spec_parse(char *text, size_t len, struct spec *spec, char error[SPEC_ERROR_SIZE]);

/* Frees what spec_parse() allocated (not TEXT). */
void spec_free(struct spec *spec);

#endif
