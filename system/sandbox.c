/*
 * -sandbox (seccomp-bpf through libseccomp) and -runas / -run-with user=
 * (include/system/sandbox.h).
 *
 * The filter is a deny list per group, the shape QEMU documents for -sandbox:
 * everything else an emulator does (file and socket I/O, threads, timers,
 * memory mapping for the JIT) stays allowed, so no rarely taken path (an error
 * message, a log file, a new slirp socket) can be killed by a list that forgot it.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "system/sandbox.h"
#include "util/option.h"

/* Always denied: no emulator needs to reboot the host, mount, load modules or trace. */
static const char *const deny_default[] = {
    "reboot",
    "swapon",
    "swapoff",
    "syslog",
    "mount",
    "umount2",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "pivot_root",
    "acct",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "iopl",
    "ioperm",
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "bpf",
    "perf_event_open",
    "keyctl",
    "add_key",
    "request_key",
    "quotactl",
    "vhangup",
    "sethostname",
    "setdomainname",
    "lookup_dcookie",
    "open_by_handle_at",
    "afs_syscall",
    "break",
    "ftime",
    "getpmsg",
    "gtty",
    "lock",
    "mpx",
    "prof",
    "profil",
    "putpmsg",
    "security",
    "stty",
    "tuxcall",
    "ulimit",
    "vserver",
};
/* obsolete=deny (the default when the sandbox is on). */
static const char *const deny_obsolete[] = {
    "readdir",  "_sysctl",  "bdflush", "create_module", "get_kernel_syms", "query_module",
    "sgetmask", "ssetmask", "sysfs",   "uselib",        "ustat",           "nfsservctl",
};
/* elevateprivileges=deny: the set*id calls. */
static const char *const deny_elevate[] = {
    "setuid",   "setgid",   "setreuid",  "setregid", "setresuid", "setresgid",
    "setfsuid", "setfsgid", "setgroups", "setpgid",  "setsid",
};
/* spawn=deny: new processes and programs (clone is filtered on its flags, below). */
static const char *const deny_spawn[] = {"fork", "vfork", "execve", "execveat"};
/* resourcecontrol=deny: scheduling priority and affinity; these fail with EPERM. */
static const char *const deny_resourcecontrol[] = {
    "getpriority",
    "setpriority",
    "sched_setparam",
    "sched_getparam",
    "sched_setscheduler",
    "sched_getscheduler",
    "sched_setaffinity",
    "sched_getaffinity",
    "sched_get_priority_max",
    "sched_get_priority_min",
    "sched_setattr",
    "sched_getattr",
};

/*
 * Names of the calls that trap, for the SIGSYS handler's message. The filter
 * is a process-wide singleton (seccomp cannot be removed), so is this table.
 */
#define SANDBOX_MAX_TRAPPED 128
static struct {
    int nr;
    const char *name;
} trapped[SANDBOX_MAX_TRAPPED];
static int ntrapped;

/* ---- parsing ---- */

static bool sandbox_parse_choice(const char *key, const char *value, const char *const *choices,
                                 int *out, Error **errp)
{
    for (int i = 0; choices[i]; i++) {
        if (!strcmp(value, choices[i])) {
            *out = i;
            return true;
        }
    }
    error_setg(errp, "invalid value '%s' for '%s'", value, key);
    return false;
}

static bool sandbox_parse_item(SandboxConfig *cfg, const char *key, const char *value, Error **errp)
{
    static const char *const allow_deny[] = {"allow", "deny", NULL};
    static const char *const elevate[] = {"allow", "deny", "children", NULL};
    int choice;

    if (!strcmp(key, "enable")) {
        if (!parse_bool(value, &cfg->enable)) {
            error_setg(errp, "'%s' is neither 'on' nor 'off'", value);
            return false;
        }
        return true;
    }
    if (!strcmp(key, "elevateprivileges")) {
        if (!sandbox_parse_choice(key, value, elevate, &choice, errp)) {
            return false;
        }
        cfg->elevate = (SandboxElevate)choice;
        return true;
    }
    if (strcmp(key, "obsolete") && strcmp(key, "spawn") && strcmp(key, "resourcecontrol")) {
        error_setg(errp, "unknown parameter '%s'", key);
        return false;
    }
    if (!sandbox_parse_choice(key, value, allow_deny, &choice, errp)) {
        return false;
    }
    if (!strcmp(key, "obsolete")) {
        cfg->deny_obsolete = choice == 1;
    } else if (!strcmp(key, "spawn")) {
        cfg->deny_spawn = choice == 1;
    } else {
        cfg->deny_resourcecontrol = choice == 1;
    }
    return true;
}

