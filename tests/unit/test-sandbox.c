/*
 * Unit tests for -sandbox, -runas and -run-with (system/sandbox.c): the option
 * parsers and their errors, and the filter's behaviour, each case in a child
 * process that installs the filter and then tries a forbidden call: spawning
 * under spawn=deny dies of SIGSYS while threads still start, set*id calls under
 * elevateprivileges=deny die, resourcecontrol=deny returns EPERM, and the
 * always-denied group (reboot, mount...) is denied with everything else allowed.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "system/sandbox.h"

static SandboxConfig parse_ok(const char *arg)
{
    SandboxConfig cfg;

    assert_true(sandbox_parse(arg, &cfg, &error_abort));
    return cfg;
}

/* err is passed by address: C leaves the order of argument evaluation open. */
static void expect_error(bool ok, Error **errp, const char *msg)
{
    Error *err = *errp;

    *errp = NULL;
    assert_false(ok);
    assert_non_null(err);
    if (strcmp(error_get_pretty(err), msg)) {
        fail_msg("error '%s', expected '%s'", error_get_pretty(err), msg);
    }
    error_free(err);
}

static void test_parse(void **state)
{
    SandboxConfig cfg = parse_ok("on");
    Error *err = NULL;

    assert_true(cfg.enable && cfg.deny_obsolete && !cfg.deny_spawn && !cfg.deny_resourcecontrol);
    assert_int_equal(cfg.elevate, SANDBOX_ELEVATE_ALLOW);
    cfg = parse_ok("off");
    assert_false(cfg.enable);
    cfg = parse_ok("on,obsolete=allow,elevateprivileges=children,spawn=deny,resourcecontrol=deny");
    assert_true(!cfg.deny_obsolete && cfg.deny_spawn && cfg.deny_resourcecontrol);
    assert_int_equal(cfg.elevate, SANDBOX_ELEVATE_CHILDREN);
    assert_int_equal(parse_ok("on,elevateprivileges=deny").elevate, SANDBOX_ELEVATE_DENY);

    expect_error(sandbox_parse("on,spawn=maybe", &cfg, &err), &err,
                 "-sandbox on,spawn=maybe: invalid value 'maybe' for 'spawn'");
    expect_error(sandbox_parse("on,foo=bar", &cfg, &err), &err,
                 "-sandbox on,foo=bar: unknown parameter 'foo'");
    expect_error(sandbox_parse("yes please", &cfg, &err), &err,
                 "-sandbox yes please: 'yes please' is neither 'on' nor 'off'");
    expect_error(sandbox_parse("spawn=deny", &cfg, &err), &err,
                 "-sandbox spawn=deny: the first value must be 'on' or 'off'");
}

static void test_runas_parse(void **state)
{
    RunAsUser u;
    Error *err = NULL;

    assert_true(runas_parse("root", &u, &error_abort));
    assert_true(u.set && u.uid == 0 && u.gid == 0);
    assert_true(runas_parse("1234:567", &u, &error_abort));
    assert_true(u.uid == 1234 && u.gid == 567);
    assert_true(run_with_parse("user=root", &u, &error_abort));
    expect_error(runas_parse("no-such-user-here", &u, &err), &err,
                 "user \"no-such-user-here\" does not exist (and is not <uid>:<gid>)");
    expect_error(runas_parse("12:x", &u, &err), &err,
                 "user \"12:x\" does not exist (and is not <uid>:<gid>)");
    expect_error(run_with_parse("chroot=/tmp", &u, &err), &err,
                 "-run-with chroot=/tmp: unsupported parameter 'chroot' (only user=)");
    expect_error(run_with_parse("user=no-such-user-here", &u, &err), &err,
                 "-run-with user=no-such-user-here: user \"no-such-user-here\" does not exist "
                 "(and is not <uid>:<gid>)");
}

/*
 * Run fn in a child that first installs the filter for arg (stderr kept, so a
 * SIGSYS message shows in the test log); returns its wait status.
 */
static int run_sandboxed(const char *arg, int (*fn)(void))
{
    struct rlimit no_core = {0, 0};
    int status;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        SandboxConfig cfg;

        setrlimit(RLIMIT_CORE, &no_core); /* a SIGSYS death dumps no core into the tree */
        if (!sandbox_parse(arg, &cfg, NULL) || !sandbox_install(&cfg, NULL)) {
            _exit(100);
        }
        _exit(fn());
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void expect_exit(int status, int code)
{
    if (!WIFEXITED(status) || WEXITSTATUS(status) != code) {
        fail_msg("child status %#x, expected exit %d", status, code);
    }
}

static void expect_sigsys(int status)
{
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
        fail_msg("child status %#x, expected death by SIGSYS", status);
    }
}

static int try_fork(void)
{
    pid_t pid = fork();

    if (pid == 0) {
        _exit(0);
    }
    return pid > 0 ? 1 : 2; /* reached only if fork was not denied */
}

static void *thread_fn(void *arg)
{
    return arg;
}

static int try_thread(void)
{
    pthread_t t;
    void *ret = NULL;

    if (pthread_create(&t, NULL, thread_fn, (void *)42) != 0 || pthread_join(t, &ret) != 0) {
        return 3;
    }
    return ret == (void *)42 ? 0 : 4;
}

static int try_exec(void)
{
    char *const argv[] = {"true", NULL};

    execv("/bin/true", argv);
    return 5;
}

static int try_setuid(void)
{
    return setuid(getuid()) == 0 ? 6 : 7;
}

static int try_setpriority(void)
{
    return setpriority(PRIO_PROCESS, 0, 1) < 0 && errno == EPERM ? 0 : 8;
}

static int try_mount(void)
{
    mount("none", "/nonexistent", "tmpfs", 0, NULL);
    return 9;
}

static int is_seccomp_mode2(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int mode = -1;

    while (f && fgets(line, sizeof(line), f)) {
        sscanf(line, "Seccomp: %d", &mode);
    }
    if (f) {
        fclose(f);
    }
    return mode == 2 ? 0 : 10;
}

static void test_filter_installed(void **state)
{
    expect_exit(run_sandboxed("on", is_seccomp_mode2), 0);
    expect_exit(run_sandboxed("off", is_seccomp_mode2), 10);
}

static void test_spawn(void **state)
{
    expect_sigsys(run_sandboxed("on,spawn=deny", try_fork));
    expect_sigsys(run_sandboxed("on,spawn=deny", try_exec));
    expect_exit(run_sandboxed("on,spawn=deny", try_thread), 0); /* vCPU threads still start */
    expect_exit(run_sandboxed("on", try_fork), 1);              /* spawn=allow: the default */
}

static void test_elevateprivileges(void **state)
{
    expect_sigsys(run_sandboxed("on,elevateprivileges=deny", try_setuid));
    expect_exit(run_sandboxed("on,elevateprivileges=children", try_setuid), 6);
    expect_exit(run_sandboxed("on", try_setuid), 6);
}

static void test_resourcecontrol(void **state)
{
    expect_exit(run_sandboxed("on,resourcecontrol=deny", try_setpriority), 0);
}

static void test_always_denied(void **state)
{
    expect_sigsys(run_sandboxed("on,obsolete=allow", try_mount));
    expect_exit(run_sandboxed("off", try_mount), 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_runas_parse),
        cmocka_unit_test(test_filter_installed),
        cmocka_unit_test(test_spawn),
        cmocka_unit_test(test_elevateprivileges),
        cmocka_unit_test(test_resourcecontrol),
        cmocka_unit_test(test_always_denied),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
