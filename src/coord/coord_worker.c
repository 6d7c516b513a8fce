/* Ranks 1..N-1: start (objective and device), then serve points. A group's leader takes a
 * point from rank 0, hands every other rank of the group its share of the trials, trains
 * its own share, gathers the shares and returns the combined result. */
#include "coord/coord_impl.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Trains one share; an error (device, data) becomes a failed share naming the rank, so the
 * point is logged as failed and the study goes on; an interrupted one is marked so, and so
 * is a fault of ganhpo's own output (ganhpo_objective_is_fault): rank 0 stops the study
 * without logging the point. */
static void evaluate_share(ganhpo_objective *obj, const ganhpo_coord_layout *l,
                           const ganhpo_coord_work *w, ganhpo_coord_part *part)
{
    part->ticket = w->ticket;
    part->first = w->first;
    ganhpo_objective_result *r = &part->result;
    ganhpo_status s = ganhpo_objective_evaluate_trials(obj, w->levels, w->first, w->count, w->seed,
                                                       l->group + 1, r);
    if (s == GANHPO_SUCCESS)
        return;
    memset(r, 0, sizeof *r);
    r->interrupted = s == GANHPO_ERR_INTERRUPTED;
    r->fault = ganhpo_objective_is_fault(s);
    r->trials = w->count;
    for (int t = 0; t < w->count; t++) {
        r->value[t] = NAN;
        r->epoch[t] = -1;
    }
    snprintf(r->reason, sizeof r->reason, "rank %d: %s", l->rank, ganhpo_error_message());
    ganhpo_error_clear();
}

/* Hands out the shares of members 1.. of the group. */
static ganhpo_status send_shares(const ganhpo_coord_layout *l, MPI_Comm group,
                                 const ganhpo_coord_work *w, unsigned char *buf)
{
    for (int m = 1; m < l->group_size; m++) {
        ganhpo_coord_work share = *w;
        ganhpo_coord_share(w->trials, l->group_size, m, &share.first, &share.count);
        size_t n = ganhpo_coord_pack_work(&share, buf);
        GH_CHECK(ganhpo_coord_send(buf, (int)n, m, COORD_TAG_SHARE, group));
    }
    return GANHPO_SUCCESS;
}

/* Evaluates one point as leader and sends the combined result to rank 0. */
static ganhpo_status lead_point(ganhpo_objective *obj, const ganhpo_coord_layout *l, MPI_Comm group,
                                ganhpo_coord_work *w, unsigned char *buf, ganhpo_coord_part *part,
                                ganhpo_coord_part *total)
{
    double t0 = ganhpo_system_seconds();
    GH_CHECK(send_shares(l, group, w, buf));
    ganhpo_coord_share(w->trials, l->group_size, 0, &w->first, &w->count);
    evaluate_share(obj, l, w, part);
    ganhpo_coord_combine_start(&total->result, w->trials);
    total->ticket = w->ticket;
    total->first = 0;
    ganhpo_coord_combine_add(&total->result, part);
    for (int m = 1; m < l->group_size; m++) {
        MPI_Status st;
        int n = 0;
        GH_CHECK(ganhpo_coord_recv(buf, MPI_ANY_SOURCE, COORD_TAG_PART, group, &st, &n));
        GH_CHECK(ganhpo_coord_unpack_part(buf, (size_t)n, part));
        if (part->ticket != w->ticket)
            GH_RAISE(GANHPO_ERR_MPI, "rank %d: share of evaluation %lld arrived during %lld",
                     l->rank, part->ticket, w->ticket);
        ganhpo_coord_combine_add(&total->result, part);
    }
    ganhpo_coord_combine_finish(&total->result);
    total->result.seconds = ganhpo_system_seconds() - t0;
    size_t n = ganhpo_coord_pack_part(total, buf);
    return ganhpo_coord_send(buf, (int)n, 0, COORD_TAG_RESULT, MPI_COMM_WORLD);
}

