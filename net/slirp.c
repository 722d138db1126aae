/*
 * The "user" netdev on libslirp (reference: /usr/include/slirp/libslirp.h, libslirp 4.7).
 *
 * Guest network, as QEMU's defaults:  10.0.2.0/24, host (gateway) 10.0.2.2, DNS 10.0.2.3,
 * DHCP from 10.0.2.15; IPv6 fec0::/64 with host fec0::2 and DNS fec0::3.
 *
 * Integration with the main loop. libslirp owns its sockets and wants to be asked, before
 * every poll, which fds to watch (slirp_pollfds_fill) and told after it what happened
 * (slirp_pollfds_poll), which also runs its TCP timers. That maps one to one onto a main-loop
 * poll hook (include/util/main-loop.h), so no per-socket fd handler is registered and
 * register_poll_fd/unregister_poll_fd have nothing to do. The poll timeout stays
 * deadline-based: fill may only shorten the loop's deadline (libslirp never asks to sleep
 * more than 1 s, so an idle user netdev wakes the loop once a second, as in QEMU). libslirp's
 * own timers (IPv6 router advertisements) are util/timer.h timers on CLOCK_HOST, the clock
 * clock_get_ns reports, so TCP connections on the host side do not stall while the VM is
 * paused.
 */
#include "net/slirp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>

#include "net/slirp-lib.h"
#include "net/slirp-opts.h"
#include "util/log.h"
#include "util/main-loop.h"
#include "util/timer.h"

typedef struct SlirpNetdev {
    const SlirpLib *lib;
    NetClientState *nc;
    Slirp *slirp;
    PollHook *poll_hook;
} SlirpNetdev;

/* One libslirp timer (libslirp hands its id back to slirp_handle_timer). */
typedef struct SlirpNetdevTimer {
    SlirpNetdev *s;
    Timer *timer;
    SlirpTimerId id;
    void *cb_opaque;
} SlirpNetdevTimer;

/* ---- libslirp callbacks ---- */

static ssize_t net_slirp_send_packet(const void *buf, size_t len, void *opaque)
{
    SlirpNetdev *s = opaque;

    net_send_packet(s->nc, buf, len);
    return len;
}

static void net_slirp_guest_error(const char *msg, void *opaque)
{
    log_mask(LOG_GUEST_ERROR, "slirp: %s\n", msg);
}

static int64_t net_slirp_clock_get_ns(void *opaque)
{
    return clock_get_ns(CLOCK_HOST);
}

static void net_slirp_timer_fire(void *opaque)
{
    SlirpNetdevTimer *t = opaque;

    t->s->lib->handle_timer(t->s->slirp, t->id, t->cb_opaque);
}

static void *net_slirp_timer_new_opaque(SlirpTimerId id, void *cb_opaque, void *opaque)
{
    SlirpNetdevTimer *t = xzalloc(sizeof(*t));

    t->s = opaque;
    t->id = id;
    t->cb_opaque = cb_opaque;
    t->timer = timer_new_ns(CLOCK_HOST, net_slirp_timer_fire, t);
    return t;
}

static void net_slirp_timer_free(void *timer, void *opaque)
{
    SlirpNetdevTimer *t = timer;

    timer_free(t->timer);
    free(t);
}

/* libslirp gives the deadline in milliseconds of the clock_get_ns clock. */
static void net_slirp_timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    SlirpNetdevTimer *t = timer;

    timer_mod_ns(t->timer, expire_ms * 1000000);
}

/* The poll hook enumerates slirp's sockets on every iteration: nothing to track per fd. */
static void net_slirp_register_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_unregister_poll_fd(int fd, void *opaque)
{
}

static void net_slirp_notify(void *opaque)
{
    main_loop_notify();
}

static void net_slirp_init_completed(Slirp *slirp, void *opaque)
{
    SlirpNetdev *s = opaque;

    s->slirp = slirp;
}

static const SlirpCb net_slirp_callbacks = {
    .send_packet = net_slirp_send_packet,
    .guest_error = net_slirp_guest_error,
    .clock_get_ns = net_slirp_clock_get_ns,
    .timer_free = net_slirp_timer_free,
    .timer_mod = net_slirp_timer_mod,
    .register_poll_fd = net_slirp_register_poll_fd,
    .unregister_poll_fd = net_slirp_unregister_poll_fd,
    .notify = net_slirp_notify,
    .init_completed = net_slirp_init_completed,
    .timer_new_opaque = net_slirp_timer_new_opaque,
};

/* ---- the main-loop poll hook ---- */

static int net_slirp_add_poll(int fd, int slirp_events, void *opaque)
{
    short events = (slirp_events & SLIRP_POLL_IN ? POLLIN : 0) |
                   (slirp_events & SLIRP_POLL_OUT ? POLLOUT : 0) |
                   (slirp_events & SLIRP_POLL_PRI ? POLLPRI : 0);

    return main_loop_poll_add(fd, events);
}

