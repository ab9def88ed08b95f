/* Must always compile: proves that the headers themselves work. */
#include <linux/module.h>
