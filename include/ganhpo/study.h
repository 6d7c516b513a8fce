/* A study: the study file (every section, validated), the results log, resume, and the
 * run loop (shared/SPEC.md section 4.5). */
#ifndef GANHPO_STUDY_H
#define GANHPO_STUDY_H

#include <stddef.h>
#include <stdio.h>

#include "ganhpo/dataset.h"
#include "ganhpo/gan.h"
#include "ganhpo/objective.h"
#include "ganhpo/results.h"
#include "ganhpo/search.h"
#include "ganhpo/space.h"
#include "ganhpo/status.h"

typedef enum { GANHPO_STUDY_SEARCH, GANHPO_STUDY_SCAN } ganhpo_study_kind;

/* The `study`, `device` and `output` sections. */
typedef struct {
    char name[128];          /* study.name */
    ganhpo_study_kind kind;  /* study.kind: "search" or "scan" */
    unsigned long long seed; /* study.seed */
    int repeats;             /* study.repeats: independent searches per strategy */
    int trials;              /* study.trials: trainings (evaluations) per point */
    char device[128];        /* device.selector: "" = GANHPO_DEVICE or the default rule */
    int profiling;           /* device.profiling */
    char output[1024];       /* output.directory: "" = runs/<study.name> */
    int save_weights;        /* output.save_weights: keep the best generator of the study */
} ganhpo_study_options;

enum { GANHPO_SCAN_MAX_EPOCHS = 16, GANHPO_SCAN_MAX_POINTS = 10000 };

/* The `scan` section (study.kind = "scan"): one space parameter swept over `points` levels
 * from lower to upper, evenly or evenly in log(level), with the other hyperparameters fixed
 * in `gan`, each level trained for every epoch count (paper Fig. 5). */
typedef struct {
    char parameter[GANHPO_SPACE_NAME_SIZE]; /* scan.parameter: "" = the space's only one */
    long long lower;                    /* scan.lower: lowest level (default: the space's lower) */
    long long upper;                    /* scan.upper: highest level (default: the space's upper) */
    int has_lower, has_upper;           /* whether the file set them */
    int points;                         /* scan.points: levels swept */
    int log;                            /* scan.log: spaced evenly in log(level) */
    int epochs[GANHPO_SCAN_MAX_EPOCHS]; /* scan.epochs: default [gan.epochs] */
    int n_epochs;
} ganhpo_scan_options;

/* Defaults: the space's parameter and bounds, 10 points, linear, gan.epochs. */
void ganhpo_scan_options_default(ganhpo_scan_options *o);

/* Reads the `scan` section (NULL = absent); bounds and epochs are checked against the
 * space and the gan section by ganhpo_study_load. */
