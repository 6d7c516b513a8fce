/* Sobol indices: the Ishigami function's known first-order and total indices, and the
 * report's indices on its RBF surrogate for a study whose W1 depends on one parameter
 * only; the Pareto front of a small set with ties. */
#include "analysis_csv.h"
#include "check.h"
#include "testutil.h"
#include "ganhpo/analysis.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double PI = 3.14159265358979323846;

/* Ishigami on [-pi, pi]^3 with a = 7, b = 0.1, from the unit box. */
static double ishigami(const double *u, void *ctx)
{
    (void)ctx;
    double x[3];
    for (int i = 0; i < 3; i++)
        x[i] = -PI + 2 * PI * u[i];
    return sin(x[0]) + 7 * sin(x[1]) * sin(x[1]) + 0.1 * pow(x[2], 4) * sin(x[0]);
}

static void check_ishigami(void)
{
    /* analytic values: Ishigami and Homma (1990); Saltelli et al., Global Sensitivity
     * Analysis: The Primer (2008) */
    const double s1[3] = {0.3139, 0.4424, 0.0}, st[3] = {0.5576, 0.4424, 0.2437};
    double first[3], total[3];
    CHECK_OK(ganhpo_analysis_sobol(ishigami, NULL, 3, 8192, first, total));
    for (int i = 0; i < 3; i++) {
        printf("x%d: first %.4f (exact %.4f), total %.4f (exact %.4f)\n", i + 1, first[i], s1[i],
               total[i], st[i]);
        CHECK(fabs(first[i] - s1[i]) < 0.02);
        CHECK(fabs(total[i] - st[i]) < 0.02);
    }
    CHECK_FAILS(ganhpo_analysis_sobol(ishigami, NULL, 0, 8192, first, total), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
}

/* A 7 x 7 grid in (a, b) and a fixed c, W1 a function of a alone: the surrogate's indices
 * must give a everything and b nothing. */
static void check_surrogate(const char *tmpdir)
{
    char path[800], dir[700];
    snprintf(path, sizeof path, "%s/results.csv", tmpdir);
    snprintf(dir, sizeof dir, "%s/report", tmpdir);
    FILE *f = fopen(path, "w");
    fprintf(f, "id,strategy,repeat,index,worker,status,epochs,level_a,level_b,level_c,value_a,"
               "value_b,value_c,trial_w1,trial_epoch,mean,std,objective,parameters,seconds\n");
    int id = 0;
    for (int a = 0; a < 7; a++)
        for (int b = 0; b < 7; b++, id++) {
            double w = 0.1 + pow(a / 6.0 - 0.3, 2);
            fprintf(f, "%d,random,0,%d,0,ok,0,%d,%d,4,%d,%d,4,%.9g,0,%.9g,0,%.9g,0,0.1\n", id,
                    id + 1, a, b, a, b, w, w, w);
        }
    fclose(f);
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read(path, &r));
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    CHECK_OK(ganhpo_analysis_report(r, &o, dir));
    ganhpo_analysis_results_destroy(&r);
    csv_table *t = malloc(sizeof *t);
    snprintf(path, sizeof path, "%s/sobol.csv", dir);
    CHECK(csv_read(path, t) == 0);
    CHECK(t->n_rows == 3);
    CHECK(strcmp(csv_get(t, 0, "name"), "a") == 0);
    CHECK(csv_num(t, 0, "first") > 0.97 && csv_num(t, 0, "total") > 0.97);
    CHECK(fabs(csv_num(t, 1, "first")) < 0.02 && fabs(csv_num(t, 1, "total")) < 0.02);
    CHECK(csv_num(t, 2, "first") == 0 && csv_num(t, 2, "total") == 0); /* c is fixed */
    csv_free(t);
    free(t);
}

static void check_pareto(void)
{
    /* (1,3) (2,2) (3,1) form the front; (2,3) and (3,3) are dominated; (2,2) twice is kept */
    const double x[] = {1, 3, 2, 2, 3, 1, 2, 3, 3, 3, 2, 2};
    const int want[] = {1, 1, 1, 0, 0, 1};
    int front[6];
    CHECK_OK(ganhpo_analysis_pareto(x, 6, 2, front));
    for (int i = 0; i < 6; i++)
        CHECK(front[i] == want[i]);
    CHECK_FAILS(ganhpo_analysis_pareto(x, 6, 0, front), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
}

int main(void)
{
    check_ishigami();
    check_pareto();
    char tmpdir[512];
    if (!tu_temp_dir(tmpdir, sizeof tmpdir, "ganhpo_sobol_"))
        return 1;
    check_surrogate(tmpdir);
    CHECK(tu_remove_dir(tmpdir));
    return check_finish("test_analysis_sobol");
}
