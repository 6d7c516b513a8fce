/* The results.csv codec: the header of a study's columns, a row formatted and parsed back
 * unchanged (metrics included), a file written before metric columns existed, and errors
 * that name the line and column. */
#include "check.h"
#include "ganhpo/results.h"

#include <string.h>

static ganhpo_results_columns two_params_one_metric(void)
{
    ganhpo_results_columns c = {0};
    c.n_params = 2;
    strcpy(c.params[0], "lr");
    strcpy(c.params[1], "width");
    c.n_metrics = 1;
    strcpy(c.metrics[0], "fpd");
    return c;
}

static void fill(ganhpo_results_row *row)
{
    CHECK_OK(ganhpo_results_row_reserve(row, 3, 1));
    row->id = 7;
    strcpy(row->strategy, "gp");
    row->repeat = 1;
    row->index = 4;
    row->worker = 2;
    row->ok = 1;
    row->epochs = 20;
    row->levels[0] = -3;
    row->levels[1] = 12;
    row->values[0] = 0.001;
    row->values[1] = 96;
    double w1[3] = {0.25, NAN, 0.125}, fpd[3] = {1.5, NAN, 2.5};
    int epoch[3] = {19, -1, 4};
    for (int t = 0; t < 3; t++) {
        row->trial_w1[t] = w1[t];
        row->trial_epoch[t] = epoch[t];
        row->trial_metric[t] = fpd[t];
    }
    row->mean = 0.1875;
    row->std = 0.0883883476;
    row->objective = 0.1875;
    row->parameters = 21155;
    row->seconds = 3.5;
}

static void check_round_trip(void)
{
    ganhpo_results_columns c = two_params_one_metric();
    char *header = NULL, *line = NULL;
    CHECK_OK(ganhpo_results_header_format(&c, &header));
    CHECK(header && strcmp(header, "id,strategy,repeat,index,worker,status,epochs,level_lr,"
                                   "level_width,value_lr,value_width,trial_w1,trial_epoch,mean,"
                                   "std,objective,parameters,seconds,metric_fpd\n") == 0);
    ganhpo_results_row row = {0}, back = {0};
    fill(&row);
    CHECK_OK(ganhpo_results_row_format(&c, &row, &line));
    CHECK(line && strcmp(line, "7,gp,1,4,2,ok,20,-3,12,0.001,96,0.25;nan;0.125,19;-1;4,0.1875,"
                               "0.0883883476,0.1875,21155,3.5,1.5;nan;2.5\n") == 0);
    header[strlen(header) - 1] = '\0';
    line[strlen(line) - 1] = '\0';
    ganhpo_results_reader *r = NULL;
    CHECK_OK(ganhpo_results_reader_create(header, "mem.csv", &r));
    if (!r || !line)
        return;
    const ganhpo_results_columns *rc = ganhpo_results_reader_columns(r);
    CHECK(rc->n_params == 2 && rc->n_metrics == 1 && strcmp(rc->metrics[0], "fpd") == 0);
    CHECK(strcmp(rc->params[1], "width") == 0);
    CHECK_OK(ganhpo_results_reader_parse(r, line, 5, &back));
    CHECK(back.id == 7 && strcmp(back.strategy, "gp") == 0 && back.repeat == 1);
    CHECK(back.index == 4 && back.worker == 2 && back.ok && back.epochs == 20 && back.line == 5);
    CHECK(back.levels[0] == -3 && back.levels[1] == 12 && back.values[1] == 96);
    CHECK(back.n_trials == 3 && back.n_metrics == 1 && isnan(back.trial_w1[1]));
    CHECK(back.trial_w1[2] == 0.125 && back.trial_epoch[1] == -1 && back.trial_epoch[0] == 19);
    CHECK(back.trial_metric[0] == 1.5 && isnan(back.trial_metric[1]));
    CHECK(back.trial_metric[2] == 2.5);
    CHECK(back.parameters == 21155 && back.seconds == 3.5 && back.mean == 0.1875);
    ganhpo_results_reader_destroy(&r);
    CHECK(r == NULL);
    ganhpo_results_reader_destroy(&r);
    ganhpo_results_row_clear(&row);
    ganhpo_results_row_clear(&back);
    CHECK(back.trial_w1 == NULL && back.n_trials == 0);
    free(header);
    free(line);
}

