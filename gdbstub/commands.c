/*
 * The gdbstub's packet handlers: one function per command, found through a
 * table of names. Argument parsing is in packet.c, so a handler only checks
 * what the machine says (does this thread exist, is this address mapped).
 *
 * Reference: GDB manual, appendix "Remote Protocol": "Packets" (?, c, C, D,
 * g, G, H, k, m, M, p, P, s, S, T, X, z, Z, vCont), "General Query Packets"
 * (qSupported, qXfer:features:read, qAttached, qC, qfThreadInfo,
 * qThreadExtraInfo, QStartNoAckMode), "Target Descriptions".
 *
 * Errors: E22 (EINVAL) for a malformed request, E14 (EFAULT) for memory or a
 * register that cannot be accessed, an empty reply for what we do not support
 * (watchpoints, tracepoints, extended mode), as QEMU answers.
 */
#include "internal.h"
#include "system/cpus.h"
#include "system/runstate.h"

typedef void GdbCmdFn(GDBState *s, const char *args, size_t n);

typedef struct GdbCmd {
    const char *name;
    bool exact; /* the packet must be exactly name; otherwise name is a prefix */
    GdbCmdFn *fn;
} GdbCmd;

static void put_error(GDBState *s, int err)
{
    char buf[8];

    snprintf(buf, sizeof(buf), "E%02d", err);
    gdb_put_str(s, buf);
}

#define ERR_FAULT 14
#define ERR_INVAL 22

/* ---- status and threads ---- */

static void cmd_stop_reason(GDBState *s, const char *a, size_t n)
{
    gdb_put_stop_reply(s, GDB_SIGNAL_TRAP, s->c_cpu);
}

static void cmd_supported(GDBState *s, const char *a, size_t n)
{
    char buf[160];

    snprintf(buf, sizeof(buf), "PacketSize=%x;%sQStartNoAckMode+;vContSupported+;multiprocess-",
             GDB_PACKET_MAX,
             CPU_GET_CLASS(s->g_cpu)->gdb_target_xml ? "qXfer:features:read+;" : "");
    gdb_put_str(s, buf);
}

static void cmd_no_ack(GDBState *s, const char *a, size_t n)
{
    /* The "OK" still travels in ack mode; gdb's '+' for it is then simply ignored. */
    gdb_put_str(s, "OK");
    s->no_ack = true;
}

static void cmd_attached(GDBState *s, const char *a, size_t n)
{
    gdb_put_str(s, "1"); /* detaching leaves the VM running, never kills it */
}

static void cmd_current_thread(GDBState *s, const char *a, size_t n)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "QC%02x", gdb_thread_id(s->c_cpu));
    gdb_put_str(s, buf);
}

/* All threads in the first answer: "m01,02,...". */
static void cmd_thread_info_first(GDBState *s, const char *a, size_t n)
{
    char buf[GDB_PACKET_MAX];
    size_t o = 0;
    CPUState *cpu;

    CPU_FOREACH (cpu) {
        if (o + 16 > sizeof(buf)) {
            break;
        }
        o +=
            (size_t)snprintf(buf + o, sizeof(buf) - o, "%c%02x", o ? ',' : 'm', gdb_thread_id(cpu));
    }
    gdb_put_packet(s, buf, o);
}

static void cmd_thread_info_next(GDBState *s, const char *a, size_t n)
{
    gdb_put_str(s, "l");
}

static void cmd_thread_extra_info(GDBState *s, const char *a, size_t n)
{
    char text[64], hex[2 * sizeof(text) + 1];
    int64_t id;
    CPUState *cpu;
    int len;

    if (!gdb_parse_thread_id(a, n, &id) || !(cpu = gdb_cpu_by_thread(id))) {
        put_error(s, ERR_INVAL);
        return;
    }
    len = snprintf(text, sizeof(text), "CPU#%d [%s]", cpu->cpu_index,
                   cpu->halted ? "halted " : "running");
    gdb_bytes_to_hex(text, (size_t)len, hex);
    gdb_put_str(s, hex);
}

