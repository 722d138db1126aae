/*
 * The -d/-D debug log. The mask is a plain int read on hot paths; it is set
 * once at start-up (or by the monitor) so no atomics are needed. Lines from
 * different vCPU threads are kept whole with the stdio stream lock.
 */
#include "util/log.h"

#include <errno.h>
#include <stdarg.h>

int log_mask_enabled;

/* NULL means stderr; stderr cannot be a static initialiser. */
static FILE *log_file;

typedef struct LogItem {
    int mask;
    const char *name;
    const char *help;
} LogItem;

static const LogItem log_items[] = {
    {LOG_GUEST_ERROR, "guest_errors", "log when the guest OS does something invalid"},
    {LOG_UNIMP, "unimp", "log unimplemented functionality"},
    {LOG_INT, "int", "show interrupts/exceptions in short format"},
    {LOG_IN_ASM, "in_asm", "show target assembly code for each compiled TB"},
    {LOG_EXEC, "exec", "show trace before each executed TB"},
    {LOG_MMU, "mmu", "log MMU-related activities"},
    {LOG_CPU, "cpu", "show CPU registers before entering a TB"},
    {LOG_OP, "op", "show each TB's records (operation numbers) as translated"},
    {LOG_OUT_ASM, "out_asm", "show the host code the JIT generated for each TB"},
    {LOG_NOCHAIN, "nochain", "do not chain TBs: with exec/cpu, trace every TB, keeping the JIT on"},
};

static FILE *log_stream(void)
{
    return log_file ? log_file : stderr;
}

void log_lock(void)
{
    flockfile(log_stream());
}

void log_unlock(void)
{
    funlockfile(log_stream());
}

void log_printf(const char *fmt, ...)
{
    FILE *f = log_stream();
    va_list ap;

    va_start(ap, fmt);
    flockfile(f);
    vfprintf(f, fmt, ap);
    funlockfile(f);
    va_end(ap);
}

void log_print_help(void)
{
    printf("Log items (comma separated):\n");
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        printf("%-15s %s\n", log_items[i].name, log_items[i].help);
    }
}

static const LogItem *log_find_item(const char *name, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(log_items); i++) {
        if (strlen(log_items[i].name) == len && !strncmp(log_items[i].name, name, len)) {
            return &log_items[i];
        }
    }
    return NULL;
}

bool log_set_mask_str(const char *list, Error **errp)
{
    int mask = 0;
    const char *p = list;

    while (*p) {
        size_t len = strcspn(p, ",");
        if (len == 4 && !strncmp(p, "help", 4)) {
            log_print_help();
            return false;
        }
        if (len) {
            const LogItem *item = log_find_item(p, len);
            if (!item) {
                error_setg(errp, "unknown -d item '%.*s' (try -d help)", (int)len, p);
                return false;
            }
            mask |= item->mask;
        }
        p += len;
        if (*p == ',') {
            p++;
        }
    }
    log_mask_enabled = mask;
    return true;
}

bool log_set_file(const char *path, Error **errp)
{
    FILE *f = fopen(path, "w");

    if (!f) {
        error_setg_errno(errp, errno, "cannot open log file '%s'", path);
        return false;
    }
    /* Line buffered so a crash or a tail -f still shows complete recent lines. */
    setvbuf(f, NULL, _IOLBF, 0);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    return true;
}
