/* `ganhpo report`: derives what every figure shares (strategies, threshold, level domain),
 * draws the figures the data supports and writes figures.csv, failed.csv and index.html. */
#include "analysis_impl.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ganhpo_analysis_report_options_default(ganhpo_report_options *o)
{
    memset(o, 0, sizeof *o);
    o->threshold = 0.1;
    o->sobol_samples = 4096;
}

const char *analysis_score(const analysis_report *rep)
{
    return rep->o->score[0] ? rep->o->score : "W1";
}

static void find_strategies(analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    for (size_t i = 0; i < r->n_rows; i++) {
        const char *s = r->rows[i].strategy;
        int k = 0;
        while (k < rep->n_strategies && strcmp(rep->strategies[k], s) != 0)
            k++;
        if (k == rep->n_strategies && strcmp(s, GANHPO_RESULTS_SCAN_ROWS) != 0 &&
            rep->n_strategies < ANALYSIS_MAX_STRATEGIES)
            strcpy(rep->strategies[rep->n_strategies++], s);
        rep->n_ok += analysis_row_usable(&r->rows[i]);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean score at the threshold quantile over the usable rows. */
static ganhpo_status find_cut(analysis_report *rep)
{
    double *m = malloc(sizeof *m * (rep->r->n_rows + 1));
    if (!m)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the threshold");
    size_t n = 0;
    for (size_t i = 0; i < rep->r->n_rows; i++)
        if (analysis_row_usable(&rep->r->rows[i]))
            m[n++] = rep->r->rows[i].mean;
    qsort(m, n, sizeof *m, cmp_double);
    rep->cut = analysis_quantile(m, n, rep->o->threshold);
    free(m);
    return GANHPO_SUCCESS;
}

/* Level domain and scaling per parameter: the study's space, else what the rows show. */
static void find_domain(analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    for (int k = 0; k < r->n_params; k++) {
        const ganhpo_space_param *sp = NULL;
        for (int j = 0; rep->o->has_space && j < rep->o->space.n_params; j++)
            if (strcmp(rep->o->space.params[j].name, r->names[k]) == 0)
                sp = &rep->o->space.params[j];
        rep->lower[k] = sp ? sp->lower : 0;
        rep->upper[k] = sp ? sp->upper : 0;
        rep->scaling[k] = sp ? sp->scaling : 1;
        int seen = 0;
        for (size_t i = 0; i < r->n_rows && !sp; i++) {
            const ganhpo_results_row *row = &r->rows[i];
            long long l = row->levels[k];
            rep->lower[k] = seen && rep->lower[k] < l ? rep->lower[k] : l;
            rep->upper[k] = seen && rep->upper[k] > l ? rep->upper[k] : l;
            if (l != 0)
                rep->scaling[k] = row->values[k] / (double)l;
            seen = 1;
        }
    }
    int c = ganhpo_analysis_results_param(r, "lr_gen");
    rep->color_param = c >= 0 ? c : 0;
}

static ganhpo_status write_failed(const analysis_report *rep)
{
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "failed.csv", &f));
    fprintf(f, "id,strategy,repeat,index,line,reason\n");
    for (size_t i = 0; i < rep->r->n_rows; i++) {
        const ganhpo_results_row *row = &rep->r->rows[i];
        if (!row->ok)
            fprintf(f, "%lld,%s,%d,%d,%d,%s\n", row->id, row->strategy, row->repeat, row->index,
                    row->line, row->reason);
    }
    return analysis_close(f, rep->dir, "failed.csv");
}

static ganhpo_status write_manifest(const analysis_report *rep)
{
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "figures.csv", &f));
    fprintf(f, "name,png,svg,script,width,height,data\n");
    for (int i = 0; i < rep->n_figs; i++) {
        const analysis_figure *g = &rep->figs[i];
        fprintf(f, "%s,%s.png,%s.svg,%s.gp,%d,%d,", g->name, g->name, g->name, g->name, g->width,
                g->height);
        for (int c = 0; c < g->n_csv; c++)
            fprintf(f, "%s%s", c ? ";" : "", g->csv[c]);
        fputc('\n', f);
    }
    return analysis_close(f, rep->dir, "figures.csv");
}

static ganhpo_status draw(analysis_report *rep)
{
    if (rep->n_ok > 0) {
        GH_CHECK(analysis_figure_w1_sigma(rep));
        GH_CHECK(analysis_figure_convergence(rep));
        GH_CHECK(analysis_figure_sensitivity(rep));
        GH_CHECK(analysis_figure_pareto(rep));
        GH_CHECK(analysis_figure_sobol(rep));
    } else {
        analysis_note(rep, "No search strategy has a successful evaluation yet: no score, "
                           "convergence, sensitivity, Pareto or Sobol figures.");
    }
    GH_CHECK(analysis_figure_scan(rep));
    if (rep->o->model)
        GH_CHECK(analysis_figure_model(rep));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_analysis_report(const ganhpo_results *r, const ganhpo_report_options *o,
                                     const char *dir)
{
    if (!r || !o || !dir)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "report needs results, options and a directory");
    if (!(o->threshold > 0 && o->threshold <= 1) || o->sobol_samples < 16)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "threshold %g must be a quantile in (0, 1] and "
                 "sobol_samples %d at least 16",
                 o->threshold, o->sobol_samples);
    if (o->score[strspn(o->score,
                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")])
        GH_RAISE(GANHPO_ERR_ARGUMENT, "score '%.32s' must be letters, digits and '_' only",
                 o->score);
    if (r->n_params == 0)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s has no level_ columns: nothing to analyse", r->path);
    GH_CHECK(ganhpo_system_make_directory(dir));
    GH_CHECK(ganhpo_analysis_check_gnuplot());
    analysis_report *rep = calloc(1, sizeof *rep);
    if (!rep)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the report");
    rep->r = r;
    rep->o = o;
    snprintf(rep->dir, sizeof rep->dir, "%s", dir);
    find_strategies(rep);
    find_domain(rep);
    ganhpo_status st;
    GH_CHECK_GOTO(find_cut(rep), st, done);
    GH_CHECK_GOTO(draw(rep), st, done);
    GH_CHECK_GOTO(write_failed(rep), st, done);
    GH_CHECK_GOTO(write_manifest(rep), st, done);
    GH_CHECK_GOTO(analysis_write_index(rep), st, done);
done:
    free(rep->front);
    free(rep);
    return st;
}
