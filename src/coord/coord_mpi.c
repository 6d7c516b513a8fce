/* Joining and leaving the MPI job, signals, and communication that waits by testing and
 * sleeping: MPICH's blocking calls spin at full speed, which would steal the cores that
 * training ranks (or over-subscribed ranks) need. */
#include "coord/coord_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t received_signal, signal_count;

static void record_signal(int sig)
{
    if (!received_signal)
        received_signal = sig;
    if (signal_count < 1000)
        signal_count++;
}

int ganhpo_coord_signal(void)
{
    return (int)received_signal;
}

int ganhpo_coord_signal_count(void)
{
    return (int)signal_count;
}

ganhpo_status ganhpo_coord_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = record_signal;
    sigemptyset(&sa.sa_mask);
    received_signal = 0;
    signal_count = 0;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot install the SIGINT/SIGTERM handlers: %s",
                 strerror(errno));
    return GANHPO_SUCCESS;
}

void ganhpo_coord_library_version(char *buf, size_t size)
{
    char text[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(text, &len);
    text[len < MPI_MAX_LIBRARY_VERSION_STRING ? len : MPI_MAX_LIBRARY_VERSION_STRING - 1] = '\0';
    snprintf(buf, size, "%.*s", (int)strcspn(text, "\n"), text);
}

void ganhpo_coord_nap(void)
{
    struct timespec t = {0, COORD_NAP_NS};
    nanosleep(&t, NULL);
}

/* Environment variables set by the process managers MPICH and Slurm use (Hydra, PMI-2,
 * PMIx): without one, the process was started directly and MPI is not touched. */
static int launched_by_mpi(void)
{
    static const char *const vars[] = {"PMI_RANK",  "PMI_FD",          "PMI_SIZE",
                                       "PMIX_RANK", "MPI_LOCALNRANKS", NULL};
    for (int i = 0; vars[i]; i++)
        if (getenv(vars[i]))
            return 1;
    const char *tasks = getenv("SLURM_STEP_NUM_TASKS");
    return tasks && atoi(tasks) > 1;
}

static ganhpo_status join(ganhpo_coord *c, int *argc, char ***argv)
{
    GH_CHECK_MPI(MPI_Init(argc, argv));
    c->mpi = 1;
    GH_CHECK_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    GH_CHECK_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &c->rank));
    GH_CHECK_MPI(MPI_Comm_size(MPI_COMM_WORLD, &c->size));
    const char *tasks = getenv("SLURM_STEP_NUM_TASKS");
    if (c->size == 1 && tasks && atoi(tasks) > 1)
        GH_RAISE(GANHPO_ERR_MPI,
                 "srun started %s tasks but MPI sees each as a job of one process, so every "
                 "task would run the whole study: launch with srun --mpi=pmi2 (or --mpi=pmix, "
                 "whichever your MPICH supports)",
                 tasks);
    MPI_Comm node;
    GH_CHECK_MPI(
        MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, c->rank, MPI_INFO_NULL, &node));
    int st = MPI_Comm_rank(node, &c->node_rank);
    MPI_Comm_free(&node);
    GH_CHECK_MPI(st);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_coord_create(int *argc, char ***argv, ganhpo_coord **out)
{
    *out = NULL;
    ganhpo_coord *c = calloc(1, sizeof *c);
    if (!c)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the coordinator");
    c->size = 1;
    if (launched_by_mpi()) {
        ganhpo_status st = join(c, argc, argv);
        if (st != GANHPO_SUCCESS) {
            ganhpo_coord_destroy(&c);
            return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "join(c, argc, argv)");
        }
    }
    *out = c;
    return GANHPO_SUCCESS;
}

int ganhpo_coord_rank(const ganhpo_coord *c)
{
    return c->rank;
}

int ganhpo_coord_size(const ganhpo_coord *c)
{
    return c->size;
}

int ganhpo_coord_failed_elsewhere(const ganhpo_coord *c)
{
    return c->failed;
}

void ganhpo_coord_destroy(ganhpo_coord **c)
{
    if (!c || !*c)
        return;
    if ((*c)->mpi) {
        if ((*c)->abandon) {
            /* The launcher drops output still in its forwarding pipes when the job is
             * aborted: give it the last messages (why the run stopped, --resume) first. */
            fflush(NULL);
            struct timespec drain = {0, 500000000L};
            nanosleep(&drain, NULL);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        MPI_Finalize();
    }
    free(*c);
    *c = NULL;
}

/* Waits for a request by testing and napping. */
static ganhpo_status wait_for(MPI_Request *req)
{
    for (;;) {
        int done = 0;
        GH_CHECK_MPI(MPI_Test(req, &done, MPI_STATUS_IGNORE));
        if (done)
            return GANHPO_SUCCESS;
        ganhpo_coord_nap();
    }
}

ganhpo_status ganhpo_coord_send(const void *buf, int n, int dest, int tag, MPI_Comm comm)
{
    MPI_Request req;
    GH_CHECK_MPI(MPI_Isend(buf, n, MPI_BYTE, dest, tag, comm, &req));
    return wait_for(&req);
}

ganhpo_status ganhpo_coord_try_recv(void *buf, int source, int tag, MPI_Comm comm, MPI_Status *st,
                                    int *n, int *got)
{
    *got = 0;
    *n = 0;
    int flag = 0;
    GH_CHECK_MPI(MPI_Iprobe(source, tag, comm, &flag, st));
    if (!flag)
        return GANHPO_SUCCESS;
    GH_CHECK_MPI(MPI_Get_count(st, MPI_BYTE, n));
    if (*n < 0 || *n > COORD_MSG_MAX)
        GH_RAISE(GANHPO_ERR_MPI, "message of %d bytes from rank %d exceeds the protocol's %d", *n,
                 st->MPI_SOURCE, (int)COORD_MSG_MAX);
    GH_CHECK_MPI(MPI_Recv(buf, *n, MPI_BYTE, st->MPI_SOURCE, st->MPI_TAG, comm, st));
    *got = 1;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_coord_recv(void *buf, int source, int tag, MPI_Comm comm, MPI_Status *st,
                                int *n)
{
    for (;;) {
        int got = 0;
        GH_CHECK(ganhpo_coord_try_recv(buf, source, tag, comm, st, n, &got));
        if (got)
            return GANHPO_SUCCESS;
        ganhpo_coord_nap();
    }
}

ganhpo_status ganhpo_coord_bcast(void *buf, int n, MPI_Comm comm)
{
    MPI_Request req;
    GH_CHECK_MPI(MPI_Ibcast(buf, n, MPI_BYTE, 0, comm, &req));
    return wait_for(&req);
}
