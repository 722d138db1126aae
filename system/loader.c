/*
 * Image loaders (include/system/loader.h): ELF64 RISC-V executables by
 * physical address, raw images, gzip-compressed raw images, and the RISC-V
 * Linux Image header.
 *
 * Every field read from a file is checked before it is used (offsets and
 * sizes against the file size and against 64-bit overflow, destinations
 * against the memory map), and a file is fully validated before any byte of
 * it is written to the guest.
 */
#include "system/loader.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "system/rom-list.h"
#include "system/target-info.h"

/* Chunk in which file contents travel to guest memory. */
#define LOAD_CHUNK (64 * KiB)

typedef struct ElfImage {
    const char *path;
    int fd;
    uint64_t file_size;
    Elf64_Ehdr ehdr;
    Elf64_Phdr *phdrs;
    uint64_t *skip; /* per segment: leading bytes below guest memory, not loaded */
} ElfImage;

/* ---- File helpers ---- */

/* Read exactly len bytes at off; false on error or end of file (errno 0 then). */
static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
    uint8_t *p = buf;

    while (len) {
        ssize_t n = pread(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = 0;
            }
            return false;
        }
        p += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}

/* Open a regular file for reading; returns the fd (and its size) or -1 with errp set. */
static int open_image(const char *path, uint64_t *size, Error **errp)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "%s: cannot open", path);
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        error_setg(errp, "%s: not a regular file", path);
        close(fd);
        return -1;
    }
    *size = (uint64_t)st.st_size;
    return fd;
}

int64_t get_image_size(const char *path)
{
    struct stat st;

    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode)) {
        return -1;
    }
    return st.st_size;
}

/* Read the first len bytes of path into buf; false if the file is shorter or unreadable. */
static bool read_prefix(const char *path, void *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return false;
    }
    bool ok = read_at(fd, buf, len, 0);
    close(fd);
    return ok;
}

bool elf_is_elf(const char *path)
{
    uint8_t magic[SELFMAG];

    return read_prefix(path, magic, sizeof(magic)) && memcmp(magic, ELFMAG, SELFMAG) == 0;
}

/* ---- Guest memory helpers ---- */

/* Whether all of [addr, addr+len) is RAM or ROM in as (len > 0, no wrap-around). */
static bool range_is_memory(AddressSpace *as, hwaddr addr, uint64_t len)
{
    const FlatView *view = address_space_get_flatview(as);

    while (len) {
        const FlatRange *r = flatview_lookup(view, addr);
        if (!r || !memory_region_is_ram(r->mr)) {
            return false;
        }
        uint64_t chunk = MIN(len, r->size - (addr - r->addr));
        addr += chunk;
        len -= chunk;
    }
    return true;
}

/*
 * Bytes from addr to the first RAM or ROM byte of [addr, addr+len) (len > 0, no wrap-around),
 * or len when the range holds none.
 */
static uint64_t bytes_before_memory(AddressSpace *as, hwaddr addr, uint64_t len)
{
    const FlatView *view = address_space_get_flatview(as);
    hwaddr last = addr + (len - 1);

    for (unsigned i = 0; i < view->nr; i++) {
        const FlatRange *r = &view->ranges[i];
        if (r->size && memory_region_is_ram(r->mr) && r->addr + (r->size - 1) >= addr &&
            r->addr <= last) {
            return r->addr > addr ? r->addr - addr : 0;
        }
    }
    return len;
}

/*
 * Host memory behind [addr, addr+*len) when addr lies in RAM or ROM (which loaders write
 * alike): the pointer, with *len cut to the end of that range; NULL for MMIO or a hole.
 */
static uint8_t *guest_ram_ptr(AddressSpace *as, hwaddr addr, uint64_t *len)
{
    const FlatRange *r = flatview_lookup(address_space_get_flatview(as), addr);

    if (!r || !memory_region_is_ram(r->mr) || !r->mr->ram_ptr) {
        return NULL;
    }
    *len = MIN(*len, r->size - (addr - r->addr));
    /* The caller writes it all: committed in chunks, not a page fault per 4 KiB. */
    memory_region_ram_populate(r->mr, r->offset_in_region + (addr - r->addr), *len);
    return (uint8_t *)r->mr->ram_ptr + r->offset_in_region + (addr - r->addr);
}

