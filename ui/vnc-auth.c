/*
 * RFB "VNC Authentication" (RFC 6143 7.2.2): the server sends a random
 * 16-byte challenge, the client DES-encrypts it (two ECB blocks) with the
 * password as the key and sends it back. The key is the password's first
 * eight bytes, zero padded, with the bits of each byte reversed (the
 * historical VNC quirk every client reproduces). DES comes from nettle.
 */
#include <nettle/des.h>

#include "ui/vnc.h"

static uint8_t reverse_bits(uint8_t b)
{
    uint8_t r = 0;

    for (int i = 0; i < 8; i++) {
        r |= ((b >> i) & 1) << (7 - i);
    }
    return r;
}

void vnc_auth_response(const char *password, const uint8_t challenge[16], uint8_t response[16])
{
    uint8_t key[DES_KEY_SIZE] = {0};
    struct des_ctx ctx;
    size_t len = strlen(password);

    for (size_t i = 0; i < DES_KEY_SIZE && i < len; i++) {
        key[i] = reverse_bits(password[i]);
    }
    /* nettle ignores the parity bits; a weak key still works (its return value says so). */
    des_set_key(&ctx, key);
    des_encrypt(&ctx, 16, response, challenge);
}