/* A failure reason loses the characters that would break the line. */
static void check_failed_row(void)
{
    ganhpo_results_columns c = two_params_one_metric();
    ganhpo_results_row row = {0};
    fill(&row);
    row.ok = 0;
    strcpy(row.reason, "exit 1: bad, very\nbad");
    row.mean = row.std = row.objective = NAN;
    char *line = NULL;
    CHECK_OK(ganhpo_results_row_format(&c, &row, &line));
    CHECK(line && strstr(line, ",failed: exit 1: bad  very bad,20,") != NULL);
    CHECK(line && strstr(line, ",nan,nan,nan,21155,") != NULL);
    free(line);
    row.n_metrics = 0; /* a row must carry every metric of its columns */
    CHECK_FAILS(ganhpo_results_row_format(&c, &row, &line), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
    row.n_metrics = 1;
    ganhpo_results_row_clear(&row);
}

/* Files written before metric columns existed parse, with no metrics. */
static void check_old_header(void)
{
    char header[] = "id,strategy,repeat,index,worker,status,epochs,level_a,value_a,trial_w1,"
                    "trial_epoch,mean,std,objective,parameters,seconds";
    char line[] = "0,rbf,0,1,0,failed: NaN in training,5,2,0.2,nan,-1,nan,nan,nan,10,1";
    ganhpo_results_reader *r = NULL;
    CHECK_OK(ganhpo_results_reader_create(header, "old.csv", &r));
    if (!r)
        return;
    CHECK(ganhpo_results_reader_columns(r)->n_metrics == 0);
    ganhpo_results_row row = {0};
    CHECK_OK(ganhpo_results_reader_parse(r, line, 2, &row));
    CHECK(!row.ok && strcmp(row.reason, "NaN in training") == 0 && isnan(row.mean));
    CHECK(row.n_trials == 1 && row.n_metrics == 0 && row.trial_epoch[0] == -1);
    ganhpo_results_row_clear(&row);
    ganhpo_results_reader_destroy(&r);
}

static void check_rejected(char *header, char *line, ganhpo_status code, const char *needle)
{
    ganhpo_results_reader *r = NULL;
    ganhpo_results_row row = {0};
    ganhpo_status st = ganhpo_results_reader_create(header, "bad.csv", &r);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_results_reader_parse(r, line, 9, &row);
    CHECK(st == code);
    CHECK(strstr(ganhpo_error_message(), needle) != NULL);
    if (!strstr(ganhpo_error_message(), needle))
        fprintf(stderr, "  message was: %s (wanted '%s')\n", ganhpo_error_message(), needle);
    ganhpo_error_clear();
    ganhpo_results_row_clear(&row);
    ganhpo_results_reader_destroy(&r);
}

static void check_errors(void)
{
    const char *fixed = "id,strategy,repeat,index,worker,status,epochs,level_a,value_a,trial_w1,"
                        "trial_epoch,mean,std,objective,parameters,seconds";
    char h[512], l[512];
    snprintf(h, sizeof h, "%s,metric_x", fixed);
    snprintf(l, sizeof l, "0,rbf,0,1,0,ok,5,2,0.2,0.1;0.2,3;4,0.1,0,0.1,10,1,7");
    check_rejected(h, l, GANHPO_ERR_RESULTS,
                   "bad.csv:9: trial_w1 has 2 entries but metric_x has 1");
    snprintf(h, sizeof h, "%s,metric_x", fixed);
    snprintf(l, sizeof l, "0,rbf,0,1,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1,inf");
    check_rejected(h, l, GANHPO_ERR_RESULTS, "column 17 (metric_x): 'inf' is not a number or nan");
    snprintf(h, sizeof h, "%s,metric_", fixed);
    check_rejected(h, l, GANHPO_ERR_RESULTS, "the name in 'metric_' is empty");
    snprintf(h, sizeof h, "%s,metric_x,metric_x", fixed);
    check_rejected(h, l, GANHPO_ERR_RESULTS, "column 18: 'metric_x' appears twice");
    snprintf(h, sizeof h, "%s", fixed);
    snprintf(l, sizeof l, "x,rbf,0,1,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1");
    check_rejected(h, l, GANHPO_ERR_RESULTS, "bad.csv:9: column 1 (id): 'x' is not an integer");
    snprintf(l, sizeof l, "0,,0,1,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1");
    check_rejected(h, l, GANHPO_ERR_RESULTS, "column 2 (strategy): '' is not a strategy name");
    snprintf(l, sizeof l, "0,rbf,0,1,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1,5");
    check_rejected(h, l, GANHPO_ERR_RESULTS, "more fields, the header has 16");
}

int main(void)
{
    check_round_trip();
    check_failed_row();
    check_old_header();
    check_errors();
    return check_finish("test_results_codec");
}
