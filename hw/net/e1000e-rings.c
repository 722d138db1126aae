/*
 * e1000e receive and transmit descriptor rings (82574 datasheet, 7.1 and 7.2).
 *
 * A ring is RDLEN/TDLEN bytes of 16-byte descriptors at RDBA/TDBA; the device owns the
 * descriptors from head to tail. Everything here comes from the guest and is untrusted: a
 * ring that is not a whole number of descriptors, a head outside it, a buffer outside RAM
 * or a frame larger than the net layer allows is logged (-d guest_errors) and the frame is
 * dropped. A TDT write processes at most one ring's worth of descriptors, so no write can
 * make the device loop.
 */
#include "hw/net/e1000e.h"

#include <inttypes.h>

#include "system/memory.h"
#include "util/log.h"

#define DESC_SIZE 16

/* Legacy RX status and extended RX status bits. */
#define RXD_STAT_DD 0x01
#define RXD_STAT_EOP 0x02
#define RXD_STAT_IXSM 0x04
#define RXD_STAT_UDPCS 0x10
#define RXD_STAT_TCPCS 0x20
#define RXD_STAT_IPCS 0x40
#define RXD_ERR_TCPE 0x20
#define RXD_ERR_IPE 0x40
#define RXCSUM_IPOFL (1u << 8)
#define RXCSUM_TUOFL (1u << 9)
#define RFCTL_EXTEN (1u << 15)
#define RCTL_UPE (1u << 3)
#define RCTL_MPE (1u << 4)
#define RCTL_DTYP_SHIFT 10
#define RCTL_BAM (1u << 15)
#define RCTL_BSEX (1u << 25)
#define RCTL_SECRC (1u << 26)
#define RAH_AV (1u << 31)

/* TX command bits (legacy cmd byte, extended DCMD/TUCMD byte) and descriptor types. */
#define TXD_CMD_EOP 0x01
#define TXD_CMD_TSE 0x04
#define TXD_CMD_RS 0x08
#define TXD_CMD_DEXT 0x20
#define TXD_DTYP_CONTEXT 0
#define TXD_DTYP_DATA 1
#define TXD_POPTS_IXSM 0x01
#define TXD_POPTS_TXSM 0x02
#define TXD_STAT_DD 0x01
#define TXD_TUCMD_IP 0x02

/* ---- guest memory ---- */

/* True if [addr, addr+len) is RAM (writable RAM when is_write). */
static bool e1000e_dma_ok(hwaddr addr, uint64_t len, bool is_write)
{
    FlatView *view = address_space_get_flatview(address_space_memory());
    hwaddr last = addr + len - 1;

    if (len == 0) {
        return true;
    }
    if (last < addr) {
        return false;
    }
    while (true) {
        const FlatRange *fr = flatview_lookup(view, addr);

        if (!fr || !memory_region_is_ram(fr->mr) || (is_write && memory_region_is_rom(fr->mr))) {
            return false;
        }
        if (fr->addr + fr->size - 1 >= last) {
            return true;
        }
        addr = fr->addr + fr->size;
    }
}

