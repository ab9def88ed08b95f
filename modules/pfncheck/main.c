// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot pfncheck: freezes processes and records the physical frames
 * of their memory, through /dev/pfncheck (ABI in pfncheck_abi.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "qr_abi.h"
#include "qr_compat.h"
#include "pfncheck.h"

static const u32 abi_version = QR_ABI_ANSWER(PFNCHECK_ABI_VERSION);
static const struct kernel_param_ops abi_version_ops = {
	.set = qr_abi_param_set,
	.get = qr_abi_param_get,
};

module_param_cb(abi_version, &abi_version_ops, (void *)&abi_version, 0444);
MODULE_PARM_DESC(abi_version, "the ioctl ABI version of /dev/pfncheck (read-only)");

unsigned int freeze_timeout_ms = 5000;
module_param(freeze_timeout_ms, uint, 0644);
MODULE_PARM_DESC(freeze_timeout_ms, "how long FREEZE waits for every thread to park, unless the caller says (ms)");

static int frozen_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", pf_nr_frozen());
}

static int pending_works_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", pf_nr_works());
}

static int page_refs_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%ld\n", pf_nr_refs());
}

static const struct kernel_param_ops frozen_ops = { .get = frozen_get };
static const struct kernel_param_ops pending_works_ops = {
	.get = pending_works_get,
};
static const struct kernel_param_ops page_refs_ops = { .get = page_refs_get };

/* Read-only status, in /sys/module/pfncheck/parameters/. */
module_param_cb(frozen, &frozen_ops, NULL, 0444);
MODULE_PARM_DESC(frozen, "processes frozen now");
module_param_cb(pending_works, &pending_works_ops, NULL, 0444);
MODULE_PARM_DESC(pending_works, "threads parked, or with a park work not run yet");
module_param_cb(page_refs, &page_refs_ops, NULL, 0444);
MODULE_PARM_DESC(page_refs, "pages pinned or held for PFN maps");

static long pf_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	void __user *argp = (void __user *)uarg;
	union {
		struct pfncheck_freeze freeze;
		struct pfncheck_thaw thaw;
		struct pfncheck_threads threads;
		struct pfncheck_pfnmap pfnmap;
		struct pfncheck_regset regset;
		struct pfncheck_sigstate sigstate;
		struct pfncheck_evacuate evacuate;
		struct pfncheck_commit commit;
		struct pfncheck_status status;
		struct pfncheck_timers timers;
		struct pfncheck_fdstate fdstate;
		struct pfncheck_semundo semundo;
		struct pfncheck_socklocks socklocks;
	} a;
	struct pf_owner *owner = file->private_data;
	size_t size;
	long ret;

	/* Asked before anything else, by anyone who could open the device. */
	if (cmd == PFNCHECK_IOC_ABI_VERSION)
		return put_user(abi_version, (__u32 __user *)argp);
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case PFNCHECK_IOC_FREEZE:
		size = sizeof(a.freeze);
		break;
	case PFNCHECK_IOC_THAW:
		size = sizeof(a.thaw);
		break;
	case PFNCHECK_IOC_THREADS:
		size = sizeof(a.threads);
		break;
	case PFNCHECK_IOC_PFNMAP:
		size = sizeof(a.pfnmap);
		break;
	case PFNCHECK_IOC_REGSET:
		size = sizeof(a.regset);
		break;
	case PFNCHECK_IOC_SIGSTATE:
		size = sizeof(a.sigstate);
		break;
	case PFNCHECK_IOC_EVACUATE:
		size = sizeof(a.evacuate);
		break;
	case PFNCHECK_IOC_COMMIT:
		size = sizeof(a.commit);
		break;
	case PFNCHECK_IOC_STATUS:
		size = sizeof(a.status);
		break;
	case PFNCHECK_IOC_TIMERS:
		size = sizeof(a.timers);
		break;
	case PFNCHECK_IOC_FDSTATE:
		size = sizeof(a.fdstate);
		break;
	case PFNCHECK_IOC_SEMUNDO:
		size = sizeof(a.semundo);
		break;
	case PFNCHECK_IOC_SOCKLOCKS:
		size = sizeof(a.socklocks);
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&a, argp, size))
		return -EFAULT;

	switch (cmd) {
	case PFNCHECK_IOC_FREEZE:
		ret = pf_freeze(&a.freeze, owner);
		break;
	case PFNCHECK_IOC_THAW:
		ret = pf_thaw(&a.thaw, owner);
		break;
	case PFNCHECK_IOC_COMMIT:
		ret = pf_commit(&a.commit, owner);
		break;
	case PFNCHECK_IOC_STATUS:
		ret = pf_status(&a.status);
		break;
	case PFNCHECK_IOC_THREADS:
		ret = pf_threads(&a.threads);
		break;
	case PFNCHECK_IOC_REGSET:
		ret = pf_regset(&a.regset);
		break;
	case PFNCHECK_IOC_SIGSTATE:
		ret = pf_sigstate(&a.sigstate);
		break;
	case PFNCHECK_IOC_EVACUATE:
		ret = pf_evacuate(&a.evacuate);
		break;
	case PFNCHECK_IOC_TIMERS:
		ret = pf_timers(&a.timers);
		break;
	case PFNCHECK_IOC_FDSTATE:
		ret = pf_fdstate(&a.fdstate);
		break;
	case PFNCHECK_IOC_SEMUNDO:
		ret = pf_semundo(&a.semundo);
		break;
	case PFNCHECK_IOC_SOCKLOCKS:
		ret = pf_socklocks(&a.socklocks);
		break;
	default:
		ret = pf_pfnmap(&a.pfnmap);
		break;
	}

	/* Results, and what the caller needs to understand some failures. */
	if ((!ret || ret == -ENOSPC || ret == -ETIMEDOUT ||
	     (ret == -ESRCH && cmd == PFNCHECK_IOC_COMMIT)) &&
	    copy_to_user(argp, &a, size))
		return -EFAULT;
	return ret;
}

static atomic64_t pf_sets = ATOMIC64_INIT(0);

static int pf_open(struct inode *inode, struct file *file)
{
	struct pf_owner *owner = kzalloc(sizeof(*owner), GFP_KERNEL);

	if (!owner)
		return -ENOMEM;
	owner->set = atomic64_inc_return(&pf_sets);
	file->private_data = owner;
	return 0;
}

/*
 * The last close of the file, also when its process dies: what it froze
 * and did not commit goes on as before.
 */
static int pf_close(struct inode *inode, struct file *file)
{
	struct pf_owner *owner = file->private_data;

	pf_release_owner(owner);
	kfree(owner);
	return 0;
}

static const struct file_operations pf_fops = {
	.owner		= THIS_MODULE,
	.open		= pf_open,
	.release	= pf_close,
	.unlocked_ioctl	= pf_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pf_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "pfncheck",
	.fops	= &pf_fops,
	.mode	= 0600,
};

static int __init pfncheck_init(void)
{
	int ret;

	ret = misc_register(&pf_dev);
	if (ret) {
		pr_err("cannot register /dev/pfncheck: %d\n", ret);
		return ret;
	}
	pr_info("loaded: /dev/pfncheck, ABI %u\n", abi_version);
	return 0;
}

static void __exit pfncheck_exit(void)
{
	misc_deregister(&pf_dev);
	/* Never leave a task parked, nor a work that would run our code. */
	pf_thaw_all(" (module unload)");
	pf_wait_works();
	pr_info("unloaded\n");
}

module_init(pfncheck_init);
module_exit(pfncheck_exit);

MODULE_DESCRIPTION("quickreboot pfncheck: freezes processes and records the physical frames of their memory");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
