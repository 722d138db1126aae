/*
 * ATAPI CD/DVD-ROM: the MMC commands Linux's sr/cdrom drivers and SeaBIOS issue
 * (include/hw/ide/atapi.h). Specs: SCSI Multimedia Commands MMC-5 (T10/1675D), SPC-3 (sense,
 * INQUIRY), SBC for READ CAPACITY.
 *
 * A medium the monitor changed (atapi_media_changed) makes the next command other than INQUIRY,
 * GET CONFIGURATION and GET EVENT STATUS fail once with UNIT ATTENTION, MEDIUM MAY HAVE CHANGED
 * (or REQUEST SENSE report it), and leaves a media event for GET EVENT STATUS.
 *
 *   0x00 TEST UNIT READY     0x03 REQUEST SENSE       0x12 INQUIRY (standard data only)
 *   0x1b START STOP UNIT     0x1e PREVENT ALLOW       0x25 READ CAPACITY
 *   0x28 READ(10)            0xa8 READ(12)            0x43 READ TOC/PMA/ATIP (formats 0, 1)
 *   0x46 GET CONFIGURATION   0x4a GET EVENT STATUS    0x51 READ DISC INFORMATION
 *   0x5a MODE SENSE(10) (pages 0x01, 0x2a, 0x3f)      0xbb SET CD SPEED
 *   0xbd MECHANISM STATUS    writes: DATA PROTECT     anything else: INVALID COMMAND OPCODE
 *
 * The medium is one data track (track 1, LBA 0) of 2048-byte sectors. It reports the CD-ROM
 * profile up to the size of an 80-minute CD and DVD-ROM above, as a drive does for the disc
 * inside. Identity strings follow QEMU's ("QEMU DVD-ROM", revision 2.5+) so a guest sees the
 * same drive under both.
 */
#include "hw/ide/atapi.h"

#include <inttypes.h>
#include <string.h>

#include "util/log.h"

/* Operation codes */
#define CMD_TEST_UNIT_READY 0x00
#define CMD_REQUEST_SENSE 0x03
#define CMD_INQUIRY 0x12
#define CMD_START_STOP_UNIT 0x1b
#define CMD_PREVENT_ALLOW 0x1e
#define CMD_READ_CAPACITY 0x25
#define CMD_READ_10 0x28
#define CMD_WRITE_10 0x2a
#define CMD_WRITE_VERIFY_10 0x2e
#define CMD_READ_TOC 0x43
#define CMD_GET_CONFIGURATION 0x46
#define CMD_GET_EVENT_STATUS 0x4a
#define CMD_READ_DISC_INFO 0x51
#define CMD_MODE_SENSE_10 0x5a
#define CMD_READ_12 0xa8
#define CMD_WRITE_12 0xaa
#define CMD_SET_CD_SPEED 0xbb
#define CMD_MECHANISM_STATUS 0xbd

/* Profiles (MMC-5 5.3.1) and the 80-minute CD that separates them (80 * 60 * 75 sectors) */
#define PROFILE_CD_ROM 0x0008
#define PROFILE_DVD_ROM 0x0010
#define CD_MAX_SECTORS 360000

/* Media event codes (MMC-5 6.8.2.4) */
#define EVENT_NO_CHANGE 0
#define EVENT_EJECT_REQUEST 1
#define EVENT_NEW_MEDIA 2
#define EVENT_MEDIA_REMOVAL 3
#define EVENT_CLASS_MEDIA 4

#define LEAD_OUT_TRACK 0xaa
#define TRACK_CONTROL_DATA 0x14 /* ADR 1 (Q sub-channel position), control 4 (data track) */

static const char INQ_VENDOR[] = "QEMU    ";
static const char INQ_PRODUCT[] = "QEMU DVD-ROM    ";
static const char INQ_REVISION[] = "2.5+";

static void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
    put_be16(p, v >> 16);
    put_be16(p + 2, v);
}

static uint32_t get_be16(const uint8_t *p)
{
    return (p[0] << 8) | p[1];
}

static uint32_t get_be32(const uint8_t *p)
{
    return (get_be16(p) << 16) | get_be16(p + 2);
}

void atapi_set_sense(ATAPIState *cd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    cd->sense_key = key;
    cd->asc = asc;
    cd->ascq = ascq;
}

