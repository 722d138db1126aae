/*
 * Process control for -daemonize and -pidfile (QEMU's os-posix.c).
 *
 * -daemonize forks before anything is created (threads do not survive a
 * fork); the parent waits on a pipe and exits 0 once the child reports
 * that the machine is up (os_daemonize_done), or 1 if the child failed first, so
 * a script that starts the emulator knows the QMP socket exists when the
 * command returns. -pidfile is written by the process that stays, and
 * removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "system/os-posix.h"

/* Process singletons: one daemon pipe and one pidfile per process. */
static int daemon_pipe = -1;
static char *pidfile_path;

static void pidfile_unlink(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
    }
}

/*
 * The parent: succeed once the child says the machine is up. A child that ends first (a
 * configuration error, or a start-up that ends by itself such as -machine dumpdtb=) gives
 * us its exit status.
 */
static void os_daemon_parent_wait(pid_t pid, const int fds[2])
{
    char status = 1;
    ssize_t n;
    int wstatus;

    close(fds[1]);
    while ((n = read(fds[0], &status, 1)) < 0 && errno == EINTR) {
    }
    if (n == 1) {
        _exit(status == 0 ? 0 : 1);
    }
    while (waitpid(pid, &wstatus, 0) < 0) {
        if (errno != EINTR) {
            _exit(1);
        }
    }
    _exit(WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 1);
}

bool os_daemonize(Error **errp)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        error_setg_errno(errp, errno, "-daemonize: cannot create a pipe");
        return false;
    }
    pid = fork();
    if (pid < 0) {
        error_setg_errno(errp, errno, "-daemonize: cannot fork");
        return false;
    }
    if (pid > 0) {
        os_daemon_parent_wait(pid, fds);
    }
    close(fds[0]);
    daemon_pipe = fds[1];
    setsid();
    return true;
}

bool os_write_pidfile(const char *path, Error **errp)
{
    char text[32];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int len = snprintf(text, sizeof(text), "%d\n", (int)getpid());

    if (fd < 0 || write(fd, text, len) != len) {
        error_setg_errno(errp, errno, "cannot create PID file '%s'", path);
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    close(fd);
    pidfile_path = xstrdup(path);
    atexit(pidfile_unlink);
    return true;
}

void os_daemonize_done(void)
{
    int null_fd;
    char ok = 0;

    if (daemon_pipe < 0) {
        return;
    }
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
        dup2(null_fd, STDOUT_FILENO);
        dup2(null_fd, STDERR_FILENO);
        close(null_fd);
    }
    while (write(daemon_pipe, &ok, 1) < 0 && errno == EINTR) {
    }
    close(daemon_pipe);
    daemon_pipe = -1;
}
