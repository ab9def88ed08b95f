/* kexec -l's arguments for quickreboot reboot. */
#include "boot/kexec_load_argv.h"
#include "test.h"

/* argv joined with spaces into out. */
static const char *joined(char **argv, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			strncat(out, " ", len - strlen(out) - 1);
		strncat(out, argv[i], len - strlen(out) - 1);
	}
	return out;
}

TEST(kexec_load_copy_mode_keeps_the_digest)
{
	char *argv[QR_KEXEC_LOAD_ARGC], buf[256];

	qr_kexec_load_argv(&(struct qr_kexec_load){
		.kernel = "/boot/vmlinuz-6.12", .append = "--append=a b",
		.initrd = "--initrd=/boot/initrd.img-6.12" }, argv);
	CHECK_STR(joined(argv, buf, sizeof(buf)),
		  "kexec -l /boot/vmlinuz-6.12 --append=a b --initrd=/boot/initrd.img-6.12");
}

TEST(kexec_load_zero_copy_no_digest_no_initrd)
{
	char *argv[QR_KEXEC_LOAD_ARGC], buf[256];

	qr_kexec_load_argv(&(struct qr_kexec_load){
		.kernel = "k", .append = "--append=x",
		.mem_min = "--mem-min=0x10000000", .mem_max = "--mem-max=0x27ffffff",
		.no_digest = true }, argv);
	CHECK_STR(joined(argv, buf, sizeof(buf)),
		  "kexec -l -i k --append=x --mem-min=0x10000000 --mem-max=0x27ffffff");
}

TEST(kexec_load_every_argument_fits)
{
	char *argv[QR_KEXEC_LOAD_ARGC];

	qr_kexec_load_argv(&(struct qr_kexec_load){
		.kernel = "k", .append = "a", .initrd = "i", .mem_min = "m",
		.mem_max = "M", .no_digest = true }, argv);
	CHECK(argv[QR_KEXEC_LOAD_ARGC - 1] == NULL);
	CHECK_STR(argv[QR_KEXEC_LOAD_ARGC - 2], "i");
}
