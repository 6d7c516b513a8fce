/* The report's recommended points: each search rebuilt from its rows (with every point's
 * standard error) recommends the point of lowest surrogate posterior mean (shared/SPEC.md
 * section 4.2), shown with that mean and its interval next to the raw mean +- std, and the
 * convergence curve of the recommended point's objective. */
#include "analysis/analysis_impl.h"
#include "ganhpo/search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The convergence curve recommends at most this many times per search (evenly spaced; the
 * value is held between), which bounds the report's cost on long logs. */
enum { RECOMMEND_POINTS = 200 };

/* The rows of (strategy, repeat) by index: (*out)[i] has index i + 1 (NULL if missing);
 * *count = the highest index. Caller frees *out. */
static ganhpo_status rows_by_index(const ganhpo_results *r, const char *name, int repeat,
                                   const ganhpo_results_row ***out, int *count)
{
    *count = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].strategy, name) == 0 && r->rows[i].repeat == repeat &&
            r->rows[i].index > *count)
            *count = r->rows[i].index;
    *out = calloc((size_t)*count + 1, sizeof **out);
    if (!*out)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d rows", *count);
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].strategy, name) == 0 && r->rows[i].repeat == repeat &&
            r->rows[i].index >= 1)
            (*out)[r->rows[i].index - 1] = &r->rows[i];
    return GANHPO_SUCCESS;
}

/* An empty search of `strategy` over the report's space for `count` evaluations. */
static ganhpo_status new_search(const analysis_report *rep, ganhpo_search_strategy strategy,
                                int repeat, int count, ganhpo_search **out)
{
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = count > 0 ? count : 1;
    o.initial = rep->o->initial > 0 && rep->o->initial <= o.budget ? rep->o->initial : 1;
    return ganhpo_search_create(&rep->o->space, &o, strategy, 1, repeat, out);
}

/* Observes row i of rows (by index): a new point with the squared standard error of its
 * trials' mean, or a re-evaluation (column reevaluates) with the mean, std and standard
 * error of all the point's trials in rows 0..i, as the study observed it. */
static ganhpo_status observe_row(const analysis_report *rep, ganhpo_search *s,
                                 const ganhpo_results_row **rows, int i)
{
    const ganhpo_results_row *row = rows[i];
    int target = row->reevaluates, n = 0;
    double sum = 0.0, sq = 0.0;
    for (int pass = 0; pass < 2; pass++)
        for (int j = target > 0 ? target - 1 : i; j <= i; j++) {
            const ganhpo_results_row *r = rows[j];
            if (!r || !r->ok || (j != i && j != target - 1 && r->reevaluates != target))
                continue;
            for (int t = 0; t < r->n_trials; t++)
                if (isfinite(r->trial_w1[t])) {
                    n += pass == 0;
                    sum += pass == 0 ? r->trial_w1[t] : 0.0;
                    sq += pass == 1 ? (r->trial_w1[t] - sum / n) * (r->trial_w1[t] - sum / n) : 0.0;
                }
        }
    double mean = n > 0 ? sum / n : NAN, sd = n > 1 ? sqrt(sq / (n - 1)) : 0.0;
    int ok = row->ok && n > 0;
    if (target > 0)
        return ganhpo_search_observe_again(s, row->levels, ok, mean + rep->o->kappa * sd,
                                           ok ? sd * sd / n : 0.0);
    ok = ok && isfinite(row->objective);
    double noise = ok && isfinite(row->std) ? row->std * row->std / n : 0.0;
    return ganhpo_search_observe_noisy(s, row->levels, ok, row->objective, noise);
}

/* The search (strategy, repeat) rebuilt from its rows in index order; *count its rows. */
static ganhpo_status rebuild(const analysis_report *rep, ganhpo_search_strategy strategy,
                             const char *name, int repeat, ganhpo_search **out, int *count)
{
    const ganhpo_results_row **rows = NULL;
    GH_CHECK(rows_by_index(rep->r, name, repeat, &rows, count));
    ganhpo_status st = new_search(rep, strategy, repeat, *count, out);
    for (int i = 0; st == GANHPO_SUCCESS && i < *count; i++)
        if (rows[i])
            st = observe_row(rep, *out, rows, i);
    free(rows);
    return st;
}

