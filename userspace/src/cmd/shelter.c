/* quickreboot shelter COMMAND */
#include "cmd/cli.h"
#include "cmd/commands.h"

static const struct qr_command commands[] = {
	{ "load", cmd_shelter_load, "load the shelter module: /dev/shelter0 appears" },
	{ "check", cmd_shelter_check, "check that the shelter range is reserved memory" },
	{ "mkfs", cmd_shelter_mkfs, "make the shelter's ext4 filesystem" },
	{ "mount", cmd_shelter_mount, "check (fsck) and mount the shelter" },
	{ "umount", cmd_shelter_umount, "unmount the shelter" },
	{ 0 },
};

int cmd_shelter(int argc, char **argv)
{
	return qr_dispatch("usage: quickreboot shelter COMMAND [ARGS]\n",
			   commands, argc - 1, argv + 1);
}
