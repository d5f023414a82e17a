/* The soak container's CPU-bound step: count the primes below N. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000;
	if (n < 2)
		n = 2;
	char *composite = calloc((size_t)n + 1, 1);
	if (!composite)
		return 1;
	long count = 0;
	for (long i = 2; i <= n; i++) {
		if (composite[i])
			continue;
		count++;
		for (long j = i * i; j <= n; j += i)
			composite[j] = 1;
	}
	printf("primes up to %ld: %ld\n", n, count);
	return 0;
}
