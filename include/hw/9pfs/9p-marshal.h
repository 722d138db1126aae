/*
 * 9P message marshalling: little-endian integers, strings (le16 length + bytes, no NUL)
 * and qids, read from an untrusted request and written into a bounded reply.
 *
 * Reading never runs past the request: a short message sets r->err and every later read
 * returns 0 / NULL, so a handler reads all its fields and checks err once. Strings come
 * back NUL-terminated and malloc'd; one holding a NUL byte sets err as well (a 9P string
 * cannot carry one, and a C path must not be cut short silently).
 * Writing never runs past the reply's capacity: an overflow sets w->overflow.
 */
#ifndef HW_9PFS_9P_MARSHAL_H
#define HW_9PFS_9P_MARSHAL_H

#include "common.h"

#define P9_HDR_SIZE 7 /* size[4] type[1] tag[2] */
#define P9_QID_SIZE 13

typedef struct V9fsQID {
    uint8_t type;
    uint32_t version;
    uint64_t path;
} V9fsQID;

typedef struct P9Reader {
    const uint8_t *buf;
    size_t len, pos;
    bool err;
} P9Reader;

typedef struct P9Writer {
    uint8_t *buf;
    size_t cap, len;
    bool overflow;
} P9Writer;

void p9r_init(P9Reader *r, const uint8_t *buf, size_t len);
uint8_t p9r_u8(P9Reader *r);
uint16_t p9r_u16(P9Reader *r);
uint32_t p9r_u32(P9Reader *r);
uint64_t p9r_u64(P9Reader *r);
/* A string, malloc'd and NUL-terminated (caller frees), or NULL with r->err set. */
char *p9r_str(P9Reader *r);
/* A pointer to the next len bytes inside the request (not copied), or NULL with err. */
const uint8_t *p9r_data(P9Reader *r, size_t len);

void p9w_init(P9Writer *w, uint8_t *buf, size_t cap);
void p9w_u8(P9Writer *w, uint8_t v);
void p9w_u16(P9Writer *w, uint16_t v);
void p9w_u32(P9Writer *w, uint32_t v);
void p9w_u64(P9Writer *w, uint64_t v);
/* A string of up to 65535 bytes (longer ones set overflow: 9P cannot carry them). */
void p9w_str(P9Writer *w, const char *s);
void p9w_qid(P9Writer *w, const V9fsQID *qid);
void p9w_data(P9Writer *w, const void *data, size_t len);
/* Room left in the reply. */
static inline size_t p9w_room(const P9Writer *w)
{
    return w->overflow ? 0 : w->cap - w->len;
}
/* Store v little-endian at byte offset off (already written), e.g. a count or the size. */
void p9w_patch_u32(P9Writer *w, size_t off, uint32_t v);

#endif
