/* W1 timing on one device for two samples read from raw float32 files (as
 * bench/wdist_vs_scipy.py writes them). Three spans are timed, each the median of
 * `repeats` calls after one warm-up:
 *   both:      ganhpo_wdist_1d_host, from host arrays to the result (both samples
 *              uploaded, sorted, integrated, the result read back), the span SciPy covers;
 *   reference: v set beforehand as the pre-sorted reference (ganhpo_wdist_set_reference,
 *              as in training), u uploaded and ganhpo_wdist_columns_to_reference;
 *   resident:  the same with u already on the device (training's generated sample).
 * Not timed: reading the files, creating the device and the workspace, building the
 * kernels, setting the reference.
 * Prints one line "n m w1 both_s reference_s resident_s", then, from `repeats` more calls
 * per span on a profiling queue (OpenCL events; medians), lines "pass SPAN NAME LAUNCHES
 * MS" per kernel (and "upload"), "pass SPAN total_events 0 MS" (their sum) and "pass SPAN
 * wall 0 MS" (the calls' wall time).
 * usage: bench_wdist U.f32 V.f32 [repeats] */
#include "ganhpo/device.h"
#include "ganhpo/wdist.h"
#include "ganhpo/system.h"

#include <stdio.h>
#include <stdlib.h>

static float *load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_wdist: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    *n = (size_t)bytes / sizeof(float);
    float *x = malloc(*n * sizeof *x);
    if (x && fread(x, sizeof *x, *n, f) != *n) {
        free(x);
        x = NULL;
    }
    fclose(f);
    return x;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The three timed spans: both host arrays; u uploaded, v the pre-sorted reference; u
 * already on the device, v the pre-sorted reference. */
enum { BOTH, REFERENCE, RESIDENT, SPANS };
static const char *const span_name[SPANS] = {"both", "reference", "resident"};

/* One timed W1 of kind `span`. */
typedef struct {
    ganhpo_device *dev;
    ganhpo_wdist *w;
    const float *u, *v;
    size_t n, m;
    int span;
    cl_mem ubuf; /* device copy of u (REFERENCE, RESIDENT) */
} job;

static ganhpo_status call(const job *j, double *w1)
{
    if (j->span == BOTH)
        return ganhpo_wdist_1d_host(j->w, j->u, j->n, j->v, j->m, w1);
    if (j->span == REFERENCE)
        GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(j->dev), j->ubuf, CL_FALSE, 0,
                                         j->n * sizeof(float), j->u, 0, NULL, NULL));
    return ganhpo_wdist_columns_to_reference(j->w, j->ubuf, j->n, NULL, w1);
}

/* Median and minimum seconds of `repeats` calls; *w1 from the last. */
static int time_calls(const job *j, int repeats, double *w1, double *median, double *best)
{
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!t || call(j, w1) != GANHPO_SUCCESS) { /* warm-up */
        free(t);
        return 1;
    }
    for (int r = 0; r < repeats; r++) {
        double t0 = ganhpo_system_seconds();
        if (call(j, w1) != GANHPO_SUCCESS) {
            free(t);
            return 1;
        }
        t[r] = ganhpo_system_seconds() - t0;
    }
    qsort(t, (size_t)repeats, sizeof *t, cmp);
    *median = t[repeats / 2];
    *best = t[0];
    free(t);
    return 0;
}

/* Uploads u into j->ubuf and v as the workspace's pre-sorted reference. */
static int set_reference(job *j)
{
    ganhpo_device *dev = j->dev;
    cl_command_queue q = ganhpo_device_queue(dev);
    cl_mem vbuf = NULL;
    int rc = ganhpo_device_alloc(dev, "bench u", j->n * sizeof(float), &j->ubuf) ||
             ganhpo_device_alloc(dev, "bench v", j->m * sizeof(float), &vbuf) ||
             clEnqueueWriteBuffer(q, vbuf, CL_TRUE, 0, j->m * sizeof(float), j->v, 0, NULL, NULL) !=
                 CL_SUCCESS ||
             clEnqueueWriteBuffer(q, j->ubuf, CL_TRUE, 0, j->n * sizeof(float), j->u, 0, NULL,
                                  NULL) != CL_SUCCESS ||
             ganhpo_wdist_set_reference(j->w, vbuf, j->m, 1);
    if (vbuf)
        clReleaseMemObject(vbuf);
    return rc;
}