/*
 * Copy len bytes of the file at off to guest addr (destination already checked). RAM is
 * read into directly (issue 7): a 64 KiB bounce buffer cost a second copy of the kernel and
 * initrd, and ~30 page faults each time the heap had handed it back; MMIO goes through it.
 */
static bool copy_to_guest(const char *path, int fd, uint64_t off, uint64_t len, AddressSpace *as,
                          hwaddr addr, Error **errp)
{
    uint8_t *buf = NULL;
    bool ok = true;

    while (len && ok) {
        uint64_t chunk = len;
        uint8_t *host = guest_ram_ptr(as, addr, &chunk);
        if (!host) {
            chunk = MIN(len, LOAD_CHUNK);
            host = buf = buf ? buf : xmalloc(LOAD_CHUNK);
        }
        if (!read_at(fd, host, chunk, off)) {
            /* The file was checked against its size: it shrank or the disk failed. */
            error_setg_errno(errp, errno ? errno : EIO, "%s: read error", path);
            ok = false;
        } else if (host != buf) {
            if (memory_ram_write_hook) {
                memory_ram_write_hook(addr, chunk); /* as address_space_write_rom tells it */
            }
        } else if (address_space_write_rom(as, addr, buf, chunk) != MEMTX_OK) {
            error_setg(errp, "%s: cannot write guest memory at 0x%" PRIx64, path, addr);
            ok = false;
        }
        off += chunk;
        addr += chunk;
        len -= chunk;
    }
    free(buf);
    return ok;
}

static void zero_guest(AddressSpace *as, hwaddr addr, uint64_t len)
{
    static const uint8_t zeros[LOAD_CHUNK];

    while (len) {
        uint64_t chunk = MIN(len, sizeof(zeros));
        /* The destination was checked to be memory, so this cannot fail. */
        address_space_write_rom(as, addr, zeros, chunk);
        addr += chunk;
        len -= chunk;
    }
}

/* ---- ELF ---- */

static bool elf_check_ident(const ElfImage *elf, Error **errp)
{
    const unsigned char *id = elf->ehdr.e_ident;

    if (elf->file_size < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0) {
        error_setg(errp, "%s: not an ELF file", elf->path);
        return false;
    }
    if (elf->file_size < sizeof(Elf64_Ehdr)) {
        error_setg(errp, "%s: truncated ELF header", elf->path);
        return false;
    }
    if (id[EI_CLASS] != ELFCLASS64) {
        error_setg(errp, "%s: not a 64-bit ELF file", elf->path);
        return false;
    }
    if (id[EI_DATA] != ELFDATA2LSB) {
        error_setg(errp, "%s: not a little-endian ELF file", elf->path);
        return false;
    }
    if (id[EI_VERSION] != EV_CURRENT) {
        error_setg(errp, "%s: unsupported ELF version %u", elf->path, id[EI_VERSION]);
        return false;
    }
    return true;
}

static bool elf_check_header(const ElfImage *elf, Error **errp)
{
    const Elf64_Ehdr *eh = &elf->ehdr;

    if (!elf_check_ident(elf, errp)) {
        return false;
    }
    if (eh->e_machine != target_info()->elf_machine) {
        error_setg(errp, "%s: not a %s ELF file (machine %u)", elf->path, target_info()->arch_desc,
                   eh->e_machine);
        return false;
    }
    if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN) {
        error_setg(errp, "%s: not an executable ELF file (type %u)", elf->path, eh->e_type);
        return false;
    }
    if (eh->e_phnum == 0 || eh->e_phnum == PN_XNUM) {
        error_setg(errp, "%s: no program headers", elf->path);
        return false;
    }
    if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
        error_setg(errp, "%s: bad program header size %u", elf->path, eh->e_phentsize);
        return false;
    }
    uint64_t table_size = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
    if (eh->e_phoff > elf->file_size || table_size > elf->file_size - eh->e_phoff) {
        error_setg(errp, "%s: program headers lie outside the file (truncated?)", elf->path);
        return false;
    }
    return true;
}

/*
 * Linkers map the ELF and program headers in front of the first section, in a segment that
 * starts at file offset 0: linked with -Ttext=0x80000000, its first page 0x7ffff000 lies
 * below RAM. Those leading file bytes are skipped (as QEMU drops them); any other byte
 * outside RAM or ROM (a kernel too big for -m, a wrong link address) is still an error.
 */
