/*
 * snprintf for the hypervisor. newlib's own is compiled with SSE enabled,
 * so its varargs prologue spills the vector registers; this one is built
 * -mgeneral-regs-only like the rest of solo and replaces it at link time,
 * keeping every guest's vector state untouched (see check-no-simd.sh).
 */
#include <stdarg.h>
#include <stdio.h>

int snprintf(char *restrict buf, size_t len, const char *restrict fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}
