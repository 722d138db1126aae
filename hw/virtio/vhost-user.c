/*
 * vhost-user messages and the blocking request/reply layer over the socket
 * (include/hw/virtio/vhost-user.h; protocol: QEMU's docs/interop/vhost-user.rst).
 *
 * The socket is non-blocking (the chardev made it so): every send and receive waits with
 * poll(2) up to VHOST_USER_TIMEOUT_MS for the peer, so a back-end that stops answering
 * fails the request instead of freezing the machine, which holds the BQL meanwhile.
 */
#include "hw/virtio/vhost-user.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

/* ---- encoding ---- */

void vhost_user_msg_init(VhostUserMsg *msg, VhostUserRequest request)
{
    memset(msg, 0, sizeof(*msg));
    msg->request = request;
    msg->flags = VHOST_USER_VERSION;
}

void vhost_user_msg_u64(VhostUserMsg *msg, VhostUserRequest request, uint64_t value)
{
    vhost_user_msg_init(msg, request);
    msg->payload.u64 = value;
    msg->size = sizeof(msg->payload.u64);
}

void vhost_user_msg_state(VhostUserMsg *msg, VhostUserRequest request, uint32_t index, uint32_t num)
{
    vhost_user_msg_init(msg, request);
    msg->payload.state.index = index;
    msg->payload.state.num = num;
    msg->size = sizeof(msg->payload.state);
}

void vhost_user_msg_vring_addr(VhostUserMsg *msg, uint32_t index, uint64_t desc, uint64_t used,
                               uint64_t avail)
{
    vhost_user_msg_init(msg, VHOST_USER_SET_VRING_ADDR);
    msg->payload.addr = (VhostUserVringAddr){
        .index = index, .desc_user_addr = desc, .used_user_addr = used, .avail_user_addr = avail};
    msg->size = sizeof(msg->payload.addr);
}

void vhost_user_msg_mem_table(VhostUserMsg *msg, const VhostUserMemoryRegion *regions, unsigned n)
{
    vhost_user_msg_init(msg, VHOST_USER_SET_MEM_TABLE);
    msg->payload.memory.nregions = n;
    memcpy(msg->payload.memory.regions, regions, n * sizeof(*regions));
    msg->size = 8 + n * sizeof(*regions);
}

bool vhost_user_check_reply(const VhostUserMsg *reply, VhostUserRequest request,
                            uint32_t payload_size, Error **errp)
{
    if (reply->request != request) {
        error_setg(errp, "vhost-user: received unexpected msg type %u, expected %u", reply->request,
                   request);
        return false;
    }
    if ((reply->flags & VHOST_USER_VERSION_MASK) != VHOST_USER_VERSION ||
        !(reply->flags & VHOST_USER_REPLY_MASK)) {
        error_setg(errp, "vhost-user: reply to request %u has bad flags 0x%x", request,
                   reply->flags);
        return false;
    }
    if (reply->size != payload_size) {
        error_setg(errp, "vhost-user: reply to request %u has size %u, expected %u", request,
                   reply->size, payload_size);
        return false;
    }
    return true;
}

/* ---- socket I/O ---- */

/* Wait for the socket to be ready for events; false + errp on timeout, hang-up or error. */
static bool vhost_user_wait(VhostUserConn *c, short events, Error **errp)
{
    struct pollfd p = {.fd = c->fd, .events = events};
    int n;

    do {
        n = poll(&p, 1, VHOST_USER_TIMEOUT_MS);
    } while (n < 0 && errno == EINTR);
    if (n == 0) {
        error_setg(errp, "vhost-user: back-end did not answer within %d s",
                   VHOST_USER_TIMEOUT_MS / 1000);
        return false;
    }
    if (n < 0 || (p.revents & (POLLERR | POLLNVAL)) || !(p.revents & (events | POLLHUP))) {
        error_setg(errp, "vhost-user: socket error");
        return false;
    }
    return true;
}

