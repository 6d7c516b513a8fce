/* W1 timing on one device for two samples read from raw float32 files (as
 * bench/wdist_vs_scipy.py writes them). Timed: ganhpo_wdist_1d_host, i.e. from host arrays
 * to the result (device buffers allocated, both samples uploaded, sorted, integrated, the
 * result read back), the same span SciPy's call covers. Not timed: reading the files,
 * creating the device and the workspace, building the kernels, one warm-up call.
 * Prints: n m w1 median_seconds min_seconds sort_ms integrate_ms (the last two from OpenCL
 * profiling events of one extra call on a profiling queue).
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

/* Median and minimum seconds of `repeats` calls; *w1 from the last. */
static int time_calls(ganhpo_wdist *w, const float *u, size_t n, const float *v, size_t m,
                      int repeats, double *w1, double *median, double *best)
{
    double *t = malloc((size_t)repeats * sizeof *t);
    if (!t || ganhpo_wdist_1d_host(w, u, n, v, m, w1) != GANHPO_SUCCESS) { /* warm-up */
        free(t);
        return 1;
    }
    for (int r = 0; r < repeats; r++) {
        double t0 = ganhpo_system_seconds();
        if (ganhpo_wdist_1d_host(w, u, n, v, m, w1) != GANHPO_SUCCESS) {
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
    double w1 = 0, median = 0, best = 0, w1p, sort_ms = 0, int_ms = 0;
    int rc = !u || !v || repeats < 1 || ganhpo_device_create(NULL, 0, 0, &dev) ||
             ganhpo_wdist_create(dev, n > m ? n : m, &w) ||
             time_calls(w, u, n, v, m, repeats, &w1, &median, &best);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    if (!rc)
        rc = ganhpo_device_create(NULL, 0, GANHPO_DEVICE_PROFILING, &prof) ||
             ganhpo_wdist_create(prof, n > m ? n : m, &wp) ||
             ganhpo_wdist_1d_host(wp, u, n, v, m, &w1p) ||
             ganhpo_wdist_1d_host(wp, u, n, v, m, &w1p);
    if (!rc) {
        ganhpo_wdist_last_times(wp, &sort_ms, &int_ms);
        printf("%zu %zu %.17g %.6f %.6f %.3f %.3f\n", n, m, w1, median, best, sort_ms, int_ms);
    } else {
        ganhpo_error_print(stderr);
    }
    ganhpo_wdist_destroy(&wp);
    ganhpo_device_destroy(&prof);
    free(u);
    free(v);
    return rc ? 1 : 0;
}
