/* quickreboot.units= (adopt_units.c): what `reboot` writes on the New
 * kernel's line for quickreboot-generator, and how it is read back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "boot/newcmdline.h"
#include "service/adopt.h"
#include "service/adopt_units.h"
#include "test.h"

static const char *bad(const char *value)
{
	static struct qr_err e;
	struct qr_adopt_units u;

	if (!qr_adopt_units_parse(value, &u, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", value, "an error");
		qr_adopt_units_free(&u);
		return "";
	}
	CHECK(!u.unit && !u.buf);
	return e.msg;
}

TEST(adopt_units_round_trip)
{
	const char *names[] = { "nginx.service", "getty@tty1.service", "a\\x2db.service" };
	struct qr_strbuf b = { 0 };
	struct qr_adopt_units u;
	struct qr_err e = { "" };

	CHECK(!qr_adopt_units_param(names, 3, &b));
	CHECK_STR(qr_strbuf_str(&b),
		  "quickreboot.units=nginx.service,getty@tty1.service,a\\x2db.service");
	CHECK(!qr_adopt_units_parse(strchr(qr_strbuf_str(&b), '=') + 1, &u, &e));
	CHECK_U64(u.n, 3);
	CHECK_STR(u.unit[0], "nginx.service");
	CHECK_STR(u.unit[1], "getty@tty1.service");
	CHECK_STR(u.unit[2], "a\\x2db.service");
	qr_adopt_units_free(&u);
	qr_strbuf_free(&b);
}

TEST(adopt_units_param_bounded)
{
	static char long_name[QR_UNITS_PARAM_MAX];
	const char *names[] = { long_name, "b.service" };
	struct qr_strbuf b = { 0 };

	/* No unit: no parameter. */
	CHECK(qr_adopt_units_param(names, 0, &b));
	/* One over the bound: left off, restore writes the drop-ins itself. */
	memset(long_name, 'a', QR_UNITS_PARAM_MAX - 17);
	strcpy(long_name + QR_UNITS_PARAM_MAX - 17, ".service");
	CHECK_U64(strlen(long_name) + 1 + strlen(names[1]), QR_UNITS_PARAM_MAX + 1);
	CHECK(qr_adopt_units_param(names, 2, &b));
	strcpy(long_name + QR_UNITS_PARAM_MAX - 18, ".service");
	CHECK(!qr_adopt_units_param(names, 2, &b));
	CHECK_U64(b.len, strlen("quickreboot.units=") + QR_UNITS_PARAM_MAX);
	qr_strbuf_free(&b);
}

TEST(adopt_units_refused)
{
	CHECK_HAS(bad(""), "empty");
	CHECK_HAS(bad("a.service,"), "not a service unit name: ''");
	CHECK_HAS(bad(",a.service"), "not a service unit name: ''");
	CHECK_HAS(bad("a.socket"), "not a service unit name: 'a.socket'");
	CHECK_HAS(bad("a.service,b c.service"), "not a service unit name: 'b c.service'");
	CHECK_HAS(bad("x@.service"), "not a service unit name");
	CHECK_HAS(bad("../a.service"), "not a service unit name");
	CHECK_HAS(bad("a.service,b.service,a.service"), "a.service is listed twice");
	CHECK_HAS(bad("a\x01.service"), "not a service unit name: 'a\\x01.service'");
}

TEST(adopt_units_too_long)
{
	static char list[QR_UNITS_PARAM_MAX + 16];
	size_t len = 0;

	for (int i = 0; len <= QR_UNITS_PARAM_MAX; i++)
		len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%c%d.service",
					i ? "," : "", 'a' + i % 26, i);
	CHECK_HAS(bad(list), "longer than 512 bytes");
	list[QR_UNITS_PARAM_MAX] = '\0';
	CHECK_HAS(bad(list), "not a service unit name");
}

TEST(adopt_units_never_inherited)
{
	struct qr_err e;
	char *line = qr_new_cmdline("ro quickreboot.units=a.service quickreboot.restore=0123456789abcdef",
				    "quickreboot.restore=fedcba9876543210", &e);

	CHECK(!qr_param_inherited(QR_UNITS_CMDLINE_PARAM));
	CHECK(line != NULL);
	if (line)
		CHECK_STR(line, "ro quickreboot.restore=fedcba9876543210");
	free(line);
}

/* quickreboot-generator's work (adopt_gen.c) into a scratch directory:
 * the units named with a token get the drop-in; nothing without a token,
 * with a malformed list, or once restore decided (no unit recorded in
 * /run/quickreboot/adopt on a test machine). */
TEST(adopt_generator_writes_dropins)
{
	char dir[] = "/tmp/qr-test-gen-XXXXXX", path[4096];
	const char *tok = "quickreboot.restore=0123456789abcdef ";
	char line[512];

	CHECK(mkdtemp(dir) != NULL);
	snprintf(line, sizeof(line), "ro %squickreboot.units=a.service,b@x.service", tok);
	CHECK_U64(qr_adopt_generate(line, dir, "/usr/sbin/quickreboot", false), 2);
	snprintf(path, sizeof(path), "%s/b@x.service.d/zz-quickreboot-adopt.conf", dir);
	CHECK(!access(path, F_OK));
	CHECK_U64(qr_adopt_generate("ro quickreboot.units=c.service", dir, "/q", false), 0);
	CHECK_U64(qr_adopt_generate("quickreboot.restore=xyz quickreboot.units=c.service", dir,
				    "/q", false), 0);
	snprintf(line, sizeof(line), "%squickreboot.units=c.service,c.service", tok);
	CHECK_U64(qr_adopt_generate(line, dir, "/q", false), 0);
	snprintf(line, sizeof(line), "%squickreboot.units=c.service", tok);
	CHECK_U64(qr_adopt_generate(line, dir, "/q", true), 0);
	snprintf(path, sizeof(path), "%s/c.service.d", dir);
	CHECK(access(path, F_OK));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	CHECK(!system(path));
}
