/*
 * fw_cfg items from host files (include/hw/nvram/fw_cfg.h):
 *  - -fw_cfg [name=]NAME,file=PATH|string=STR: a user file in the directory, with QEMU's
 *    checks and messages. QEMU 7.2's riscv virt creates fw_cfg only when the machine is
 *    done and so refuses -fw_cfg ("fw_cfg device not available"); Kestrel's virt creates
 *    it with the board, so the option works there.
 *  - the kernel, initrd and command line for firmware that loads them itself (QEMU's
 *    riscv virt with an S-mode firmware in flash 1, the PC's linuxboot).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hw/nvram/fw_cfg.h"
#include "util/log.h"
#include "util/option.h"

bool fw_cfg_load_file(const char *path, uint8_t **data, size_t *len, Error **errp)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    size_t done = 0;

    if (fd < 0 || fstat(fd, &st) < 0) {
        error_setg(errp, "can't load %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        error_setg(errp, "can't load %s: not a regular file", path);
        goto fail;
    }
    if ((uint64_t)st.st_size > FW_CFG_MAX_ITEM_SIZE) {
        error_setg(errp, "can't load %s: %lld bytes is too large for fw_cfg (at most %u)", path,
                   (long long)st.st_size, FW_CFG_MAX_ITEM_SIZE);
        goto fail;
    }
    *len = st.st_size;
    *data = *len ? xmalloc(*len) : NULL;
    while (done < *len) {
        ssize_t n = read(fd, *data + done, *len - done);
        if (n <= 0) {
            error_setg(errp, "can't load %s: %s", path, n < 0 ? strerror(errno) : "file shrank");
            free(*data);
            goto fail;
        }
        done += n;
    }
    close(fd);
    return true;
fail:
    if (fd >= 0) {
        close(fd);
    }
    return false;
}

static bool fw_cfg_check_keys(const KeyValueList *kv, Error **errp)
{
    static const char *const known[] = {"name", "file", "string", "gen_id"};

    for (int i = 0; i < kv->count; i++) {
        bool found = false;
        for (size_t k = 0; k < ARRAY_SIZE(known); k++) {
            found |= !strcmp(kv->items[i].key, known[k]);
        }
        if (!found) {
            error_setg(errp, "Invalid parameter '%s'", kv->items[i].key);
            return false;
        }
    }
    return true;
}

static bool nonempty(const char *s)
{
    return s && *s;
}

bool fw_cfg_add_from_opts(FWCfgState *s, const char *optstr, Error **errp)
{
    KeyValueList kv;
    const char *name, *file, *str;
    uint8_t *data = NULL;
    size_t len = 0;
    bool ok = false;

    if (!keyval_parse(optstr, "name", &kv, errp)) {
        return false;
    }
    if (!fw_cfg_check_keys(&kv, errp)) {
        goto out;
    }
    name = keyval_get(&kv, "name");
    file = keyval_get(&kv, "file");
    str = keyval_get(&kv, "string");
    if (nonempty(keyval_get(&kv, "gen_id"))) {
        error_setg(errp, "gen_id (the VM generation ID device) is not supported");
        goto out;
    }
    if (!nonempty(name) || nonempty(file) == nonempty(str)) {
        error_setg(errp, "name, plus exactly one of file, string and gen_id, are needed");
        goto out;
    }
    if (strlen(name) > FW_CFG_MAX_FILE_PATH - 1) {
        error_setg(errp, "name too long (max. %d char)", FW_CFG_MAX_FILE_PATH - 1);
        goto out;
    }
    if (strncmp(name, "opt/", 4)) {
        warn_report("-fw_cfg %s: externally provided fw_cfg item names should be prefixed with "
                    "\"opt/\"",
                    optstr);
    }
    if (nonempty(str)) {
        len = strlen(str);
        data = memcpy(xmalloc(len), str, len);
    } else if (!fw_cfg_load_file(file, &data, &len, errp)) {
        goto out;
    }
    ok = fw_cfg_add_file(s, name, data, len, errp);
out:
    keyval_free(&kv);
    return ok;
}

/* key_size = the length of path's contents (i32), key_data = the contents. */
static bool fw_cfg_add_image(FWCfgState *s, uint16_t key_size, uint16_t key_data, const char *path,
                             Error **errp)
{
    uint8_t *data;
    size_t len;

    if (!fw_cfg_load_file(path, &data, &len, errp)) {
        return false;
    }
    fw_cfg_add_i32(s, key_size, (uint32_t)len);
    fw_cfg_add_bytes(s, key_data, data, len);
    return true;
}

bool fw_cfg_add_kernel_images(FWCfgState *s, const char *kernel, const char *initrd,
                              const char *cmdline, Error **errp)
{
    if (!kernel) {
        return true;
    }
    if (!fw_cfg_add_image(s, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA, kernel, errp) ||
        (initrd && !fw_cfg_add_image(s, FW_CFG_INITRD_SIZE, FW_CFG_INITRD_DATA, initrd, errp))) {
        return false;
    }
    if (cmdline) {
        fw_cfg_add_i32(s, FW_CFG_CMDLINE_SIZE, (uint32_t)strlen(cmdline) + 1);
        fw_cfg_add_string(s, FW_CFG_CMDLINE_DATA, cmdline);
    }
    return true;
}

void fw_cfg_set_uuid(FWCfgState *s, const char *uuid)
{
    uint8_t *bytes = xzalloc(16);

    for (int i = 0; i < 16 && *uuid; i++) {
        uuid += *uuid == '-';
        sscanf(uuid, "%2hhx", &bytes[i]);
        uuid += 2;
    }
    fw_cfg_add_bytes(s, FW_CFG_UUID, bytes, 16);
}

/* A little-endian number of len bytes in a buffer fw_cfg can take over. */
static uint8_t *le_bytes(uint64_t value, size_t len)
{
    uint8_t *p = xmalloc(len);

    for (size_t i = 0; i < len; i++) {
        p[i] = (uint8_t)(value >> (8 * i));
    }
    return p;
}

void fw_cfg_set_boot_options(FWCfgState *s, const char *boot)
{
    KeyValueList kv;
    const char *menu, *splash_time, *reboot;
    bool on = false;
    Error *err = NULL;

    if (!keyval_parse(boot, "order", &kv, NULL)) {
        return; /* the option parser refused it already */
    }
    menu = keyval_get(&kv, "menu");
    splash_time = keyval_get(&kv, "splash-time");
    reboot = keyval_get(&kv, "reboot-timeout");
    if (menu && parse_bool(menu, &on)) {
        fw_cfg_add_i16(s, FW_CFG_BOOT_MENU, on);
    }
    /* QEMU gives the menu's wait only with the menu on (SeaBIOS's default: 2.5 s). */
    if (on && splash_time &&
        !fw_cfg_add_file(s, "etc/boot-menu-wait", le_bytes(strtoul(splash_time, NULL, 0), 2), 2,
                         &err)) {
        error_free(err);
        err = NULL;
    }
    if (reboot && !fw_cfg_modify_file(s, "etc/boot-fail-wait",
                                      le_bytes((uint32_t)strtol(reboot, NULL, 0), 4), 4, &err)) {
        error_free(err); /* a board whose fw_cfg lacks the file */
    }
    keyval_free(&kv);
}
