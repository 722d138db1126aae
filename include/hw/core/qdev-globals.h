/*
 * Global property defaults (-global DRIVER.PROP=VALUE, QEMU's global
 * properties): every device of type DRIVER, or of a type derived from it,
 * starts with PROP=VALUE, whoever creates it (the board or -device); a value
 * given on the device itself still wins.
 */
#ifndef HW_CORE_QDEV_GLOBALS_H
#define HW_CORE_QDEV_GLOBALS_H

#include "hw/core/qdev.h"

/*
 * Register "driver.prop=value". False + errp if the driver is not a device
 * type, has no such property, or (for a concrete type) the value does not
 * parse. The string is copied.
 */
bool qdev_global_add(const char *str, Error **errp) WARN_UNUSED_RESULT;
/* Apply the registered defaults to a new device (qdev_new calls this). */
void qdev_apply_globals(DeviceState *dev);
/* Forget every registered default (tests, and the end of the process). */
void qdev_globals_clear(void);

#endif
