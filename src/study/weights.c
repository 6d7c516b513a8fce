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

/* Moves the row's best trial's weights to `target` when take(row) says so (*moved = 1 if the
 * file was there), then deletes every weights file of the evaluation from OUTPUT/pending. */
static ganhpo_status move_best(const char *output, unsigned long long seed,
                               const ganhpo_results_row *row, int take, const char *target,
                               int *moved)
{
    char dir[1100], path[1300];
    ganhpo_study_weights_dir(output, dir, sizeof dir);
    int k = take ? best_trial(row) : -1;
    *moved = 0;
    if (k >= 0) {
        ganhpo_objective_weights_path(dir, seed, row->epochs, k, path, sizeof path);
        if (rename(path, target) == 0)
            *moved = 1;
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

ganhpo_status ganhpo_study_weights_keep(const char *output, unsigned long long seed,
                                        const ganhpo_results_row *row, double *best)
{
    char target[1100];
    int moved;
    snprintf(target, sizeof target, "%s/best.gan", output);
    GH_CHECK(move_best(output, seed, row, row->ok && row->objective < *best, target, &moved));
    if (moved)
        *best = row->objective;
    return GANHPO_SUCCESS;
}

void ganhpo_study_weights_leader_path(const char *output, int search, int evaluation, char *path,
                                      size_t size)
{
    snprintf(path, size, "%s/weights/s%d-i%d.gan", output, search, evaluation);
}

ganhpo_status ganhpo_study_weights_keep_leader(const char *output, unsigned long long seed,
                                               const ganhpo_results_row *row, int take,
                                               const char *target, int *moved)
{
    char dir[1100];
    snprintf(dir, sizeof dir, "%s/weights", output);
    GH_CHECK(ganhpo_system_make_directory(dir));
    return move_best(output, seed, row, row->ok && take, target, moved);
}

ganhpo_status ganhpo_study_weights_publish(const char *output, const char *source)
{
    char tmp[1100], target[1100];
    snprintf(tmp, sizeof tmp, "%s/best.gan.tmp", output);
    snprintf(target, sizeof target, "%s/best.gan", output);
    if (unlink(tmp) != 0 && errno != ENOENT)
        GH_RAISE(GANHPO_ERR_IO, "cannot delete %s: %s", tmp, strerror(errno));
    if (link(source, tmp) != 0) {
        if (errno == ENOENT)
            return GANHPO_SUCCESS; /* the evaluation left no weights: best.gan stays */
        GH_RAISE(GANHPO_ERR_IO, "cannot link %s to %s: %s", source, tmp, strerror(errno));
    }
    if (rename(tmp, target) != 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot rename %s to %s: %s", tmp, target, strerror(errno));
    return GANHPO_SUCCESS;
}
