/* The report's recommended points: each search rebuilt from its rows (with every point's
 * standard error) recommends the point of lowest surrogate posterior mean (shared/SPEC.md
 * section 4.2), shown with that mean and its interval next to the raw mean +- std. */
#include "analysis/analysis_impl.h"
#include "ganhpo/search.h"

#include <math.h>
#include <string.h>

static int strategy_of(const char *name, ganhpo_search_strategy *out)
{
    for (int s = GANHPO_SEARCH_RANDOM; s <= GANHPO_SEARCH_GP; s++)
        if (strcmp(name, ganhpo_search_strategy_name((ganhpo_search_strategy)s)) == 0) {
            *out = (ganhpo_search_strategy)s;
            return 1;
        }
    return 0;
}

/* The search (strategy, repeat) rebuilt from its rows in index order; *count its rows. */
static ganhpo_status rebuild(const analysis_report *rep, ganhpo_search_strategy strategy,
                             const char *name, int repeat, ganhpo_search **out, int *count)
{
    const ganhpo_results *r = rep->r;
    *count = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        *count += strcmp(r->rows[i].strategy, name) == 0 && r->rows[i].repeat == repeat;
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = *count > 0 ? *count : 1;
    o.initial = rep->o->initial > 0 && rep->o->initial <= o.budget ? rep->o->initial : 1;
    GH_CHECK(ganhpo_search_create(&rep->o->space, &o, strategy, 1, repeat, out));
    for (int index = 1; index <= *count; index++)
        for (size_t i = 0; i < r->n_rows; i++) {
            const ganhpo_result_row *row = &r->rows[i];
            if (strcmp(row->strategy, name) != 0 || row->repeat != repeat || row->index != index)
                continue;
            int n = 0;
            for (int t = 0; t < row->n_trials; t++)
                n += isfinite(row->trial_w1[t]) != 0;
            int ok = row->ok && isfinite(row->objective);
            double noise = ok && n > 0 && isfinite(row->std) ? row->std * row->std / n : 0.0;
            GH_CHECK(ganhpo_search_observe_noisy(*out, row->levels, ok, row->objective, noise));
        }
    return GANHPO_SUCCESS;
}

static void write_row(FILE *f, const analysis_report *rep, const char *name, int repeat,
                      const long long *lv, double mean, double sd)
{
    const ganhpo_results *r = rep->r;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_result_row *row = &r->rows[i];
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
        if (!strategy_of(rep->strategies[s], &strategy))
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
