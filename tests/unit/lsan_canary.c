/* Leaks on purpose; see lsan-works in the Makefile. */
#include <stdlib.h>

void *volatile sink;

int main(void)
{
	sink = malloc(64);
	sink = NULL;
	return 0;
}
