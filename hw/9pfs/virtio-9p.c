/*
 * virtio 9p device ("virtio-9p-device"): carries 9P2000.L messages between the guest's
 * v9fs client and the server of hw/9pfs/9p.c.
 *
 * Spec: Virtual I/O Device (VIRTIO) Version 1.2, 5.x "9P Transport" (device ID 9), and
 * Linux's net/9p/trans_virtio.c for what the driver expects. One request queue; a request
 * is a chain whose device-readable part is one T-message and whose device-writable part
 * receives the R-message. Feature VIRTIO_9P_MOUNT_TAG (bit 0). Config space:
 *   0x00 le16 tag_len   0x02 tag[tag_len] (not NUL-terminated)
 *
 * Threading (the file I/O must not block a vCPU or the main loop): the notify handler,
 * under the BQL, copies each request out of guest memory and queues it for the device's
 * one worker thread, which serves requests in order without the BQL and never touches
 * guest memory; a bottom half then copies the replies into the guest's buffers and
 * pushes them, under the BQL. In-order service also gives Tflush its meaning: the
 * flushed request is always answered first. A device reset discards what is queued and
 * what is in flight (a generation count tells stale replies apart) and clunks every fid.
 */
#include "hw/9pfs/virtio-9p.h"

#include <pthread.h>

#include "hw/9pfs/9p.h"
#include "migration/vmstate.h"
#include "util/log.h"
#include "util/main-loop.h"

#define VIRTIO_9P_MOUNT_TAG 0
#define VIRTIO_9P_QUEUE_SIZE 128
#define VIRTIO_9P_MIN_REPLY 11 /* an Rlerror */

typedef struct V9fsJob {
    struct V9fsJob *next;
    VirtQueueElement *elem; /* NULL for the reset marker */
    uint64_t generation;
    uint8_t *req, *reply;
    size_t req_len, reply_cap, reply_len;
} V9fsJob;

/* A FIFO of jobs. */
typedef struct V9fsJobList {
    V9fsJob *head, **tail;
} V9fsJobList;

typedef struct V9fsVirtioState {
    VirtIODevice parent_obj;
    char *fsdev_id;   /* property "fsdev" */
    char *mount_tag;  /* property "mount_tag" */
    V9fsState server; /* the worker's alone once it runs */
    VirtQueue *vq;
    BH *done_bh;
    uint64_t generation; /* bumped by reset; BQL */
    pthread_t worker;
    bool worker_running;
    pthread_mutex_t lock; /* protects todo, done, quit */
    pthread_cond_t cond;
    V9fsJobList todo, done;
    bool quit;
} V9fsVirtioState;

#define VIRTIO_9P(obj) OBJECT_CHECK(V9fsVirtioState, (obj), TYPE_VIRTIO_9P)

static void job_list_init(V9fsJobList *l)
{
    l->head = NULL;
    l->tail = &l->head;
}

static void job_list_add(V9fsJobList *l, V9fsJob *job)
{
    job->next = NULL;
    *l->tail = job;
    l->tail = &job->next;
}

static V9fsJob *job_list_take_all(V9fsJobList *l)
{
    V9fsJob *all = l->head;

    job_list_init(l);
    return all;
}

static void job_free(V9fsJob *job)
{
    if (job->elem) {
        virtqueue_elem_free(job->elem);
    }
    free(job->req);
    free(job->reply);
    free(job);
}

/* ---- the worker thread ---- */

static void virtio_9p_serve(V9fsVirtioState *s, V9fsJob *job)
{
    size_t cap;

    if (!job->elem) {
        v9fs_reset(&s->server);
        return;
    }
    cap = MIN(job->reply_cap, MAX(v9fs_msize(&s->server), (uint32_t)V9FS_MIN_MSIZE));
    job->reply = xmalloc(cap);
    job->reply_len = v9fs_handle(&s->server, job->req, job->req_len, job->reply, cap);
}

