/* Small statistics behind the figures: quantiles, mean and spread, histograms, the Pareto
 * front. */
#include "analysis_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double analysis_quantile(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = q * (double)(n - 1);
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return sorted[n - 1];
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

void analysis_mean_std(const double *x, size_t n, double *mean, double *std)
{
    if (n == 0) {
        *mean = *std = NAN;
        return;
    }
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m += x[i];
    m /= (double)n;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - m) * (x[i] - m);
    *mean = m;
    *std = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
}

void analysis_histogram(const double *x, size_t n, double lo, double hi, int bins, size_t *counts)
{
    memset(counts, 0, sizeof *counts * (size_t)bins);
    double w = (hi - lo) / bins;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] >= lo && x[i] <= hi))
            continue;
        int b = w > 0 ? (int)floor((x[i] - lo) / w) : 0;
        counts[b >= bins ? bins - 1 : b]++;
    }
}

int analysis_row_usable(const ganhpo_results_row *row)
{
    return row->ok && strcmp(row->strategy, GANHPO_RESULTS_SCAN_ROWS) != 0;
}

/* 1 if row a is no worse than b everywhere and better somewhere. */
static int dominates(const double *a, const double *b, int m)
{
    int better = 0;
    for (int j = 0; j < m; j++) {
        if (a[j] > b[j])
            return 0;
        better |= a[j] < b[j];
    }
    return better;
}

ganhpo_status ganhpo_analysis_pareto(const double *x, size_t n, int m, int *front)
{
    if (m < 1 || (n > 0 && (!x || !front)))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "Pareto front of %zu points with %d objectives", n, m);
    for (size_t i = 0; i < n; i++) {
        front[i] = 1;
        for (size_t j = 0; j < n && front[i]; j++)
            if (j != i && dominates(x + j * (size_t)m, x + i * (size_t)m, m))
                front[i] = 0;
    }
    return GANHPO_SUCCESS;
}
