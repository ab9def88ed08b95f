// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot restore: gives the New kernel back the memory the Old kernel
 * left in place and makes the preserved frames the pages of the restored
 * processes, through /dev/qr-restore (ABI in restore_abi.h).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/kobject.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/uaccess.h>

#include "qr_abi.h"
#include "restore.h"

DEFINE_MUTEX(rs_lock);

static const u32 abi_version = QR_ABI_ANSWER(QR_RESTORE_ABI_VERSION);
static const struct kernel_param_ops abi_version_ops = {
	.set = qr_abi_param_set,
	.get = qr_abi_param_get,
};

module_param_cb(abi_version, &abi_version_ops, (void *)&abi_version, 0444);
MODULE_PARM_DESC(abi_version, "the ioctl ABI version of /dev/qr-restore (read-only)");

static bool force_copy;
module_param(force_copy, bool, 0444);
MODULE_PARM_DESC(force_copy, "copy every frame instead of mapping it (zero copy off)");

static struct kobject *status_kobj;
static bool pinned;

/*
 * The module cannot go while it is needed: unloading gives every held
 * frame to the page allocator (the processes of an image not restored yet
 * would be lost), and a block added with pages that are not RAM would give
 * them to the allocator at its next offline/online cycle, once our online
 * callback is gone. Then rmmod is refused (the module is in use); RELEASE
 * of every held frame lifts the first reason, nothing the second.
 */
static void rs_pin_update(void)
{
	bool need = READ_ONCE(rs_stats.held) || rs_added_not_ram;

	if (need == pinned)
		return;
	if (need) {
		__module_get(THIS_MODULE);
		pr_info("cannot be unloaded while it %s\n",
			rs_added_not_ram ? "has added memory with pages that are not RAM" :
					   "holds frames");
	} else {
		module_put(THIS_MODULE);
	}
	pinned = need;
}

static ssize_t handed_back_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(rs_handed_back));
}

static ssize_t mode_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", rs_mode == QR_MODE_ZERO_COPY ?
			  "zero-copy" : "copy");
}

static ssize_t copy_reason_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", rs_copy_reason);
}

#define RS_STAT_ATTR(name)						\
static ssize_t name##_show(struct kobject *kobj,			\
			   struct kobj_attribute *attr, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n", READ_ONCE(rs_stats.name));	\
}									\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

RS_STAT_ATTR(held);
RS_STAT_ATTR(adopted);
RS_STAT_ATTR(adopted_huge);
RS_STAT_ATTR(copied);
RS_STAT_ATTR(released);
RS_STAT_ATTR(added_bytes);
RS_STAT_ATTR(hole_frames);
RS_STAT_ATTR(adopt_ns);
RS_STAT_ATTR(copy_ns);
RS_STAT_ATTR(unhanded_bytes);

static ssize_t unhanded_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return rs_unhanded_show(buf);
}

static struct kobj_attribute unhanded_attr = __ATTR_RO(unhanded);
static struct kobj_attribute mode_attr = __ATTR_RO(mode);
static struct kobj_attribute copy_reason_attr = __ATTR_RO(copy_reason);
static struct kobj_attribute handed_back_attr = __ATTR_RO(handed_back);

static struct attribute *status_attrs[] = {
	&mode_attr.attr,
	&copy_reason_attr.attr,
	&handed_back_attr.attr,
	&held_attr.attr,
	&adopted_attr.attr,
	&adopted_huge_attr.attr,
	&copied_attr.attr,
	&released_attr.attr,
	&added_bytes_attr.attr,
	&hole_frames_attr.attr,
	&adopt_ns_attr.attr,
	&copy_ns_attr.attr,
	&unhanded_bytes_attr.attr,
	&unhanded_attr.attr,
	NULL,
};

static const struct attribute_group status_group = {
	.attrs = status_attrs,
};

static long rs_ioctl(struct file *file, unsigned int cmd, unsigned long uarg)
{
	void __user *argp = (void __user *)uarg;
	union {
		struct qr_restore_handback handback;
		struct qr_restore_adopt adopt;
		struct qr_restore_release release;
	} a;
	size_t size;
	long ret;

	/* Asked before anything else, by anyone who could open the device. */
	if (cmd == QR_RESTORE_IOC_ABI_VERSION)
		return put_user(abi_version, (__u32 __user *)argp);
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;

	switch (cmd) {
	case QR_RESTORE_IOC_HANDBACK:
		size = sizeof(a.handback);
		break;
	case QR_RESTORE_IOC_ADOPT:
		size = sizeof(a.adopt);
		break;
	case QR_RESTORE_IOC_RELEASE:
		size = sizeof(a.release);
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&a, argp, size))
		return -EFAULT;

	mutex_lock(&rs_lock);
	switch (cmd) {
	case QR_RESTORE_IOC_HANDBACK:
		ret = rs_handback(&a.handback);
		break;
	case QR_RESTORE_IOC_ADOPT:
		ret = rs_adopt(&a.adopt);
		break;
	default:
		ret = rs_release(&a.release);
		break;
	}
	rs_pin_update();
	mutex_unlock(&rs_lock);

	/* Results, and what explains a refusal or a partial ADOPT. */
	if (copy_to_user(argp, &a, size))
		return -EFAULT;
	return ret;
}

static const struct file_operations rs_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= rs_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice rs_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "qr-restore",
	.fops	= &rs_fops,
	.mode	= 0600,
};

static int __init restore_init(void)
{
	int ret;

	rs_choose_mode(force_copy);
	/* /sys/module/restore/status/ */
	status_kobj = kobject_create_and_add("status", &THIS_MODULE->mkobj.kobj);
	if (!status_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(status_kobj, &status_group);
	if (ret)
		goto put;
	ret = misc_register(&rs_dev);
	if (ret) {
		pr_err("cannot register %s: %d\n", QR_RESTORE_DEVICE, ret);
		goto remove;
	}
	pr_info("loaded: %s, ABI %u\n", QR_RESTORE_DEVICE, abi_version);
	return 0;

remove:
	sysfs_remove_group(status_kobj, &status_group);
put:
	kobject_put(status_kobj);
	return ret;
}

static void __exit restore_exit(void)
{
	misc_deregister(&rs_dev);
	rs_handback_exit();
	sysfs_remove_group(status_kobj, &status_group);
	kobject_put(status_kobj);
	pr_info("unloaded\n");
}

module_init(restore_init);
module_exit(restore_exit);

MODULE_DESCRIPTION("quickreboot restore: rebuilds processes over their preserved frames in the New kernel");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
