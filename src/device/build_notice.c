/* The one-line notice before a slow first build: compiling OpenCL programs (ganhpo's and,
 * on GPUs, CLBlast's) and PoCL's per-kernel code generation take many seconds on a fresh
 * machine and nothing else would be printed meanwhile. A watcher thread prints the line
 * once a watched section has used a second of CPU time, so a warm cache stays silent. */
#include "device/device_impl.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

/* Printed at most once per process, whatever the device. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int printed;

static double cpu_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Wakes every 100 ms until stopped or until the section looks like a compile: one second of
 * the process's CPU time, or one second of wall time with a fifth of a second of CPU time
 * (a compile on a busy machine). A warm cache on a busy machine only waits, using almost no
 * CPU, and stays silent. */
static void *watch(void *arg)
{
    build_notice *n = arg;
    struct timespec w0;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    const double start = cpu_seconds();
    int stop, due = 0;
    pthread_mutex_lock(&n->mutex);
    while (!(stop = n->stop) && !due) {
        struct timespec deadline;
        clock_gettime(CLOCK_REALTIME, &deadline);
        deadline.tv_nsec += 100000000L;
        if (deadline.tv_nsec >= 1000000000L) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&n->cond, &n->mutex, &deadline);
        struct timespec w;
        clock_gettime(CLOCK_MONOTONIC, &w);
        const double cpu = cpu_seconds() - start;
        const double wall =
            (double)(w.tv_sec - w0.tv_sec) + 1e-9 * (double)(w.tv_nsec - w0.tv_nsec);
        due = cpu >= 1.0 || (wall >= 1.0 && cpu >= 0.2);
    }
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
