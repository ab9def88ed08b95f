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
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
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
	if (setsid() < 0)
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
		if (setpgid(0, a))
			_exit(92);
		nap_until_exit_file();
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
	put("done", "w", "1\n");
	for (;;)
		pause();
}