static uint64_t elf_segment_skip(const Elf64_Phdr *ph, AddressSpace *as)
{
    uint64_t skip;

    if (ph->p_offset != 0) {
        return 0;
    }
    skip = bytes_before_memory(as, ph->p_paddr, ph->p_memsz);
    return skip <= ph->p_filesz ? skip : 0;
}

static bool elf_check_segment(ElfImage *elf, unsigned i, AddressSpace *as, Error **errp)
{
    const Elf64_Phdr *ph = &elf->phdrs[i];
    uint64_t skip;

    if (ph->p_filesz > ph->p_memsz) {
        error_setg(errp,
                   "%s: segment %u has more file bytes (0x%" PRIx64 ") than memory (0x%" PRIx64 ")",
                   elf->path, i, ph->p_filesz, ph->p_memsz);
        return false;
    }
    if (ph->p_filesz &&
        (ph->p_offset > elf->file_size || ph->p_filesz > elf->file_size - ph->p_offset)) {
        error_setg(errp, "%s: segment %u lies outside the file (truncated?)", elf->path, i);
        return false;
    }
    if (ph->p_memsz - 1 > UINT64_MAX - ph->p_paddr) {
        error_setg(errp, "%s: segment %u at 0x%" PRIx64 " wraps around the address space",
                   elf->path, i, ph->p_paddr);
        return false;
    }
    skip = elf_segment_skip(ph, as);
    if (skip < ph->p_memsz && !range_is_memory(as, ph->p_paddr + skip, ph->p_memsz - skip)) {
        error_setg(errp, "%s: segment %u at 0x%" PRIx64 " lies outside guest memory", elf->path, i,
                   ph->p_paddr);
        return false;
    }
    elf->skip[i] = skip;
    return true;
}

static bool segment_is_loaded(const Elf64_Phdr *ph)
{
    return ph->p_type == PT_LOAD && ph->p_memsz != 0;
}

/* e_entry as a physical address: firmware and kernels start with translation off. */
static uint64_t elf_entry_paddr(const ElfImage *elf)
{
    uint64_t entry = elf->ehdr.e_entry;

    for (unsigned i = 0; i < elf->ehdr.e_phnum; i++) {
        const Elf64_Phdr *ph = &elf->phdrs[i];
        if (segment_is_loaded(ph) && entry - ph->p_vaddr < ph->p_memsz) {
            return ph->p_paddr + (entry - ph->p_vaddr);
        }
    }
    return entry;
}

/* Read and check the headers and every loadable segment, without touching the guest. */
static bool elf_validate(ElfImage *elf, AddressSpace *as, Error **errp)
{
    bool any = false;

    if (!read_at(elf->fd, &elf->ehdr, MIN(elf->file_size, sizeof(elf->ehdr)), 0)) {
        error_setg_errno(errp, errno ? errno : EIO, "%s: read error", elf->path);
        return false;
    }
    if (!elf_check_header(elf, errp)) {
        return false;
    }
    elf->phdrs = xnew0(Elf64_Phdr, elf->ehdr.e_phnum);
    elf->skip = xnew0(uint64_t, elf->ehdr.e_phnum);
    if (!read_at(elf->fd, elf->phdrs, elf->ehdr.e_phnum * sizeof(Elf64_Phdr), elf->ehdr.e_phoff)) {
        error_setg_errno(errp, errno ? errno : EIO, "%s: read error", elf->path);
        return false;
    }
    for (unsigned i = 0; i < elf->ehdr.e_phnum; i++) {
        if (!segment_is_loaded(&elf->phdrs[i])) {
            continue;
        }
        if (!elf_check_segment(elf, i, as, errp)) {
            return false;
        }
        any |= elf->skip[i] < elf->phdrs[i].p_memsz;
    }
    if (!any) {
        error_setg(errp, "%s: no loadable segments in guest memory", elf->path);
        return false;
    }
    uint64_t entry = elf_entry_paddr(elf);
    if (!range_is_memory(as, entry, 1)) {
        error_setg(errp, "%s: entry point 0x%" PRIx64 " lies outside guest memory", elf->path,
                   entry);
        return false;
    }
    return true;
}