static int net_slirp_get_revents(int index, void *opaque)
{
    short revents = main_loop_poll_revents(index);

    return (revents & POLLIN ? SLIRP_POLL_IN : 0) | (revents & POLLOUT ? SLIRP_POLL_OUT : 0) |
           (revents & POLLPRI ? SLIRP_POLL_PRI : 0) | (revents & POLLERR ? SLIRP_POLL_ERR : 0) |
           (revents & POLLHUP ? SLIRP_POLL_HUP : 0);
}

static void net_slirp_poll_fill(void *opaque, int64_t *timeout_ns)
{
    SlirpNetdev *s = opaque;
    /* Round up: rounding a sub-millisecond deadline down to 0 would make the loop spin. */
    uint32_t offered = *timeout_ns < 0 || *timeout_ns >= (int64_t)UINT32_MAX * 1000000
                           ? UINT32_MAX
                           : (uint32_t)((*timeout_ns + 999999) / 1000000);
    uint32_t timeout_ms = offered;

    s->lib->pollfds_fill(s->slirp, &timeout_ms, net_slirp_add_poll, s);
    if (timeout_ms < offered) {
        *timeout_ns = (int64_t)timeout_ms * 1000000;
    }
}

static void net_slirp_poll_dispatch(void *opaque, bool poll_failed)
{
    SlirpNetdev *s = opaque;

    s->lib->pollfds_poll(s->slirp, poll_failed, net_slirp_get_revents, s);
}

/* ---- the net client ---- */

/* A frame from the guest's NIC. */
static ssize_t net_slirp_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    SlirpNetdev *s = nc->opaque;

    s->lib->input(s->slirp, buf, (int)size);
    /* Called from a vCPU thread, this may have opened sockets or moved TCP deadlines that the
     * poll in progress does not know about. */
    main_loop_notify();
    return size;
}

static void net_slirp_cleanup(NetClientState *nc)
{
    SlirpNetdev *s = nc->opaque;

    main_loop_remove_poll_hook(s->poll_hook);
    if (s->slirp) {
        s->lib->cleanup(s->slirp);
    }
    free(s);
}

static const NetClientInfo net_slirp_info = {
    .kind = NET_CLIENT_NETDEV,
    .type = "user",
    .receive = net_slirp_receive,
    .cleanup = net_slirp_cleanup,
};

static bool net_slirp_add_hostfwds(SlirpNetdev *s, const SlirpOptions *o, Error **errp)
{
    for (int i = 0; i < o->nhostfwd; i++) {
        NetHostFwd fwd;
        struct in_addr guest;

        if (!net_slirp_parse_hostfwd(o->hostfwd[i], &fwd, errp)) {
            return false;
        }
        guest = fwd.guest_addr_set ? fwd.guest_addr : o->cfg.vdhcp_start;
        errno = 0;
        if (s->lib->add_hostfwd(s->slirp, fwd.udp, fwd.host_addr, fwd.host_port, guest,
                                fwd.guest_port) < 0) {
            if (errno) {
                error_setg_errno(errp, errno, "could not set up host forwarding rule '%s'",
                                 o->hostfwd[i]);
            } else {
                error_setg(errp, "could not set up host forwarding rule '%s'", o->hostfwd[i]);
            }
            return false;
        }
    }
    return true;
}

NetClientState *net_slirp_init(const char *id, const KeyValueList *opts, Error **errp)
{
    SlirpOptions o;
    SlirpNetdev *s;
    NetClientState *nc = NULL;
    const SlirpLib *lib;

    if (!net_slirp_parse_options(opts, &o, errp)) {
        goto out;
    }
    if (!(lib = slirp_lib_get(errp))) {
        goto out;
    }
    s = xzalloc(sizeof(*s));
    s->lib = lib;
    nc = net_client_new(&net_slirp_info, id, s);
    s->nc = nc;
    snprintf(nc->info_str, sizeof(nc->info_str), "net=%s,restrict=%s", inet_ntoa(o.cfg.vnetwork),
             o.cfg.restricted ? "on" : "off");
    s->slirp = lib->new_slirp(&o.cfg, &net_slirp_callbacks, s);
    if (!s->slirp) {
        error_setg(errp, "could not initialize the user network stack");
        goto fail;
    }
    if (!net_slirp_add_hostfwds(s, &o, errp)) {
        goto fail;
    }
    s->poll_hook = main_loop_add_poll_hook(net_slirp_poll_fill, net_slirp_poll_dispatch, s);
    goto out;

fail:
    net_client_free(nc);
    nc = NULL;
out:
    net_slirp_options_free(&o);
    return nc;
}