/* "Hg<id>" selects the thread of g/G/p/P/m/M, "Hc<id>" the thread of c/s. */
static void cmd_set_thread(GDBState *s, const char *a, size_t n)
{
    int64_t id;
    CPUState *cpu;

    if (n < 1 || (a[0] != 'g' && a[0] != 'c') || !gdb_parse_thread_id(a + 1, n - 1, &id)) {
        put_error(s, ERR_INVAL);
        return;
    }
    if (id == GDB_THREAD_ALL) {
        gdb_put_str(s, "OK"); /* resume-all is what c does anyway; keep the selection */
        return;
    }
    cpu = id == GDB_THREAD_ANY ? first_cpu : gdb_cpu_by_thread(id);
    if (!cpu) {
        put_error(s, ERR_INVAL);
        return;
    }
    if (a[0] == 'g') {
        s->g_cpu = cpu;
    } else {
        s->c_cpu = cpu;
    }
    gdb_put_str(s, "OK");
}

static void cmd_thread_alive(GDBState *s, const char *a, size_t n)
{
    int64_t id;

    if (gdb_parse_thread_id(a, n, &id) && gdb_cpu_by_thread(id)) {
        gdb_put_str(s, "OK");
    } else {
        put_error(s, ERR_INVAL);
    }
}

/* qXfer:features:read:ANNEX:OFFSET,LENGTH → "m" + data (more follows) or "l" + data (last). */
static void cmd_read_features(GDBState *s, const char *a, size_t n)
{
    CPUClass *cc = CPU_GET_CLASS(s->g_cpu);
    char annex[64], buf[GDB_PACKET_MAX];
    uint64_t offset, len, total, chunk;
    const char *xml;

    if (!gdb_parse_qxfer(a, n, annex, sizeof(annex), &offset, &len)) {
        put_error(s, ERR_INVAL);
        return;
    }
    xml = cc->gdb_target_xml ? cc->gdb_target_xml(s->g_cpu, annex) : NULL;
    if (!xml) {
        gdb_put_str(s, "E00"); /* unknown annex */
        return;
    }
    total = strlen(xml);
    if (offset >= total) {
        gdb_put_str(s, "l");
        return;
    }
    chunk = MIN(MIN(len, total - offset), (uint64_t)GDB_PACKET_MAX - 1);
    buf[0] = offset + chunk < total ? 'm' : 'l';
    memcpy(buf + 1, xml + offset, chunk);
    gdb_put_packet(s, buf, chunk + 1);
}

/* ---- registers ---- */

