/* The module/command ABI check: the version comparison and what it says,
 * and the layout of the ioctl ABI headers. */

/* No implicit padding anywhere in the ABI headers: each struct is proven
 * padding-free by the compiler, not only by the sizes they assert. */
#pragma GCC diagnostic push
#pragma GCC diagnostic error "-Wpadded"
#include "quickreboot/pfncheck_abi.h"
#include "quickreboot/restore_abi.h"
#pragma GCC diagnostic pop

#include "lib/module_open.h"
#include "test.h"

static char msg[512];

TEST(abi_same_version)
{
	strcpy(msg, "stale");
	CHECK_U64(qr_abi_compare("pfncheck", true, 3, 3, msg, sizeof(msg)),
		  QR_ABI_SAME);
	CHECK_STR(msg, "");
}

TEST(abi_module_older)
{
	CHECK_U64(qr_abi_compare("pfncheck", true, 2, 3, msg, sizeof(msg)),
		  QR_ABI_MODULE_OLDER);
	CHECK_HAS(msg, "module pfncheck speaks ABI version 2, this command 3");
	CHECK_HAS(msg, "the module is older than the command");
	CHECK_HAS(msg, "rebuild/upgrade quickreboot-dkms");
	CHECK_HAS(msg, "modprobe -r pfncheck");
	CHECK(!strstr(msg, "upgrade the quickreboot package"));
}

/* A module built before the ABI_VERSION ioctl answers ENOTTY. */
TEST(abi_module_without_version)
{
	CHECK_U64(qr_abi_compare("restore", false, 0, 1, msg, sizeof(msg)),
		  QR_ABI_MODULE_OLDER);
	CHECK_HAS(msg, "module restore does not tell its ABI version");
	CHECK_HAS(msg, "rebuild/upgrade quickreboot-dkms");
	/* Not answering is never "the same", whatever has holds. */
	CHECK_U64(qr_abi_compare("restore", false, 1, 1, msg, sizeof(msg)),
		  QR_ABI_MODULE_OLDER);
}

TEST(abi_module_newer)
{
	CHECK_U64(qr_abi_compare("restore", true, 2, 1, msg, sizeof(msg)),
		  QR_ABI_MODULE_NEWER);
	CHECK_HAS(msg, "module restore speaks ABI version 2, this command 1");
	CHECK_HAS(msg, "the command is older than the module");
	CHECK_HAS(msg, "upgrade the quickreboot package");
	CHECK(!strstr(msg, "quickreboot-dkms"));
}

TEST(abi_message_truncated_safely)
{
	char small[16];
	volatile size_t len = sizeof(small);	/* not known to the compiler */

	CHECK_U64(qr_abi_compare("pfncheck", true, 4, 3, small, len),
		  QR_ABI_MODULE_NEWER);
	CHECK_U64(strlen(small), sizeof(small) - 1);
}

/* The version ioctls never change: a command of any age can ask a module
 * of any age. */
TEST(abi_version_ioctl_numbers)
{
	CHECK_U64(PFNCHECK_IOC_ABI_VERSION, 0x8004E700);
	CHECK_U64(QR_RESTORE_IOC_ABI_VERSION, 0x8004E800);
}
