/*
 * The vhost-user protocol, front-end side (the "master": Kestrel), as the QEMU project's
 * docs/interop/vhost-user.rst specifies it: messages over a unix stream socket, each a
 * 12-byte header (u32 request, u32 flags, u32 payload size) and a payload, in host byte
 * order; file descriptors travel as SCM_RIGHTS ancillary data of the same sendmsg.
 *
 * Payloads used here:
 *   u64                       GET/SET_FEATURES, GET/SET_PROTOCOL_FEATURES, GET_QUEUE_NUM,
 *                             SET_VRING_KICK/CALL/ERR (queue index, bit 8 = no fd)
 *   vring state {u32 index, u32 num}             SET_VRING_NUM/BASE/ENABLE, GET_VRING_BASE
 *   vring address {u32 index, u32 flags, u64 desc, used, avail, log}   SET_VRING_ADDR
 *   memory {u32 nregions, u32 padding, region[nregions] {u64 guest_phys_addr,
 *          memory_size, userspace_addr, mmap_offset}}, one fd per region   SET_MEM_TABLE
 * Replies carry VHOST_USER_REPLY_MASK and the request number they answer. When
 * REPLY_ACK was negotiated, a request sent with NEED_REPLY gets a u64 reply: 0 = success.
 *
 * The encoders below fill a VhostUserMsg and its size; vhost_user_check_reply validates a
 * reply before its payload is used (the back-end is another process: untrusted).
 */
#ifndef HW_VIRTIO_VHOST_USER_H
#define HW_VIRTIO_VHOST_USER_H

#include "common.h"
#include "util/error.h"

typedef enum VhostUserRequest {
    VHOST_USER_GET_FEATURES = 1,
    VHOST_USER_SET_FEATURES = 2,
    VHOST_USER_SET_OWNER = 3,
    VHOST_USER_RESET_OWNER = 4,
    VHOST_USER_SET_MEM_TABLE = 5,
    VHOST_USER_SET_VRING_NUM = 8,
    VHOST_USER_SET_VRING_ADDR = 9,
    VHOST_USER_SET_VRING_BASE = 10,
    VHOST_USER_GET_VRING_BASE = 11,
    VHOST_USER_SET_VRING_KICK = 12,
    VHOST_USER_SET_VRING_CALL = 13,
    VHOST_USER_SET_VRING_ERR = 14,
    VHOST_USER_GET_PROTOCOL_FEATURES = 15,
    VHOST_USER_SET_PROTOCOL_FEATURES = 16,
    VHOST_USER_GET_QUEUE_NUM = 17,
    VHOST_USER_SET_VRING_ENABLE = 18,
} VhostUserRequest;

#define VHOST_USER_VERSION 0x1
#define VHOST_USER_VERSION_MASK 0x3
#define VHOST_USER_REPLY_MASK (1u << 2)
#define VHOST_USER_NEED_REPLY_MASK (1u << 3)
#define VHOST_USER_HDR_SIZE 12
#define VHOST_USER_MAX_REGIONS 8        /* fds in one SET_MEM_TABLE (the baseline) */
#define VHOST_USER_VRING_NOFD (1u << 8) /* SET_VRING_KICK/CALL/ERR without an fd */

/* Feature bit 30 of GET_FEATURES: the back-end speaks the protocol-feature messages. */
#define VHOST_USER_F_PROTOCOL_FEATURES 30
/* Protocol feature bits (GET/SET_PROTOCOL_FEATURES). */
#define VHOST_USER_PROTOCOL_F_MQ 0
#define VHOST_USER_PROTOCOL_F_REPLY_ACK 3

typedef struct VhostUserMemoryRegion {
    uint64_t guest_phys_addr;
    uint64_t memory_size;
    uint64_t userspace_addr;
    uint64_t mmap_offset;
} VhostUserMemoryRegion;

typedef struct VhostUserVringAddr {
    uint32_t index;
    uint32_t flags;
    uint64_t desc_user_addr;
    uint64_t used_user_addr;
    uint64_t avail_user_addr;
    uint64_t log_guest_addr;
} VhostUserVringAddr;

typedef struct __attribute__((packed)) VhostUserMsg {
    uint32_t request;
    uint32_t flags;
    uint32_t size; /* of the payload in bytes */
    union {
        uint64_t u64;
        struct {
            uint32_t index;
            uint32_t num;
        } state;
        VhostUserVringAddr addr;
        struct {
            uint32_t nregions;
            uint32_t padding;
            VhostUserMemoryRegion regions[VHOST_USER_MAX_REGIONS];
        } memory;
    } payload;
} VhostUserMsg;

/* A request without payload (GET_FEATURES, SET_OWNER, ...). */
void vhost_user_msg_init(VhostUserMsg *msg, VhostUserRequest request);
/* A request with a u64 payload. */
void vhost_user_msg_u64(VhostUserMsg *msg, VhostUserRequest request, uint64_t value);
/* A vring state request: index and num (size, base or enable). */
void vhost_user_msg_state(VhostUserMsg *msg, VhostUserRequest request, uint32_t index,
                          uint32_t num);
/* SET_VRING_ADDR with the three rings' addresses in the back-end's terms (our user VAs). */
void vhost_user_msg_vring_addr(VhostUserMsg *msg, uint32_t index, uint64_t desc, uint64_t used,
                               uint64_t avail);
/* SET_MEM_TABLE with n regions (n <= VHOST_USER_MAX_REGIONS; the fds travel separately). */
void vhost_user_msg_mem_table(VhostUserMsg *msg, const VhostUserMemoryRegion *regions, unsigned n);
/* Bytes on the wire: header plus payload. */
static inline size_t vhost_user_msg_len(const VhostUserMsg *msg)
{
    return VHOST_USER_HDR_SIZE + msg->size;
}
/*
 * Is reply a well-formed answer to request, with a payload of exactly payload_size bytes?
 * False + errp naming what is wrong (a back-end bug or a hostile back-end).
 */
bool vhost_user_check_reply(const VhostUserMsg *reply, VhostUserRequest request,
                            uint32_t payload_size, Error **errp);

/*
 * ---- the connection: blocking request/reply over a connected unix socket ----
 * These run under the BQL (in a vCPU's MMIO handler or the main loop). A back-end that does
 * not answer within VHOST_USER_TIMEOUT_MS is treated as gone, so a hung back-end cannot hang
 * the machine. Every failure sets errp; the caller then considers the back-end dead.
 */
#define VHOST_USER_TIMEOUT_MS 30000

typedef struct VhostUserConn {
    int fd;                     /* the socket (owned by the chardev) */
    uint64_t protocol_features; /* negotiated */
} VhostUserConn;

/* Send msg with nfds fds attached (SCM_RIGHTS). */
bool vhost_user_send(VhostUserConn *c, const VhostUserMsg *msg, const int *fds, int nfds,
                     Error **errp);
/* Receive one message (header, then its payload up to sizeof(payload)); closes passed fds. */
bool vhost_user_recv(VhostUserConn *c, VhostUserMsg *msg, Error **errp);
/* Send a request; with REPLY_ACK negotiated ask for and check the ack. */
bool vhost_user_request(VhostUserConn *c, VhostUserMsg *msg, const int *fds, int nfds,
                        Error **errp);
/* Send a payload-less or u64 request and return the u64 the back-end answers. */
bool vhost_user_get_u64(VhostUserConn *c, VhostUserRequest request, uint64_t *value, Error **errp);

#endif
