/*
 * Integer workload for `make bench` (issue 7): the mix of kinds of code
 * CoreMark has, written for this repository: linked-list processing (build,
 * search, reverse, merge sort), a small integer matrix multiply, a
 * state-machine scanner over text, and CRC-16. Built twice from this one
 * source: statically for riscv64 (run inside the Linux guest) and for the
 * host (run natively). It times itself (CLOCK_MONOTONIC) and prints
 *   checksum 0x<hex> seconds <s>
 * so scripts/bench can check that every run computed the same thing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITERATIONS 4000
#define LIST_LEN 512
#define MAT_N 24

typedef struct Node {
    struct Node *next;
    int32_t key;
    int32_t val;
} Node;

static uint32_t seed = 0x12345678u;

static uint32_t rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return seed >> 8;
}

static uint16_t crc16_update(uint16_t crc, uint8_t byte)
{
    crc ^= byte;
    for (int i = 0; i < 8; i++) {
        crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
    }
    return crc;
}

static Node *list_reverse(Node *h)
{
    Node *prev = NULL;
    while (h) {
        Node *n = h->next;
        h->next = prev;
        prev = h;
        h = n;
    }
    return prev;
}

/* Bottom-up merge sort by key (or by val when by_val). */
static Node *list_sort(Node *list, int by_val)
{
    for (int insize = 1;; insize *= 2) {
        Node *p = list, *tail = NULL;
        int merges = 0;
        list = NULL;
        while (p) {
            Node *q = p;
            int psize = 0, qsize = insize;
            merges++;
            for (int i = 0; i < insize && q; i++) {
                psize++;
                q = q->next;
            }
            while (psize > 0 || (qsize > 0 && q)) {
                Node *e;
                if (psize == 0) {
                    e = q, q = q->next, qsize--;
                } else if (qsize == 0 || !q) {
                    e = p, p = p->next, psize--;
                } else if ((by_val ? p->val - q->val : p->key - q->key) <= 0) {
                    e = p, p = p->next, psize--;
                } else {
                    e = q, q = q->next, qsize--;
                }
                if (tail) {
                    tail->next = e;
                } else {
                    list = e;
                }
                tail = e;
            }
            p = q;
        }
        tail->next = NULL;
        if (merges <= 1) {
            return list;
        }
    }
}

static uint32_t bench_list(Node *pool)
{
    Node *head = NULL;
    uint32_t sum = 0;

    for (int i = 0; i < LIST_LEN; i++) {
        pool[i].key = (int32_t)(rnd() & 0xffff);
        pool[i].val = (int32_t)(rnd() & 0xffff) - 0x8000;
        pool[i].next = head;
        head = &pool[i];
    }
    for (int k = 0; k < 16; k++) {
        int32_t want = (int32_t)(rnd() & 0xffff);
        for (Node *n = head; n; n = n->next) {
            if (n->key == want || n->val == want) {
                sum += n->key;
                break;
            }
        }
    }
    head = list_reverse(head);
    head = list_sort(head, 1);
    head = list_sort(head, 0);
    for (Node *n = head; n; n = n->next) {
        sum = sum * 31 + (uint32_t)n->val;
    }
    return sum;
}

static uint32_t bench_matrix(int32_t a[MAT_N][MAT_N], int32_t b[MAT_N][MAT_N],
                             int32_t c[MAT_N][MAT_N])
{
    uint32_t sum = 0;

    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            a[i][j] = (int32_t)(rnd() & 0xff) - 128;
            b[i][j] = (int32_t)(rnd() & 0xff) - 128;
        }
    }
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < MAT_N; k++) {
                acc += a[i][k] * b[k][j];
            }
            c[i][j] = acc;
        }
    }
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            sum += (uint32_t)(c[i][j] > 0 ? c[i][j] >> 2 : -c[i][j]) ^ (uint32_t)(i * j);
        }
    }
    return sum;
}

/* A scanner: classifies tokens (integers, floats with exponents, bad tokens) in text. */
enum { S_START, S_INT, S_FRAC, S_EXP, S_EXPSIGN, S_EXPINT, S_BAD };

static uint32_t bench_state(char *text, int len)
{
    static const char alphabet[] = "0123456789.e+- ,x";
    uint32_t counts[7] = {0};
    int state = S_START;

    for (int i = 0; i < len; i++) {
        text[i] = alphabet[rnd() % (sizeof(alphabet) - 1)];
    }
    for (int i = 0; i < len; i++) {
        char ch = text[i];
        int digit = ch >= '0' && ch <= '9';
        if (ch == ' ' || ch == ',') {
            counts[state]++;
            state = S_START;
            continue;
        }
        switch (state) {
        case S_START:
            state = digit ? S_INT : (ch == '+' || ch == '-') ? S_INT : ch == '.' ? S_FRAC : S_BAD;
            break;
        case S_INT:
            state = digit ? S_INT : ch == '.' ? S_FRAC : ch == 'e' ? S_EXP : S_BAD;
            break;
        case S_FRAC:
            state = digit ? S_FRAC : ch == 'e' ? S_EXP : S_BAD;
            break;
        case S_EXP:
            state = digit ? S_EXPINT : (ch == '+' || ch == '-') ? S_EXPSIGN : S_BAD;
            break;
        case S_EXPSIGN:
        case S_EXPINT:
            state = digit ? S_EXPINT : S_BAD;
            break;
        default:
            break;
        }
    }
    return counts[1] * 3 + counts[2] * 5 + counts[5] * 7 + counts[6];
}

int main(void)
{
    static Node pool[LIST_LEN];
    static int32_t a[MAT_N][MAT_N], b[MAT_N][MAT_N], c[MAT_N][MAT_N];
    static char text[4096];
    struct timespec t0, t1;
    uint16_t crc = 0xffff;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int it = 0; it < ITERATIONS; it++) {
        uint32_t r[3] = {bench_list(pool), bench_matrix(a, b, c),
                         bench_state(text, sizeof(text))};
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 4; k++) {
                crc = crc16_update(crc, (uint8_t)(r[i] >> (8 * k)));
            }
        }
        for (int i = 0; i < (int)sizeof(text); i += 7) {
            crc = crc16_update(crc, (uint8_t)text[i]);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("checksum 0x%04x seconds %.3f\n", crc,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return 0;
}
