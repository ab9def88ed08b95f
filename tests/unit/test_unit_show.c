/* `systemctl show` output (unit_show.c) and the adoption drop-in
 * (adopt_dropin.c). */
#include "service/adopt.h"
#include "test.h"
#include "service/unit_show.h"

static const char *bad(const char *s)
{
	static struct qr_err e;
	struct qr_unit_show u;

	if (!qr_unit_show_parse(s, &u, &e)) {
		qr_test_fail_str(__FILE__, __LINE__, "accepted", s, "an error");
		return "";
	}
	return e.msg;
}

TEST(unit_show_running)
{
	struct qr_unit_show u;
	struct qr_err e = { "" };

	CHECK(!qr_unit_show_parse("Id=redis-server.service\nMainPID=812\n"
				  "ControlGroup=/system.slice/redis-server.service\n"
				  "LoadState=loaded\nActiveState=active\nOther=x=y\n", &u, &e));
	CHECK_U64(u.main_pid, 812);
	CHECK_STR(u.cgroup, "/system.slice/redis-server.service");
	CHECK_STR(u.load_state, "loaded");
	CHECK_STR(u.active_state, "active");
}

TEST(unit_show_inactive)
{
	struct qr_unit_show u;
	struct qr_err e = { "" };

	/* No trailing newline; an inactive unit has no cgroup. */
	CHECK(!qr_unit_show_parse("Id=x.service\nLoadState=not-found\nActiveState=inactive\n"
				  "MainPID=0\nControlGroup=", &u, &e));
	CHECK_U64(u.main_pid, 0);
	CHECK_STR(u.cgroup, "");
	CHECK_STR(u.load_state, "not-found");
}

TEST(unit_show_refusals)
{
	CHECK_HAS(bad(""), "no Id");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nControlGroup=/a\n"), "no MainPID");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nMainPID=-1\nControlGroup=/a\n"),
		  "MainPID is not a PID");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nMainPID=4194305\nControlGroup=/a\n"),
		  "MainPID is not a PID");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nMainPID=1\nMainPID=2\nControlGroup=/a\n"),
		  "MainPID is given twice");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nMainPID=1\nControlGroup=/a/../b\n"),
		  "not a cgroup path");
	CHECK_HAS(bad("Id=x\nLoadState=loaded\nActiveState=active\nMainPID=1\nControlGroup=a\n"),
		  "not a cgroup path");
	CHECK_HAS(bad("Id=x\nLoadState=loaded-and-much-longer-than-thirty-one\nActiveState=active\n"
		      "MainPID=1\nControlGroup=/a\n"), "LoadState is too long");
}

TEST(adopt_dropin_text)
{
	struct qr_strbuf b = { 0 };
	const char *s;

	qr_adopt_dropin("/usr/sbin/quickreboot", &b);
	s = qr_strbuf_str(&b);
	CHECK_HAS(s, "\n[Service]\nType=notify\nNotifyAccess=all\n");
	/* ExecStart= is reset before ours, or systemd would refuse a second one. */
	CHECK_HAS(s, "\nExecStart=\n#");
	CHECK_HAS(s, "\nExecStart=+/usr/sbin/quickreboot adopt %n\n");
	CHECK_HAS(s, "\nAfter=quickreboot-restore.service\n");
	/* Adopted as soon as restored, not after basic.target; stopped at
	 * shutdown all the same. */
	CHECK_HAS(s, "\n[Unit]\n#");
	CHECK_HAS(s, "\nDefaultDependencies=no\nConflicts=shutdown.target\nBefore=shutdown.target\n");
	CHECK_HAS(s, "\nWants=quickreboot-adopted.service\nBefore=quickreboot-adopted.service\n");
	CHECK_HAS(s, "\nExecStartPre=\n");
	CHECK_HAS(s, "\nRestart=no\n");
	qr_strbuf_free(&b);
}
