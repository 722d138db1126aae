/*
 * Saving a console's surface as an image (QEMU's screendump): binary PPM
 * (P6) or PNG (8-bit RGB, deflated with zlib, no filtering). The cursor is
 * not drawn, as in QEMU.
 */
#ifndef UI_SCREENDUMP_H
#define UI_SCREENDUMP_H

#include "ui/console.h"
#include "util/error.h"

typedef enum ImageFormat { IMAGE_FORMAT_PPM, IMAGE_FORMAT_PNG } ImageFormat;

/* Write surface to filename in format; false + errp on an I/O error (the file is removed). */
bool image_save(const char *filename, const DisplaySurface *surface, ImageFormat format,
                Error **errp);
/* The PNG bytes of surface into a malloc'ed buffer (*len bytes); for tests and VNC-free use. */
uint8_t *png_encode(const DisplaySurface *surface, size_t *len);

/*
 * screendump: the surface of head `head` of the device whose id is `device`
 * (NULL: console 0) into filename. format is "ppm" (NULL) or "png". Errors use
 * QEMU's messages; *device_not_found tells the caller to answer DeviceNotFound.
 */
bool screendump(const char *filename, const char *device, int64_t head, const char *format,
                bool *device_not_found, Error **errp);

#endif
