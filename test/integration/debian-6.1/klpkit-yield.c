/* klpkit-yield N: call sched_yield() N times (for VM tests). */
#include <sched.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 1;

	for (i = 0; i < n; i++)
		sched_yield();
	return 0;
}
