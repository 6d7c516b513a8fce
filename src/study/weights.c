/* The best model's weights beside results.csv: evaluations leave their best trial's
 * generator under OUTPUT/pending/, the process that logs the rows keeps the best one as
 * OUTPUT/best.gan and deletes the others. */
#include "ganhpo/study.h"
#include "ganhpo/system.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

void ganhpo_study_weights_dir(const char *output, char *path, size_t size)
{
    snprintf(path, size, "%s/pending", output);
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

ganhpo_status ganhpo_study_weights_prepare(const char *output)
{
    char dir[1100], path[1400];
    ganhpo_study_weights_dir(output, dir, sizeof dir);
    GH_CHECK(ganhpo_system_make_directory(dir));
    DIR *d = opendir(dir);
    if (!d)
        GH_RAISE(GANHPO_ERR_IO, "cannot read directory '%s': %s", dir, strerror(errno));
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!ends_with(e->d_name, ".gan") && !ends_with(e->d_name, ".gan.tmp"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path) != 0 && errno != ENOENT) {
            closedir(d);
            GH_RAISE(GANHPO_ERR_IO, "cannot delete stale weights '%s': %s", path, strerror(errno));
        }
    }
    closedir(d);
    return GANHPO_SUCCESS;
}

/* The ok trial with the lowest best W1, or -1. */
static int best_trial(const ganhpo_results_row *r)
{
    int k = -1;
    for (int t = 0; t < r->n_trials; t++)
        if (isfinite(r->trial_w1[t]) && (k < 0 || r->trial_w1[t] < r->trial_w1[k]))
            k = t;
    return k;
}

ganhpo_status ganhpo_study_weights_keep(const char *output, unsigned long long seed,
                                        const ganhpo_results_row *row, double *best)
{
    char dir[1100], path[1300], target[1100];
    ganhpo_study_weights_dir(output, dir, sizeof dir);
    int k = row->ok && row->objective < *best ? best_trial(row) : -1;
    if (k >= 0) {
        ganhpo_objective_weights_path(dir, seed, row->epochs, k, path, sizeof path);
        snprintf(target, sizeof target, "%s/best.gan", output);
        if (rename(path, target) == 0)
            *best = row->objective;
        else if (errno != ENOENT)
            GH_RAISE(GANHPO_ERR_IO, "cannot rename %s to %s: %s", path, target, strerror(errno));
    }
    for (int t = 0; t < row->n_trials; t++) {
        ganhpo_objective_weights_path(dir, seed, row->epochs, t, path, sizeof path);
        if (unlink(path) != 0 && errno != ENOENT)
            GH_RAISE(GANHPO_ERR_IO, "cannot delete %s: %s", path, strerror(errno));
    }
    return GANHPO_SUCCESS;
}