static bool elf_load_segments(ElfImage *elf, AddressSpace *as, uint64_t *low, uint64_t *high,
                              Error **errp)
{
    *low = UINT64_MAX;
    *high = 0;
    for (unsigned i = 0; i < elf->ehdr.e_phnum; i++) {
        const Elf64_Phdr *ph = &elf->phdrs[i];
        uint64_t skip = elf->skip[i];
        if (!segment_is_loaded(ph) || skip == ph->p_memsz) {
            continue;
        }
        if (!copy_to_guest(elf->path, elf->fd, ph->p_offset + skip, ph->p_filesz - skip, as,
                           ph->p_paddr + skip, errp)) {
            return false;
        }
        zero_guest(as, ph->p_paddr + ph->p_filesz, ph->p_memsz - ph->p_filesz);
        /* info roms: named as QEMU names ELF segments */
        char *name = xasprintf("%s ELF program header segment %u", elf->path, i);
        rom_list_add(name, ph->p_paddr + skip, ph->p_memsz - skip);
        free(name);
        /* A segment ending at the very top of the address space saturates. */
        uint64_t end = ph->p_paddr + ph->p_memsz ? ph->p_paddr + ph->p_memsz : UINT64_MAX;
        *low = MIN(*low, ph->p_paddr + skip);
        *high = MAX(*high, end);
    }
    return true;
}

bool load_elf(const char *path, AddressSpace *as, uint64_t *entry, uint64_t *lowaddr,
              uint64_t *highaddr, Error **errp)
{
    ElfImage elf = {.path = path};
    uint64_t low, high;
    bool ok = false;

    elf.fd = open_image(path, &elf.file_size, errp);
    if (elf.fd < 0) {
        return false;
    }
    if (!elf_validate(&elf, as, errp) || !elf_load_segments(&elf, as, &low, &high, errp)) {
        goto out;
    }
    if (entry) {
        *entry = elf_entry_paddr(&elf);
    }
    if (lowaddr) {
        *lowaddr = low;
    }
    if (highaddr) {
        *highaddr = high;
    }
    ok = true;
out:
    free(elf.phdrs);
    free(elf.skip);
    close(elf.fd);
    return ok;
}

/* ---- Raw images ---- */

bool load_image_targphys(const char *path, hwaddr addr, uint64_t max_size, AddressSpace *as,
                         uint64_t *size, Error **errp)
{
    uint64_t file_size;
    bool ok = false;
    int fd = open_image(path, &file_size, errp);

    if (fd < 0) {
        return false;
    }
    /* Firmware and kernels that load nothing would run whatever memory holds: refuse. */
    if (file_size == 0) {
        error_setg(errp, "%s: empty file, nothing to load", path);
        goto out;
    }
    if (file_size > max_size) {
        error_setg(errp, "%s: image too large (%" PRIu64 " bytes, at most %" PRIu64 ")", path,
                   file_size, max_size);
        goto out;
    }
    if (file_size - 1 > UINT64_MAX - addr || !range_is_memory(as, addr, file_size)) {
        error_setg(errp,
                   "%s: image of %" PRIu64 " bytes at 0x%" PRIx64 " lies outside guest memory",
                   path, file_size, addr);
        goto out;
    }
    if (!copy_to_guest(path, fd, 0, file_size, as, addr, errp)) {
        goto out;
    }
    if (size) {
        *size = file_size;
    }
    rom_list_add(path, addr, file_size);
    ok = true;
out:
    close(fd);
    return ok;
}

/* ---- gzip-compressed raw images (RFC 1952): Linux's Image.gz, Debian's vmlinuz ---- */

/* First guess of the decompressed size; the buffer doubles from there up to max_size. */
#define GUNZIP_FIRST_BUFFER (16 * MiB)

bool image_is_gzip(const char *path)
{
    uint8_t magic[2];

    return read_prefix(path, magic, sizeof(magic)) && magic[0] == 0x1f && magic[1] == 0x8b;
}

/* Feeds the next chunk of the file to zs; false at end of file (the stream is truncated). */
static bool gunzip_refill(z_stream *zs, int fd, uint8_t *in, uint64_t *off, uint64_t file_size)
{
    size_t chunk = MIN(file_size - *off, LOAD_CHUNK);

    if (!chunk || !read_at(fd, in, chunk, *off)) {
        return false;
    }
    *off += chunk;
    zs->next_in = in;
    zs->avail_in = chunk;
    return true;
}

/*
 * Inflates the gzip file into a new host buffer of at most max_size bytes, so that nothing
 * reaches the guest before the whole stream has proved sound. Returns the buffer (the caller
 * frees it) and its length in *len, or NULL with errp set.
 */
