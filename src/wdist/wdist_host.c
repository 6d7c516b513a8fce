/* Plain-C W1 for tests and small inputs: sort copies, walk the merged order. */
#include "ganhpo/wdist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static ganhpo_status sorted_copy(const double *x, size_t n, const char *name, double **out)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            GH_RAISE(GANHPO_ERR_NUMERIC, "W1 (host): sample %s has NaN or Inf at row %zu", name, i);
    double *c = malloc(n * sizeof *c);
    if (!c)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory sorting %zu values", n);
    memcpy(c, x, n * sizeof *c);
    qsort(c, n, sizeof *c, cmp_double);
    *out = c;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_reference_host(const double *u, size_t n, const double *v, size_t m,
                                          double *out)
{
    if (n == 0 || m == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY, "W1 (host): sample %s is empty", n == 0 ? "u" : "v");
    double *a = NULL, *b = NULL;
    ganhpo_status st;
    GH_CHECK_GOTO(sorted_copy(u, n, "u", &a), st, done);
    GH_CHECK_GOTO(sorted_copy(v, m, "v", &b), st, done);
    /* Between consecutive merged points the CDFs are i/n and j/m, the counts so far. */
    double w1 = 0.0, prev = 0.0;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        int take_a = j == m || (i < n && a[i] <= b[j]);
        double x = take_a ? a[i] : b[j];
        if (i + j > 0)
            w1 += fabs((double)i / (double)n - (double)j / (double)m) * (x - prev);
        if (take_a)
            i++;
        else
            j++;
        prev = x;
    }
    *out = w1;
done:
    free(a);
    free(b);
    return st;
}
