/*
 * qcow2 internal snapshot table (docs/interop/qcow2.txt, "Snapshots"):
 * parsed and checked at open so a later `info snapshots` can list it.
 * Creating, reverting and deleting are in qcow2-snapshot-write.c.
 *
 * Entries are variable length (40 bytes, extra data, id, name, padding to 8);
 * every length is checked against the file before anything is read or
 * allocated.
 */
#include <errno.h>
#include <inttypes.h>

#include "block/qcow2.h"

#define SNAPSHOT_HEADER_LEN 40
#define SNAPSHOT_MAX_EXTRA 1024
#define SNAPSHOT_TABLE_MAX (64 * MiB)

static bool snapshot_fail(Qcow2State *s, uint32_t i, const char *why, Error **errp)
{
    error_setg(errp, "qcow2 image '%s': snapshot table entry %u %s", s->filename, i, why);
    return false;
}

/* Read the entry at *pos, advance *pos past it. */
static bool read_snapshot(Qcow2State *s, uint32_t i, uint64_t *pos, Qcow2Snapshot *sn, Error **errp)
{
    uint8_t h[SNAPSHOT_HEADER_LEN], extra[16] = {0};
    uint32_t extra_len;
    uint16_t id_len, name_len;
    uint64_t need;
    char *strings;

    if (*pos - s->snapshots_offset > SNAPSHOT_TABLE_MAX || *pos > s->file_size ||
        s->file_size - *pos < sizeof(h) || qcow2_file_pread(s, *pos, h, sizeof(h)) < 0) {
        return snapshot_fail(s, i, "runs past the end of the file", errp);
    }
    sn->l1_table_offset = qcow2_be64(h);
    sn->l1_size = qcow2_be32(h + 8);
    id_len = qcow2_be16(h + 12), name_len = qcow2_be16(h + 14);
    sn->date_sec = qcow2_be32(h + 16), sn->date_nsec = qcow2_be32(h + 20);
    sn->vm_clock_nsec = qcow2_be64(h + 24);
    sn->vm_state_size = qcow2_be32(h + 32);
    extra_len = qcow2_be32(h + 36);
    if (extra_len > SNAPSHOT_MAX_EXTRA) {
        return snapshot_fail(s, i, "has too much extra data", errp);
    }
    need = sizeof(h) + extra_len + id_len + name_len;
    if (s->file_size - *pos < need) {
        return snapshot_fail(s, i, "runs past the end of the file", errp);
    }
    if (qcow2_file_pread(s, *pos + sizeof(h), extra, MIN(extra_len, sizeof(extra))) < 0) {
        return snapshot_fail(s, i, "cannot be read", errp);
    }
    if (extra_len >= 8) {
        sn->vm_state_size = qcow2_be64(extra);
    }
    sn->disk_size = extra_len >= 16 ? qcow2_be64(extra + 8) : 0;
    strings = xzalloc((size_t)id_len + name_len + 1);
    if (qcow2_file_pread(s, *pos + sizeof(h) + extra_len, strings, id_len + name_len) < 0) {
        free(strings);
        return snapshot_fail(s, i, "cannot be read", errp);
    }
    sn->id = strndup(strings, id_len);
    sn->name = strndup(strings + id_len, name_len);
    free(strings);
    *pos += ALIGN_UP(need, 8);
    if (sn->l1_size > QCOW2_MAX_L1_BYTES / 8 || sn->l1_table_offset % s->cluster_size ||
        sn->l1_table_offset > s->file_size ||
        (uint64_t)sn->l1_size * 8 > s->file_size - sn->l1_table_offset) {
        return snapshot_fail(s, i, "has an L1 table outside the file", errp);
    }
    return true;
}

bool qcow2_read_snapshots(Qcow2State *s, Error **errp)
{
    uint64_t pos = s->snapshots_offset;

    if (!s->nb_snapshots) {
        return true;
    }
    if (s->nb_snapshots > QCOW2_MAX_SNAPSHOTS || pos % s->cluster_size || pos < s->cluster_size ||
        pos >= s->file_size) {
        error_setg(errp, "qcow2 image '%s': snapshot table (%u entries at %#" PRIx64 ") is invalid",
                   s->filename, s->nb_snapshots, pos);
        return false;
    }
    s->snapshots = xnew0(Qcow2Snapshot, s->nb_snapshots);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        if (!read_snapshot(s, i, &pos, &s->snapshots[i], errp)) {
            return false;
        }
    }
    s->snapshots_size = pos - s->snapshots_offset;
    return true;
}

int qcow2_snapshot_list(void *opaque, BlockSnapshotInfo **list)
{
    Qcow2State *s = opaque;

    *list = xnew0(BlockSnapshotInfo, s->nb_snapshots + 1);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        const Qcow2Snapshot *sn = &s->snapshots[i];

        (*list)[i] = (BlockSnapshotInfo){
            .id = xstrdup(sn->id),
            .name = xstrdup(sn->name),
            .vm_state_size = sn->vm_state_size,
            .date_sec = sn->date_sec,
            .date_nsec = sn->date_nsec,
            .vm_clock_nsec = sn->vm_clock_nsec,
        };
    }
    return s->nb_snapshots;
}

void qcow2_free_snapshots(Qcow2State *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        free(s->snapshots[i].id);
        free(s->snapshots[i].name);
    }
    free(s->snapshots);
    s->snapshots = NULL;
}