ganhpo_status ganhpo_scan_set_from_config(ganhpo_scan_options *o, const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_scan_write_config(const ganhpo_scan_options *o, config_setting_t *section);

/* The levels a resolved scan sweeps, ascending and distinct (rounding may merge
 * neighbours on a log scale): levels[] holds at most o->points; *n gets their count. */
void ganhpo_scan_levels(const ganhpo_scan_options *o, long long *levels, int *n);

typedef struct ganhpo_study_config ganhpo_study_config;

/* A section of the study file that a module built on the study owns (the coordinator's
 * `parallel`: ganhpo_coord_study_section). The study never looks inside its options: it keeps
 * them as `size` bytes of ganhpo_study_config.owned_options, lets `set_default` fill them,
 * reads the section with `read` once its own sections are resolved and checked (section NULL
 * when the file has none; cfg and the file's root group for checks across sections), writes it
 * back with `write` and lets `setup` (may be NULL) add to an objective's setup. */
typedef struct {
    const char *name;
    size_t size;
    void (*set_default)(void *options);
    ganhpo_status (*read)(void *options, const config_setting_t *section,
                          const ganhpo_study_config *cfg, const config_setting_t *root);
    ganhpo_status (*write)(const void *options, config_setting_t *section);
    void (*setup)(const void *options, ganhpo_objective_setup *setup);
} ganhpo_study_section;

enum { GANHPO_STUDY_OWNED_SIZE = 64 };

/* A whole study file, resolved. */
struct ganhpo_study_config {
    char path[1024]; /* the file it was read from */
    ganhpo_study_options study;
    ganhpo_dataset_options data;
    ganhpo_gan_options gan;
    ganhpo_space_options space;
    ganhpo_search_options search;
    ganhpo_objective_options objective;
    ganhpo_scan_options scan; /* used when study.kind is scan */
    /* The section another module owns (ganhpo_study_load_owned): NULL = none; a pointer into
     * this process only. */
    const ganhpo_study_section *owned;
    _Alignas(max_align_t) unsigned char owned_options[GANHPO_STUDY_OWNED_SIZE];
};

/* Defaults of the `study`, `device` and `output` sections: name "" (the loader uses the
 * study file's base name), kind search, seed 1, repeats 1, trials 5, the default device
 * rule, no profiling, output directory "" (the loader uses runs/<study.name>), weights saved. */
void ganhpo_study_options_default(ganhpo_study_options *o);

/* Every section's defaults (an empty space, no owned section). */
void ganhpo_study_config_default(ganhpo_study_config *cfg);

/* Reads and validates a study file: libconfig syntax, unknown sections and keys, types,
 * ranges and consistency between sections. Errors name file, line and key. A file with a
 * section another module owns needs ganhpo_study_load_owned. */
ganhpo_status ganhpo_study_load(const char *path, ganhpo_study_config *out);

/* ganhpo_study_load that reads the section `owned` too (NULL: none) and sets out->owned. */
ganhpo_status ganhpo_study_load_owned(const char *path, const ganhpo_study_section *owned,
                                      ganhpo_study_config *out);

/* Writes the resolved study, every default filled in, as a valid study file. */
ganhpo_status ganhpo_study_write(const ganhpo_study_config *cfg, FILE *f);

/* ---- The results log (results.csv through the codec of results.h, format in
 * configs/README.md) ---- */

/* Called for each row of an existing log, in file order; `line` is its line number. */
typedef ganhpo_status (*ganhpo_study_row_fn)(void *ctx, const ganhpo_results_row *row, int line);

typedef struct ganhpo_study_log ganhpo_study_log;

/* Opens the results log at `path` for appending. A missing file, or one without a complete
 * row, is (re)written with the header of `columns` (ganhpo_study_columns). An existing file
 * with rows fails with GANHPO_ERR_STATE unless `resume`; with `resume` its header must match
 * (GANHPO_ERR_RESULTS otherwise) and every row is parsed, checked (consecutive ids, levels
 * on the lattice of `space`, values = level * scaling) and passed to `replay` (may be NULL).
 * A last line cut off by a crash is removed from the file and *repaired set to 1 (else 0).
 * Only the coordinating process calls this; not collective over MPI. */
ganhpo_status ganhpo_study_log_open(const char *path, const ganhpo_results_columns *columns,
                                    const ganhpo_space_options *space, int resume,
                                    ganhpo_study_row_fn replay, void *ctx, ganhpo_study_log **out,
                                    int *repaired);

/* The results columns of a study: its space's parameters and its objective's metrics. */
void ganhpo_study_columns(const ganhpo_study_config *cfg, ganhpo_results_columns *out);

/* Fills the evaluation part of `row` (status, epochs, trials, the study's metrics,
 * parameters, seconds) from `result`, with mean, std and objective = mean + search.kappa *
 * std over its ok trials; a result whose objective is not finite becomes failed. Releases
 * the trial arrays the row held (it must be zeroed or a row filled before). */
ganhpo_status ganhpo_study_row_set_result(ganhpo_results_row *row,
                                          const ganhpo_objective_result *result,
                                          const ganhpo_study_config *cfg);

/* Rows in the log. */
long long ganhpo_study_log_rows(const ganhpo_study_log *log);

/* Sets row->id to the next id and row->values to level * scaling and appends the row; returns after
 * it is flushed and synced to stable storage (fsync), so a crash loses at most the row being
 * written. */
ganhpo_status ganhpo_study_log_append(ganhpo_study_log *log, ganhpo_results_row *row);

/* Closes the log; accepts NULL and nulls the pointer. */
void ganhpo_study_log_close(ganhpo_study_log **log);

/* ---- The output directory's lock: one study at a time writes a directory. ---- */

typedef struct ganhpo_study_lock ganhpo_study_lock;

/* Takes the exclusive lock of the output directory `dir` (the file dir/study.lock, naming
 * host, pid and start time). Relies on link(2) being atomic, as it is on local file systems
 * and NFS, not on flock. A lock held by a live process, or by any process on another host,
 * fails with GANHPO_ERR_STATE naming its holder; one left by a dead process on this host is
 * taken over with a warning on `progress`. Not collective (rank 0 calls it). */
ganhpo_status ganhpo_study_lock_acquire(const char *dir, FILE *progress, ganhpo_study_lock **out);

/* Removes the lock file (unless someone else's lock replaced it) and frees the lock; accepts
 * NULL and nulls the pointer. */
void ganhpo_study_lock_release(ganhpo_study_lock **lock);

/* Hands `lock` (may be NULL) to the log, which releases it when closed. */
void ganhpo_study_log_hold_lock(ganhpo_study_log *log, ganhpo_study_lock *lock);

/* ---- The study's state machine: one search per (strategy, repeat). The single-process
 * loop and the MPI coordinator drive it alike: next (a point to evaluate), evaluate
 * anywhere, complete (observe it and get its row for the log). Not collective. ---- */

/* A point handed out for evaluation. */
typedef struct {
    int search; /* which (strategy, repeat): strategy index * repeats + repeat */
    ganhpo_search_strategy strategy;
    int repeat;
    long long levels[GANHPO_SPACE_MAX_DIMS];
    unsigned long long seed; /* evaluation seed: from (study seed, repeat, point, round) only */
    int again; /* 0: a new point; else the index of the row whose point this re-evaluates */
} ganhpo_study_task;

typedef struct ganhpo_study_state ganhpo_study_state;

/* The searches of `cfg` (kept by pointer: cfg must outlive the state); the time limit
 * (search.time_limit) counts from here. */
ganhpo_status ganhpo_study_state_create(const ganhpo_study_config *cfg, ganhpo_study_state **out);

/* Frees the state; accepts NULL and nulls the pointer. */
void ganhpo_study_state_destroy(ganhpo_study_state **st);

/* Rebuilds the searches from one logged row (a ganhpo_study_row_fn; ctx is the state):
 * GANHPO_ERR_RESULTS when the row's strategy is not listed, its repeat is out of range, its
 * index is not the next of its search, or its point was evaluated before. */
ganhpo_status ganhpo_study_state_replay(void *state, const ganhpo_results_row *row, int line);

/* The next point to evaluate, from the first search that can propose one: *have = 1 and
 * *task filled, or *have = 0 when no search can propose now (all used up or waiting for
 * pending results, or the time limit passed). */
ganhpo_status ganhpo_study_state_next(ganhpo_study_state *st, ganhpo_study_task *task, int *have);

/* Observes the result of `task` in its search and fills *row for the log (index, worker,
 * mean, std and objective = mean + kappa * std; ganhpo_study_row_set_result). *row must be
 * zeroed or a row filled before; the caller clears it (ganhpo_results_row_clear). */
ganhpo_status ganhpo_study_state_complete(ganhpo_study_state *st, const ganhpo_study_task *task,
                                          const ganhpo_objective_result *result, int worker,
                                          ganhpo_results_row *row);

/* 1 when every search is over (nothing pending, budget or lattice used up). */
int ganhpo_study_state_done(const ganhpo_study_state *st);

/* 1 once search.time_limit has passed (never with no limit). */
int ganhpo_study_state_timed_out(const ganhpo_study_state *st);

/* Prints the one-line progress report of a completed row: its search and count/budget,
 * the study's count, mean +- std (or the failure), the search's best so far, elapsed time
 * and the estimated time left. `evaluated` is the number of rows evaluated by this run. */
void ganhpo_study_state_report(const ganhpo_study_state *st, const ganhpo_results_row *row,
                               long long evaluated, FILE *f);

/* The objective of a study: an analytic function, a command (trials in
 * output.directory/trials, the owned section's setup (the coordinator's parallel.grace after
 * a signal), GANHPO_RANK = `rank` and
 * GANHPO_LOCAL_RANK = nth_device), or the GAN objective (device
 * device.selector, else GANHPO_DEVICE, else the default rule; the data section's events made
 * and split with study.seed; with output.save_weights each evaluation leaves its best
 * trial's generator in ganhpo_study_weights_dir(output.directory)). nth_device: which of the
 * devices matching the study's selector trains (0 in one process; an MPI rank passes its
 * node-local rank). */
ganhpo_status ganhpo_study_objective_create(const ganhpo_study_config *cfg, int rank,
                                            size_t nth_device, ganhpo_objective **out);

/* Prepares a run of the study: creates `output` (NULL = output.directory), takes its lock
 * (ganhpo_study_lock_acquire; the log releases it when closed), opens
 * output/results.csv (resume: rejects a study whose space differs from the saved study.cfg
 * or the log, and rebuilds every search from the log), writes output/study.cfg (the resolved
 * study), prepares the weights directory of a GAN study that saves weights, and the searches'
 * state. Notes on a repaired log or resumed rows go to `progress`. The caller closes *log
 * and destroys *state. Not collective (rank 0 calls it). Only study.kind = "search" (a scan
 * runs in one process: ganhpo_study_run). */
ganhpo_status ganhpo_study_open(const ganhpo_study_config *cfg, const char *output, int resume,
                                FILE *progress, ganhpo_study_state **state, ganhpo_study_log **log);

/* With a GAN objective and output.save_weights, keeps the weights of a completed task: the
 * best trial of each of a search's 5 leaders (lowest posterior mean) stays under
 * OUTPUT/weights (ganhpo_study_weights_leader_path), the others are deleted, and
 * OUTPUT/best.gan links the weights of the recommended point (the searches' recommendation
 * of lowest posterior mean); nothing otherwise. Call between ganhpo_study_state_complete and
 * ganhpo_study_log_append. */
ganhpo_status ganhpo_study_state_keep_weights(ganhpo_study_state *st, const ganhpo_study_task *task,
                                              const ganhpo_results_row *row);

/* ---- The best model's weights (output.save_weights): OUTPUT/best.gan is the generator of
 * the best trial of the ok evaluation with the lowest objective so far. Evaluations (in this
 * process or on MPI workers sharing the file system) write their best trial's weights under
 * OUTPUT/pending/ (ganhpo_objective_weights_path); the process that logs the rows keeps one
 * and deletes the rest. Not collective. ---- */

/* OUTPUT/pending, the directory evaluations write weights into. */
void ganhpo_study_weights_dir(const char *output, char *path, size_t size);

/* Creates OUTPUT/pending and deletes the weights files a stopped run left in it. Call before
 * any evaluation starts. */
ganhpo_status ganhpo_study_weights_prepare(const char *output);

/* For a completed evaluation seeded `seed` and its row: when the row is ok and its objective
 * is below *best, its best trial's weights file becomes OUTPUT/best.gan (an atomic rename)
 * and *best its objective; then every weights file of the evaluation is deleted from
 * OUTPUT/pending. A missing weights file (a worker that could not write it) keeps the old
 * best.gan. Call before appending the row, so that a crash in between at worst re-evaluates
 * the point (same seed, same weights) on resume. */
ganhpo_status ganhpo_study_weights_keep(const char *output, unsigned long long seed,
                                        const ganhpo_results_row *row, double *best);

/* OUTPUT/weights/s<search>-i<evaluation>.gan: where a search study keeps the weights of a
 * leader, the point first evaluated as `evaluation` of search number `search`. */
void ganhpo_study_weights_leader_path(const char *output, int search, int evaluation, char *path,
                                      size_t size);

/* For a completed evaluation of a search study: when the row is ok and take = 1, its best
 * trial's weights file becomes `target` (*moved = 1 when it was there); then every weights
 * file of the evaluation is deleted from OUTPUT/pending. Creates OUTPUT/weights. */
ganhpo_status ganhpo_study_weights_keep_leader(const char *output, unsigned long long seed,
                                               const ganhpo_results_row *row, int take,
                                               const char *target, int *moved);

/* OUTPUT/best.gan becomes a hard link of `source` (atomically); a missing source keeps it. */
ganhpo_status ganhpo_study_weights_publish(const char *output, const char *source);

/* Runs the study in this process: creates `output` (NULL = output.directory) and holds its
 * lock (ganhpo_study_lock_acquire) while it runs, writes
 * output/study.cfg (the resolved study), opens output/results.csv (resume: replays it and
 * rejects a study whose space differs from the saved study.cfg or the log), then proposes,
 * evaluates, logs and reports one line per evaluation on `progress` until every search is
 * over or the time limit passes. Failed evaluations are logged and the study goes on.
 * study.kind = "scan": every level of ganhpo_scan_levels trained for every scan.epochs
 * count (epochs outer, levels inner), one row each with strategy "scan", repeat 0 and index
 * the position in that order; seeds from (study.seed, level), the same for every epoch
 * count; resume skips the rows already logged. */
ganhpo_status ganhpo_study_run(const ganhpo_study_config *cfg, const char *output, int resume,
                               FILE *progress);

#endif
