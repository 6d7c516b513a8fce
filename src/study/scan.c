/* A scan study (paper Fig. 5): the space's one parameter swept over the scan's levels, every
 * level trained for every epoch count, one results.csv row per (epochs, level). */
#include "study/study_impl.h"
#include "ganhpo/rng.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const ganhpo_study_config *cfg;
    long long levels[GANHPO_SCAN_MAX_POINTS];
    int n_levels;
    int epochs[GANHPO_SCAN_MAX_EPOCHS]; /* {0} for an analytic objective */
    int n_epochs;
    unsigned char *done; /* [epochs index * n_levels + level index] */
    double best;
} scan_plan;

static int find_level(const scan_plan *p, long long level)
{
    for (int i = 0; i < p->n_levels; i++)
        if (p->levels[i] == level)
            return i;
    return -1;
}

static int find_epochs(const scan_plan *p, int epochs)
{
    for (int i = 0; i < p->n_epochs; i++)
        if (p->epochs[i] == epochs)
            return i;
    return -1;
}

/* A logged row must be a scan row of this scan that is not logged yet. */
static ganhpo_status replay(void *ctx, const ganhpo_results_row *row, int line)
{
    (void)line; /* the log names the line */
    scan_plan *p = ctx;
    if (strcmp(row->strategy, GANHPO_RESULTS_SCAN_ROWS) != 0)
        GH_RAISE(GANHPO_ERR_RESULTS, "a row of strategy '%s' in the results of a scan study",
                 row->strategy);
    int l = find_level(p, row->levels[0]), e = find_epochs(p, row->epochs);
    if (l < 0 || e < 0)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "level %lld with %d epochs is not a point of the study's scan (scan.points, "
                 "scan.log, scan.epochs changed?)",
                 row->levels[0], row->epochs);
    if (p->done[e * p->n_levels + l])
        GH_RAISE(GANHPO_ERR_RESULTS, "level %lld with %d epochs is logged twice", row->levels[0],
                 row->epochs);
    p->done[e * p->n_levels + l] = 1;
    if (row->ok && row->objective < p->best)
        p->best = row->objective;
    return GANHPO_SUCCESS;
}

static unsigned long long scan_seed(const ganhpo_study_config *cfg, long long level)
{
    return ganhpo_rng_derive(ganhpo_rng_derive(cfg->study.seed, GANHPO_RNG_TAG_SCAN),
                             (unsigned long long)level);
}

static void report(const scan_plan *p, const ganhpo_results_row *row, long long total,
                   long long evaluated, double elapsed, FILE *f)
{
    const ganhpo_space_param *prm = &p->cfg->space.params[0];
    fprintf(f, "scan %d/%lld  %s = %.6g  epochs %d  ", row->index, total, prm->name,
            (double)row->levels[0] * prm->scaling, row->epochs);
    if (row->ok)
        fprintf(f, "%.6g +- %.3g", row->mean, row->std);
    else
        fprintf(f, "failed: %s", row->reason);
    if (isfinite(p->best))
        fprintf(f, "  best %.6g", p->best);
    fprintf(f, "  %.1f s", elapsed);
    long long left = total - row->index;
    if (left > 0)
        fprintf(f, ", ~%.0f s left", elapsed / (double)evaluated * (double)left);
    fprintf(f, "\n");
    fflush(f);
}

/* Evaluates one point and logs its row. */
static ganhpo_status run_point(scan_plan *p, ganhpo_objective *obj, int e, int l,
                               ganhpo_study_log *log, ganhpo_objective_result *r,
                               ganhpo_results_row *row)
{
    const ganhpo_study_config *cfg = p->cfg;
    unsigned long long seed = scan_seed(cfg, p->levels[l]);
    long long levels[GANHPO_SPACE_MAX_DIMS] = {p->levels[l]};
    ganhpo_objective_set_epochs(obj, p->epochs[e]);
    GH_CHECK(study_evaluate(obj, cfg, levels, seed, r));
    GH_CHECK(ganhpo_study_row_set_result(row, r, cfg));
    snprintf(row->strategy, sizeof row->strategy, "%s", GANHPO_RESULTS_SCAN_ROWS);
    row->index = e * p->n_levels + l + 1;
    row->levels[0] = p->levels[l];
    GH_CHECK(study_keep_weights(cfg, seed, row, &p->best));
    GH_CHECK(ganhpo_study_log_append(log, row));
    p->done[e * p->n_levels + l] = 1;
    return GANHPO_SUCCESS;
}

static ganhpo_status loop(scan_plan *p, ganhpo_objective *obj, ganhpo_study_log *log,
                          FILE *progress)
{
    ganhpo_objective_result *r = malloc(sizeof *r);
    if (!r)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a result");
    ganhpo_results_row row = {0};
    long long total = (long long)p->n_epochs * p->n_levels, evaluated = 0;
    double t0 = ganhpo_system_seconds();
    ganhpo_status s = GANHPO_SUCCESS;
    for (int e = 0; e < p->n_epochs && s == GANHPO_SUCCESS; e++)
        for (int l = 0; l < p->n_levels && s == GANHPO_SUCCESS; l++) {
            if (p->done[e * p->n_levels + l])
                continue;
            s = run_point(p, obj, e, l, log, r, &row);
            if (s == GANHPO_SUCCESS)
                report(p, &row, total, ++evaluated, ganhpo_system_seconds() - t0, progress);
        }
    free(r);
    ganhpo_results_row_clear(&row);
    return s;
}

static void plan(const ganhpo_study_config *cfg, scan_plan *p)
{
    p->cfg = cfg;
    p->best = INFINITY;
    ganhpo_scan_levels(&cfg->scan, p->levels, &p->n_levels);
    p->n_epochs = cfg->scan.n_epochs;
    memcpy(p->epochs, cfg->scan.epochs, sizeof p->epochs);
    int gan = ganhpo_objective_uses_gan(&cfg->objective);
    if (!gan || p->n_epochs == 0) {
        p->n_epochs = 1;
        p->epochs[0] = gan ? cfg->gan.epochs : 0;
    }
}

ganhpo_status study_run_scan(const ganhpo_study_config *cfg, int resume, FILE *progress)
{
    scan_plan *p = calloc(1, sizeof *p);
    if (!p)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a scan");
    plan(cfg, p);
    ganhpo_study_log *log = NULL;
    ganhpo_objective *obj = NULL;
    ganhpo_status s;
    p->done = calloc((size_t)(p->n_epochs * p->n_levels), 1);
    if (!p->done)
        GH_RAISE_GOTO(s, done, GANHPO_ERR_ALLOC, "out of memory for a scan");
    GH_CHECK_GOTO(study_open_log(cfg, cfg->study.output, resume, replay, p, progress, &log), s,
                  done);
    GH_CHECK_GOTO(ganhpo_study_objective_create(cfg, 0, 0, &obj), s, done);
    GH_CHECK_GOTO(loop(p, obj, log, progress), s, done);
done:
    ganhpo_objective_destroy(&obj);
    ganhpo_study_log_close(&log);
    free(p->done);
    free(p);
    return s;
}