static void *virtio_9p_worker(void *opaque)
{
    V9fsVirtioState *s = opaque;

    pthread_mutex_lock(&s->lock);
    for (;;) {
        V9fsJob *job;

        while (!s->todo.head && !s->quit) {
            pthread_cond_wait(&s->cond, &s->lock);
        }
        if (s->quit) {
            break;
        }
        job = s->todo.head;
        s->todo.head = job->next;
        if (!s->todo.head) {
            s->todo.tail = &s->todo.head;
        }
        pthread_mutex_unlock(&s->lock);
        virtio_9p_serve(s, job);
        pthread_mutex_lock(&s->lock);
        job_list_add(&s->done, job);
        bh_schedule(s->done_bh);
    }
    pthread_mutex_unlock(&s->lock);
    return NULL;
}

static void virtio_9p_queue_job(V9fsVirtioState *s, V9fsJob *job)
{
    pthread_mutex_lock(&s->lock);
    job_list_add(&s->todo, job);
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* ---- the guest side (BQL) ---- */

/* Replies into the guest's buffers; stale ones (from before a reset) are dropped. */
static void virtio_9p_complete(void *opaque)
{
    V9fsVirtioState *s = opaque;
    V9fsJob *job, *next;
    bool pushed = false;

    pthread_mutex_lock(&s->lock);
    job = job_list_take_all(&s->done);
    pthread_mutex_unlock(&s->lock);
    for (; job; job = next) {
        next = job->next;
        if (job->elem && job->generation == s->generation) {
            size_t n = virtqueue_elem_from_buf(job->elem, 0, job->reply, job->reply_len);

            virtqueue_push(s->vq, job->elem, n);
            job->elem = NULL;
            pushed = true;
        }
        job_free(job);
    }
    if (pushed) {
        virtio_notify(VIRTIO_DEVICE(s), s->vq);
    }
}

static V9fsJob *virtio_9p_take_request(V9fsVirtioState *s, VirtQueueElement *elem)
{
    uint32_t msize = v9fs_msize(&s->server);
    V9fsJob *job;

    if (elem->out_len < P9_HDR_SIZE || elem->in_len < VIRTIO_9P_MIN_REPLY) {
        virtio_error(VIRTIO_DEVICE(s), "9p request without a message or room for a reply");
        virtqueue_elem_free(elem);
        return NULL;
    }
    job = xzalloc(sizeof(*job));
    job->elem = elem;
    job->generation = s->generation;
    /* A message longer than msize is cut here and refused by the server (EINVAL). */
    job->req_len = MIN(elem->out_len, MAX(msize, (uint32_t)V9FS_MIN_MSIZE));
    job->req = xmalloc(job->req_len);
    job->req_len = virtqueue_elem_to_buf(elem, 0, job->req, job->req_len);
    job->reply_cap = MIN(elem->in_len, V9FS_MAX_MSIZE);
    return job;
}

static void virtio_9p_handle_output(VirtIODevice *vdev, VirtQueue *vq)
{
    V9fsVirtioState *s = VIRTIO_9P(vdev);
    VirtQueueElement *elem;

    while ((elem = virtqueue_pop(vq))) {
        V9fsJob *job = virtio_9p_take_request(s, elem);

        if (job) {
            virtio_9p_queue_job(s, job);
        }
    }
}

static void virtio_9p_reset(VirtIODevice *vdev)
{
    V9fsVirtioState *s = VIRTIO_9P(vdev);
    V9fsJob *stale, *next, *marker = xzalloc(sizeof(*marker));

    s->generation++;
    pthread_mutex_lock(&s->lock);
    stale = job_list_take_all(&s->todo);
    pthread_mutex_unlock(&s->lock);
    for (; stale; stale = next) {
        next = stale->next;
        job_free(stale);
    }
    marker->generation = s->generation;
    virtio_9p_queue_job(s, marker); /* the worker clunks every fid, in order */
}

/* ---- features and config ---- */

static uint64_t virtio_9p_get_features(VirtIODevice *vdev)
{
    return VIRTIO_BIT(VIRTIO_9P_MOUNT_TAG);
}

static void virtio_9p_get_config(VirtIODevice *vdev, uint8_t *config)
{
    V9fsVirtioState *s = VIRTIO_9P(vdev);
    size_t len = strlen(s->mount_tag);

    config[0] = len;
    config[1] = len >> 8;
    memcpy(config + 2, s->mount_tag, len);
}

/* ---- realize ---- */

static bool virtio_9p_check_props(V9fsVirtioState *s, const FsDriverEntry **fse, Error **errp)
{
    *fse = fsdev_find(s->fsdev_id);
    if (!*fse) {
        error_setg(errp, "9pfs device couldn't find fsdev with the id = %s",
                   s->fsdev_id ? s->fsdev_id : "NULL");
        return false;
    }
    if (!s->mount_tag) {
        error_setg(errp, "fsdev with id %s needs mount_tag arguments", s->fsdev_id);
        return false;
    }
    if (strlen(s->mount_tag) > VIRTIO_9P_MAX_TAG_LEN) {
        error_setg(errp, "mount tag '%s' (%zu bytes) is longer than maximum (%d bytes)",
                   s->mount_tag, strlen(s->mount_tag), VIRTIO_9P_MAX_TAG_LEN);
        return false;
    }
    return true;
}

static bool virtio_9p_realize(DeviceState *dev, Error **errp)
{
    V9fsVirtioState *s = VIRTIO_9P(dev);
    const FsDriverEntry *fse;
    int err;

    if (!virtio_9p_check_props(s, &fse, errp) || !v9fs_init(&s->server, fse, errp)) {
        return false;
    }
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    job_list_init(&s->todo);
    job_list_init(&s->done);
    s->done_bh = bh_new(virtio_9p_complete, s);
    err = pthread_create(&s->worker, NULL, virtio_9p_worker, s);
    if (err) {
        error_setg_errno(errp, err, "virtio-9p: cannot start the worker thread");
        v9fs_cleanup(&s->server);
        return false;
    }
    s->worker_running = true;
    virtio_init(VIRTIO_DEVICE(dev), 2 + strlen(s->mount_tag));
    s->vq = virtio_add_queue(VIRTIO_DEVICE(dev), VIRTIO_9P_QUEUE_SIZE, virtio_9p_handle_output);
    return true;
}

static void virtio_9p_finalize(Object *obj)
{
    V9fsVirtioState *s = VIRTIO_9P(obj);
    V9fsJob *job, *next;

    if (!s->worker_running) {
        return;
    }
    pthread_mutex_lock(&s->lock);
    s->quit = true;
    pthread_cond_signal(&s->cond);
    pthread_mutex_unlock(&s->lock);
    pthread_join(s->worker, NULL);
    for (job = s->todo.head; job; job = next) {
        next = job->next;
        job_free(job);
    }
    for (job = s->done.head; job; job = next) {
        next = job->next;
        job_free(job);
    }
    bh_delete(s->done_bh);
    v9fs_cleanup(&s->server);
}

/* ---- properties and type registration ---- */

static const Property virtio_9p_props[] = {
    DEFINE_PROP("fsdev", PROP_STRING, V9fsVirtioState, fsdev_id,
                .description = "the -fsdev id of the shared directory"),
    DEFINE_PROP("mount_tag", PROP_STRING, V9fsVirtioState, mount_tag,
                .description = "the tag the guest mounts (up to 31 bytes)"),
    DEFINE_PROP_END,
};

/* The guest's fids name open host files: a snapshot cannot hold them (QEMU blocks
 * migration too while a share is mounted). */
static const VMStateDescription vmstate_virtio_9p = {.name = "virtio-9p", .unmigratable = true};

static void virtio_9p_class_init(ObjectClass *oc, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    VirtioDeviceClass *vdc = VIRTIO_DEVICE_CLASS(oc);

    dc->desc = "virtio 9p file system (9P2000.L)";
    dc->user_creatable = true;
    dc->realize = virtio_9p_realize;
    vdc->device_id = VIRTIO_ID_9P;
    vdc->get_features = virtio_9p_get_features;
    vdc->get_config = virtio_9p_get_config;
    vdc->reset = virtio_9p_reset;
    object_class_add_props(oc, virtio_9p_props);
    dc->vmsd = &vmstate_virtio_9p;
}

static const TypeInfo virtio_9p_info = {
    .name = TYPE_VIRTIO_9P,
    .parent = TYPE_VIRTIO_DEVICE,
    .instance_size = sizeof(V9fsVirtioState),
    .instance_finalize = virtio_9p_finalize,
    .class_init = virtio_9p_class_init,
};

static void virtio_9p_register_types(void)
{
    type_register_static(&virtio_9p_info);
}

type_init(virtio_9p_register_types)
