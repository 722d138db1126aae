/*
 * The block I/O worker pool (QEMU's thread-pool idea): blocking work (pread,
 * pwrite, fdatasync, fallocate, a qcow2 cluster allocation) runs in worker
 * threads without the BQL, and its completion callback runs later in the main
 * loop with the BQL held, so the vCPU that kicked a queue returns at once and
 * a long read never holds up another hart.
 *
 * Contract:
 *   - thread_pool_submit() is called with the BQL held. func(opaque) runs in a
 *     worker, concurrently with other requests and with the vCPUs: it must not
 *     touch device or main-loop state. Its return value (0 or -errno) is handed
 *     to cb(cb_opaque, ret), which runs with the BQL held: from the pool's bottom
 *     half in the main loop, or inside thread_pool_run_completions()/
 *     thread_pool_wait() when a caller drains. Every submitted request gets
 *     exactly one cb call; callbacks run in completion order, not submission order.
 *   - thread_pool_cancel() takes back a request no worker has started: its cb
 *     then gets -ECANCELED (later, like any completion). A started request
 *     cannot be stopped; cancel returns false and it completes normally.
 *   - Up to max_workers threads, started on demand and kept until the pool is freed.
 */
#ifndef BLOCK_THREAD_POOL_H
#define BLOCK_THREAD_POOL_H

#include "common.h"

typedef struct ThreadPool ThreadPool;
typedef struct ThreadPoolRequest ThreadPoolRequest;

typedef int ThreadPoolFunc(void *opaque);
typedef void ThreadPoolCompletionFunc(void *opaque, int ret);

#define THREAD_POOL_MAX_WORKERS 8

/* A pool of up to max_workers threads (none started yet). BQL held, main loop set up. */
ThreadPool *thread_pool_new(unsigned max_workers);
/* Wait for every request (running their callbacks), stop the workers, free. NULL ignored. */
void thread_pool_free(ThreadPool *pool);

/* Queue func(opaque) for a worker; cb(cb_opaque, ret) follows (see above). Never fails. */
ThreadPoolRequest *thread_pool_submit(ThreadPool *pool, ThreadPoolFunc *func, void *opaque,
                                      ThreadPoolCompletionFunc *cb, void *cb_opaque);
/* Cancel req if no worker has taken it (true: cb will get -ECANCELED). req must not have
 * completed yet (its cb has not run). */
bool thread_pool_cancel(ThreadPool *pool, ThreadPoolRequest *req);

/* Run the callbacks of every finished request now (BQL held); returns how many ran. */
unsigned thread_pool_run_completions(ThreadPool *pool);
/* Block until a request has finished whose callback has not run yet (returns at once if
 * there is one) or none is queued or running (returns false then). BQL held; the workers
 * never need it, so this cannot deadlock. */
bool thread_pool_wait(ThreadPool *pool);
/* Requests submitted whose callbacks have not run yet. */
unsigned thread_pool_pending(ThreadPool *pool);

#endif
