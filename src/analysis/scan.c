/* The scan figure (paper Fig. 5): the mean score +- sigma against the swept hyperparameter, one
 * line per epoch count, from the rows a study of kind "scan" logged with strategy "scan". */
#include "analysis_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_EPOCH_COUNTS = 32 };

typedef struct {
    int epochs;
    double value;
    const ganhpo_results_row *row;
} scan_point;

static int is_scan(const ganhpo_results_row *row)
{
    return row->ok && strcmp(row->strategy, GANHPO_RESULTS_SCAN_ROWS) == 0;
}

/* The swept parameter: the study's, else the first one whose level varies among scan rows. */
static int scan_param(const analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    if (rep->o->scan_param[0])
        return ganhpo_analysis_results_param(r, rep->o->scan_param);
    const ganhpo_results_row *first = NULL;
    for (int k = 0; k < r->n_params; k++)
        for (size_t i = 0; i < r->n_rows; i++) {
            if (!is_scan(&r->rows[i]))
                continue;
            if (!first)
                first = &r->rows[i];
            else if (r->rows[i].levels[k] != first->levels[k])
                return k;
        }
    return r->n_params > 0 ? 0 : -1;
}

static int by_epochs_value(const void *a, const void *b)
{
    const scan_point *x = a, *y = b;
    if (x->epochs != y->epochs)
        return x->epochs < y->epochs ? -1 : 1;
    return (x->value > y->value) - (x->value < y->value);
}

/* scan.csv sorted by epochs then value; the distinct epoch counts and the value range. */
static ganhpo_status write_scan(const analysis_report *rep, int k, int *epochs, int *n_epochs,
                                double *lo, double *hi)
{
    const ganhpo_results *r = rep->r;
    scan_point *p = malloc(sizeof *p * (r->n_rows + 1));
    if (!p)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the scan");
    size_t n = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (is_scan(&r->rows[i]))
            p[n++] = (scan_point){r->rows[i].epochs, r->rows[i].values[k], &r->rows[i]};
    qsort(p, n, sizeof *p, by_epochs_value);
    FILE *f;
    ganhpo_status st = analysis_open(rep->dir, "scan.csv", &f);
    *n_epochs = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    if (st == GANHPO_SUCCESS) {
        fprintf(f, "epochs,value,mean,std,trials,id\n");
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%d,%.9g,%.9g,%.9g,%d,%lld\n", p[i].epochs, p[i].value, p[i].row->mean,
                    p[i].row->std, p[i].row->n_trials, p[i].row->id);
            if ((i == 0 || p[i].epochs != p[i - 1].epochs) && *n_epochs < MAX_EPOCH_COUNTS)
                epochs[(*n_epochs)++] = p[i].epochs;
            *lo = fmin(*lo, p[i].value);
            *hi = fmax(*hi, p[i].value);
        }
        st = analysis_close(f, rep->dir, "scan.csv");
    }
    free(p);
    GH_CHECK(st);
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_figure_scan(analysis_report *rep)
{
    int k = scan_param(rep), epochs[MAX_EPOCH_COUNTS], ne = 0;
    double lo = 0, hi = 0;
    if (k < 0)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s: the scanned parameter '%s' has no level_ column",
                 rep->r->path, rep->o->scan_param);
    size_t n = 0;
    for (size_t i = 0; i < rep->r->n_rows; i++)
        n += is_scan(&rep->r->rows[i]);
    if (n == 0)
        return GANHPO_SUCCESS;
    GH_CHECK(write_scan(rep, k, epochs, &ne, &lo, &hi));
    if (ne == 0)
        return GANHPO_SUCCESS;
    int logx = rep->o->scan_log || (rep->o->scan_param[0] == '\0' && lo > 0 && hi / lo >= 100);
    FILE *gp;
    analysis_figure *fig;
    char title[128];
    snprintf(title, sizeof title, "Scan of %s", rep->r->names[k]);
    GH_CHECK(analysis_figure_begin(rep, "scan", title, 900, 560, &gp, &fig));
    snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "scan.csv");
    snprintf(fig->caption, sizeof fig->caption,
             "Mean %s +- std over trials against %s with the other hyperparameters fixed, one "
             "line per number of training epochs (paper Fig. 5).",
             analysis_score(rep), rep->r->names[k]);
    fprintf(gp,
            "set grid\nset key top right\nset ylabel 'mean %s'\n%sset logscale x\n"
            "set format x '%s'\nset xlabel ",
            analysis_score(rep), logx ? "" : "un", logx ? "%.0e" : "% h");
    analysis_gp_string(gp, rep->r->names[k]);
    fputs("\nplot ", gp);
    for (int e = 0; e < ne; e++)
        fprintf(gp,
                "%s'scan.csv' using (column('epochs') == %d ? column('value') : NaN):"
                "'mean':'std' with yerrorlines pt 7 ps 0.7 lc %d title '%d epochs'",
                e ? ", \\\n     " : "", epochs[e], e + 1, epochs[e]);
    fputs("\n", gp);
    return analysis_figure_finish(rep, fig, gp);
}
