/* The rank layout and the message protocol: work items and results packed into byte
 * buffers (the ranks of a job run the same binary, so fields travel in host layout), and
 * the combination of a group's shares into one point's result. */
#include "coord/coord_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

ganhpo_status ganhpo_coord_layout_make(int size, int rank, int group_size, int trials,
                                       ganhpo_coord_layout *out)
{
    memset(out, 0, sizeof *out);
    if (size < 1 || rank < 0 || rank >= size || group_size < 1 || trials < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "layout of rank %d of %d, group size %d, %d trials", rank,
                 size, group_size, trials);
    if (size > 1 && (size - 1) % group_size != 0) {
        int below = 1 + (size - 1) / group_size * group_size;
        GH_RAISE(GANHPO_ERR_MPI_LAYOUT,
                 "%d ranks do not fit parallel.group_size = %d: rank 0 coordinates and the "
                 "other %d ranks must form whole groups, so the rank count must be 1 + a "
                 "multiple of %d (for example %d or %d)",
                 size, group_size, size - 1, group_size, below > 1 ? below : 1 + group_size,
                 below + group_size);
    }
    if (size > 1 && group_size > trials)
        GH_RAISE(GANHPO_ERR_MPI_LAYOUT,
                 "parallel.group_size = %d exceeds study.trials = %d: the ranks of a group "
                 "share a point's trials, so a group may have at most %d ranks",
                 group_size, trials, trials);
    out->size = size;
    out->rank = rank;
    out->group_size = group_size;
    out->n_groups = size > 1 ? (size - 1) / group_size : 0;
    out->group = rank > 0 ? (rank - 1) / group_size : -1;
    out->member = rank > 0 ? (rank - 1) % group_size : -1;
    out->leader = rank > 0 ? ganhpo_coord_layout_leader(out, out->group) : -1;
    return GANHPO_SUCCESS;
}

int ganhpo_coord_layout_leader(const ganhpo_coord_layout *l, int g)
{
    return 1 + g * l->group_size;
}

void ganhpo_coord_share(int trials, int group_size, int member, int *first, int *count)
{
    int base = trials / group_size, extra = trials % group_size;
    *first = member * base + (member < extra ? member : extra);
    *count = base + (member < extra ? 1 : 0);
}

/* A cursor over a message buffer. */
typedef struct {
    unsigned char *w;
    const unsigned char *r;
    size_t pos, size;
    int bad;
} cursor;

static void put(cursor *c, const void *p, size_t n)
{
    memcpy(c->w + c->pos, p, n);
    c->pos += n;
}

static void get(cursor *c, void *p, size_t n)
{
    if (c->bad || c->pos + n > c->size) {
        c->bad = 1;
        memset(p, 0, n);
        return;
    }
    memcpy(p, c->r + c->pos, n);
    c->pos += n;
}

size_t ganhpo_coord_pack_work(const ganhpo_coord_work *w, unsigned char *buf)
{
    cursor c = {.w = buf};
    put(&c, &w->ticket, sizeof w->ticket);
    int ints[6] = {w->strategy, w->repeat, w->trials, w->first, w->count, w->n_params};
    put(&c, ints, sizeof ints);
    put(&c, &w->seed, sizeof w->seed);
    put(&c, w->levels, (size_t)w->n_params * sizeof w->levels[0]);
    return c.pos;
}

ganhpo_status ganhpo_coord_unpack_work(const unsigned char *buf, size_t n, ganhpo_coord_work *w)
{
    cursor c = {.r = buf, .size = n};
    memset(w, 0, sizeof *w);
    int ints[6];
    get(&c, &w->ticket, sizeof w->ticket);
    get(&c, ints, sizeof ints);
    get(&c, &w->seed, sizeof w->seed);
    w->strategy = ints[0];
    w->repeat = ints[1];
    w->trials = ints[2];
    w->first = ints[3];
    w->count = ints[4];
    w->n_params = ints[5];
    int sane = !c.bad && w->n_params >= 1 && w->n_params <= GANHPO_SPACE_MAX_DIMS &&
               w->trials >= 1 && w->trials <= GANHPO_OBJECTIVE_MAX_TRIALS && w->first >= 0 &&
               w->count >= 1 && w->first + w->count <= w->trials;
    if (sane)
        get(&c, w->levels, (size_t)w->n_params * sizeof w->levels[0]);
    if (!sane || c.bad || c.pos != n)
        GH_RAISE(GANHPO_ERR_MPI, "malformed work message (%zu bytes)", n);
    return GANHPO_SUCCESS;
}