void atapi_insert(ATAPIState *cd, uint64_t size)
{
    cd->sectors = size / ATAPI_SECTOR_SIZE;
    cd->medium = true;
    cd->tray_open = false;
    cd->locked = false;
    cd->event = EVENT_NEW_MEDIA;
    atapi_set_sense(cd, SENSE_NO_SENSE, 0, 0);
}

void atapi_media_changed(ATAPIState *cd, bool tray_open, bool inserted, uint64_t size)
{
    bool had = cd->medium && !cd->tray_open;

    cd->sectors = inserted ? size / ATAPI_SECTOR_SIZE : 0;
    cd->medium = inserted;
    cd->tray_open = tray_open;
    if (!tray_open && inserted) {
        cd->event = EVENT_NEW_MEDIA;
    } else if (had) {
        cd->event = EVENT_MEDIA_REMOVAL;
    }
    /* The next command learns that the medium may have changed (MMC-5 4.1.6.1), whichever
     * way it went: a driver that caches the capacity re-reads it. */
    cd->unit_attention = true;
}

void atapi_eject_request(ATAPIState *cd, bool force)
{
    cd->event = EVENT_EJECT_REQUEST;
    if (force) {
        cd->locked = false;
    }
}

static bool fail(ATAPIState *cd, uint8_t key, uint8_t asc, uint8_t ascq)
{
    atapi_set_sense(cd, key, asc, ascq);
    return false;
}

static bool invalid_field(ATAPIState *cd, const uint8_t *cdb, const char *what)
{
    log_mask(LOG_GUEST_ERROR, "atapi: command 0x%02x: %s\n", cdb[0], what);
    return fail(cd, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD, 0);
}

/* Whether a disc can be read: in the drive, tray closed. */
static bool has_medium(const ATAPIState *cd)
{
    return cd->medium && !cd->tray_open;
}

static bool medium_present(ATAPIState *cd)
{
    if (!has_medium(cd)) {
        /* ASCQ 1: tray closed, 2: tray open */
        return fail(cd, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT, cd->tray_open ? 2 : 1);
    }
    return true;
}

/* The reply is what the command built, cut to the CDB's allocation length. */
static bool reply(ATAPIRequest *req, uint32_t built, uint32_t alloc)
{
    req->len = built < alloc ? built : alloc;
    return true;
}

/* ---- status and identity ---- */

