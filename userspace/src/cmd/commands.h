/* The subcommands; each takes argv[0] = its own name and returns a
 * QR_EXIT_* code. */
#ifndef QR_COMMANDS_H
#define QR_COMMANDS_H

int cmd_version(int argc, char **argv);
int cmd_cmdline(int argc, char **argv);
int cmd_shelter(int argc, char **argv);
int cmd_setup(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_checkpoint(int argc, char **argv);
int cmd_thaw(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_reboot(int argc, char **argv);
int cmd_adopt(int argc, char **argv);

int cmd_shelter_load(int argc, char **argv);
int cmd_shelter_check(int argc, char **argv);
int cmd_shelter_mkfs(int argc, char **argv);
int cmd_shelter_mount(int argc, char **argv);
int cmd_shelter_umount(int argc, char **argv);

#endif