/* The flag of a STOP message. */
static ganhpo_status stop_flag(const unsigned char *buf, int n, int *failed)
{
    if (n != (int)sizeof *failed)
        GH_RAISE(GANHPO_ERR_MPI, "malformed stop message (%d bytes)", n);
    memcpy(failed, buf, sizeof *failed);
    return GANHPO_SUCCESS;
}

/* The leader's loop: points from rank 0 until STOP, which goes on to the members. */
static ganhpo_status lead(ganhpo_objective *obj, const ganhpo_coord_layout *l, MPI_Comm group,
                          unsigned char *buf, ganhpo_coord_part *part, ganhpo_coord_part *total,
                          int *failed)
{
    for (;;) {
        MPI_Status st;
        int n = 0;
        GH_CHECK(ganhpo_coord_recv(buf, 0, MPI_ANY_TAG, MPI_COMM_WORLD, &st, &n));
        if (st.MPI_TAG == COORD_TAG_STOP) {
            GH_CHECK(stop_flag(buf, n, failed));
            for (int m = 1; m < l->group_size; m++)
                GH_CHECK(ganhpo_coord_send(failed, (int)sizeof *failed, m, COORD_TAG_STOP, group));
            return GANHPO_SUCCESS;
        }
        if (st.MPI_TAG != COORD_TAG_WORK)
            GH_RAISE(GANHPO_ERR_MPI, "rank %d: unexpected message tag %d from rank 0", l->rank,
                     st.MPI_TAG);
        ganhpo_coord_work w;
        GH_CHECK(ganhpo_coord_unpack_work(buf, (size_t)n, &w));
        if (!obj)
            GH_RAISE(GANHPO_ERR_STATE, "rank %d got work although it could not start", l->rank);
        GH_CHECK(lead_point(obj, l, group, &w, buf, part, total));
    }
}

/* A member's loop: shares from the leader until STOP. */
static ganhpo_status follow(ganhpo_objective *obj, const ganhpo_coord_layout *l, MPI_Comm group,
                            unsigned char *buf, ganhpo_coord_part *part, int *failed)
{
    for (;;) {
        MPI_Status st;
        int n = 0;
        GH_CHECK(ganhpo_coord_recv(buf, 0, MPI_ANY_TAG, group, &st, &n));
        if (st.MPI_TAG == COORD_TAG_STOP)
            return stop_flag(buf, n, failed);
        if (st.MPI_TAG != COORD_TAG_SHARE || !obj)
            GH_RAISE(GANHPO_ERR_MPI, "rank %d: unexpected message tag %d from its leader", l->rank,
                     st.MPI_TAG);
        ganhpo_coord_work w;
        GH_CHECK(ganhpo_coord_unpack_work(buf, (size_t)n, &w));
        evaluate_share(obj, l, &w, part);
        size_t len = ganhpo_coord_pack_part(part, buf);
        GH_CHECK(ganhpo_coord_send(buf, (int)len, 0, COORD_TAG_PART, group));
    }
}

ganhpo_status ganhpo_coord_serve(ganhpo_objective *obj, const ganhpo_coord_layout *l,
                                 MPI_Comm group, int *failed)
{
    unsigned char *buf = malloc(COORD_MSG_MAX);
    ganhpo_coord_part *part = malloc(sizeof *part), *total = malloc(sizeof *total);
    ganhpo_status s = GANHPO_SUCCESS;
    if (!buf || !part || !total)
        GH_RAISE_GOTO(s, done, GANHPO_ERR_ALLOC, "rank %d: out of memory for messages", l->rank);
    if (l->member == 0)
        GH_CHECK_GOTO(lead(obj, l, group, buf, part, total, failed), s, done);
    else
        GH_CHECK_GOTO(follow(obj, l, group, buf, part, failed), s, done);
done:
    free(buf);
    free(part);
    free(total);
    return s;
}