/* Median of x[0 .. count) (reorders x). */
static double median_of(double *x, int count)
{
    qsort(x, (size_t)count, sizeof *x, cmp);
    return x[count / 2];
}

/* Prints the passes of `repeats` profiled calls of span j->span (after a warm-up): per
 * pass the median milliseconds, then their sum and the median wall time. */
static int print_passes(const job *j, int repeats)
{
    enum { MAX = GANHPO_WDIST_MAX_PASSES };
    ganhpo_wdist_pass p[MAX];
    size_t np = 0;
    double *ms = calloc((size_t)repeats * (MAX + 1), sizeof *ms), w1;
    int rc = !ms || call(j, &w1) != GANHPO_SUCCESS;
    for (int r = 0; r < repeats && !rc; r++) {
        double t0 = ganhpo_system_seconds();
        rc = call(j, &w1) != GANHPO_SUCCESS;
        ms[MAX * repeats + r] = (ganhpo_system_seconds() - t0) * 1e3;
        ganhpo_wdist_last_passes(j->w, p, &np);
        for (size_t i = 0; i < np; i++)
            ms[i * (size_t)repeats + (size_t)r] = p[i].ms;
    }
    double total = 0;
    for (size_t i = 0; i < np && !rc; i++) {
        double med = median_of(ms + i * (size_t)repeats, repeats);
        total += med;
        printf("pass %s %s %d %.3f\n", span_name[j->span], p[i].name, p[i].launches, med);
    }
    if (!rc)
        printf("pass %s total_events 0 %.3f\npass %s wall 0 %.3f\n", span_name[j->span], total,
               span_name[j->span], median_of(ms + MAX * repeats, repeats));
    free(ms);
    return rc;
}

/* Times every span on a device made with `flags`: medians into median[SPANS] (NULL: the
 * passes of profiled calls printed instead). *w1 from the last call. */
static int run_spans(const float *u, size_t n, const float *v, size_t m, int repeats, int flags,
                     double *median, double *w1)
{
    ganhpo_device *dev = NULL;
    ganhpo_wdist *w = NULL;
    if (ganhpo_device_create(NULL, 0, flags, &dev) || ganhpo_wdist_create(dev, n > m ? n : m, &w)) {
        ganhpo_wdist_destroy(&w);
        ganhpo_device_destroy(&dev);
        return 1;
    }
    job j = {dev, w, u, v, n, m, BOTH, NULL};
    int rc = set_reference(&j);
    for (int s = 0; s < SPANS && !rc; s++) {
        j.span = s;
        double best;
        rc = median ? time_calls(&j, repeats, w1, &median[s], &best) : print_passes(&j, repeats);
    }
    if (j.ubuf)
        clReleaseMemObject(j.ubuf);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_wdist U.f32 V.f32 [repeats]\n");
        return 2;
    }
    int repeats = argc > 3 ? atoi(argv[3]) : 5;
    size_t n, m;
    float *u = load(argv[1], &n), *v = load(argv[2], &m);
    double median[SPANS], w1 = 0, w1p = 0;
    int rc = !u || !v || repeats < 1 || run_spans(u, n, v, m, repeats, 0, median, &w1);
    if (!rc)
        printf("%zu %zu %.17g %.6f %.6f %.6f\n", n, m, w1, median[BOTH], median[REFERENCE],
               median[RESIDENT]);
    rc = rc || run_spans(u, n, v, m, repeats, GANHPO_DEVICE_PROFILING, NULL, &w1p);
    if (rc)
        ganhpo_error_print(stderr);
    free(u);
    free(v);
    return rc ? 1 : 0;
}
