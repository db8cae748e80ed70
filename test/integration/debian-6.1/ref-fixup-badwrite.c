/* ref-fixup-badwrite FILE: write(2) to FILE from an unmapped address; print
 * the errno name (EFAULT expected) or "ok". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	void *bad;
	int fd;

	if (argc != 2)
		return 2;
	bad = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	fd = open(argv[1], O_WRONLY);
	if (bad == MAP_FAILED || fd < 0) {
		perror(argv[1]);
		return 2;
	}
	if (write(fd, bad, 2) < 0)
		puts(errno == EFAULT ? "EFAULT" : strerror(errno));
	else
		puts("ok");
	return 0;
}
