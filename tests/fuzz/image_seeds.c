/* Writes seed images for fuzz_image into DIR (run by `make seeds`; the
 * seeds are kept in corpus/fuzz_image/). */
#include <stdio.h>
#include <string.h>

#include "image.h"

static void save(const char *dir, const char *name, struct qri_writer *w)
{
	char path[512];
	FILE *f;

	qri_finish(w);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(w->buf, 1, w->len, f) != w->len || fclose(f)) {
		perror(path);
		return;
	}
	qri_writer_free(w);
}

int main(int argc, char **argv)
{
	static unsigned char regs[QRI_REGS_SIZE], xstate[QRI_XSTATE_MIN];
	struct qri_process p = { .pid = 100, .ppid = 1, .pgid = 100,
				 .sid = 100, .umask = 022, .comm = "seed" };
	struct qri_thread t = { .pid = 100, .tid = 100,
				.regs_len = QRI_REGS_SIZE,
				.xstate_len = QRI_XSTATE_MIN };
	struct qri_vma v = { .pid = 100, .prot = 3, .flags = QRI_VMA_ANON,
			     .start = 0x10000, .end = 0x20000 };
	struct qri_fd f = { .pid = 100, .fd = 3, .kind = QRI_FD_FILE, .pos = 9 };
	struct qri_writer w;

	if (argc != 2) {
		fprintf(stderr, "usage: image_seeds DIR\n");
		return 2;
	}
	qri_writer_init(&w, "seed");
	save(argv[1], "empty", &w);

	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/", "/");
	qri_add_thread(&w, &t, regs, xstate);
	save(argv[1], "one-process", &w);

	qri_writer_init(&w, "seed");
	qri_add_process(&w, &p, "/srv/data", "/");
	qri_add_thread(&w, &t, regs, xstate);
	t.tid = 101;
	t.xstate_len = 0;
	qri_add_thread(&w, &t, regs, NULL);
	qri_add_vma(&w, &v, NULL);
	v.flags = 0;
	v.start = 0x400000;
	v.end = 0x402000;
	qri_add_vma(&w, &v, "/usr/bin/seed");
	qri_add_fd(&w, &f, "/srv/data/log");
	qri_add_raw(&w, 200, QRI_REC_OPTIONAL, "future", 6, NULL, 0);
	save(argv[1], "full", &w);
	return 0;
}
