/* The one-line notice before a slow first build: compiling OpenCL programs (ganhpo's and
 * CLBlast's) and PoCL's per-kernel code generation take a minute on a fresh machine and
 * nothing else would be printed meanwhile. A watcher thread prints the line when a watched
 * section is still running after one second, so a warm cache stays silent. */
#include "device/device_impl.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

/* Printed at most once per process, whatever the device. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int printed;

static void *watch(void *arg)
{
    build_notice *n = arg;
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 1;
    pthread_mutex_lock(&n->mutex);
    int rc = 0;
    while (!n->stop && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&n->cond, &n->mutex, &deadline);
    const int stop = n->stop;
    pthread_mutex_unlock(&n->mutex);
    pthread_mutex_lock(&lock);
    if (!stop && !printed) {
        printed = 1;
        fprintf(stderr, "building OpenCL kernels for %s ..., once per machine\n", n->device);
        fflush(stderr);
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

void ganhpo_device_start_build_notice(ganhpo_device *dev)
{
    build_notice *n = &dev->notice;
    if (n->depth++ > 0)
        return;
    n->device = dev->info.name;
    n->stop = 0;
    n->running = pthread_mutex_init(&n->mutex, NULL) == 0;
    if (n->running && pthread_cond_init(&n->cond, NULL) != 0) {
        pthread_mutex_destroy(&n->mutex);
        n->running = 0;
    }
    if (n->running && pthread_create(&n->thread, NULL, watch, n) != 0) {
        pthread_cond_destroy(&n->cond);
        pthread_mutex_destroy(&n->mutex);
        n->running = 0; /* no notice is no error: the build itself goes on */
    }
}

void ganhpo_device_stop_build_notice(ganhpo_device *dev)
{
    build_notice *n = &dev->notice;
    if (n->depth == 0 || --n->depth > 0 || !n->running)
        return;
    pthread_mutex_lock(&n->mutex);
    n->stop = 1;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->mutex);
    pthread_join(n->thread, NULL);
    pthread_cond_destroy(&n->cond);
    pthread_mutex_destroy(&n->mutex);
    n->running = 0;
}
