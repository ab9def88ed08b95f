/* quickreboot: keep chosen processes across a kernel update by kexec. */
#include <string.h>

#include "cmd/cli.h"
#include "cmd/commands.h"
#include "service/adopt.h"

static const struct qr_command commands[] = {
	{ "version", cmd_version, "print the version" },
	{ "shelter", cmd_shelter, "load, format, check and mount the shelter" },
	{ "cmdline", cmd_cmdline, "print the command line for the New kernel" },
	{ "setup", cmd_setup, "one-time setup: reserve the shelter at boot (GRUB)" },
	{ "status", cmd_status, "what is reserved and built, and whether a quick reboot is ready" },
	{ "check", cmd_check, "can these processes be kept? (nothing is frozen)" },
	{ "checkpoint", cmd_checkpoint, "checkpoint processes into a directory (copy mode)" },
	{ "thaw", cmd_thaw, "let a checkpoint's frozen processes go on (abandon it)" },
	{ "reboot", cmd_reboot, "quick reboot: load the New kernel, checkpoint, kexec" },
	{ "restore", cmd_restore, "restore the processes of a checkpoint directory" },
	{ "adopt", cmd_adopt, "systemd: a kept unit takes its restored processes back" },
	{ 0 },
};

int main(int argc, char **argv)
{
	const char *name = argc ? strrchr(argv[0], '/') : NULL;

	/* Installed as a link among systemd's generators. */
	if (argc && !strcmp(name ? name + 1 : argv[0], "quickreboot-generator"))
		return qr_adopt_generator(argc, argv);
	return qr_dispatch("usage: quickreboot COMMAND [ARGS]\n", commands,
			   argc - 1, argv + 1);
}
