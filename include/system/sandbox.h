/*
 * Process confinement, as QEMU's -sandbox and -runas / -run-with user=:
 *
 * -sandbox on[,obsolete=allow|deny][,elevateprivileges=allow|deny|children]
 *            [,spawn=allow|deny][,resourcecontrol=allow|deny]
 *   installs a seccomp-bpf filter (libseccomp, mode 2). System calls an
 *   emulator never makes (reboot, mount, kexec, module loading, ...) are always
 *   denied; the groups are denied as asked (defaults: obsolete=deny, the others
 *   allow). A denied call in the default, obsolete, elevateprivileges and spawn
 *   groups ends the process with SIGSYS after a message naming the call (QEMU
 *   kills the process too); resourcecontrol calls fail with EPERM. With
 *   spawn=deny, clone3 fails with ENOSYS so that glibc creates threads with
 *   clone, whose flags the filter can inspect (threads allowed, forks not).
 *   elevateprivileges=children allows set*id calls but sets no_new_privs, so
 *   children cannot gain privileges through setuid programs.
 *
 * -runas USER|UID:GID, -run-with user=USER|UID:GID: after start-up opened its
 *   files, the process takes the user's uid and gid and drops supplementary
 *   groups.
 *
 * The parsers check everything (unknown user, bad value) so a bad command line
 * is refused before anything is created; the actions run once, from
 * os_setup_post(), after machine set-up and before the vCPUs start.
 */
#ifndef SYSTEM_SANDBOX_H
#define SYSTEM_SANDBOX_H

#include <sys/types.h>

#include "common.h"
#include "util/error.h"

typedef enum SandboxElevate {
    SANDBOX_ELEVATE_ALLOW,
    SANDBOX_ELEVATE_DENY,
    SANDBOX_ELEVATE_CHILDREN,
} SandboxElevate;

typedef struct SandboxConfig {
    bool enable;
    bool deny_obsolete; /* default true */
    SandboxElevate elevate;
    bool deny_spawn;
    bool deny_resourcecontrol;
} SandboxConfig;

typedef struct RunAsUser {
    bool set;
    uid_t uid;
    gid_t gid;
} RunAsUser;

/* Parse a -sandbox argument ("on", "off", "on,spawn=deny", ...) into *cfg. */
bool sandbox_parse(const char *arg, SandboxConfig *cfg, Error **errp);
/* Build and load the filter for this process (all its threads). */
bool sandbox_install(const SandboxConfig *cfg, Error **errp);

/* Resolve USER (passwd name) or UID:GID; fails for an unknown user. */
bool runas_parse(const char *user, RunAsUser *out, Error **errp);
/* Parse a -run-with argument; only user= is supported. */
bool run_with_parse(const char *arg, RunAsUser *out, Error **errp);
/* setgroups/setgid/setuid to the user, then check root cannot be regained. */
bool runas_drop_privileges(const RunAsUser *user, Error **errp);

/* Drop privileges (if asked), then install the sandbox (if enabled). */
bool os_setup_post(const RunAsUser *user, const SandboxConfig *sandbox, Error **errp);

#endif