ganhpo_status analysis_recommended_so_far(const analysis_report *rep, const char *name, int repeat,
                                          int n, double *value, int *reached)
{
    ganhpo_search_strategy strategy;
    for (int i = 0; i < n; i++)
        value[i] = NAN;
    *reached = 0;
    if (!ganhpo_search_strategy_from_name(name, &strategy))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "'%s' is not a search strategy", name);
    const ganhpo_results_row **rows = NULL;
    ganhpo_search *s = NULL;
    GH_CHECK(rows_by_index(rep->r, name, repeat, &rows, reached));
    ganhpo_status st = new_search(rep, strategy, repeat, *reached, &s);
    int stride = (*reached + RECOMMEND_POINTS - 1) / RECOMMEND_POINTS;
    for (int i = 0; st == GANHPO_SUCCESS && i < *reached && i < n; i++) {
        if (rows[i])
            st = observe_row(rep, s, rows, i);
        long long lv[GANHPO_SPACE_MAX_DIMS];
        double mean, sd, raw;
        if (st != GANHPO_SUCCESS || ((i + 1) % stride != 0 && i + 1 != *reached))
            value[i] = i > 0 ? value[i - 1] : NAN;
        else if (ganhpo_search_recommend(s, lv, &mean, &sd, &raw) == GANHPO_SUCCESS)
            value[i] = raw;
        else
            ganhpo_error_clear(); /* no successful evaluation yet */
    }
    ganhpo_search_destroy(&s);
    free(rows);
    return st;
}

static void write_row(FILE *f, const analysis_report *rep, const char *name, int repeat,
                      const long long *lv, double mean, double sd)
{
    const ganhpo_results *r = rep->r;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (strcmp(row->strategy, name) != 0 || row->repeat != repeat || !row->ok ||
            memcmp(row->levels, lv, sizeof(long long) * (size_t)r->n_params) != 0)
            continue;
        fputs("<tr><td class=l>", f);
        analysis_html_text(f, name);
        fprintf(f, "</td><td>%d</td><td>%lld</td>", repeat, row->id);
        for (int k = 0; k < r->n_params; k++)
            fprintf(f, "<td>%lld (%.6g)</td>", row->levels[k], row->values[k]);
        fprintf(f, "<td>%.6g [%.6g, %.6g]</td><td>%.6g &plusmn; %.3g</td></tr>\n", mean,
                mean - 1.96 * sd, mean + 1.96 * sd, row->mean, row->std);
        return;
    }
}

static void table_head(FILE *f, const ganhpo_results *r)
{
    fputs("<h2>Recommended points</h2>\n<p>Per search, the evaluated point of lowest surrogate "
          "posterior mean (not the lowest raw mean, the luckiest draw on a noisy objective), "
          "with its 95% interval, next to its raw mean &plusmn; std.</p>\n<table><tr>"
          "<th class=l>strategy</th><th>repeat</th><th>id</th>",
          f);
    for (int k = 0; k < r->n_params; k++) {
        fputs("<th>", f);
        analysis_html_text(f, r->names[k]);
        fputs("<br>level (value)</th>", f);
    }
    fputs("<th>posterior mean [95%]</th><th>raw mean &plusmn; std</th></tr>\n", f);
}

ganhpo_status analysis_write_recommended(FILE *f, const analysis_report *rep)
{
    if (!rep->o->has_space || rep->n_ok == 0)
        return GANHPO_SUCCESS;
    table_head(f, rep->r);
    for (int s = 0; s < rep->n_strategies; s++) {
        ganhpo_search_strategy strategy;
        if (!ganhpo_search_strategy_from_name(rep->strategies[s], &strategy))
            continue;
        for (int repeat = 0;; repeat++) {
            ganhpo_search *search = NULL;
            int count = 0;
            long long lv[GANHPO_SPACE_MAX_DIMS];
            double mean, sd, raw;
            ganhpo_status st = rebuild(rep, strategy, rep->strategies[s], repeat, &search, &count);
            if (st == GANHPO_SUCCESS && count > 0 &&
                ganhpo_search_recommend(search, lv, &mean, &sd, &raw) == GANHPO_SUCCESS)
                write_row(f, rep, rep->strategies[s], repeat, lv, mean, sd);
            ganhpo_search_destroy(&search);
            ganhpo_error_clear();
            if (count == 0)
                break;
        }
    }
    fputs("</table>\n", f);
    return GANHPO_SUCCESS;
}
