/*
 * solo-hypercall: makes one of solo's hypercalls from a shell script.
 *   solo-hypercall version       prints solo's hypercall ABI version
 *   solo-hypercall exit STATUS [SIGNAL]
 *                                reports how the container ended (SIGNAL
 *                                1-64 when a signal killed it); the
 *                                partition ends
 *   solo-hypercall poweroff      powers the partition off
 * Outside solo (QEMU, a bare machine) VMCALL would raise #UD, so the
 * program says so and, for exit and poweroff, powers the machine off the
 * ordinary way with `poweroff -f`, so the same init script ends a boot
 * anywhere.
 */
#include "solo_hypercall.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: solo-hypercall version | exit STATUS [SIGNAL] | poweroff\n");
	exit(2);
}

static int fall_back_to_poweroff(void)
{
	fflush(stdout);
	execlp("poweroff", "poweroff", "-f", (char *)NULL);
	perror("solo-hypercall: poweroff -f");
	return 1;
}

/* A decimal number in [0, max], or usage(). */
static uint64_t number_arg(const char *s, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > max)
		usage();
	return (uint64_t)v;
}

int main(int argc, char **argv)
{
	uint64_t nr, arg1 = 0, arg2 = 0;

	if (argc == 2 && strcmp(argv[1], "version") == 0) {
		nr = SOLO_HC_ABI_VERSION;
	} else if (argc == 2 && strcmp(argv[1], "poweroff") == 0) {
		nr = SOLO_HC_POWEROFF;
	} else if ((argc == 3 || argc == 4) && strcmp(argv[1], "exit") == 0) {
		nr = SOLO_HC_EXIT;
		arg1 = number_arg(argv[2], 255);
		if (argc == 4)
			arg2 = number_arg(argv[3], 64);
	} else {
		usage();
	}

	if (!solo_detect()) {
		printf("solo-hypercall: not running under solo\n");
		return nr == SOLO_HC_ABI_VERSION ? 1 : fall_back_to_poweroff();
	}

	fflush(stdout);
	int64_t ret = solo_hypercall(nr, arg1, arg2);
	if (nr == SOLO_HC_ABI_VERSION) {
		printf("solo-hypercall: ABI version %" PRId64 "\n", ret);
		return 0;
	}
	/* exit and poweroff do not return when they succeed. */
	fprintf(stderr, "solo-hypercall: %s returned %" PRId64 "\n", argv[1], ret);
	return 1;
}