bool sandbox_parse(const char *arg, SandboxConfig *cfg, Error **errp)
{
    KeyValueList kv;
    bool ok = true;

    *cfg = (SandboxConfig){.deny_obsolete = true, .elevate = SANDBOX_ELEVATE_ALLOW};
    if (!keyval_parse(arg, "enable", &kv, errp)) {
        error_prepend(errp, "-sandbox %s: ", arg);
        return false;
    }
    for (int i = 0; i < kv.count && ok; i++) {
        ok = sandbox_parse_item(cfg, kv.items[i].key, kv.items[i].value, errp);
    }
    if (ok && !keyval_get(&kv, "enable")) {
        error_setg(errp, "the first value must be 'on' or 'off'");
        ok = false;
    }
    if (!ok) {
        error_prepend(errp, "-sandbox %s: ", arg);
    }
    keyval_free(&kv);
    return ok;
}

/* ---- the filter ---- */

/* Async-signal-safe: write a decimal number. */
static void sandbox_write_num(int fd, long n)
{
    char buf[24];
    int i = sizeof(buf);
    bool neg = n < 0;
    unsigned long u = neg ? -(unsigned long)n : (unsigned long)n;

    do {
        buf[--i] = '0' + u % 10;
        u /= 10;
    } while (u);
    if (neg) {
        buf[--i] = '-';
    }
    (void)!write(fd, buf + i, sizeof(buf) - i);
}

static void sandbox_write_str(int fd, const char *s)
{
    (void)!write(fd, s, strlen(s));
}

/*
 * A denied call traps here (SCMP_ACT_TRAP rather than a silent kill, so the
 * user learns which call it was); the process then dies of SIGSYS, as under
 * QEMU's kill action. Only async-signal-safe calls.
 */
static void sandbox_sigsys(int sig, siginfo_t *info, void *uctx)
{
    const char *name = "?";

    for (int i = 0; i < ntrapped; i++) {
        if (trapped[i].nr == info->si_syscall) {
            name = trapped[i].name;
        }
    }
    sandbox_write_str(STDERR_FILENO, "kestrel: -sandbox denied system call ");
    sandbox_write_str(STDERR_FILENO, name);
    sandbox_write_str(STDERR_FILENO, " (");
    sandbox_write_num(STDERR_FILENO, info->si_syscall);
    sandbox_write_str(STDERR_FILENO, "); terminating\n");
    signal(SIGSYS, SIG_DFL);
    raise(SIGSYS);
}

static void sandbox_note_trapped(int nr, const char *name)
{
    if (ntrapped < SANDBOX_MAX_TRAPPED) {
        trapped[ntrapped].nr = nr;
        trapped[ntrapped++].name = name;
    }
}

/* Add one rule per name; names this architecture lacks (e.g. "break") are skipped. */
static bool sandbox_deny(scmp_filter_ctx ctx, const char *const *names, size_t n, uint32_t action,
                         Error **errp)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        int ret;

        if (nr == __NR_SCMP_ERROR) {
            continue;
        }
        ret = seccomp_rule_add(ctx, action, nr, 0);
        if (ret < 0) {
            error_setg_errno(errp, -ret, "-sandbox: cannot add a rule for %s", names[i]);
            return false;
        }
        if (action == SCMP_ACT_TRAP) {
            sandbox_note_trapped(nr, names[i]);
        }
    }
    return true;
}

/*
 * spawn=deny: fork() and posix_spawn() are clone without CLONE_THREAD, threads
 * are clone with it. clone3 passes its flags in memory, out of the filter's
 * reach, so it fails with ENOSYS and glibc falls back to clone.
 */
static bool sandbox_deny_clone(scmp_filter_ctx ctx, Error **errp)
{
    int ret = seccomp_rule_add(ctx, SCMP_ACT_TRAP, SCMP_SYS(clone), 1,
                               SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));

    if (ret == 0) {
        ret = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    }
    if (ret < 0) {
        error_setg_errno(errp, -ret, "-sandbox: cannot add the clone rules");
        return false;
    }
    sandbox_note_trapped(SCMP_SYS(clone), "clone");
    return true;
}

static bool sandbox_add_rules(scmp_filter_ctx ctx, const SandboxConfig *cfg, Error **errp)
{
#define DENY(list, action) sandbox_deny(ctx, list, ARRAY_SIZE(list), action, errp)
    return DENY(deny_default, SCMP_ACT_TRAP) &&
           (!cfg->deny_obsolete || DENY(deny_obsolete, SCMP_ACT_TRAP)) &&
           (cfg->elevate != SANDBOX_ELEVATE_DENY || DENY(deny_elevate, SCMP_ACT_TRAP)) &&
           (!cfg->deny_spawn ||
            (DENY(deny_spawn, SCMP_ACT_TRAP) && sandbox_deny_clone(ctx, errp))) &&
           (!cfg->deny_resourcecontrol || DENY(deny_resourcecontrol, SCMP_ACT_ERRNO(EPERM)));
#undef DENY
}

/*
 * no_new_privs: required to load a filter without CAP_SYS_ADMIN. With
 * elevateprivileges=allow we try without it first, so that a privileged
 * process keeps setuid programs working for its children as QEMU's "allow".
 */
