/* Private to the coord module: the rank layout, the message protocol and the waiting
 * helpers shared by the coordinator (rank 0) and the workers. */
#ifndef GANHPO_COORD_IMPL_H
#define GANHPO_COORD_IMPL_H

#include <mpi.h>
#include <signal.h>
#include <stddef.h>

#include "ganhpo/coord.h"
#include "ganhpo/objective.h"
#include "ganhpo/space.h"
#include "ganhpo/study.h"

/* Message tags. READY/WORK/RESULT/STOP travel between rank 0 and group leaders on
 * MPI_COMM_WORLD; SHARE and PART between a leader and its group's other ranks. */
enum {
    COORD_TAG_READY = 11,  /* worker -> rank 0: started (or why not), device chosen */
    COORD_TAG_WORK = 12,   /* rank 0 -> leader: evaluate this point */
    COORD_TAG_RESULT = 13, /* leader -> rank 0: the point's combined result */
    COORD_TAG_STOP = 14,   /* rank 0 -> leader -> members: no more work; int payload: 1 when
                              the study failed or was interrupted */
    COORD_TAG_SHARE = 15,  /* leader -> member: your share of a point's trials */
    COORD_TAG_PART = 16    /* member -> leader: the result of that share */
};

/* How long idle ranks sleep between polls: short against evaluations of seconds, long
 * enough that waiting ranks use no measurable CPU. */
enum { COORD_NAP_NS = 2000000 };

/* Where a rank stands in the job. */
typedef struct {
    int size;       /* ranks in MPI_COMM_WORLD */
    int rank;       /* this rank */
    int group_size; /* ranks per group */
    int n_groups;   /* (size - 1) / group_size; 0 for a single process */
    int group;      /* 0-based group of this rank; -1 on rank 0 */
    int member;     /* position within the group (0 = leader); -1 on rank 0 */
    int leader;     /* world rank of this group's leader; -1 on rank 0 */
} ganhpo_coord_layout;

/* The layout of `rank` among `size` ranks with groups of group_size sharing `trials`
 * trials. GANHPO_ERR_MPI_LAYOUT when size - 1 is not a multiple of group_size, or
 * group_size exceeds trials (a rank would have no trial), with the counts that would fit. */
ganhpo_status ganhpo_coord_layout_make(int size, int rank, int group_size, int trials,
                                       ganhpo_coord_layout *out);

/* World rank of group g's leader. */
int ganhpo_coord_layout_leader(const ganhpo_coord_layout *l, int g);

/* The trials [*first, *first + *count) that member `member` of a group of `group_size`
 * trains out of `trials`: contiguous, sizes differing by at most one. */
void ganhpo_coord_share(int trials, int group_size, int member, int *first, int *count);

/* A point to evaluate (or a group member's share of it). */
typedef struct {
    long long ticket; /* dispatch number, echoed by the result */
    int strategy;     /* ganhpo_search_strategy, for messages */
    int repeat;
    int trials;   /* trials of the whole point */
    int first;    /* first trial of this share */
    int count;    /* trials in this share */
    int n_params; /* coordinates in levels */
    unsigned long long seed;
    long long levels[GANHPO_SPACE_MAX_DIMS];
} ganhpo_coord_work;

/* A result in transit: the share [first, first + result.trials) of the point's trials. */
typedef struct {
    long long ticket;
    int first;
    ganhpo_objective_result result;
} ganhpo_coord_part;

/* Largest packed message. */
enum {
    COORD_MSG_MAX = 64 + GANHPO_OBJECTIVE_REASON_SIZE +
                    (12 + 8 * GANHPO_RESULTS_MAX_METRICS) * GANHPO_OBJECTIVE_MAX_TRIALS
};

/* Packs into buf (COORD_MSG_MAX bytes); returns the bytes used. */
size_t ganhpo_coord_pack_work(const ganhpo_coord_work *w, unsigned char *buf);
size_t ganhpo_coord_pack_part(const ganhpo_coord_part *p, unsigned char *buf);

