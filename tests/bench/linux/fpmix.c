/*
 * Double-precision workload for `make bench` (issue 7), written for this
 * repository: an n-body simulation (5 bodies, sqrt and division), a dense
 * matrix multiply and an LU decomposition with partial pivoting followed by
 * a solve. Built twice from this one source (riscv64 in the Linux guest, and
 * the host natively), both with -ffp-contract=off so that every operation is
 * rounded alike and the checksum must be the same everywhere. Prints
 *   checksum 0x<hex> seconds <s>
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define NBODY_STEPS 1000000
#define MAT_N 96
#define LU_N 96
#define ROUNDS 30

typedef struct Body {
    double x[3], v[3], m;
} Body;

static uint64_t mix(uint64_t h, double d)
{
    uint64_t bits;
    memcpy(&bits, &d, 8);
    return (h ^ bits) * 0x100000001b3ULL;
}

static double nbody(int steps)
{
    Body b[5] = {
        {{0, 0, 0}, {0, 0, 0}, 39.47841760435743},
        {{4.84, -1.16, -0.10}, {0.606, 2.81, -0.025}, 0.037693674870389},
        {{8.34, 4.12, -0.40}, {-1.01, 1.82, 0.008}, 0.011286326131968},
        {{12.89, -15.11, -0.22}, {1.08, 0.868, -0.011}, 0.001723724017851},
        {{15.38, -25.92, 0.18}, {0.979, 0.594, -0.035}, 0.002033686869924},
    };
    const double dt = 0.01;

    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < 5; i++) {
            for (int j = i + 1; j < 5; j++) {
                double d[3], d2 = 0;
                for (int k = 0; k < 3; k++) {
                    d[k] = b[i].x[k] - b[j].x[k];
                    d2 += d[k] * d[k];
                }
                double mag = dt / (d2 * sqrt(d2));
                for (int k = 0; k < 3; k++) {
                    b[i].v[k] -= d[k] * b[j].m * mag;
                    b[j].v[k] += d[k] * b[i].m * mag;
                }
            }
        }
        for (int i = 0; i < 5; i++) {
            for (int k = 0; k < 3; k++) {
                b[i].x[k] += dt * b[i].v[k];
            }
        }
    }
    double e = 0;
    for (int i = 0; i < 5; i++) {
        e += 0.5 * b[i].m * (b[i].v[0] * b[i].v[0] + b[i].v[1] * b[i].v[1] + b[i].v[2] * b[i].v[2]);
    }
    return e;
}

static double a[MAT_N][MAT_N], bm[MAT_N][MAT_N], c[MAT_N][MAT_N];

static double matmul(int round)
{
    double tr = 0;

    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            a[i][j] = (double)((i * 7 + j * 3 + round) % 17) / 8.0 - 1.0;
            bm[i][j] = (double)((i * 5 + j * 11 + round) % 13) / 6.0 - 1.0;
        }
    }
    for (int i = 0; i < MAT_N; i++) {
        for (int j = 0; j < MAT_N; j++) {
            double s = 0;
            for (int k = 0; k < MAT_N; k++) {
                s += a[i][k] * bm[k][j];
            }
            c[i][j] = s;
        }
    }
    for (int i = 0; i < MAT_N; i++) {
        tr += c[i][i] + c[i][MAT_N - 1 - i] * 0.5;
    }
    return tr;
}

static double lu[LU_N][LU_N], rhs[LU_N];

/* LU with partial pivoting, then forward and back substitution; returns sum of x. */
static double lu_solve(int round)
{
    int piv[LU_N];
    double x[LU_N], s = 0;

    for (int i = 0; i < LU_N; i++) {
        for (int j = 0; j < LU_N; j++) {
            lu[i][j] = 1.0 / (1.0 + i + j + round) + (i == j ? 2.0 : 0.0);
        }
        rhs[i] = 1.0 + (i % 5);
        piv[i] = i;
    }
    for (int k = 0; k < LU_N; k++) {
        int p = k;
        for (int i = k + 1; i < LU_N; i++) {
            if (fabs(lu[i][k]) > fabs(lu[p][k])) {
                p = i;
            }
        }
        if (p != k) {
            for (int j = 0; j < LU_N; j++) {
                double t = lu[k][j];
                lu[k][j] = lu[p][j];
                lu[p][j] = t;
            }
            int t = piv[k];
            piv[k] = piv[p];
            piv[p] = t;
        }
        for (int i = k + 1; i < LU_N; i++) {
            double f = lu[i][k] / lu[k][k];
            lu[i][k] = f;
            for (int j = k + 1; j < LU_N; j++) {
                lu[i][j] -= f * lu[k][j];
            }
        }
    }
    for (int i = 0; i < LU_N; i++) {
        double v = rhs[piv[i]];
        for (int j = 0; j < i; j++) {
            v -= lu[i][j] * x[j];
        }
        x[i] = v;
    }
    for (int i = LU_N - 1; i >= 0; i--) {
        double v = x[i];
        for (int j = i + 1; j < LU_N; j++) {
            v -= lu[i][j] * x[j];
        }
        x[i] = v / lu[i][i];
        s += x[i];
    }
    return s;
}

int main(void)
{
    struct timespec t0, t1;
    uint64_t h = 0xcbf29ce484222325ULL;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    h = mix(h, nbody(NBODY_STEPS));
    for (int r = 0; r < ROUNDS; r++) {
        h = mix(h, matmul(r));
        h = mix(h, lu_solve(r));
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("checksum 0x%016llx seconds %.3f\n", (unsigned long long)h,
           (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9);
    return 0;
}
