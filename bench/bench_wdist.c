/* W1 timing on one device for two samples read from raw float32 files (as
 * bench/wdist_vs_scipy.py writes them). Timed: ganhpo_wdist_1d_host, i.e. from host arrays
 * to the result (device buffers allocated, both samples uploaded, sorted, integrated, the
 * result read back), the same span SciPy's call covers. Not timed: reading the files,
 * creating the device and the workspace, building the kernels, one warm-up call.
 * Also timed, separately: the same W1 with v set as the pre-sorted reference beforehand
 * (ganhpo_wdist_set_reference, as in training), i.e. uploading u and
 * ganhpo_wdist_columns_to_reference, which sorts u only.
 * Prints: n m w1 median_seconds min_seconds sort_ms integrate_ms ref_median_seconds
 * (sort_ms and integrate_ms from OpenCL profiling events of one extra call on a profiling
 * queue).
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

/* One timed W1: both host arrays, or u (uploaded to ubuf) against v set as the reference. */
typedef struct {
    ganhpo_device *dev;
    ganhpo_wdist *w;
    const float *u, *v;
    size_t n, m;
    cl_mem ubuf; /* device copy of u for the reference variant, else NULL */
} job;

static ganhpo_status call(const job *j, double *w1)
{
    if (!j->ubuf)
        return ganhpo_wdist_1d_host(j->w, j->u, j->n, j->v, j->m, w1);
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

/* The reference variant: v uploaded and set as the reference, u's device buffer made. */
static int time_reference(job *j, int repeats, double *median)
{
    ganhpo_device *dev = j->dev;
    cl_mem vbuf = NULL;
    double w1, best;
    int rc = ganhpo_device_alloc(dev, "bench u", j->n * sizeof(float), &j->ubuf) ||
             ganhpo_device_alloc(dev, "bench v", j->m * sizeof(float), &vbuf) ||
             clEnqueueWriteBuffer(ganhpo_device_queue(dev), vbuf, CL_TRUE, 0, j->m * sizeof(float),
                                  j->v, 0, NULL, NULL) != CL_SUCCESS ||
             ganhpo_wdist_set_reference(j->w, vbuf, j->m, 1) ||
             time_calls(j, repeats, &w1, median, &best);
    if (vbuf)
        clReleaseMemObject(vbuf);
    if (j->ubuf)
        clReleaseMemObject(j->ubuf);
    j->ubuf = NULL;
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
    ganhpo_device *dev = NULL, *prof = NULL;
    ganhpo_wdist *w = NULL, *wp = NULL;
    double w1 = 0, median = 0, best = 0, w1p, sort_ms = 0, int_ms = 0, ref_median = 0;
    int rc = !u || !v || repeats < 1 || ganhpo_device_create(NULL, 0, 0, &dev) ||
             ganhpo_wdist_create(dev, n > m ? n : m, &w);
    job j = {dev, w, u, v, n, m, NULL};
    rc = rc || time_calls(&j, repeats, &w1, &median, &best) ||
         time_reference(&j, repeats, &ref_median);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    if (!rc)
        rc = ganhpo_device_create(NULL, 0, GANHPO_DEVICE_PROFILING, &prof) ||
             ganhpo_wdist_create(prof, n > m ? n : m, &wp) ||
             ganhpo_wdist_1d_host(wp, u, n, v, m, &w1p) ||
             ganhpo_wdist_1d_host(wp, u, n, v, m, &w1p);
    if (!rc) {
        ganhpo_wdist_last_times(wp, &sort_ms, &int_ms);
        printf("%zu %zu %.17g %.6f %.6f %.3f %.3f %.6f\n", n, m, w1, median, best, sort_ms, int_ms,
               ref_median);
    } else {
        ganhpo_error_print(stderr);
    }
    ganhpo_wdist_destroy(&wp);
    ganhpo_device_destroy(&prof);
    free(u);
    free(v);
    return rc ? 1 : 0;
}