static void cmd_read_regs(GDBState *s, const char *a, size_t n)
{
    CPUClass *cc = CPU_GET_CLASS(s->g_cpu);
    char hex[GDB_PACKET_MAX + 1];
    uint8_t reg[GDB_REG_MAX];
    size_t o = 0;

    /* The core registers, in XML order, up to the first gap; gdb fetches the rest with 'p'. */
    for (int i = 0; i < cc->gdb_num_regs; i++) {
        int size = cc->gdb_read_register(s->g_cpu, reg, i);

        if (size <= 0 || o + 2 * (size_t)size > GDB_PACKET_MAX) {
            break;
        }
        gdb_bytes_to_hex(reg, (size_t)size, hex + o);
        o += 2 * (size_t)size;
    }
    if (o == 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    gdb_put_packet(s, hex, o);
}

/* G: the same layout as 'g'; validated completely before any register changes. */
static void cmd_write_regs(GDBState *s, const char *a, size_t n)
{
    CPUClass *cc = CPU_GET_CLASS(s->g_cpu);
    uint8_t data[GDB_PACKET_MAX / 2], reg[GDB_REG_MAX];
    size_t len = n / 2, off = 0;

    if (n == 0 || !gdb_hex_to_bytes(a, n, data)) {
        put_error(s, ERR_INVAL);
        return;
    }
    for (int i = 0; i < cc->gdb_num_regs && off < len; i++) {
        int size = cc->gdb_read_register(s->g_cpu, reg, i);

        if (size <= 0 || off + (size_t)size > len) {
            break;
        }
        cc->gdb_write_register(s->g_cpu, data + off, i);
        off += (size_t)size;
    }
    gdb_put_str(s, "OK");
}

static void cmd_read_reg(GDBState *s, const char *a, size_t n)
{
    CPUClass *cc = CPU_GET_CLASS(s->g_cpu);
    char hex[2 * GDB_REG_MAX + 1];
    uint8_t reg[GDB_REG_MAX];
    int regno, size;

    if (!gdb_parse_reg_read(a, n, &regno)) {
        put_error(s, ERR_INVAL);
        return;
    }
    size = cc->gdb_read_register(s->g_cpu, reg, regno);
    if (size <= 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    gdb_bytes_to_hex(reg, (size_t)size, hex);
    gdb_put_str(s, hex);
}

static void cmd_write_reg(GDBState *s, const char *a, size_t n)
{
    CPUClass *cc = CPU_GET_CLASS(s->g_cpu);
    uint8_t val[GDB_REG_MAX], old[GDB_REG_MAX];
    size_t len;
    int regno, size;

    if (!gdb_parse_reg_write(a, n, &regno, val, sizeof(val), &len)) {
        put_error(s, ERR_INVAL);
        return;
    }
    size = cc->gdb_read_register(s->g_cpu, old, regno);
    if (size <= 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    if ((size_t)size != len) {
        put_error(s, ERR_INVAL);
        return;
    }
    if (cc->gdb_write_register(s->g_cpu, val, regno) <= 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    gdb_put_str(s, "OK");
}

/* ---- memory (guest virtual addresses, as the selected vCPU sees them) ---- */

static void cmd_read_mem(GDBState *s, const char *a, size_t n)
{
    uint8_t buf[GDB_MEM_MAX];
    char hex[2 * GDB_MEM_MAX + 1];
    uint64_t addr, len;

    if (!gdb_parse_mem_read(a, n, &addr, &len)) {
        put_error(s, ERR_INVAL);
        return;
    }
    if (CPU_GET_CLASS(s->g_cpu)->memory_rw_debug(s->g_cpu, addr, buf, len, false) < 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    gdb_bytes_to_hex(buf, len, hex);
    gdb_put_packet(s, hex, 2 * len);
}

static void write_mem(GDBState *s, uint64_t addr, const uint8_t *data, uint64_t len)
{
    /* A zero length is gdb probing whether X is supported. */
    if (len &&
        CPU_GET_CLASS(s->g_cpu)->memory_rw_debug(s->g_cpu, addr, (void *)data, len, true) < 0) {
        put_error(s, ERR_FAULT);
        return;
    }
    gdb_put_str(s, "OK");
}

static void cmd_write_mem_hex(GDBState *s, const char *a, size_t n)
{
    uint8_t buf[GDB_MEM_MAX];
    uint64_t addr, len;

    if (!gdb_parse_mem_write_hex(a, n, &addr, &len, buf)) {
        put_error(s, ERR_INVAL);
        return;
    }
    write_mem(s, addr, buf, len);
}

static void cmd_write_mem_bin(GDBState *s, const char *a, size_t n)
{
    const uint8_t *data;
    uint64_t addr, len;

    if (!gdb_parse_mem_write_bin(a, n, &addr, &len, &data)) {
        put_error(s, ERR_INVAL);
        return;
    }
    write_mem(s, addr, data, len);
}

/* ---- breakpoints: software and hardware ones both become vCPU breakpoints on every hart ---- */

static bool breakpoint_insert_all(uint64_t addr)
{
    CPUState *cpu, *undo;

    CPU_FOREACH (cpu) {
        if (!cpu_breakpoint_insert(cpu, addr)) {
            for (undo = first_cpu; undo != cpu; undo = undo->next_cpu) {
                cpu_breakpoint_remove(undo, addr);
            }
            return false;
        }
    }
    return true;
}

static bool breakpoint_remove_all(uint64_t addr)
{
    CPUState *cpu;
    bool found = false;

    CPU_FOREACH (cpu) {
        found |= cpu_breakpoint_remove(cpu, addr);
    }
    return found;
}

static void breakpoint_cmd(GDBState *s, const char *a, size_t n, bool insert)
{
    uint64_t addr, kind;
    int type;
    bool ok;

    if (!gdb_parse_breakpoint(a, n, &type, &addr, &kind)) {
        put_error(s, ERR_INVAL);
        return;
    }
    if (type > 1) {
        gdb_put_str(s, ""); /* watchpoints: gdb falls back to software watchpoints */
        return;
    }
    ok = insert ? breakpoint_insert_all(addr) : breakpoint_remove_all(addr);
    if (ok) {
        gdb_put_str(s, "OK");
    } else {
        put_error(s, ERR_INVAL);
    }
}

static void cmd_insert_breakpoint(GDBState *s, const char *a, size_t n)
{
    breakpoint_cmd(s, a, n, true);
}

static void cmd_remove_breakpoint(GDBState *s, const char *a, size_t n)
{
    breakpoint_cmd(s, a, n, false);
}

/* ---- execution ---- */

static void resume_at(GDBState *s, bool has_addr, uint64_t addr, bool step)
{
    if (has_addr) {
        CPU_GET_CLASS(s->c_cpu)->set_pc(s->c_cpu, addr);
    }
    if (step) {
        cpu_single_step(s->c_cpu, true);
    }
    gdb_resume(s); /* no reply now: the stop reply comes when the VM stops */
}

/* c [addr] and s [addr]. */
static void resume_cmd(GDBState *s, const char *a, size_t n, bool step)
{
    uint64_t addr = 0;
    bool has_addr;

    if (!gdb_parse_resume_addr(a, n, &has_addr, &addr)) {
        put_error(s, ERR_INVAL);
        return;
    }
    resume_at(s, has_addr, addr, step);
}

/* C sig[;addr] and S sig[;addr]: the signal is dropped, a system emulator delivers none. */
static void resume_sig_cmd(GDBState *s, const char *a, size_t n, bool step)
{
    const char *end = a + n;
    uint64_t sig, addr = 0;
    bool has_addr = false;

    if (!gdb_parse_hex(&a, end, &sig) ||
        (a < end &&
         (*a != ';' || !gdb_parse_resume_addr(a + 1, (size_t)(end - a - 1), &has_addr, &addr)))) {
        put_error(s, ERR_INVAL);
        return;
    }
    resume_at(s, has_addr, addr, step);
}

static void cmd_continue(GDBState *s, const char *a, size_t n)
{
    resume_cmd(s, a, n, false);
}

static void cmd_step(GDBState *s, const char *a, size_t n)
{
    resume_cmd(s, a, n, true);
}

static void cmd_continue_sig(GDBState *s, const char *a, size_t n)
{
    resume_sig_cmd(s, a, n, false);
}

static void cmd_step_sig(GDBState *s, const char *a, size_t n)
{
    resume_sig_cmd(s, a, n, true);
}

static void cmd_vcont_query(GDBState *s, const char *a, size_t n)
{
    gdb_put_str(s, "vCont;c;C;s;S");
}

/* The leftmost action naming this vCPU (or all threads) applies to it. */
static const GdbVContAction *vcont_action_for(GDBState *s, const GdbVContAction *acts, int count,
                                              CPUState *cpu)
{
    for (int i = 0; i < count; i++) {
        int64_t t = acts[i].thread;

        if (t == GDB_THREAD_ALL || t == gdb_thread_id(cpu) ||
            (t == GDB_THREAD_ANY && cpu == s->c_cpu)) {
            return &acts[i];
        }
    }
    return NULL;
}

static void cmd_vcont(GDBState *s, const char *a, size_t n)
{
    GdbVContAction acts[GDB_VCONT_MAX];
    int count = gdb_parse_vcont(a, n, acts, GDB_VCONT_MAX);
    CPUState *cpu;

    for (int i = 0; i < count; i++) {
        if (acts[i].thread > 0 && !gdb_cpu_by_thread(acts[i].thread)) {
            count = -1;
        }
    }
    if (count < 0) {
        put_error(s, ERR_INVAL);
        return;
    }
    bool all = true;

    CPU_FOREACH (cpu) {
        const GdbVContAction *act = vcont_action_for(s, acts, count, cpu);

        all &= act != NULL;
        if (act && act->action == 's') {
            cpu_single_step(cpu, true);
            s->c_cpu = cpu;
        }
    }
    if (all) {
        gdb_resume(s);
        return;
    }
    /* Threads without an action stay stopped ("set scheduler-locking on" sends vCont;s:2). */
    CPU_FOREACH (cpu) {
        if (vcont_action_for(s, acts, count, cpu)) {
            gdb_resume_cpu(s, cpu);
        }
    }
}

static void cmd_detach(GDBState *s, const char *a, size_t n)
{
    gdb_detach(s);
}

static void cmd_kill(GDBState *s, const char *a, size_t n)
{
    gdb_kill(s); /* 'k' has no reply */
}

static void cmd_vkill(GDBState *s, const char *a, size_t n)
{
    gdb_put_str(s, "OK");
    gdb_kill(s);
}

/* F<result>[,<errno>[,C]]: gdb's answer to a File-I/O request (hex, the result may be -1). */
static void cmd_file_reply(GDBState *s, const char *a, size_t n)
{
    char *end;
    bool neg = *a == '-';
    int64_t ret = (int64_t)strtoull(a + neg, &end, 16);
    int64_t err = 0;

    ret = neg ? -ret : ret;
    if (end == a + neg) {
        gdb_put_str(s, "E22");
        return;
    }
    if (*end == ',') {
        err = (int64_t)strtoull(end + 1, &end, 16);
    }
    gdb_syscall_reply(s, ret, (int)err, *end == ',' && end[1] == 'C');
}

/* ---- dispatch ---- */

static const GdbCmd gdb_cmds[] = {
    {"?", true, cmd_stop_reason},
    {"qSupported", false, cmd_supported},
    {"QStartNoAckMode", true, cmd_no_ack},
    {"qAttached", false, cmd_attached},
    {"qC", true, cmd_current_thread},
    {"qfThreadInfo", true, cmd_thread_info_first},
    {"qsThreadInfo", true, cmd_thread_info_next},
    {"qThreadExtraInfo,", false, cmd_thread_extra_info},
    {"qXfer:features:read:", false, cmd_read_features},
    {"H", false, cmd_set_thread},
    {"T", false, cmd_thread_alive},
    {"g", true, cmd_read_regs},
    {"G", false, cmd_write_regs},
    {"p", false, cmd_read_reg},
    {"P", false, cmd_write_reg},
    {"m", false, cmd_read_mem},
    {"M", false, cmd_write_mem_hex},
    {"X", false, cmd_write_mem_bin},
    {"Z", false, cmd_insert_breakpoint},
    {"z", false, cmd_remove_breakpoint},
    {"c", false, cmd_continue},
    {"s", false, cmd_step},
    {"C", false, cmd_continue_sig},
    {"S", false, cmd_step_sig},
    {"vCont?", true, cmd_vcont_query},
    {"vCont", false, cmd_vcont},
    {"D", false, cmd_detach},
    {"k", true, cmd_kill},
    {"vKill", false, cmd_vkill},
    {"F", false, cmd_file_reply},
};

void gdb_handle_packet(GDBState *s, const char *data, size_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(gdb_cmds); i++) {
        const GdbCmd *cmd = &gdb_cmds[i];
        size_t nl = strlen(cmd->name);

        if ((cmd->exact ? len == nl : len >= nl) && memcmp(data, cmd->name, nl) == 0) {
            cmd->fn(s, data + nl, len - nl);
            return;
        }
    }
    /* Anything else (qTStatus, qSymbol, qOffsets, vMustReplyEmpty, '!'...): unsupported. */
    gdb_put_str(s, "");
}
