/* check's refusal of a pipe or FIFO that a process outside the kept set
 * holds too: found from that process's /proc/PID/fd links, each kept fd
 * of it named once per holder, kept processes and unrelated pipes aside. */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fds/pipe_outside.h"
#include "fds/outside.h"
#include "test.h"

static struct qr_fd_seen seen(int fd, uint32_t kind)
{
	struct stat st;

	fstat(fd, &st);
	return (struct qr_fd_seen){ .pid = getpid(), .fd = fd, .kind = kind,
				    .object = st.st_ino, .dev = st.st_dev,
				    .ino = st.st_ino };
}

/* A child holding what this process holds, until killed. */
static pid_t holder(int ready)
{
	pid_t c = fork();

	if (c == 0) {
		if (write(ready, "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	return c;
}

TEST(pipe_outside_holder_refused)
{
	char fifo[] = "/tmp/qr-test-fifo-XXXXXX", r;
	int a[2], b[2], sync[2], f;
	struct qr_fd_seen v[3];
	struct qr_fd_set s = { v, 0 };
	pid_t c;

	CHECK(mkdtemp(fifo) != NULL);
	rmdir(fifo);
	CHECK(mkfifo(fifo, 0600) == 0);
	f = open(fifo, O_RDWR);
	CHECK(pipe(a) == 0 && pipe(b) == 0 && pipe(sync) == 0 && f >= 0);
	v[0] = seen(a[0], QRI_FD_PIPE);
	v[1] = seen(a[1], QRI_FD_PIPE);
	v[2] = seen(f, QRI_FD_FIFO);
	s.n = 3;
	/* Nobody else holds them: nothing refused. */
	CHECK(qr_pipe_outside(&s, QRI_FD_PIPE) == 0);
	CHECK(qr_pipe_outside(&s, QRI_FD_FIFO) == 0);
	c = holder(sync[1]);
	CHECK(read(sync[0], &r, 1) == 1);
	qr_outside_forget();	/* the walk is made once per set */
	/* Both ends of a and the FIFO held by c: each kept fd of a named
	 * once (not once per fd of c), the FIFO's once; b is not kept. */
	CHECK(qr_pipe_outside(&s, QRI_FD_PIPE) == 2);
	CHECK(qr_pipe_outside(&s, QRI_FD_FIFO) == 1);
	/* c kept too: nothing refused. */
	v[1].pid = c;
	qr_outside_forget();
	CHECK(qr_pipe_outside(&s, QRI_FD_PIPE) == 0);
	qr_outside_forget();
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	close(a[0]), close(a[1]), close(b[0]), close(b[1]);
	close(sync[0]), close(sync[1]), close(f);
	unlink(fifo);
}