static bool cmd_request_sense(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint8_t *d = req->data;

    if (cd->unit_attention) { /* REQUEST SENSE reports a pending unit attention and clears it */
        cd->unit_attention = false;
        atapi_set_sense(cd, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
    }
    /* Fixed-format sense data (SPC-3 4.5.3), current error. */
    d[0] = 0x70;
    d[2] = cd->sense_key;
    d[7] = 10;
    d[12] = cd->asc;
    d[13] = cd->ascq;
    atapi_set_sense(cd, SENSE_NO_SENSE, 0, 0);
    return reply(req, 18, cdb[4]);
}

static bool cmd_inquiry(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint8_t *d = req->data;

    if (cdb[1] & 1) {
        return invalid_field(cd, cdb, "INQUIRY vital product data is not supported");
    }
    d[0] = 0x05; /* CD/DVD device */
    d[1] = 0x80; /* removable */
    d[2] = 0x05; /* SPC-3 */
    d[3] = 0x02; /* response data format */
    d[4] = 36 - 5;
    memcpy(d + 8, INQ_VENDOR, 8);
    memcpy(d + 16, INQ_PRODUCT, 16);
    memcpy(d + 32, INQ_REVISION, 4);
    return reply(req, 36, get_be16(cdb + 3));
}

static bool cmd_start_stop(ATAPIState *cd, const uint8_t *cdb)
{
    bool start = cdb[4] & 1, load_eject = cdb[4] & 2;

    if (!load_eject) {
        return true; /* spinning up or down changes nothing here */
    }
    if (!start) {
        if (cd->locked) {
            return fail(cd, SENSE_ILLEGAL_REQUEST, ASC_MEDIUM_REMOVAL_PREVENTED, 2);
        }
        if (has_medium(cd)) {
            cd->event = EVENT_MEDIA_REMOVAL;
        }
        cd->tray_open = true;
    } else if (cd->tray_open) {
        cd->tray_open = false;
        cd->event = cd->medium ? EVENT_NEW_MEDIA : cd->event;
    }
    return true;
}

static bool cmd_read_capacity(ATAPIState *cd, ATAPIRequest *req)
{
    uint64_t last = cd->sectors ? cd->sectors - 1 : 0;

    if (!medium_present(cd)) {
        return false;
    }
    put_be32(req->data, last > UINT32_MAX ? UINT32_MAX : last);
    put_be32(req->data + 4, ATAPI_SECTOR_SIZE);
    req->len = 8;
    return true;
}

/* READ(10) and READ(12): the range goes to the transport once it lies on the medium. */
static bool cmd_read(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint64_t lba = get_be32(cdb + 2);
    uint64_t count = cdb[0] == CMD_READ_10 ? get_be16(cdb + 7) : get_be32(cdb + 6);

    if (!medium_present(cd)) {
        return false;
    }
    if (lba > cd->sectors || count > cd->sectors - lba) {
        log_mask(LOG_GUEST_ERROR,
                 "atapi: READ of %" PRIu64 " sectors at %" PRIu64 " past the end (%" PRIu64 ")\n",
                 count, lba, cd->sectors);
        return fail(cd, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
    }
    req->lba = lba;
    req->nsectors = count;
    return true;
}

/* ---- disc structure ---- */

/* A TOC address: an LBA, or with MSF set minute/second/frame counted from the 2 s pre-gap. */
static void put_toc_address(uint8_t *p, uint64_t lba, bool msf)
{
    if (!msf) {
        put_be32(p, lba > UINT32_MAX ? UINT32_MAX : lba);
        return;
    }
    lba += 150;
    p[0] = 0;
    p[1] = lba / (75 * 60) > 0xff ? 0xff : lba / (75 * 60);
    p[2] = lba / 75 % 60;
    p[3] = lba % 75;
}

static void put_track(uint8_t *p, uint8_t track, uint64_t lba, bool msf)
{
    p[1] = TRACK_CONTROL_DATA;
    p[2] = track;
    put_toc_address(p + 4, lba, msf);
}

static bool cmd_read_toc(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    bool msf = cdb[1] & 2;
    uint8_t format = cdb[2] & 0x0f, start = cdb[6];
    uint8_t *d = req->data;
    uint32_t len = 4;

    if (!medium_present(cd)) {
        return false;
    }
    if (!format) {
        format = cdb[9] >> 6; /* the older SFF-8020 place of the format */
    }
    if (format == 0) {
        if (start > 1 && start != LEAD_OUT_TRACK) {
            return invalid_field(cd, cdb, "READ TOC from a track past the last one");
        }
        if (start <= 1) {
            put_track(d + len, 1, 0, msf);
            len += 8;
        }
        put_track(d + len, LEAD_OUT_TRACK, cd->sectors, msf);
        len += 8;
    } else if (format == 1) {
        put_track(d + len, 1, 0, msf); /* one session; its first track starts at LBA 0 */
        len += 8;
    } else {
        return invalid_field(cd, cdb, "READ TOC format other than 0 or 1");
    }
    put_be16(d, len - 2);
    d[2] = d[3] = 1; /* first and last track, or session */
    return reply(req, len, get_be16(cdb + 7));
}

static bool cmd_read_disc_info(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint8_t *d = req->data;

    if (cdb[1] & 7) {
        return invalid_field(cd, cdb, "READ DISC INFORMATION data type other than 0");
    }
    if (!medium_present(cd)) {
        return false;
    }
    put_be16(d, 34 - 2);
    d[2] = 0x0e;                  /* complete disc, complete last session, not erasable */
    d[3] = 1;                     /* first track */
    d[4] = 1;                     /* sessions */
    d[5] = 1;                     /* first track in last session */
    d[6] = 1;                     /* last track in last session */
    put_be32(d + 16, UINT32_MAX); /* no lead-in for a next session: the disc is closed */
    put_be32(d + 20, UINT32_MAX);
    return reply(req, 34, get_be16(cdb + 7));
}

/* ---- capabilities ---- */

/* Mode page 0x2a, CD/DVD capabilities and mechanical status (MMC-3 5.5.10). */
static uint32_t mode_page_capabilities(const ATAPIState *cd, uint8_t *p, bool changeable)
{
    p[0] = 0x2a;
    p[1] = 0x14;
    if (changeable) {
        return 22;
    }
    p[2] = 0x0b;                        /* reads CD-R, CD-RW, DVD-ROM */
    p[4] = 0x71;                        /* audio play, mode 2 forms 1 and 2, multi-session */
    p[6] = 0x29 | (cd->locked ? 2 : 0); /* tray loader, eject, lock (and its state) */
    put_be16(p + 8, 706);               /* maximum speed, kB/s (4x) */
    put_be16(p + 10, 2);                /* volume levels */
    put_be16(p + 12, 512);              /* buffer, KiB */
    put_be16(p + 14, 706);              /* current speed */
    return 22;
}

/* Mode page 0x01, read error recovery: defaults (no retries asked). */
static uint32_t mode_page_error_recovery(uint8_t *p)
{
    p[0] = 0x01;
    p[1] = 0x06;
    return 8;
}

static bool cmd_mode_sense(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint8_t control = cdb[2] >> 6, page = cdb[2] & 0x3f;
    uint8_t *d = req->data;
    uint32_t len = 8; /* header, no block descriptors */

    if (control == 3) {
        log_mask(LOG_GUEST_ERROR, "atapi: MODE SENSE of saved values\n");
        return fail(cd, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED, 0);
    }
    if (page != 0x01 && page != 0x2a && page != 0x3f) {
        return invalid_field(cd, cdb, "MODE SENSE of an unsupported page");
    }
    if (page == 0x01 || page == 0x3f) {
        len += mode_page_error_recovery(d + len);
    }
    if (page == 0x2a || page == 0x3f) {
        len += mode_page_capabilities(cd, d + len, control == 1);
    }
    put_be16(d, len - 2);
    d[2] = has_medium(cd) ? 0x01 : 0x70; /* medium type: 120 mm data disc, or none */
    return reply(req, len, get_be16(cdb + 7));
}

/* One feature descriptor header (MMC-5 5.2): code, version, persistent/current, length. */
static uint8_t *put_feature(uint8_t *p, uint16_t code, uint8_t version, bool persistent,
                            bool current, uint8_t len)
{
    put_be16(p, code);
    p[2] = (version << 2) | (persistent ? 2 : 0) | (current ? 1 : 0);
    p[3] = len;
    return p + 4;
}

/* Whether the request (RT, starting feature) selects the feature code. */
static bool feature_if_asked(const uint8_t *cdb, uint16_t code, bool current)
{
    uint8_t rt = cdb[1] & 3;
    uint16_t from = get_be16(cdb + 2);

    if (rt == 2) {
        return code == from;
    }
    return code >= from && (rt == 0 || current);
}

static bool cmd_get_configuration(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    bool medium = has_medium(cd);
    uint16_t profile = cd->sectors > CD_MAX_SECTORS ? PROFILE_DVD_ROM : PROFILE_CD_ROM;
    uint8_t *d = req->data, *p = d + 8;

    if ((cdb[1] & 3) == 3) {
        return invalid_field(cd, cdb, "GET CONFIGURATION with a reserved RT");
    }
    if (feature_if_asked(cdb, 0x0000, true)) { /* profile list */
        p = put_feature(p, 0x0000, 0, true, true, 8);
        put_be16(p, PROFILE_DVD_ROM);
        p[2] = medium && profile == PROFILE_DVD_ROM;
        put_be16(p + 4, PROFILE_CD_ROM);
        p[6] = medium && profile == PROFILE_CD_ROM;
        p += 8;
    }
    if (feature_if_asked(cdb, 0x0001, true)) { /* core: ATAPI interface */
        p = put_feature(p, 0x0001, 1, true, true, 8);
        put_be32(p, 2);
        memset(p + 4, 0, 4);
        p += 8;
    }
    if (feature_if_asked(cdb, 0x0003, true)) { /* removable medium: tray, eject, lock */
        p = put_feature(p, 0x0003, 0, true, true, 4);
        p[0] = 0x29;
        memset(p + 1, 0, 3);
        p += 4;
    }
    if (feature_if_asked(cdb, 0x0010, medium)) { /* random readable, 2048-byte blocks */
        p = put_feature(p, 0x0010, 0, false, medium, 8);
        put_be32(p, ATAPI_SECTOR_SIZE);
        put_be16(p + 4, profile == PROFILE_DVD_ROM ? 16 : 1);
        p[6] = p[7] = 0;
        p += 8;
    }
    put_be32(d, p - d - 4);
    put_be16(d + 6, medium ? profile : 0);
    return reply(req, p - d, get_be16(cdb + 7));
}

static bool cmd_get_event_status(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    uint8_t *d = req->data;

    if (!(cdb[1] & 1)) {
        return invalid_field(cd, cdb, "GET EVENT STATUS NOTIFICATION without Polled");
    }
    d[3] = 1 << EVENT_CLASS_MEDIA; /* the only class supported */
    if (!(cdb[4] & (1 << EVENT_CLASS_MEDIA))) {
        d[2] = 0x80; /* no event available from the classes asked */
        put_be16(d, 2);
        return reply(req, 4, get_be16(cdb + 7));
    }
    d[2] = EVENT_CLASS_MEDIA;
    d[4] = cd->event;
    d[5] = (cd->tray_open ? 1 : 0) | (has_medium(cd) ? 2 : 0); /* door open, medium present */
    put_be16(d, 6);
    cd->event = EVENT_NO_CHANGE;
    return reply(req, 8, get_be16(cdb + 7));
}

static bool cmd_mechanism_status(ATAPIState *cd, const uint8_t *cdb, ATAPIRequest *req)
{
    req->data[1] = cd->tray_open ? 0x10 : 0; /* idle mechanism, door state */
    return reply(req, 8, get_be16(cdb + 8));
}

/* The commands a pending unit attention does not fail (SPC-3 5.9.7, MMC-5 4.1.6.1): they
 * report status without touching the medium. */
static bool unit_attention_exempt(uint8_t op)
{
    return op == CMD_INQUIRY || op == CMD_GET_CONFIGURATION || op == CMD_GET_EVENT_STATUS;
}

bool atapi_execute(ATAPIState *cd, const uint8_t cdb[ATAPI_CDB_SIZE], ATAPIRequest *req)
{
    bool ok;

    memset(req, 0, sizeof(*req));
    if (cdb[0] == CMD_REQUEST_SENSE) {
        return cmd_request_sense(cd, cdb, req);
    }
    atapi_set_sense(cd, SENSE_NO_SENSE, 0, 0);
    if (cd->unit_attention && !unit_attention_exempt(cdb[0])) {
        cd->unit_attention = false;
        return fail(cd, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
    }
    switch (cdb[0]) {
    case CMD_TEST_UNIT_READY:
        ok = medium_present(cd);
        break;
    case CMD_INQUIRY:
        ok = cmd_inquiry(cd, cdb, req);
        break;
    case CMD_START_STOP_UNIT:
        ok = cmd_start_stop(cd, cdb);
        break;
    case CMD_PREVENT_ALLOW:
        cd->locked = cdb[4] & 1;
        ok = true;
        break;
    case CMD_READ_CAPACITY:
        ok = cmd_read_capacity(cd, req);
        break;
    case CMD_READ_10:
    case CMD_READ_12:
        ok = cmd_read(cd, cdb, req);
        break;
    case CMD_WRITE_10:
    case CMD_WRITE_12:
    case CMD_WRITE_VERIFY_10:
        ok = fail(cd, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
        break;
    case CMD_READ_TOC:
        ok = cmd_read_toc(cd, cdb, req);
        break;
    case CMD_GET_CONFIGURATION:
        ok = cmd_get_configuration(cd, cdb, req);
        break;
    case CMD_GET_EVENT_STATUS:
        ok = cmd_get_event_status(cd, cdb, req);
        break;
    case CMD_READ_DISC_INFO:
        ok = cmd_read_disc_info(cd, cdb, req);
        break;
    case CMD_MODE_SENSE_10:
        ok = cmd_mode_sense(cd, cdb, req);
        break;
    case CMD_SET_CD_SPEED:
        ok = true;
        break;
    case CMD_MECHANISM_STATUS:
        ok = cmd_mechanism_status(cd, cdb, req);
        break;
    default:
        log_mask(LOG_GUEST_ERROR, "atapi: unsupported command 0x%02x\n", cdb[0]);
        ok = fail(cd, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
        break;
    }
    if (!ok) {
        req->len = 0;
        req->nsectors = 0;
    }
    return ok;
}
