/* See seal.h. */
#include "image/seal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "image/read.h"

/* Pages files beyond this are refused as absurd (64 TiB). */
#define MAX_PAGES_SIZE (1ull << 46)

int qr_seal_start(struct qr_seal *s, const char *token,
		  uint8_t header[QRI_PAGES_HEADER])
{
	struct qri_pages_header h = { .magic = QRI_PAGES_MAGIC };

	memset(s, 0, sizeof(*s));
	qr_sum64_init(&s->block);
	if (getrandom(s->rec.id, sizeof(s->rec.id), 0) != sizeof(s->rec.id))
		return -1;
	if (token)
		strncpy(s->rec.token, token, sizeof(s->rec.token) - 1);
	h.version = QRI_VERSION;
	h.header_size = QRI_PAGES_HEADER;
	memcpy(h.id, s->rec.id, sizeof(h.id));
	memset(header, 0, QRI_PAGES_HEADER);
	memcpy(header, &h, sizeof(h));
	return 0;
}

static void end_block(struct qr_seal *s)
{
	if (s->rec.nblocks == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		uint64_t *grown = realloc(s->sums, cap * sizeof(*grown));

		if (!grown) {
			s->broken = true;
			return;
		}
		s->sums = grown;
		s->cap = cap;
	}
	s->sums[s->rec.nblocks++] = qr_sum64_final(&s->block);
	qr_sum64_init(&s->block);
}

void qr_seal_add(struct qr_seal *s, uint64_t off, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (off != s->rec.pages_size)
		s->broken = true;
	while (len && !s->broken) {
		size_t room = QRI_SEAL_BLOCK - s->rec.pages_size % QRI_SEAL_BLOCK;
		size_t take = len < room ? len : room;

		qr_sum64_update(&s->block, p, take);
		s->rec.pages_size += take;
		p += take;
		len -= take;
		if (take == room)
			end_block(s);
	}
}

int qr_seal_finish(struct qr_seal *s, struct qri_writer *w)
{
	if (s->rec.pages_size % QRI_SEAL_BLOCK)
		end_block(s);
	if (s->broken)
		return -1;
	qri_add_raw(w, QRI_PAGES_SEAL, 0, &s->rec, sizeof(s->rec), s->sums,
		    s->rec.nblocks * sizeof(*s->sums));
	return 0;
}

void qr_seal_free(struct qr_seal *s)
{
	free(s->sums);
	s->sums = NULL;
}

int qri_read_seal(struct qri_cursor *c, const void *fixed,
		  const uint8_t *tail, size_t left)
{
	struct qri_pages_seal k;
	size_t tlen = sizeof(k.token);

	memcpy(&k, fixed, sizeof(k));
	if (c->img->seal)
		return BAD(c, QRI_PAGES_SEAL, "%s", "the image has a second one");
	if (k.pages_size < QRI_PAGES_HEADER || k.pages_size > MAX_PAGES_SIZE)
		return BAD(c, QRI_PAGES_SEAL, "a pages file of %" PRIu64 " bytes is out of range",
			   k.pages_size);
	if (k.nblocks != (k.pages_size + QRI_SEAL_BLOCK - 1) / QRI_SEAL_BLOCK ||
	    left != k.nblocks * sizeof(uint64_t))
		return BAD(c, QRI_PAGES_SEAL, "%" PRIu64 " block sums do not fit %" PRIu64 " bytes of pages and a tail of %zu bytes",
			   k.nblocks, k.pages_size, left);
	if (k.token[tlen - 1] || strspn(k.token, "0123456789abcdef") != strlen(k.token))
		return BAD(c, QRI_PAGES_SEAL, "%s", "its token is not lowercase hex");
	for (size_t i = strlen(k.token); i < tlen; i++)
		if (k.token[i])
			return BAD(c, QRI_PAGES_SEAL, "%s", "its token is not NUL padded");
	c->img->seal = malloc(sizeof(k));
	c->img->seal_sums = malloc(left ? left : 1);
	if (!c->img->seal || !c->img->seal_sums)
		return qr_err_set(c->e, "out of memory");
	*c->img->seal = k;
	memcpy(c->img->seal_sums, tail, left);
	return 0;
}

static int check_header(const struct qri_pages_seal *k, int fd,
			const char *path, struct qr_err *e)
{
	struct qri_pages_header h;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, QRI_PAGES_MAGIC, sizeof(h.magic)))
		return qr_err_set(e, "%s is not a pages file", path);
	if (memcmp(h.id, k->id, sizeof(h.id)))
		return qr_err_set(e, "%s belongs to another checkpoint than the image", path);
	return 0;
}

int qr_seal_check(const struct qri_image *img, int fd, const char *path,
		  const char *token, struct qr_err *e)
{
	const struct qri_pages_seal *k = img->seal;
	uint8_t *buf;
	off_t size;
	int rc = 0;

	if (!k)
		return qr_err_set(e, "the image has no pages seal (made by an older quickreboot?)");
	if (token && strcmp(k->token, token))
		return qr_err_set(e, "the image was made for another quick reboot (token '%s', expected '%s')",
				  k->token, token);
	if (check_header(k, fd, path, e))
		return -1;
	size = lseek(fd, 0, SEEK_END);
	if (size != (off_t)k->pages_size)
		return qr_err_set(e, "%s is %lld bytes, the image expects %" PRIu64,
				  path, (long long)size, k->pages_size);
	buf = malloc(QRI_SEAL_BLOCK);
	if (!buf)
		return qr_err_set(e, "out of memory");
	for (uint64_t i = 0; !rc && i < k->nblocks; i++) {
		uint64_t off = i * QRI_SEAL_BLOCK;
		size_t n = k->pages_size - off < QRI_SEAL_BLOCK ?
			k->pages_size - off : QRI_SEAL_BLOCK;

		if (pread(fd, buf, n, off) != (ssize_t)n)
			rc = qr_err_set(e, "%s: cannot read block %" PRIu64, path, i);
		else if (qr_sum64(buf, n) != img->seal_sums[i])
			rc = qr_err_set(e, "%s: bytes %" PRIu64 "-%" PRIu64 " are not what was checkpointed",
					path, off, off + n - 1);
	}
	free(buf);
	return rc;
}
