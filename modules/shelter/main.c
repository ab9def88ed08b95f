// SPDX-License-Identifier: GPL-2.0
/*
 * quickreboot shelter: block device over the memory region that boot
 * reserved for the checkpoint image (memmap=SIZE$ADDR). The region's
 * contents survive kexec; its header page tells a carried-over shelter from
 * a fresh or damaged one. See README.md.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "shelter_format.h"
#include "shelter.h"

static char *region;
module_param(region, charp, 0444);
MODULE_PARM_DESC(region, "the reserved region, SIZE@ADDR (K, M, G suffixes), as given to memmap=SIZE$ADDR");

static bool format;
module_param(format, bool, 0444);
MODULE_PARM_DESC(format, "format the region if its header is fresh or corrupt (never a valid one); zeroes it");

static struct shelter shelter;
static struct kobject *status_kobj;

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%s\n", shelter_state_name(shelter.state));
}

static ssize_t generation_show(struct kobject *kobj,
			       struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", shelter.generation);
}

static ssize_t problem_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", shelter.problem);
}

static ssize_t region_start_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", shelter.start);
}

static ssize_t region_size_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", shelter.size);
}

static ssize_t data_offset_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", SHELTER_HEADER_PAGE);
}

static ssize_t data_size_show(struct kobject *kobj,
			      struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", shelter.size - SHELTER_HEADER_PAGE);
}

static ssize_t device_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n",
			  shelter.disk ? shelter.disk->disk_name : "");
}

static struct kobj_attribute state_attr = __ATTR_RO(state);
static struct kobj_attribute generation_attr = __ATTR_RO(generation);
static struct kobj_attribute problem_attr = __ATTR_RO(problem);
static struct kobj_attribute region_start_attr = __ATTR_RO(region_start);
static struct kobj_attribute region_size_attr = __ATTR_RO(region_size);
static struct kobj_attribute data_offset_attr = __ATTR_RO(data_offset);
static struct kobj_attribute data_size_attr = __ATTR_RO(data_size);
static struct kobj_attribute device_attr = __ATTR_RO(device);

static struct attribute *status_attrs[] = {
	&state_attr.attr,
	&generation_attr.attr,
	&problem_attr.attr,
	&region_start_attr.attr,
	&region_size_attr.attr,
	&data_offset_attr.attr,
	&data_size_attr.attr,
	&device_attr.attr,
	NULL,
};

static const struct attribute_group status_group = {
	.attrs = status_attrs,
};

/* /sys/module/shelter/status/ */
static int shelter_status_create(void)
{
	int ret;

	status_kobj = kobject_create_and_add("status", &THIS_MODULE->mkobj.kobj);
	if (!status_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(status_kobj, &status_group);
	if (ret) {
		kobject_put(status_kobj);
		status_kobj = NULL;
	}
	return ret;
}

static void shelter_status_destroy(void)
{
	if (!status_kobj)
		return;
	sysfs_remove_group(status_kobj, &status_group);
	kobject_put(status_kobj);
	status_kobj = NULL;
}

static int __init shelter_init(void)
{
	struct shelter *sh = &shelter;
	int ret;

	ret = shelter_region_parse(region, &sh->start, &sh->size);
	if (ret)
		return ret;
	ret = shelter_region_claim(sh);
	if (ret)
		return ret;

	shelter_header_read(sh);
	switch (sh->state) {
	case SHELTER_VALID:
		shelter_header_next_generation(sh);
		pr_info("region 0x%llx-0x%llx: valid shelter carried over, generation %llu\n",
			sh->start, sh->start + sh->size - 1, sh->generation);
		break;
	case SHELTER_CORRUPT:
		pr_err("region 0x%llx-0x%llx: corrupt header: %s; data left as is, no device (load with format=1 to re-initialise)\n",
		       sh->start, sh->start + sh->size - 1, sh->problem);
		break;
	case SHELTER_FRESH:
		pr_info("region 0x%llx-0x%llx: fresh, no shelter header\n",
			sh->start, sh->start + sh->size - 1);
		break;
	case SHELTER_FORMATTED:
		break;
	}
	if (sh->state != SHELTER_VALID && format) {
		shelter_format(sh);
		pr_info("region 0x%llx-0x%llx: formatted, generation %llu\n",
			sh->start, sh->start + sh->size - 1, sh->generation);
	}

	if (sh->state == SHELTER_VALID || sh->state == SHELTER_FORMATTED) {
		ret = shelter_blkdev_create(sh);
		if (ret)
			goto release;
	} else if (sh->state == SHELTER_FRESH) {
		pr_info("no device: load with format=1 to create one\n");
	}

	ret = shelter_status_create();
	if (ret) {
		pr_err("cannot create /sys/module/%s/status: %d\n",
		       KBUILD_MODNAME, ret);
		goto destroy;
	}
	if (sh->disk)
		pr_info("/dev/%s: %llu bytes at 0x%llx\n", sh->disk->disk_name,
			sh->data_size, sh->start + SHELTER_HEADER_PAGE);
	return 0;

destroy:
	shelter_blkdev_destroy(sh);
release:
	shelter_region_release(sh);
	return ret;
}

static void __exit shelter_exit(void)
{
	shelter_status_destroy();
	shelter_blkdev_destroy(&shelter);
	shelter_region_release(&shelter);
}

module_init(shelter_init);
module_exit(shelter_exit);

MODULE_DESCRIPTION("quickreboot shelter: block device over the memory region reserved for the checkpoint image");
MODULE_AUTHOR("quickreboot developers");
MODULE_LICENSE("GPL");
