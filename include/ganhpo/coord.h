/* The MPI coordinator and workers: asynchronous nested parallelism (shared/SPEC.md 4.4).
 * The only module that calls MPI. */
#ifndef GANHPO_COORD_H
#define GANHPO_COORD_H

#include <libconfig.h>
#include <stdio.h>

#include "ganhpo/status.h"
#include "ganhpo/study.h"

/* The study file's `parallel` section. */
typedef struct {
    int group_size; /* parallel.group_size: ranks that share one point's trials */
    double grace;   /* parallel.grace: seconds running evaluations get after SIGINT/SIGTERM */
} ganhpo_coord_options;

/* Defaults: group size 1, grace 60 s. */
void ganhpo_coord_options_default(ganhpo_coord_options *o);

/* Reads the `parallel` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_coord_set_from_config(ganhpo_coord_options *o,
                                           const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_coord_write_config(const ganhpo_coord_options *o, config_setting_t *section);

/* The `parallel` section as a section the study file carries for the coordinator
 * (ganhpo_study_section): read with ganhpo_coord_set_from_config and checked against
 * study.trials, written back by ganhpo_study_write, its grace given to the objective. */
const ganhpo_study_section *ganhpo_coord_study_section(void);

/* ganhpo_study_load of a study file that may have a `parallel` section. */
ganhpo_status ganhpo_coord_study_load(const char *path, ganhpo_study_config *out);

/* The `parallel` options of a study loaded by ganhpo_coord_study_load. */
const ganhpo_coord_options *ganhpo_coord_study_options(const ganhpo_study_config *cfg);

/* ---- Running a study over MPI (implementation: src/coord/) ------------------------------
 * Rank 0 runs the strategies and is the only writer of results.csv; ranks 1..N-1 form
 * groups of parallel.group_size ranks, each group evaluating one point at a time with its
 * ranks sharing the point's trials. Dispatch is asynchronous: the moment a group returns a
 * result, it is observed and logged and the group gets the next point. Idle ranks wait in
 * MPI_Iprobe/MPI_Test loops with short sleeps, never in spinning blocking calls. With one
 * process (no launcher, or mpiexec -n 1) the study runs in that process, as without MPI. */

typedef struct ganhpo_coord ganhpo_coord;

/* Joins the MPI job when an MPI launcher (mpiexec, srun --mpi=pmi2/pmix) started the
 * process, else prepares a single-process run without initialising MPI. Collective over
 * MPI_COMM_WORLD. srun tasks that MPI sees as singletons are an error (wrong --mpi). */
ganhpo_status ganhpo_coord_create(int *argc, char ***argv, ganhpo_coord **out);

/* This process's rank in MPI_COMM_WORLD (0 without MPI). */
int ganhpo_coord_rank(const ganhpo_coord *c);

/* Processes in the job (1 without MPI). */
int ganhpo_coord_size(const ganhpo_coord *c);

/* The first line of the MPI library's version string (MPI_Get_library_version, callable
 * without initialising MPI) into buf. Not collective. */
void ganhpo_coord_library_version(char *buf, size_t size);

/* What a run of a study is asked for on the command line. */
typedef struct {
    const char *path;   /* the study file */
    const char *output; /* output directory; NULL = output.directory */
    const char *device; /* device selector replacing device.selector; NULL = the file's */
    int resume;         /* continue from the directory's results.csv (ganhpo_study_run) */
} ganhpo_coord_run;

/* Runs the study `run` describes, printing one progress line per evaluation on `progress` (rank 0).
 * Collective over MPI_COMM_WORLD. Bad input (study file, rank count that group_size does
 * not divide, existing results without resume) is an error on rank 0 before any worker
 * starts; the workers then return GANHPO_SUCCESS without output. SIGINT/SIGTERM stop the
 * dispatch: running evaluations get parallel.grace seconds, completed rows are kept, and
 * rank 0 returns GANHPO_ERR_INTERRUPTED (rerun with --resume to continue). */
ganhpo_status ganhpo_coord_study(ganhpo_coord *c, const ganhpo_coord_run *run, FILE *progress);

/* 1 on a worker rank whose study failed or was interrupted on rank 0 (which reported why)
 * while the worker itself returned GANHPO_SUCCESS: its process should exit with a failure
 * status too, so that the launcher's exit status does not depend on which rank it reports. */
int ganhpo_coord_failed_elsewhere(const ganhpo_coord *c);

/* Leaves MPI (MPI_Finalize, or MPI_Abort of the job when evaluations were abandoned after
 * the grace period) and frees c; accepts NULL and nulls the pointer. Collective. */
void ganhpo_coord_destroy(ganhpo_coord **c);

#endif
