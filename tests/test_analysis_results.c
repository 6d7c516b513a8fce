/* The results.csv reader: a study still writing (unfinished last line), failed rows,
 * columns by header name, and clear errors naming line and column for bad files. */
#include "check.h"
#include "testutil.h"
#include "ganhpo/analysis.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[512];

static const char *header =
    "id,strategy,repeat,index,worker,status,epochs,level_a,value_a,trial_w1,trial_epoch,"
    "mean,std,objective,parameters,seconds\n";

/* Writes `text` to a file in the temporary directory and returns its path. */
static const char *write_file(const char *name, const char *text)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    tu_write_file(path, "%s", text);
    return path;
}

/* The file must be rejected with GANHPO_ERR_RESULTS and a message containing `needle`. */
static void check_rejected(const char *name, const char *text, const char *needle)
{
    ganhpo_results *r = NULL;
    CHECK_FAILS(ganhpo_analysis_results_read(write_file(name, text), &r), GANHPO_ERR_RESULTS);
    CHECK(r == NULL);
    CHECK(strstr(ganhpo_error_message(), needle) != NULL);
    if (!strstr(ganhpo_error_message(), needle))
        fprintf(stderr, "  message was: %s (wanted '%s')\n", ganhpo_error_message(), needle);
    ganhpo_error_clear();
}

static void check_small(void)
{
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read("data/results_small.csv", &r));
    if (!r)
        return;
    CHECK(r->n_rows == 30);
    CHECK(r->n_failed == 1);
    CHECK(r->truncated == 1);
    CHECK(r->n_params == 3);
    CHECK(strcmp(r->names[0], "noise_dim") == 0 && strcmp(r->names[1], "lr_gen") == 0 &&
          strcmp(r->names[2], "gen_layersize") == 0);
    CHECK(ganhpo_analysis_results_param(r, "lr_gen") == 1);
    CHECK(ganhpo_analysis_results_param(r, "batch_size") == -1);
    const ganhpo_results_row *row = &r->rows[0];
    CHECK(row->id == 0 && strcmp(row->strategy, "random") == 0 && row->repeat == 0);
    CHECK(row->index == 1 && row->ok && row->epochs == 20 && row->line == 2);
    CHECK(row->levels[0] == 6 && row->levels[1] == 39 && row->levels[2] == 14);
    CHECK_CLOSE(row->values[1], 0.00195, 1e-12);
    CHECK(row->n_trials == 3 && row->trial_epoch[1] == 19);
    CHECK_CLOSE(row->trial_w1[2], 0.0173075553, 1e-12);
    CHECK_CLOSE(row->mean, 0.0191770515, 1e-12);
    CHECK(row->parameters == 21155);
    const ganhpo_results_row *bad = &r->rows[18];
    CHECK(bad->id == 18 && !bad->ok && isnan(bad->mean) && isnan(bad->trial_w1[0]));
    CHECK(bad->trial_epoch[2] == -1);
    CHECK(strcmp(bad->reason, "NaN in generator loss at epoch 3") == 0);
    ganhpo_analysis_results_destroy(&r);
    CHECK(r == NULL);
    ganhpo_analysis_results_destroy(&r);
}

static void check_columns_by_name(void)
{
    /* the same fields in another order, and a column the reader does not know */
    const char *text = "value_a,extra,seconds,parameters,objective,std,mean,trial_epoch,"
                       "trial_w1,level_a,epochs,status,worker,index,repeat,strategy,id\n"
                       "0.5,x,2.5,10,0.3,0.1,0.3,4;5,0.2;0.4,5,7,ok,1,1,0,gp,0\n";
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read(write_file("order.csv", text), &r));
    if (!r)
        return;
    CHECK(r->n_rows == 1 && !r->truncated && r->n_params == 1);
    CHECK(r->rows[0].levels[0] == 5 && r->rows[0].values[0] == 0.5);
    CHECK(strcmp(r->rows[0].strategy, "gp") == 0 && r->rows[0].n_trials == 2);
    CHECK(r->rows[0].trial_epoch[1] == 5 && r->rows[0].seconds == 2.5);
    ganhpo_analysis_results_destroy(&r);
}

static void check_errors(void)
{
    char text[2048];
    ganhpo_results *r = NULL;
    CHECK_FAILS(ganhpo_analysis_results_read("data/no_such_results.csv", &r), GANHPO_ERR_IO);
    ganhpo_error_clear();
    check_rejected("empty.csv", "", ":1:");
    check_rejected("noheader.csv", "id,strategy,repeat\n", "no column 'index'");
    check_rejected("pair.csv",
                   "id,strategy,repeat,index,worker,status,epochs,level_a,trial_w1,trial_epoch,"
                   "mean,std,objective,parameters,seconds\n",
                   "value_a");
    snprintf(text, sizeof text,
             "%s0,rbf,0,1,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1\n"
             "1,rbf,0,2,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10\n",
             header);
    check_rejected("fields.csv", text, "fields.csv:3: fewer fields");
    snprintf(text, sizeof text, "%s0,rbf,0,1,0,ok,5,2,0.2,0.1,3,abc,0,0.1,10,1\n", header);
    check_rejected("number.csv", text, ":2: column 12 (mean): 'abc'");
    snprintf(text, sizeof text, "%s0,rbf,0,1,0,ok,5,2,0.2,0.1,3,nan,0,nan,10,1\n", header);
    check_rejected("okname.csv", text, "column 12 (mean): 'nan'");
    snprintf(text, sizeof text, "%s0,rbf,0,1,0,done,5,2,0.2,0.1,3,0.1,0,0.1,10,1\n", header);
    check_rejected("status.csv", text, "'ok' or 'failed: REASON'");
    snprintf(text, sizeof text, "%s0,rbf,0,0,0,ok,5,2,0.2,0.1,3,0.1,0,0.1,10,1\n", header);
    check_rejected("index.csv", text, "column 4 (index)");
    snprintf(text, sizeof text, "%s0,rbf,0,1,0,ok,5,2,0.2,0.1;0.2,3,0.1,0,0.1,10,1\n", header);
    check_rejected("trials.csv", text, "trial_w1 has 2 entries but trial_epoch has 1");
    snprintf(text, sizeof text, "%s", header);
    CHECK_OK(ganhpo_analysis_results_read(write_file("headeronly.csv", text), &r));
    CHECK(r && r->n_rows == 0 && !r->truncated);
    ganhpo_analysis_results_destroy(&r);
}

int main(void)
{
    if (!tu_temp_dir(tmpdir, sizeof tmpdir, "ganhpo_results_"))
        return 1;
    check_small();
    check_columns_by_name();
    check_errors();
    CHECK(tu_remove_dir(tmpdir));
    return check_finish("test_analysis_results");
}
