/*
 * Console lines for the boot stage. gnu-efi's Print writes to ConOut,
 * which OVMF mirrors to the serial port, so these lines are what the
 * emulator tests read. Every line carries the "solo-boot: " prefix so a
 * log mixing firmware, boot stage and hypervisor output stays readable,
 * and errors share one fixed form that the tests match exactly.
 */
#include "boot.h"

static void print_line(const CHAR16 *prefix, const CHAR16 *fmt, va_list args)
{
	Print(L"%s", prefix);
	VPrint(fmt, args);
	Print(L"\n");
}

void console_info(const CHAR16 *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	print_line(L"solo-boot: ", fmt, args);
	va_end(args);
}

void console_error(const CHAR16 *fmt, ...)
{
	va_list args;
	va_start(args, fmt);
	print_line(L"solo-boot: error: ", fmt, args);
	va_end(args);
}