static bool e1000e_dma_read(hwaddr addr, void *buf, uint64_t len)
{
    if (!e1000e_dma_ok(addr, len, false)) {
        log_mask(LOG_GUEST_ERROR, "e1000e: DMA read of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return address_space_read(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

static bool e1000e_dma_write(hwaddr addr, const void *buf, uint64_t len)
{
    if (!e1000e_dma_ok(addr, len, true)) {
        log_mask(LOG_GUEST_ERROR, "e1000e: DMA write of 0x%" PRIx64 "+0x%" PRIx64 " outside RAM\n",
                 addr, len);
        return false;
    }
    return address_space_write(address_space_memory(), addr, buf, len) == MEMTX_OK;
}

static uint64_t ld64(const uint8_t *p)
{
    return (uint64_t)pci_get_long(p) | ((uint64_t)pci_get_long(p + 4) << 32);
}

/* ---- rings ---- */

typedef struct Ring {
    uint32_t bal, bah, len, head, tail; /* register offsets */
    const char *name;
} Ring;

static const Ring rx_ring = {E1000_RDBAL, E1000_RDBAH, E1000_RDLEN, E1000_RDH, E1000_RDT, "RX"};
static const Ring tx_ring = {E1000_TDBAL, E1000_TDBAH, E1000_TDLEN, E1000_TDH, E1000_TDT, "TX"};

/* Descriptors in the ring, or 0 (logged) if its length or head is unusable. */
static uint32_t ring_count(E1000EState *s, const Ring *r)
{
    uint32_t len = e1000e_reg(s, r->len);
    uint32_t count = len / DESC_SIZE;

    if (count == 0 || len % 128) {
        log_mask(LOG_GUEST_ERROR, "e1000e: %s ring length %u is not a non-zero multiple of 128\n",
                 r->name, len);
        return 0;
    }
    if (e1000e_reg(s, r->head) >= count || e1000e_reg(s, r->tail) >= count) {
        log_mask(LOG_GUEST_ERROR, "e1000e: %s ring head %u / tail %u outside its %u descriptors\n",
                 r->name, e1000e_reg(s, r->head), e1000e_reg(s, r->tail), count);
        return 0;
    }
    return count;
}

static hwaddr ring_desc_addr(E1000EState *s, const Ring *r, uint32_t index)
{
    uint64_t base = ((uint64_t)e1000e_reg(s, r->bah) << 32) | (e1000e_reg(s, r->bal) & ~0xfu);

    return base + (uint64_t)index * DESC_SIZE;
}

static void ring_advance_head(E1000EState *s, const Ring *r, uint32_t count)
{
    uint32_t head = e1000e_reg(s, r->head) + 1;

    s->regs[r->head >> 2] = head == count ? 0 : head;
}

/* ---- receive ---- */

static size_t rx_buffer_size(E1000EState *s)
{
    uint32_t rctl = e1000e_reg(s, E1000_RCTL);
    size_t size = 2048 >> ((rctl >> 16) & 3);

    return (rctl & RCTL_BSEX) ? size * 16 : size;
}

static bool rx_mta_match(E1000EState *s, const uint8_t *dst)
{
    unsigned shift = 4 - ((e1000e_reg(s, E1000_RCTL) >> 12) & 3);
    uint32_t hash = ((dst[4] >> shift) | ((uint32_t)dst[5] << (8 - shift))) & 0xfff;

    if (((e1000e_reg(s, E1000_RCTL) >> 12) & 3) == 3) {
        hash = (dst[4] | ((uint32_t)dst[5] << 8)) & 0xfff;
    }
    return e1000e_reg(s, E1000_MTA + (hash >> 5) * 4) & (1u << (hash & 31));
}

/* The receive filter (7.1.1): our addresses, broadcast, multicast, promiscuous modes. */
static bool rx_accept(E1000EState *s, const uint8_t *buf, size_t size)
{
    uint32_t rctl = e1000e_reg(s, E1000_RCTL);
    static const uint8_t bcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

    if (size < ETH_ALEN) {
        return false;
    }
    if (!memcmp(buf, bcast, ETH_ALEN)) {
        return rctl & (RCTL_BAM | RCTL_UPE | RCTL_MPE);
    }
    if (buf[0] & 1) {
        return (rctl & (RCTL_MPE | RCTL_UPE)) || rx_mta_match(s, buf);
    }
    if (rctl & RCTL_UPE) {
        return true;
    }
    for (int i = 0; i < 16; i++) {
        uint32_t lo = e1000e_reg(s, E1000_RAL0 + i * 8), hi = e1000e_reg(s, E1000_RAH0 + i * 8);
        uint8_t ra[ETH_ALEN] = {lo, lo >> 8, lo >> 16, lo >> 24, hi, hi >> 8};

        if ((hi & RAH_AV) && !memcmp(buf, ra, ETH_ALEN)) {
            return true;
        }
    }
    return false;
}

/* Free descriptors the guest has given us (head up to tail). */
static uint32_t rx_free(E1000EState *s, uint32_t count)
{
    uint32_t head = e1000e_reg(s, E1000_RDH), tail = e1000e_reg(s, E1000_RDT);

    return tail >= head ? tail - head : count - head + tail;
}

bool e1000e_can_receive(NetClientState *nc)
{
    E1000EState *s = nc->opaque;
    uint32_t len = e1000e_reg(s, E1000_RDLEN), count = len / DESC_SIZE;

    if (!(e1000e_reg(s, E1000_RCTL) & E1000_RCTL_EN) || count == 0 ||
        e1000e_reg(s, E1000_RDH) >= count || e1000e_reg(s, E1000_RDT) >= count) {
        return true; /* receive drops the frame (and logs a bad ring) */
    }
    return rx_free(s, count) * rx_buffer_size(s) >= 1522;
}

/* The ones' complement sum of len bytes (big-endian words) added to sum, folded to 16 bits. */
static uint16_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i += 2) {
        sum += (uint32_t)p[i] << 8 | (i + 1 < len ? p[i + 1] : 0);
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum;
}

/*
 * Receive checksum offload (7.1.6, RXCSUM): with IPOFL the IPv4 header checksum is checked
 * (IPCS, error IPE), with TUOFL the TCP or UDP checksum of an unfragmented IPv4 packet
 * (TCPCS/UDPCS, error TCPE). The result: status bits in 7:0, error bits in 31:24; IXSM
 * (nothing checked) when neither offload is on.
 */
static uint32_t rx_checksum(E1000EState *s, const uint8_t *f, size_t len)
{
    uint32_t rxcsum = e1000e_reg(s, E1000_RXCSUM), res = 0;
    size_t ihl, tot, l4;
    uint8_t pseudo[12];

    if (!(rxcsum & (RXCSUM_IPOFL | RXCSUM_TUOFL))) {
        return RXD_STAT_IXSM;
    }
    if (len < 34 || f[12] != 0x08 || f[13] != 0x00 || (f[14] >> 4) != 4) {
        return 0; /* not IPv4: not checked */
    }
    ihl = (f[14] & 0xf) * 4;
    tot = (size_t)f[16] << 8 | f[17];
    if (ihl < 20 || tot < ihl || 14 + tot > len) {
        return 0;
    }
    if (rxcsum & RXCSUM_IPOFL) {
        res |=
            csum_add(0, f + 14, ihl) == 0xffff ? RXD_STAT_IPCS : RXD_STAT_IPCS | RXD_ERR_IPE << 24;
    }
    l4 = tot - ihl;
    if (!(rxcsum & RXCSUM_TUOFL) || (f[20] & 0x3f) || f[21] || (f[23] != 6 && f[23] != 17) ||
        l4 < (f[23] == 6 ? 20u : 8u) || (f[23] == 17 && !f[14 + ihl + 6] && !f[14 + ihl + 7])) {
        return res; /* a fragment, another protocol, or UDP without a checksum */
    }
    memcpy(pseudo, f + 26, 8); /* source and destination addresses */
    pseudo[8] = 0;
    pseudo[9] = f[23];
    pseudo[10] = l4 >> 8;
    pseudo[11] = l4;
    res |= f[23] == 6 ? RXD_STAT_TCPCS : RXD_STAT_UDPCS;
    if (csum_add(csum_add(0, pseudo, 12), f + 14 + ihl, l4) != 0xffff) {
        res |= RXD_ERR_TCPE << 24;
    }
    return res;
}

/* Write back one RX descriptor: legacy or extended layout (7.1.4, 7.1.5); csum as rx_checksum. */
static bool rx_write_back(E1000EState *s, hwaddr desc, uint16_t len, bool eop, uint32_t csum)
{
    uint8_t d[DESC_SIZE] = {0};
    uint8_t status = RXD_STAT_DD | (eop ? RXD_STAT_EOP : 0) | (csum & 0xff);

    if (e1000e_reg(s, E1000_RFCTL) & RFCTL_EXTEN) {
        pci_set_long(d + 8, status | (csum & 0xff000000u)); /* status_error */
        pci_set_word(d + 12, len);
    } else {
        if (!e1000e_dma_read(desc, d, DESC_SIZE)) {
            return false;
        }
        pci_set_word(d + 8, len);
        pci_set_word(d + 10, 0);
        d[12] = status;
        d[13] = csum >> 24;
        pci_set_word(d + 14, 0);
    }
    return e1000e_dma_write(desc, d, DESC_SIZE);
}

/* Copy the frame into as many buffers as it needs; false if the guest's ring is bad. */
static bool rx_store(E1000EState *s, uint32_t count, const uint8_t *buf, size_t size)
{
    size_t bufsize = rx_buffer_size(s), done = 0;
    uint32_t csum = rx_checksum(s, buf, size);

    while (done < size) {
        hwaddr desc = ring_desc_addr(s, &rx_ring, e1000e_reg(s, E1000_RDH));
        uint8_t d[DESC_SIZE];
        size_t chunk = MIN(bufsize, size - done);

        if (!e1000e_dma_read(desc, d, DESC_SIZE) || !e1000e_dma_write(ld64(d), buf + done, chunk)) {
            /* Buffer or descriptor outside RAM: give the descriptor back, frame lost. */
            rx_write_back(s, desc, 0, true, RXD_STAT_IXSM);
            ring_advance_head(s, &rx_ring, count);
            return false;
        }
        done += chunk;
        if (!rx_write_back(s, desc, chunk, done == size, csum)) {
            return false;
        }
        ring_advance_head(s, &rx_ring, count);
    }
    return true;
}

ssize_t e1000e_receive(NetClientState *nc, const uint8_t *buf, size_t size)
{
    E1000EState *s = nc->opaque;
    uint32_t count;
    uint8_t *frame = s->rx_frame;
    size_t len = size;

    if (!(e1000e_reg(s, E1000_RCTL) & E1000_RCTL_EN) || !rx_accept(s, buf, size)) {
        return size;
    }
    if ((e1000e_reg(s, E1000_RCTL) >> RCTL_DTYP_SHIFT) & 3) {
        log_mask(LOG_GUEST_ERROR, "e1000e: packet-split receive descriptors not supported: "
                                  "frame dropped\n");
        return size;
    }
    count = ring_count(s, &rx_ring);
    if (!count || size > NET_MAX_FRAME_SIZE) {
        return size;
    }
    memcpy(frame, buf, size);
    if (len < 60) { /* pad runts to the Ethernet minimum, as the wire would */
        memset(frame + len, 0, 60 - len);
        len = 60;
    }
    if (!(e1000e_reg(s, E1000_RCTL) & RCTL_SECRC)) {
        memset(frame + len, 0, 4); /* the driver strips a CRC it expects to be there */
        len += 4;
    }
    if (rx_free(s, count) * rx_buffer_size(s) < len) {
        e1000e_set_icr(s, E1000_ICR_RXO);
        return 0; /* wait for buffers: the net layer queues the frame */
    }
    rx_store(s, count, frame, len);
    e1000e_set_icr(s, E1000_ICR_RXT0 | (rx_free(s, count) < count / 8 ? E1000_ICR_RXDMT0 : 0));
    return size;
}

/* ---- transmit ---- */

/* Ones' complement checksum of frame[start..end] stored at offset at (7.2.5). */
static void tx_insert_csum(E1000EState *s, unsigned start, unsigned at, unsigned end)
{
    uint32_t sum = 0;

    if (end == 0 || end >= s->tx_len) {
        end = s->tx_len - 1;
    }
    if (start > end || at + 2 > s->tx_len) {
        log_mask(LOG_GUEST_ERROR,
                 "e1000e: TX checksum offsets %u..%u -> %u outside a %zu-byte "
                 "frame\n",
                 start, end, at, s->tx_len);
        return;
    }
    sum = ~csum_add(0, s->tx_frame + start, end - start + 1) & 0xffff;
    s->tx_frame[at] = sum >> 8;
    s->tx_frame[at + 1] = sum;
}

static void tx_context(E1000EState *s, const uint8_t *d)
{
    s->tx_ipcss = d[0];
    s->tx_ipcso = d[1];
    s->tx_ipcse = pci_get_word(d + 2);
    s->tx_tucss = d[4];
    s->tx_tucso = d[5];
    s->tx_tucse = pci_get_word(d + 6);
    s->tx_tucmd = d[11];
    s->tx_hdr_len = d[13];
    s->tx_mss = pci_get_word(d + 14);
}

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static uint16_t get_be16(const uint8_t *p)
{
    return p[0] << 8 | p[1];
}

/*
 * Send the gathered frame as TCP segments of at most MSS payload bytes (7.3.6): each gets
 * the header with its IP length, IPv4 ID, TCP sequence number and flags fixed, and the
 * checksums the driver left for the device (it seeds the TCP one without the length).
 */
static void tx_tso(E1000EState *s, uint8_t popts)
{
    unsigned hdr = s->tx_hdr_len, ip = s->tx_ipcss, tcp = s->tx_tucss;
    size_t payload = s->tx_len - hdr, off = 0;
    uint8_t *frame = s->tx_frame;
    uint32_t seq;
    uint16_t ipid, seed;

    if (hdr > s->tx_len || tcp + 20 > hdr || ip + 20 > tcp || s->tx_mss == 0) {
        log_mask(LOG_GUEST_ERROR,
                 "e1000e: TSO header %u (IP %u, TCP %u, MSS %u) does not fit "
                 "a %zu-byte frame: dropped\n",
                 hdr, ip, tcp, s->tx_mss, s->tx_len);
        return;
    }
    seq = (uint32_t)get_be16(frame + tcp + 4) << 16 | get_be16(frame + tcp + 6);
    ipid = get_be16(frame + ip + 4);
    seed = get_be16(frame + tcp + 16);
    do {
        size_t n = MIN(s->tx_mss, payload - off);
        uint32_t sum = seed + (uint32_t)(hdr - tcp + n);
        bool last = off + n == payload;
        uint8_t *seg = s->tx_seg;

        memcpy(seg, frame, hdr);
        memcpy(seg + hdr, frame + hdr + off, n);
        if (s->tx_tucmd & TXD_TUCMD_IP) {
            put_be16(seg + ip + 2, hdr - ip + n);
            put_be16(seg + ip + 4, ipid++);
        } else {
            put_be16(seg + ip + 4, hdr - ip - 40 + n); /* IPv6 payload length */
        }
        put_be16(seg + tcp + 4, (seq + off) >> 16);
        put_be16(seg + tcp + 6, seq + off);
        if (!last) {
            seg[tcp + 13] &= ~0x09; /* FIN and PSH only on the last segment */
        }
        put_be16(seg + tcp + 16, (sum & 0xffff) + (sum >> 16));
        s->tx_frame = seg; /* the checksum helper works on tx_frame/tx_len */
        s->tx_len = hdr + n;
        if (popts & TXD_POPTS_IXSM) {
            put_be16(seg + s->tx_ipcso, 0);
            tx_insert_csum(s, ip, s->tx_ipcso, s->tx_ipcse);
        }
        if (popts & TXD_POPTS_TXSM) {
            tx_insert_csum(s, tcp, s->tx_tucso, 0);
        }
        s->tx_frame = frame;
        net_send_packet(s->nic, seg, hdr + n);
        off += n;
    } while (off < payload);
}

/* Append one buffer to the frame; at EOP send it with the offloads popts asks for. */
static void tx_data(E1000EState *s, uint64_t addr, uint32_t len, uint8_t cmd, uint8_t popts)
{
    if (s->tx_overflow || s->tx_len + len > NET_MAX_FRAME_SIZE) {
        if (!s->tx_overflow) {
            log_mask(LOG_GUEST_ERROR, "e1000e: TX frame larger than %d bytes: dropped\n",
                     NET_MAX_FRAME_SIZE);
        }
        s->tx_overflow = true;
    } else if (!e1000e_dma_read(addr, s->tx_frame + s->tx_len, len)) {
        s->tx_overflow = true; /* logged: drop the whole frame */
    } else {
        s->tx_len += len;
    }
    if (!(cmd & TXD_CMD_EOP)) {
        return;
    }
    if (!s->tx_overflow && s->tx_len && (cmd & TXD_CMD_TSE)) {
        tx_tso(s, popts);
    } else if (!s->tx_overflow && s->tx_len) {
        if (popts & TXD_POPTS_IXSM) {
            tx_insert_csum(s, s->tx_ipcss, s->tx_ipcso, s->tx_ipcse);
        }
        if (popts & TXD_POPTS_TXSM) {
            tx_insert_csum(s, s->tx_tucss, s->tx_tucso, s->tx_tucse);
        }
        net_send_packet(s->nic, s->tx_frame, s->tx_len);
    }
    s->tx_len = 0;
    s->tx_overflow = false;
}

/* One descriptor; false if it could not be read. */
static bool tx_descriptor(E1000EState *s, hwaddr desc)
{
    uint8_t d[DESC_SIZE];
    uint32_t lower;
    uint8_t cmd;

    if (!e1000e_dma_read(desc, d, DESC_SIZE)) {
        return false;
    }
    lower = pci_get_long(d + 8);
    cmd = lower >> 24;
    if (!(cmd & TXD_CMD_DEXT)) { /* legacy: length 15:0, CSO 23:16; CSS in upper */
        tx_data(s, ld64(d), lower & 0xffff, cmd, 0);
    } else if (((lower >> 20) & 0xf) == TXD_DTYP_CONTEXT) {
        tx_context(s, d);
    } else if (((lower >> 20) & 0xf) == TXD_DTYP_DATA) {
        tx_data(s, ld64(d), lower & 0xfffff, cmd, d[13]);
    } else {
        log_mask(LOG_GUEST_ERROR, "e1000e: TX descriptor type %u not supported: dropped\n",
                 (lower >> 20) & 0xf);
        s->tx_overflow = true;
        if (cmd & TXD_CMD_EOP) {
            s->tx_len = 0;
            s->tx_overflow = false;
        }
    }
    if (cmd & TXD_CMD_RS) {
        d[12] |= TXD_STAT_DD;
        return e1000e_dma_write(desc + 12, d + 12, 1);
    }
    return true;
}

void e1000e_process_tx(E1000EState *s)
{
    uint32_t count, done = 0;

    if (!(e1000e_reg(s, E1000_TCTL) & E1000_TCTL_EN) ||
        e1000e_reg(s, E1000_TDH) == e1000e_reg(s, E1000_TDT)) {
        return;
    }
    count = ring_count(s, &tx_ring);
    /* At most one pass over the ring per call: the work a guest write causes is bounded. */
    while (count && done < count && e1000e_reg(s, E1000_TDH) != e1000e_reg(s, E1000_TDT)) {
        if (!tx_descriptor(s, ring_desc_addr(s, &tx_ring, e1000e_reg(s, E1000_TDH)))) {
            s->tx_len = 0; /* the ring is bad: drop the partial frame */
            s->tx_overflow = false;
        }
        ring_advance_head(s, &tx_ring, count);
        done++;
    }
    if (done) {
        e1000e_set_icr(s, E1000_ICR_TXDW | E1000_ICR_TXQE);
    }
}