static uint8_t *gunzip_file(const char *path, int fd, uint64_t file_size, uint64_t max_size,
                            uint64_t *len, Error **errp)
{
    z_stream zs = {0};
    uint8_t *in = xmalloc(LOAD_CHUNK), *out = NULL;
    uint64_t off = 0, cap = 0, used = 0;
    int ret = Z_OK;

    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) { /* 16: a gzip header, nothing else */
        error_setg(errp, "%s: cannot start zlib", path);
        goto fail;
    }
    while (ret != Z_STREAM_END) {
        if (!zs.avail_in && !gunzip_refill(&zs, fd, in, &off, file_size)) {
            error_setg(errp, "%s: truncated gzip data", path);
            goto fail;
        }
        if (used == cap) {
            if (cap == max_size) {
                error_setg(errp, "%s: decompressed image too large (more than %" PRIu64 " bytes)",
                           path, max_size);
                goto fail;
            }
            cap = MIN(cap ? cap * 2 : GUNZIP_FIRST_BUFFER, max_size);
            out = xrealloc(out, cap);
        }
        zs.next_out = out + used;
        zs.avail_out = MIN(cap - used, UINT32_MAX);
        ret = inflate(&zs, Z_NO_FLUSH);
        used = zs.next_out - out;
        /* Z_BUF_ERROR only means no progress: the loop refills the input or grows the output. */
        if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR) {
            error_setg(errp, "%s: corrupt gzip data (%s)", path, zs.msg ? zs.msg : "zlib error");
            goto fail;
        }
    }
    inflateEnd(&zs);
    free(in);
    *len = used;
    return out;
fail:
    inflateEnd(&zs);
    free(in);
    free(out);
    return NULL;
}

bool load_image_gzipped_targphys(const char *path, hwaddr addr, uint64_t max_size, AddressSpace *as,
                                 uint64_t *size, Error **errp)
{
    uint64_t file_size, len = 0;
    uint8_t *data = NULL;
    bool ok = false;
    int fd = open_image(path, &file_size, errp);

    if (fd < 0) {
        return false;
    }
    data = gunzip_file(path, fd, file_size, max_size, &len, errp);
    if (!data) {
        goto out;
    }
    if (len == 0) {
        error_setg(errp, "%s: decompresses to nothing, nothing to load", path);
        goto out;
    }
    if (len - 1 > UINT64_MAX - addr || !range_is_memory(as, addr, len)) {
        error_setg(errp,
                   "%s: decompressed image of %" PRIu64 " bytes at 0x%" PRIx64
                   " lies outside guest memory",
                   path, len, addr);
        goto out;
    }
    if (address_space_write_rom(as, addr, data, len) != MEMTX_OK) {
        error_setg(errp, "%s: cannot write guest memory at 0x%" PRIx64, path, addr);
        goto out;
    }
    if (size) {
        *size = len;
    }
    ok = true;
out:
    free(data);
    close(fd);
    return ok;
}

/* ---- RISC-V Linux Image header ---- */

#define RISCV_IMAGE_MAGIC "RISCV\0\0\0"
#define RISCV_IMAGE_MAGIC2 "RSC\x05"

typedef struct RiscvImageHeader {
    uint32_t code0, code1;
    uint64_t text_offset;
    uint64_t image_size;
    uint64_t flags;
    uint32_t version, res1;
    uint64_t res2;
    char magic[8];
    char magic2[4];
    uint32_t res3;
} RiscvImageHeader;

bool riscv_image_header(const char *path, uint64_t *text_offset, uint64_t *image_size)
{
    RiscvImageHeader hdr;

    _Static_assert(offsetof(RiscvImageHeader, magic) == 0x30, "Image header layout");
    _Static_assert(offsetof(RiscvImageHeader, magic2) == 0x38, "Image header layout");
    if (!read_prefix(path, &hdr, sizeof(hdr)) ||
        memcmp(hdr.magic, RISCV_IMAGE_MAGIC, sizeof(hdr.magic)) != 0 ||
        memcmp(hdr.magic2, RISCV_IMAGE_MAGIC2, sizeof(hdr.magic2)) != 0) {
        return false;
    }
    /* Little-endian fields read on a little-endian host. */
    if (text_offset) {
        *text_offset = hdr.text_offset;
    }
    if (image_size) {
        *image_size = hdr.image_size;
    }
    return true;
}