bool vhost_user_send(VhostUserConn *c, const VhostUserMsg *msg, const int *fds, int nfds,
                     Error **errp)
{
    char control[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_REGIONS)] = {0};
    const uint8_t *buf = (const uint8_t *)msg;
    size_t len = vhost_user_msg_len(msg), done = 0;

    assert(nfds <= VHOST_USER_MAX_REGIONS);
    while (done < len) {
        struct iovec iov = {.iov_base = (void *)(buf + done), .iov_len = len - done};
        struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
        ssize_t n;

        if (nfds && done == 0) {
            /* The fds ride with the first byte of the message. */
            struct cmsghdr *cm;
            mh.msg_control = control;
            mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
            cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
            memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
        }
        n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!vhost_user_wait(c, POLLOUT, errp)) {
                return false;
            }
            continue;
        }
        if (n <= 0) {
            error_setg_errno(errp, n < 0 ? errno : EPIPE, "vhost-user: cannot send request %u",
                             msg->request);
            return false;
        }
        done += n;
    }
    return true;
}

/* Read exactly len bytes; fds the peer passes (none are expected) are closed. */
static bool vhost_user_read_exact(VhostUserConn *c, void *buf, size_t len, Error **errp)
{
    size_t done = 0;

    while (done < len) {
        char control[CMSG_SPACE(sizeof(int) * VHOST_USER_MAX_REGIONS)];
        struct iovec iov = {.iov_base = (uint8_t *)buf + done, .iov_len = len - done};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = control,
                            .msg_controllen = sizeof(control)};
        ssize_t n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC);

        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            if (!vhost_user_wait(c, POLLIN, errp)) {
                return false;
            }
            continue;
        }
        if (n <= 0) {
            error_setg(errp, "vhost-user: %s",
                       n ? strerror(errno) : "back-end closed the connection");
            return false;
        }
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
            if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
                int nfd = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (int i = 0; i < nfd; i++) {
                    int fd;
                    memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
                    close(fd);
                }
            }
        }
        done += n;
    }
    return true;
}

bool vhost_user_recv(VhostUserConn *c, VhostUserMsg *msg, Error **errp)
{
    memset(msg, 0, sizeof(*msg));
    if (!vhost_user_read_exact(c, msg, VHOST_USER_HDR_SIZE, errp)) {
        return false;
    }
    if (msg->size > sizeof(msg->payload)) {
        error_setg(errp, "vhost-user: message of %u bytes is larger than any we know", msg->size);
        return false;
    }
    return vhost_user_read_exact(c, &msg->payload, msg->size, errp);
}

static bool vhost_user_has_protocol(VhostUserConn *c, unsigned bit)
{
    return c->protocol_features & (UINT64_C(1) << bit);
}

bool vhost_user_request(VhostUserConn *c, VhostUserMsg *msg, const int *fds, int nfds, Error **errp)
{
    bool ack = vhost_user_has_protocol(c, VHOST_USER_PROTOCOL_F_REPLY_ACK);
    VhostUserMsg reply;

    if (ack) {
        msg->flags |= VHOST_USER_NEED_REPLY_MASK;
    }
    if (!vhost_user_send(c, msg, fds, nfds, errp)) {
        return false;
    }
    if (!ack) {
        return true;
    }
    if (!vhost_user_recv(c, &reply, errp) ||
        !vhost_user_check_reply(&reply, msg->request, sizeof(uint64_t), errp)) {
        return false;
    }
    if (reply.payload.u64) {
        error_setg(errp, "vhost-user: back-end refused request %u (status %" PRIu64 ")",
                   msg->request, reply.payload.u64);
        return false;
    }
    return true;
}

bool vhost_user_get_u64(VhostUserConn *c, VhostUserRequest request, uint64_t *value, Error **errp)
{
    VhostUserMsg msg;

    vhost_user_msg_init(&msg, request);
    if (!vhost_user_send(c, &msg, NULL, 0, errp) || !vhost_user_recv(c, &msg, errp) ||
        !vhost_user_check_reply(&msg, request, sizeof(uint64_t), errp)) {
        return false;
    }
    *value = msg.payload.u64;
    return true;
}
