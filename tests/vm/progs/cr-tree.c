/*
 * cr-tree DIR: a process tree for checkpoint/restore scenarios. The root R
 * leads its own session and forks Z, which exits 9 at once, then A and B;
 * A leads a new process group and forks G, which stays in A's group; B
 * joins A's group (its sibling's). R waits in waitpid() for the children
 * in A's group (Z stays a zombie meanwhile), A in waitpid() for G; B and G
 * nap until DIR/exit appears, then G exits 5 and B kills itself with
 * SIGUSR1; A, once it has reaped G, exits 3. R then reaps Z. Files:
 *   DIR/info    "r=R z=Z a=A b=B g=G" once all five exist
 *   DIR/a       "g=exit:5": what A's waitpid returned for G
 *   DIR/reaped  one line per child R's waits returned: "PID exit:N" or
 *               "PID sig:N", A's group first, then Z; then DIR/done.
 * State only the process itself may read: R is a child subreaper, has
 * SIGTERM as its parent-death signal (its parent is not kept: restore
 * does not set it again) and registered for private expedited membarrier;
 * B has SIGHUP as its parent-death signal (R, kept). Once told to end:
 *   DIR/b       "pdeath=N": B's PR_GET_PDEATHSIG
 *   DIR/r       "subreaper=N pdeath=N membarrier=ok|no": R's, written
 *               before DIR/done
 */
#define _GNU_SOURCE
#include <linux/membarrier.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *dir;

static void path(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

/* Writes text to DIR/name: appended (mode "a"), or replaced whole. */
static void put(const char *name, const char *mode, const char *text)
{
	char p[4096], tmp[4200];
	FILE *f;

	path(p, sizeof(p), name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	f = fopen(*mode == 'a' ? p : tmp, mode);
	if (!f)
		exit(90);
	fputs(text, f);
	fclose(f);
	if (*mode != 'a')
		rename(tmp, p);
}

static void nap_until_exit_file(void)
{
	struct timespec t = { 0, 200000000 };
	char p[4096];
	struct stat st;

	path(p, sizeof(p), "exit");
	while (stat(p, &st))
		nanosleep(&t, NULL);
}

static void describe(int st, const char **how, long *v)
{
	*how = WIFEXITED(st) ? "exit" : WIFSIGNALED(st) ? "sig" : "other";
	*v = WIFEXITED(st) ? WEXITSTATUS(st) : WIFSIGNALED(st) ? WTERMSIG(st) : st;
}

int main(int argc, char **argv)
{
	pid_t a, b, g, w, z;
	const char *how;
	char p[4096], line[128];
	struct stat sb;
	long v;
	int st;

	if (argc != 2)
		return 2;
	dir = argv[1];
	if (setsid() < 0 || prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) ||
	    prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0) ||
	    syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0))
		return 3;
	z = fork();
	if (z == 0)
		_exit(9);
	a = fork();
	if (a == 0) {
		setpgid(0, 0);
		g = fork();
		if (g == 0) {
			nap_until_exit_file();
			_exit(5);
		}
		snprintf(line, sizeof(line), "%d\n", g);
		put("g", "w", line);
		if (waitpid(g, &st, 0) != g)
			_exit(91);
		describe(st, &how, &v);
		snprintf(line, sizeof(line), "g=%s:%ld\n", how, v);
		put("a", "w", line);
		_exit(3);
	}
	/* Both sides set the group, so that it exists before B joins it. */
	setpgid(a, a);
	b = fork();
	if (b == 0) {
		int sig = 0;

		if (setpgid(0, a) || prctl(PR_SET_PDEATHSIG, SIGHUP, 0, 0, 0))
			_exit(92);
		nap_until_exit_file();
		prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
		snprintf(line, sizeof(line), "pdeath=%d\n", sig);
		put("b", "w", line);
		signal(SIGUSR1, SIG_DFL);
		raise(SIGUSR1);
		_exit(93);
	}
	path(p, sizeof(p), "g");
	while (stat(p, &sb))
		usleep(10000);
	{
		FILE *f = fopen(p, "r");
		long gv = 0;

		if (!f || fscanf(f, "%ld", &gv) != 1)
			return 4;
		fclose(f);
		snprintf(p, sizeof(p), "%s/info", dir);
		f = fopen(p, "w");
		if (!f)
			return 5;
		fprintf(f, "r=%d z=%d a=%d b=%d g=%ld\n", getpid(), z, a, b, gv);
		fclose(f);
	}
	for (int i = 0; i < 3; i++) {
		w = waitpid(i < 2 ? -a : -1, &st, 0);
		if (w < 0)
			return 6;
		describe(st, &how, &v);
		snprintf(line, sizeof(line), "%d %s:%ld\n", w, how, v);
		put("reaped", "a", line);
	}
	{
		int sub = 0, sig = 0;

		prctl(PR_GET_CHILD_SUBREAPER, &sub, 0, 0, 0);
		prctl(PR_GET_PDEATHSIG, &sig, 0, 0, 0);
		snprintf(line, sizeof(line), "subreaper=%d pdeath=%d membarrier=%s\n",
			 sub, sig,
			 syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) ?
			 "no" : "ok");
		put("r", "w", line);
	}
	put("done", "w", "1\n");
	for (;;)
		pause();
}
