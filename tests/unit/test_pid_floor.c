/* The New kernel's PID floor parameters (pid_floor.h). */
#include "boot/pid_floor.h"
#include "test.h"

TEST(pid_floor_params)
{
	char buf[96];

	CHECK(qr_pid_floor_params(buf, sizeof(buf), 4194304, 40123) == 0);
	CHECK_STR(buf, "sysctl.kernel.pid_max=4194304 sysctl.kernel.ns_last_pid=40123");
	CHECK(qr_pid_floor_params(buf, sizeof(buf), 32768, 32767) == 0);
	CHECK_STR(buf, "sysctl.kernel.pid_max=32768 sysctl.kernel.ns_last_pid=32767");
}

TEST(pid_floor_refuses)
{
	char buf[96], small[20];

	/* The kernel would refuse it, and the floor would be lost. */
	CHECK(qr_pid_floor_params(buf, sizeof(buf), 32768, 32768) == -1);
	CHECK_STR(buf, "");
	CHECK(qr_pid_floor_params(buf, sizeof(buf), 32768, -1) == -1);
	CHECK(qr_pid_floor_params(buf, sizeof(buf), 0, 10) == -1);
	CHECK(qr_pid_floor_params(small, sizeof(small), 32768, 300) == -1);
	CHECK_STR(small, "");
}
