/* ref-klogctl TYPE: syslog(2) with TYPE and no buffer; prints the result. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/klog.h>

int main(int argc, char **argv)
{
	if (argc != 2)
		return 2;
	printf("%d\n", klogctl(atoi(argv[1]), NULL, 0));
	return 0;
}