static int sandbox_load(scmp_filter_ctx ctx, const SandboxConfig *cfg)
{
    int ret;

    if (cfg->elevate == SANDBOX_ELEVATE_ALLOW) {
        seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
        ret = seccomp_load(ctx);
        if (ret != -EACCES && ret != -EPERM) {
            return ret;
        }
    }
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
    return seccomp_load(ctx);
}

bool sandbox_install(const SandboxConfig *cfg, Error **errp)
{
    struct sigaction act = {.sa_sigaction = sandbox_sigsys, .sa_flags = SA_SIGINFO};
    scmp_filter_ctx ctx;
    bool ok = false;
    int ret;

    if (!cfg->enable) {
        return true;
    }
    ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        error_setg(errp, "-sandbox: cannot create a seccomp filter");
        return false;
    }
    /* The kernel's errno rather than libseccomp's ECANCELED: sandbox_load tells EACCES apart. */
    seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
    /* Every thread, should one exist already, gets the filter (threads made later inherit it). */
    ret = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "-sandbox: cannot synchronise the filter across threads");
        goto out;
    }
    if (!sandbox_add_rules(ctx, cfg, errp)) {
        goto out;
    }
    sigemptyset(&act.sa_mask);
    sigaction(SIGSYS, &act, NULL);
    ret = sandbox_load(ctx, cfg);
    if (ret < 0) {
        error_setg_errno(errp, -ret, "-sandbox: failed to install the seccomp filter");
        goto out;
    }
    ok = true;
out:
    seccomp_release(ctx);
    return ok;
}

/* ---- -runas / -run-with user= ---- */

static bool runas_parse_ids(const char *user, RunAsUser *out)
{
    const char *colon = strchr(user, ':');
    char *uid_str;
    uint64_t uid, gid;
    bool ok;

    if (!colon) {
        return false;
    }
    uid_str = xasprintf("%.*s", (int)(colon - user), user);
    ok = parse_uint(uid_str, &uid) && parse_uint(colon + 1, &gid) && uid < (uid_t)-1 &&
         gid < (gid_t)-1;
    free(uid_str);
    if (ok) {
        *out = (RunAsUser){.set = true, .uid = uid, .gid = gid};
    }
    return ok;
}

bool runas_parse(const char *user, RunAsUser *out, Error **errp)
{
    struct passwd *pw;

    errno = 0;
    pw = *user ? getpwnam(user) : NULL;
    if (pw) {
        *out = (RunAsUser){.set = true, .uid = pw->pw_uid, .gid = pw->pw_gid};
        return true;
    }
    if (runas_parse_ids(user, out)) {
        return true;
    }
    error_setg(errp, "user \"%s\" does not exist (and is not <uid>:<gid>)", user);
    return false;
}

bool run_with_parse(const char *arg, RunAsUser *out, Error **errp)
{
    KeyValueList kv;
    const char *user;
    bool ok = false;

    if (!keyval_parse(arg, NULL, &kv, errp)) {
        error_prepend(errp, "-run-with %s: ", arg);
        return false;
    }
    user = keyval_get(&kv, "user");
    for (int i = 0; i < kv.count; i++) {
        if (strcmp(kv.items[i].key, "user")) {
            error_setg(errp, "-run-with %s: unsupported parameter '%s' (only user=)", arg,
                       kv.items[i].key);
            goto out;
        }
    }
    if (!user) {
        error_setg(errp, "-run-with %s: expected user=USER", arg);
    } else if (!runas_parse(user, out, errp)) {
        error_prepend(errp, "-run-with %s: ", arg);
    } else {
        ok = true;
    }
out:
    keyval_free(&kv);
    return ok;
}

bool runas_drop_privileges(const RunAsUser *user, Error **errp)
{
    if (!user->set) {
        return true;
    }
    /* Groups first: once the uid is no longer root, the groups can no longer be changed. */
    if (setgroups(1, &user->gid) < 0) {
        error_setg_errno(errp, errno, "-runas: cannot drop supplementary groups");
        return false;
    }
    if (setgid(user->gid) < 0) {
        error_setg_errno(errp, errno, "-runas: setgid(%u) failed", (unsigned)user->gid);
        return false;
    }
    if (setuid(user->uid) < 0) {
        error_setg_errno(errp, errno, "-runas: setuid(%u) failed", (unsigned)user->uid);
        return false;
    }
    if (user->uid != 0 && setuid(0) == 0) {
        error_setg(errp, "-runas: root privileges could be regained after setuid(%u)",
                   (unsigned)user->uid);
        return false;
    }
    return true;
}

/*
 * Privileges are dropped before the filter is loaded: elevateprivileges=deny
 * forbids the very calls that drop them.
 */
bool os_setup_post(const RunAsUser *user, const SandboxConfig *sandbox, Error **errp)
{
    return runas_drop_privileges(user, errp) && sandbox_install(sandbox, errp);
}
