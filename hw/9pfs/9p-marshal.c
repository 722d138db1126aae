/*
 * 9P message marshalling (include/hw/9pfs/9p-marshal.h). Every field is little-endian
 * (the 9P wire format, whatever the host); bounds are checked on every access.
 */
#include "hw/9pfs/9p-marshal.h"

void p9r_init(P9Reader *r, const uint8_t *buf, size_t len)
{
    *r = (P9Reader){.buf = buf, .len = len};
}

const uint8_t *p9r_data(P9Reader *r, size_t len)
{
    const uint8_t *p;

    if (r->err || len > r->len - r->pos) {
        r->err = true;
        return NULL;
    }
    p = r->buf + r->pos;
    r->pos += len;
    return p;
}

static uint64_t p9r_le(P9Reader *r, unsigned n)
{
    const uint8_t *p = p9r_data(r, n);
    uint64_t v = 0;

    for (unsigned i = 0; p && i < n; i++) {
        v |= (uint64_t)p[i] << (8 * i);
    }
    return v;
}

uint8_t p9r_u8(P9Reader *r)
{
    return p9r_le(r, 1);
}

uint16_t p9r_u16(P9Reader *r)
{
    return p9r_le(r, 2);
}

uint32_t p9r_u32(P9Reader *r)
{
    return p9r_le(r, 4);
}

uint64_t p9r_u64(P9Reader *r)
{
    return p9r_le(r, 8);
}

char *p9r_str(P9Reader *r)
{
    uint16_t len = p9r_u16(r);
    const uint8_t *p = p9r_data(r, len);
    char *s;

    if (!p || memchr(p, '\0', len)) {
        r->err = true;
        return NULL;
    }
    s = xmalloc(len + 1);
    memcpy(s, p, len);
    s[len] = '\0';
    return s;
}

void p9w_init(P9Writer *w, uint8_t *buf, size_t cap)
{
    *w = (P9Writer){.buf = buf, .cap = cap};
}

void p9w_data(P9Writer *w, const void *data, size_t len)
{
    if (w->overflow || len > w->cap - w->len) {
        w->overflow = true;
        return;
    }
    memcpy(w->buf + w->len, data, len);
    w->len += len;
}

static void p9w_le(P9Writer *w, uint64_t v, unsigned n)
{
    uint8_t b[8];

    for (unsigned i = 0; i < n; i++) {
        b[i] = v >> (8 * i);
    }
    p9w_data(w, b, n);
}

void p9w_u8(P9Writer *w, uint8_t v)
{
    p9w_le(w, v, 1);
}

void p9w_u16(P9Writer *w, uint16_t v)
{
    p9w_le(w, v, 2);
}

void p9w_u32(P9Writer *w, uint32_t v)
{
    p9w_le(w, v, 4);
}

void p9w_u64(P9Writer *w, uint64_t v)
{
    p9w_le(w, v, 8);
}

void p9w_str(P9Writer *w, const char *s)
{
    size_t len = strlen(s);

    if (len > UINT16_MAX || w->overflow || 2 + len > w->cap - w->len) {
        w->overflow = true; /* all or nothing: no length without its bytes */
        return;
    }
    p9w_u16(w, len);
    p9w_data(w, s, len);
}

void p9w_qid(P9Writer *w, const V9fsQID *qid)
{
    p9w_u8(w, qid->type);
    p9w_u32(w, qid->version);
    p9w_u64(w, qid->path);
}

void p9w_patch_u32(P9Writer *w, size_t off, uint32_t v)
{
    if (off + 4 <= w->len) {
        for (unsigned i = 0; i < 4; i++) {
            w->buf[off + i] = v >> (8 * i);
        }
    }
}
