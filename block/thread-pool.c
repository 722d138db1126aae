/*
 * The block I/O worker pool (include/block/thread-pool.h).
 *
 * One mutex guards the two queues: `queued` (FIFO, not yet taken by a worker)
 * and `done` (FIFO, finished, callback not yet run). Workers sleep on
 * work_cond; a drainer sleeps on done_cond. A finished request also schedules
 * the pool's bottom half, which runs the callbacks in the main loop. Callbacks
 * are called without the mutex, so they may submit or cancel requests.
 */
#include "block/thread-pool.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>

#include "util/main-loop.h"

typedef enum {
    REQ_QUEUED,
    REQ_RUNNING,
    REQ_DONE,
} ThreadPoolRequestState;

struct ThreadPoolRequest {
    ThreadPoolFunc *func;
    void *opaque;
    ThreadPoolCompletionFunc *cb;
    void *cb_opaque;
    int ret;
    ThreadPoolRequestState state;
    ThreadPoolRequest *next;
};

/* A FIFO of requests, linked through next. */
typedef struct RequestList {
    ThreadPoolRequest *head, **tail;
} RequestList;

struct ThreadPool {
    pthread_mutex_t lock;
    pthread_cond_t work_cond; /* queued grew, or stopping */
    pthread_cond_t done_cond; /* done grew */
    RequestList queued, done;
    unsigned active;  /* queued + running (under lock) */
    unsigned nqueued; /* in queued (under lock) */
    unsigned pending; /* submitted, callback not yet run (BQL) */
    unsigned idle;    /* workers waiting for work */
    unsigned nworkers, max_workers;
    pthread_t *workers;
    bool stopping;
    BH *bh;
};

static void list_init(RequestList *l)
{
    l->head = NULL;
    l->tail = &l->head;
}

static void list_push(RequestList *l, ThreadPoolRequest *req)
{
    req->next = NULL;
    *l->tail = req;
    l->tail = &req->next;
}

static ThreadPoolRequest *list_pop(RequestList *l)
{
    ThreadPoolRequest *req = l->head;

    if (req) {
        l->head = req->next;
        if (!l->head) {
            l->tail = &l->head;
        }
    }
    return req;
}

static bool list_remove(RequestList *l, ThreadPoolRequest *req)
{
    for (ThreadPoolRequest **p = &l->head; *p; p = &(*p)->next) {
        if (*p == req) {
            *p = req->next;
            if (l->tail == &req->next) {
                l->tail = p;
            }
            return true;
        }
    }
    return false;
}

/* Under the lock: req finished (or was cancelled) with ret. */
static void thread_pool_finish_locked(ThreadPool *pool, ThreadPoolRequest *req, int ret)
{
    req->ret = ret;
    req->state = REQ_DONE;
    pool->active--;
    list_push(&pool->done, req);
    pthread_cond_broadcast(&pool->done_cond);
    bh_schedule(pool->bh);
}

static void *thread_pool_worker(void *opaque)
{
    ThreadPool *pool = opaque;

    pthread_mutex_lock(&pool->lock);
    for (;;) {
        ThreadPoolRequest *req;
        int ret;

        while (!pool->queued.head && !pool->stopping) {
            pool->idle++;
            pthread_cond_wait(&pool->work_cond, &pool->lock);
            pool->idle--;
        }
        req = list_pop(&pool->queued);
        if (!req) {
            break; /* stopping, nothing left */
        }
        pool->nqueued--;
        req->state = REQ_RUNNING;
        pthread_mutex_unlock(&pool->lock);
        ret = req->func(req->opaque);
        pthread_mutex_lock(&pool->lock);
        thread_pool_finish_locked(pool, req, ret);
    }
    pthread_mutex_unlock(&pool->lock);
    return NULL;
}

/*
 * Under the lock: start a worker if none is idle to take the request just queued. False
 * if there is no worker at all and none can be started (the host is out of threads).
 */
