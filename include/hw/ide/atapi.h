/*
 * The MMC command set of an ATAPI CD/DVD-ROM drive (hw/ide/atapi.c), apart from the transport
 * that carries its 12-byte CDBs (the AHCI PACKET command, ahci-cmd.c).
 *
 * atapi_execute runs one CDB against the drive state and returns what the transport must do:
 * data-in bytes the command produced (already cut to the CDB's allocation length), or for
 * READ(10)/READ(12) the range of 2048-byte sectors to move from the medium. A command that
 * fails leaves its sense data (key, ASC, ASCQ) in the state for REQUEST SENSE and for the
 * ATAPI error register; the medium is read-only, so writes fail with DATA PROTECT.
 */
#ifndef HW_IDE_ATAPI_H
#define HW_IDE_ATAPI_H

#include <stdbool.h>
#include <stdint.h>

#define ATAPI_SECTOR_SIZE 2048
#define ATAPI_CDB_SIZE 12
#define ATAPI_REPLY_MAX 256

/* Sense keys (SPC-3 4.5.6) */
#define SENSE_NO_SENSE 0x00
#define SENSE_NOT_READY 0x02
#define SENSE_MEDIUM_ERROR 0x03
#define SENSE_ILLEGAL_REQUEST 0x05
#define SENSE_UNIT_ATTENTION 0x06
#define SENSE_DATA_PROTECT 0x07
#define SENSE_ABORTED_COMMAND 0x0b

/* Additional sense codes (ASC) used here */
#define ASC_UNRECOVERED_READ 0x11
#define ASC_INVALID_OPCODE 0x20
#define ASC_LBA_OUT_OF_RANGE 0x21
#define ASC_INVALID_FIELD 0x24
#define ASC_WRITE_PROTECTED 0x27
#define ASC_SAVING_NOT_SUPPORTED 0x39
#define ASC_MEDIUM_NOT_PRESENT 0x3a
#define ASC_NO_ADDITIONAL 0x00
#define ASC_MEDIUM_REMOVAL_PREVENTED 0x53
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28

/* The drive: its medium and what the guest set. */
typedef struct ATAPIState {
    uint64_t sectors;    /* 2048-byte sectors of the medium */
    bool medium;         /* a disc is in the drive (an empty drive has none) */
    bool tray_open;      /* START STOP UNIT ejected it: no medium until loaded again */
    bool locked;         /* PREVENT ALLOW MEDIUM REMOVAL */
    uint8_t event;       /* media event not yet reported by GET EVENT STATUS NOTIFICATION */
    bool unit_attention; /* the medium changed: the next command reports it (atapi.c) */
    uint8_t sense_key, asc, ascq;
} ATAPIState;

/* What one CDB asks of the transport. */
typedef struct ATAPIRequest {
    uint8_t data[ATAPI_REPLY_MAX];
    uint32_t len; /* data-in bytes in data */
    uint64_t lba; /* READ: nsectors sectors from lba (the range is on the medium) */
    uint32_t nsectors;
} ATAPIRequest;

/* Run cdb. true: GOOD status; false: CHECK CONDITION, sense data set (and logged if the
 * guest's CDB was malformed). *req is filled in either way (len 0 on failure). */
bool atapi_execute(ATAPIState *cd, const uint8_t cdb[ATAPI_CDB_SIZE], ATAPIRequest *req);
/* Record a failure the transport found (PRDT too short, host read error). */
void atapi_set_sense(ATAPIState *cd, uint8_t key, uint8_t asc, uint8_t ascq);
/* Put a medium of size bytes in the drive (tray closed, a new-media event pending). */
void atapi_insert(ATAPIState *cd, uint64_t size);
/* The monitor moved the tray or the medium: the tray is now open or closed, with a medium of
 * size bytes inserted or none. Queues the media event and a unit attention for the guest. */
void atapi_media_changed(ATAPIState *cd, bool tray_open, bool inserted, uint64_t size);
/* The monitor asks for the tray (eject of a locked drive): an eject-request media event;
 * force also drops the guest's lock. */
void atapi_eject_request(ATAPIState *cd, bool force);

#endif