size_t ganhpo_coord_pack_part(const ganhpo_coord_part *p, unsigned char *buf)
{
    const ganhpo_objective_result *r = &p->result;
    cursor c = {.w = buf};
    put(&c, &p->ticket, sizeof p->ticket);
    int len = (int)strnlen(r->reason, sizeof r->reason - 1);
    int ints[8] = {p->first, r->ok,          r->trials,    r->epochs,
                   len,      r->interrupted, r->n_metrics, r->fault};
    put(&c, ints, sizeof ints);
    put(&c, &r->parameters, sizeof r->parameters);
    put(&c, &r->seconds, sizeof r->seconds);
    put(&c, r->value, (size_t)r->trials * sizeof r->value[0]);
    put(&c, r->epoch, (size_t)r->trials * sizeof r->epoch[0]);
    for (int m = 0; m < r->n_metrics; m++)
        put(&c, r->metric[m], (size_t)r->trials * sizeof r->metric[m][0]);
    put(&c, r->reason, (size_t)len);
    return c.pos;
}

ganhpo_status ganhpo_coord_unpack_part(const unsigned char *buf, size_t n, ganhpo_coord_part *p)
{
    ganhpo_objective_result *r = &p->result;
    cursor c = {.r = buf, .size = n};
    memset(p, 0, sizeof *p);
    int ints[8];
    get(&c, &p->ticket, sizeof p->ticket);
    get(&c, ints, sizeof ints);
    get(&c, &r->parameters, sizeof r->parameters);
    get(&c, &r->seconds, sizeof r->seconds);
    p->first = ints[0];
    r->ok = ints[1];
    r->trials = ints[2];
    r->epochs = ints[3];
    int len = ints[4];
    r->interrupted = ints[5];
    r->n_metrics = ints[6];
    r->fault = ints[7];
    int sane = !c.bad && p->first >= 0 && r->trials >= 1 &&
               p->first + r->trials <= GANHPO_OBJECTIVE_MAX_TRIALS && len >= 0 &&
               len < GANHPO_OBJECTIVE_REASON_SIZE && r->n_metrics >= 0 &&
               r->n_metrics <= GANHPO_RESULTS_MAX_METRICS;
    if (sane) {
        get(&c, r->value, (size_t)r->trials * sizeof r->value[0]);
        get(&c, r->epoch, (size_t)r->trials * sizeof r->epoch[0]);
        for (int m = 0; m < r->n_metrics; m++)
            get(&c, r->metric[m], (size_t)r->trials * sizeof r->metric[m][0]);
        get(&c, r->reason, (size_t)len);
    }
    if (!sane || c.bad || c.pos != n)
        GH_RAISE(GANHPO_ERR_MPI, "malformed result message (%zu bytes)", n);
    return GANHPO_SUCCESS;
}

void ganhpo_coord_combine_start(ganhpo_objective_result *total, int trials)
{
    memset(total, 0, sizeof *total);
    total->ok = 1;
    total->trials = trials;
    for (int t = 0; t < trials; t++) {
        total->value[t] = NAN;
        total->epoch[t] = -1;
        for (int m = 0; m < GANHPO_RESULTS_MAX_METRICS; m++)
            total->metric[m][t] = NAN;
    }
}

void ganhpo_coord_combine_add(ganhpo_objective_result *total, const ganhpo_coord_part *part)
{
    const ganhpo_objective_result *r = &part->result;
    for (int i = 0; i < r->trials && part->first + i < total->trials; i++) {
        total->value[part->first + i] = r->value[i];
        total->epoch[part->first + i] = r->epoch[i];
        for (int m = 0; m < r->n_metrics; m++)
            total->metric[m][part->first + i] = r->metric[m][i];
    }
    if (r->n_metrics > total->n_metrics)
        total->n_metrics = r->n_metrics;
    total->interrupted |= r->interrupted;
    if (r->epochs > total->epochs)
        total->epochs = r->epochs;
    if (r->parameters > total->parameters)
        total->parameters = r->parameters;
    if (r->fault && !total->fault) /* a fault's reason is the one rank 0 reports */
        snprintf(total->reason, sizeof total->reason, "%s", r->reason);
    else if (!total->fault && ((!r->ok && total->ok) || (total->ok && !total->reason[0])))
        snprintf(total->reason, sizeof total->reason, "%s", r->reason);
    total->fault |= r->fault;
    if (!r->ok)
        total->ok = 0;
}

void ganhpo_coord_combine_finish(ganhpo_objective_result *total)
{
    int good = 0;
    for (int t = 0; t < total->trials; t++)
        good += isfinite(total->value[t]) ? 1 : 0;
    if (total->ok == 1 && good == 0) {
        total->ok = 0;
        if (!total->reason[0]) /* else the first failed trial's own reason */
            snprintf(total->reason, sizeof total->reason, "no trial gave a finite value");
    }
    if (total->ok == 1) {
        total->reason[0] = '\0';
        return;
    }
    if (total->reason[0] == '\0')
        snprintf(total->reason, sizeof total->reason, "evaluation failed");
    for (int t = 0; t < total->trials; t++) {
        total->value[t] = NAN;
        total->epoch[t] = -1;
    }
}
