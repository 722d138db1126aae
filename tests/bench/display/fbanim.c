/*
 * The display benchmark's guest side (scripts/bench display): animate the whole of
 * /dev/fb0 at 60 frames a second for the number of frames given (default 300, 5 s), each
 * frame a full-screen gradient that moves, paced by an absolute clock so a slow frame does
 * not shift the ones after it. Prints "FBANIM frames=N seconds=S late=L": the host measures
 * the emulator's CPU time over the run, and late (frames that missed their slot) says
 * whether the guest kept up.
 */
#include <fcntl.h>
#include <linux/fb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define FRAME_NS (1000000000L / 60)

static void draw(uint8_t *fb, const struct fb_var_screeninfo *v, unsigned stride, int frame)
{
    for (unsigned y = 0; y < v->yres; y++) {
        uint32_t *row = (uint32_t *)(fb + (size_t)y * stride);
        for (unsigned x = 0; x < v->xres; x++) {
            row[x] = ((x + frame) & 0xff) << 16 | ((y + 2 * frame) & 0xff) << 8 | (frame & 0xff);
        }
    }
}

static void add_ns(struct timespec *t, long ns)
{
    t->tv_nsec += ns;
    while (t->tv_nsec >= 1000000000L) {
        t->tv_nsec -= 1000000000L;
        t->tv_sec++;
    }
}

int main(int argc, char **argv)
{
    int frames = argc > 1 ? atoi(argv[1]) : 300, late = 0;
    struct fb_var_screeninfo v;
    struct fb_fix_screeninfo f;
    struct timespec start, next, now;
    int fd = open("/dev/fb0", O_RDWR);

    if (fd < 0 || ioctl(fd, FBIOGET_VSCREENINFO, &v) || ioctl(fd, FBIOGET_FSCREENINFO, &f) ||
        v.bits_per_pixel != 32) {
        fprintf(stderr, "fbanim: no 32-bit /dev/fb0\n");
        return 1;
    }
    uint8_t *fb = mmap(NULL, f.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (fb == MAP_FAILED) {
        perror("fbanim: mmap");
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &start);
    next = start;
    for (int i = 0; i < frames; i++) {
        draw(fb, &v, f.line_length, i);
        add_ns(&next, FRAME_NS);
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > next.tv_sec || (now.tv_sec == next.tv_sec && now.tv_nsec > next.tv_nsec)) {
            late++;
        }
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    printf("FBANIM frames=%d size=%ux%u seconds=%.3f late=%d\n", frames, v.xres, v.yres,
           (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9, late);
    return 0;
}