/* Unpacks n bytes; GANHPO_ERR_MPI when the message is malformed (wrong size or counts). */
ganhpo_status ganhpo_coord_unpack_work(const unsigned char *buf, size_t n, ganhpo_coord_work *w);
ganhpo_status ganhpo_coord_unpack_part(const unsigned char *buf, size_t n, ganhpo_coord_part *p);

/* Starts a whole point's result: `trials` trials, none reported yet, ok. */
void ganhpo_coord_combine_start(ganhpo_objective_result *total, int trials);

/* Adds one share. A share that failed (an error on its rank) fails the point with its
 * reason, as an error fails a single-process evaluation; epochs and parameters are taken
 * from the shares. */
void ganhpo_coord_combine_add(ganhpo_objective_result *total, const ganhpo_coord_part *part);

/* Settles the combined result like a single-process evaluation: a failed point has every
 * trial NAN/-1; a point without any finite trial fails. */
void ganhpo_coord_combine_finish(ganhpo_objective_result *total);

/* ---- waiting without spinning (coord_mpi.c) ---- */

/* Sleeps COORD_NAP_NS. */
void ganhpo_coord_nap(void);

/* Sends buf[n] to dest and waits for completion by testing and napping. */
ganhpo_status ganhpo_coord_send(const void *buf, int n, int dest, int tag, MPI_Comm comm);

/* Waits (probing and napping) for a message from `source` (or MPI_ANY_SOURCE) with `tag`
 * (or MPI_ANY_TAG) and receives it into buf (COORD_MSG_MAX bytes). */
ganhpo_status ganhpo_coord_recv(void *buf, int source, int tag, MPI_Comm comm, MPI_Status *st,
                                int *n);

/* Like ganhpo_coord_recv without waiting: *got = 0 when nothing is there. */
ganhpo_status ganhpo_coord_try_recv(void *buf, int source, int tag, MPI_Comm comm, MPI_Status *st,
                                    int *n, int *got);

/* Broadcasts n bytes from rank 0 of comm, waiting by testing and napping. */
ganhpo_status ganhpo_coord_bcast(void *buf, int n, MPI_Comm comm);

/* The first signal (SIGINT or SIGTERM) received since ganhpo_coord_signals_install, or 0. */
int ganhpo_coord_signal(void);

/* How many of them arrived: a second one ends the grace period at once. */
int ganhpo_coord_signal_count(void);

/* Installs the SIGINT/SIGTERM handlers that only record the signal. */
ganhpo_status ganhpo_coord_signals_install(void);

/* ---- the roles ---- */

/* The process: MPI state and how it ends. */
struct ganhpo_coord {
    int mpi;       /* 1 when MPI was initialised here */
    int rank;      /* in MPI_COMM_WORLD */
    int size;      /* of MPI_COMM_WORLD */
    int node_rank; /* rank among the processes of this node */
    int abandon;   /* 1: ranks may be left waiting or busy, destroy aborts the job */
    int failed;    /* 1: the study failed or was interrupted on rank 0 (a worker's view) */
};

/* Tells group g's leader to stop; failed: the study did not end normally. */
ganhpo_status ganhpo_coord_stop(const ganhpo_coord_layout *l, int g, int failed);

/* Rank 0's dispatch loop over the layout's groups (coord_master.c): runs the study state
 * to its end, logging every result, then stops the groups. Sets c->abandon when groups
 * are left busy or an error leaves them waiting. */
ganhpo_status ganhpo_coord_master(ganhpo_coord *c, const ganhpo_study_config *cfg,
                                  const ganhpo_coord_layout *l, ganhpo_study_state *st,
                                  ganhpo_study_log *log, FILE *progress);

/* A worker's loop (coord_worker.c): as its group's leader, points from rank 0; otherwise
 * shares from the leader; until STOP, whose flag goes to *failed. obj NULL: this rank could not
 * start and only waits for STOP. `group` holds the group's ranks, the leader first. */
ganhpo_status ganhpo_coord_serve(ganhpo_objective *obj, const ganhpo_coord_layout *l,
                                 MPI_Comm group, int *failed);

#endif
