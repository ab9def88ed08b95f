/* Kernel list, readiness and the status report. */
#include <stdio.h>

#include "boot/kernels.h"
#include "status/status.h"
#include "test.h"

TEST(kver_order_and_names)
{
	CHECK(qr_kver_cmp("6.1.0-9-amd64", "6.1.0-10-amd64") < 0);
	CHECK(qr_kver_cmp("6.1.0-56-amd64", "6.12.48+deb12-amd64") < 0);
	CHECK(qr_kver_cmp("6.12.48+deb12-amd64", "6.12.9+deb12-amd64") > 0);
	CHECK_STR(qr_kver_from_image_name("vmlinuz-6.1.0-56-amd64"), "6.1.0-56-amd64");
	CHECK(!qr_kver_from_image_name("vmlinuz-"));
	CHECK(!qr_kver_from_image_name("vmlinuz"));
	CHECK(!qr_kver_from_image_name("initrd.img-6.1.0-56-amd64"));
	CHECK(!qr_kver_from_image_name("vmlinuz-6.1.0-56-amd64.dpkg-tmp"));
	CHECK(!qr_kver_from_image_name("vmlinuz-6.1.0-56-amd64.old"));
	CHECK(!qr_kver_from_image_name("vmlinuz-6.1 x"));
	CHECK(!qr_kver_from_image_name("vmlinuz-6.1\n"));
	CHECK(qr_is_module_file("shelter.ko", "shelter"));
	CHECK(qr_is_module_file("shelter.ko.xz", "shelter"));
	CHECK(qr_is_module_file("shelter.ko.zst", "shelter"));
	CHECK(!qr_is_module_file("shelter.ko.orig", "shelter"));
	CHECK(!qr_is_module_file("sheltered.ko", "shelter"));
}

static void add(struct qr_kernels *ks, const char *v, bool image, bool modules)
{
	struct qr_kernel *k = qr_kernels_get(ks, v);

	k->image = image;
	k->headers = true;
	for (int m = 0; m < QR_N_MODULES; m++)
		k->module[m] = modules;
}

static void ready_system(struct qr_status *st)
{
	memset(st, 0, sizeof(*st));
	strcpy(st->running, "6.1.0-55-amd64");
	st->shelter_named = true;
	st->shelter.start = 0x630000000ull;
	st->shelter.size = 256 << 20;
	st->iomem_reserved = QR_YES;
	st->kexec_found = true;
	add(&st->kernels, "6.1.0-56-amd64", true, true);
	add(&st->kernels, "6.1.0-55-amd64", true, true);
	add(&st->kernels, "6.1.0-9-amd64", true, false);
	qr_kernels_sort(&st->kernels);
}

TEST(status_ready_and_target)
{
	struct qr_status st;

	ready_system(&st);
	CHECK_STR(st.kernels.k[0].version, "6.1.0-9-amd64");
	qr_status_decide(&st);
	CHECK(st.ready);
	CHECK_STR(st.target, "6.1.0-56-amd64");
	CHECK_U64(st.n_reasons, 0);
	qr_status_free(&st);
}

TEST(status_not_ready_reasons)
{
	struct qr_status st;

	ready_system(&st);
	st.kernels.k[2].module[1] = false;	/* target 6.1.0-56 lacks pfncheck */
	st.iomem_reserved = QR_UNKNOWN;
	st.kexec_found = false;
	st.conf_present = true;
	snprintf(st.conf_problem, sizeof(st.conf_problem), "line 2: bad");
	qr_status_decide(&st);
	CHECK(!st.ready);
	CHECK_U64(st.n_reasons, 4);
	CHECK_HAS(st.reason[0], "needs root");
	CHECK_HAS(st.reason[1], "target kernel 6.1.0-56-amd64 has no quickreboot modules");
	CHECK_HAS(st.reason[2], "kexec");
	CHECK_HAS(st.reason[3], "line 2: bad");
	qr_status_free(&st);

	memset(&st, 0, sizeof(st));
	strcpy(st.running, "6.1.0-55-amd64");
	qr_status_decide(&st);
	CHECK(!st.ready);
	CHECK(!st.target);
	CHECK_HAS(st.reason[0], "run quickreboot setup");
	qr_status_free(&st);
}

TEST(status_json_escapes_untrusted_strings)
{
	struct qr_status st;
	struct qr_strbuf b = { 0 };
	const char *conf = "keep-unit a\\x2db.service\nkeep-pid 77\n";

	ready_system(&st);
	strcpy(st.mod_state, "va\"l\nid");
	st.module_loaded = true;
	st.conf_present = true;
	st.conf_ok = qr_conf_parse(conf, strlen(conf), &st.conf, NULL) == 0;
	CHECK(st.conf_ok);
	qr_status_decide(&st);
	CHECK(qr_status_render_json(&b, &st));
	CHECK_HAS(qr_strbuf_str(&b), "\"state\": \"va\\\"l\\nid\"");
	CHECK_HAS(qr_strbuf_str(&b), "\"keep_units\": [\n      \"a\\\\x2db.service\"\n    ]");
	CHECK_HAS(qr_strbuf_str(&b), "\"keep_pids\": [\n      77\n    ]");
	CHECK_HAS(qr_strbuf_str(&b), "\"cmdline\": {\n      \"start\": \"0x630000000\",\n      \"size\": 268435456\n    }");
	CHECK_HAS(qr_strbuf_str(&b), "\"target_kernel\": \"6.1.0-56-amd64\"");
	CHECK_HAS(qr_strbuf_str(&b), "\"ready\": true");
	CHECK_HAS(qr_strbuf_str(&b), "\"next_boot\": null");
	qr_strbuf_free(&b);
	qr_status_render_text(&b, &st);
	CHECK_HAS(qr_strbuf_str(&b), "state va\"l\\x0aid");
	CHECK_HAS(qr_strbuf_str(&b), "6.1.0-56-amd64               modules 3/3, quick reboot target");
	CHECK_HAS(qr_strbuf_str(&b), "  unit a\\x2db.service\n  pid 77\n");
	CHECK_HAS(qr_strbuf_str(&b), "ready:            yes\n");
	qr_strbuf_free(&b);
	qr_status_free(&st);
}

TEST(status_says_ram_not_handed_back)
{
	struct qr_status st;
	struct qr_strbuf b = { 0 };

	ready_system(&st);
	st.restore_loaded = true;
	strcpy(st.handed_back, "1");
	strcpy(st.added_bytes, "3355443200");
	strcpy(st.unhanded_bytes, "6291456");
	strcpy(st.unhanded, "4096 KiB in 1 block, shared with memory this kernel booted in\n"
	       "2048 KiB in 1 block, shared with a busy resource\n");
	qr_status_decide(&st);
	qr_status_render_text(&b, &st);
	CHECK_HAS(qr_strbuf_str(&b),
		  "restore module:   handed back 3200 MiB, 6144 KiB of RAM not handed back\n"
		  "                  not handed back: 4096 KiB in 1 block, shared with memory this kernel booted in\n"
		  "                  not handed back: 2048 KiB in 1 block, shared with a busy resource\n");
	qr_strbuf_free(&b);
	CHECK(qr_status_render_json(&b, &st));
	CHECK_HAS(qr_strbuf_str(&b), "\"unhanded_bytes\": \"6291456\"");
	qr_strbuf_free(&b);
	strcpy(st.handed_back, "0");
	qr_status_render_text(&b, &st);
	CHECK_HAS(qr_strbuf_str(&b), "restore module:   loaded, no hand-back in this boot\n");
	qr_strbuf_free(&b);
	qr_status_free(&st);
}