static bool thread_pool_spawn_locked(ThreadPool *pool)
{
    sigset_t all, old;

    if (pool->idle >= pool->nqueued || pool->nworkers == pool->max_workers) {
        return true;
    }
    /* Signals belong to the main loop and the vCPUs: workers block them all. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if (pthread_create(&pool->workers[pool->nworkers], NULL, thread_pool_worker, pool) == 0) {
        pool->nworkers++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return pool->nworkers > 0;
}

static void thread_pool_bh(void *opaque)
{
    thread_pool_run_completions(opaque);
}

ThreadPool *thread_pool_new(unsigned max_workers)
{
    ThreadPool *pool = xzalloc(sizeof(*pool));

    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->work_cond, NULL);
    pthread_cond_init(&pool->done_cond, NULL);
    list_init(&pool->queued);
    list_init(&pool->done);
    pool->max_workers = MAX(max_workers, 1);
    pool->workers = xnew0(pthread_t, pool->max_workers);
    pool->bh = bh_new(thread_pool_bh, pool);
    return pool;
}

void thread_pool_free(ThreadPool *pool)
{
    if (!pool) {
        return;
    }
    while (pool->pending) {
        thread_pool_run_completions(pool);
        thread_pool_wait(pool);
    }
    pthread_mutex_lock(&pool->lock);
    pool->stopping = true;
    pthread_cond_broadcast(&pool->work_cond);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < pool->nworkers; i++) {
        pthread_join(pool->workers[i], NULL);
    }
    bh_delete(pool->bh);
    pthread_cond_destroy(&pool->work_cond);
    pthread_cond_destroy(&pool->done_cond);
    pthread_mutex_destroy(&pool->lock);
    free(pool->workers);
    free(pool);
}

ThreadPoolRequest *thread_pool_submit(ThreadPool *pool, ThreadPoolFunc *func, void *opaque,
                                      ThreadPoolCompletionFunc *cb, void *cb_opaque)
{
    ThreadPoolRequest *req = xzalloc(sizeof(*req));

    req->func = func;
    req->opaque = opaque;
    req->cb = cb;
    req->cb_opaque = cb_opaque;
    req->state = REQ_QUEUED;
    pool->pending++;
    pthread_mutex_lock(&pool->lock);
    list_push(&pool->queued, req);
    pool->nqueued++;
    pool->active++;
    if (!thread_pool_spawn_locked(pool)) {
        /* Nothing will ever run it: fail it (the device reports an I/O error). */
        list_remove(&pool->queued, req);
        pool->nqueued--;
        thread_pool_finish_locked(pool, req, -EAGAIN);
    }
    pthread_cond_signal(&pool->work_cond);
    pthread_mutex_unlock(&pool->lock);
    return req;
}

bool thread_pool_cancel(ThreadPool *pool, ThreadPoolRequest *req)
{
    bool cancelled = false;

    pthread_mutex_lock(&pool->lock);
    if (req->state == REQ_QUEUED && list_remove(&pool->queued, req)) {
        pool->nqueued--;
        thread_pool_finish_locked(pool, req, -ECANCELED);
        cancelled = true;
    }
    pthread_mutex_unlock(&pool->lock);
    return cancelled;
}

unsigned thread_pool_run_completions(ThreadPool *pool)
{
    unsigned n = 0;

    for (;;) {
        ThreadPoolRequest *req;

        pthread_mutex_lock(&pool->lock);
        req = list_pop(&pool->done);
        pthread_mutex_unlock(&pool->lock);
        if (!req) {
            return n;
        }
        pool->pending--;
        req->cb(req->cb_opaque, req->ret);
        free(req);
        n++;
    }
}

bool thread_pool_wait(ThreadPool *pool)
{
    bool finished;

    pthread_mutex_lock(&pool->lock);
    while (!pool->done.head && pool->active) {
        pthread_cond_wait(&pool->done_cond, &pool->lock);
    }
    finished = pool->done.head != NULL;
    pthread_mutex_unlock(&pool->lock);
    return finished;
}

unsigned thread_pool_pending(ThreadPool *pool)
{
    return pool->pending;
}
