/* ganhpo report on the synthetic tests/data/results_small.csv (two strategies, repeats, a
 * failed row, an unfinished last line) and results_scan.csv: every file is there, each PNG
 * is a whole image of its declared size, the CSV files hold what an independent
 * computation here gives, index.html links only existing files; gnuplot failures and the
 * command line's misuse are reported. */
#include "analysis_csv.h"
#include "check.h"
#include "testutil.h"
#include <sys/stat.h>
#include <signal.h>
#include "ganhpo/analysis.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[512];

static void path_in(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

/* Width and height from the IHDR chunk; 0 unless the file is a PNG ending in IEND. */
static int png_size(const char *path, uint32_t *w, uint32_t *h)
{
    unsigned char b[24], end[8];
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    int ok = fread(b, 1, 24, f) == 24 && memcmp(b, sig, 8) == 0 && memcmp(b + 12, "IHDR", 4) == 0;
    ok = ok && fseek(f, -8, SEEK_END) == 0 && fread(end, 1, 8, f) == 8 &&
         memcmp(end, "IEND", 4) == 0;
    fclose(f);
    *w = (uint32_t)b[16] << 24 | (uint32_t)b[17] << 16 | (uint32_t)b[18] << 8 | b[19];
    *h = (uint32_t)b[20] << 24 | (uint32_t)b[21] << 16 | (uint32_t)b[22] << 8 | b[23];
    return ok;
}

static int is_ok(const csv_table *t, int i)
{
    return strcmp(csv_get(t, i, "status"), "ok") == 0;
}

static void mean_std(const double *x, int n, double *m, double *s)
{
    *m = *s = 0;
    for (int i = 0; i < n; i++)
        *m += x[i] / n;
    for (int i = 0; i < n; i++)
        *s += (x[i] - *m) * (x[i] - *m);
    *s = n > 1 ? sqrt(*s / (n - 1)) : 0;
}

/* Every figure of figures.csv: PNG of the declared size, SVG, script and data files. */
static void check_figures(const char *dir, const char *const *expected, int n_expected)
{
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    path_in(p, sizeof p, dir, "figures.csv");
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == n_expected);
    for (int e = 0; e < n_expected; e++) {
        int found = 0;
        for (int i = 0; i < t->n_rows; i++)
            found |= strcmp(csv_get(t, i, "name"), expected[e]) == 0;
        CHECK(found);
    }
    for (int i = 0; i < t->n_rows; i++) {
        uint32_t w = 0, h = 0;
        path_in(p, sizeof p, dir, csv_get(t, i, "png"));
        CHECK(png_size(p, &w, &h));
        CHECK(w == (uint32_t)csv_num(t, i, "width") && h == (uint32_t)csv_num(t, i, "height"));
        path_in(p, sizeof p, dir, csv_get(t, i, "svg"));
        CHECK(file_exists(p));
        path_in(p, sizeof p, dir, csv_get(t, i, "script"));
        CHECK(file_exists(p));
        char data[512];
        snprintf(data, sizeof data, "%s", csv_get(t, i, "data"));
        for (char *d = strtok(data, ";"); d; d = strtok(NULL, ";")) {
            path_in(p, sizeof p, dir, d);
            CHECK(file_exists(p));
        }
    }
    csv_free(t);
    free(t);
}

/* Every href and src of index.html names an existing file (relative to the report). */
static void check_links(const char *dir, int min_links)
{
    char p[1024];
    path_in(p, sizeof p, dir, "index.html");
    FILE *f = fopen(p, "rb");
    char *html = calloc(1, 1 << 20);
    size_t n = f ? fread(html, 1, (1 << 20) - 1, f) : 0;
    if (f)
        fclose(f);
    CHECK(n > 0 && strstr(html, "</html>") != NULL);
    int links = 0;
    for (const char *s = html; (s = strpbrk(s, "hs")) != NULL; s++) {
        const char *q = NULL;
        if (strncmp(s, "href=\"", 6) == 0)
            q = s + 6;
        else if (strncmp(s, "src=\"", 5) == 0)
            q = s + 5;
        if (!q)
            continue;
        const char *e = strchr(q, '"');
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)(e - q), q);
        CHECK(strstr(name, "://") == NULL);
        path_in(p, sizeof p, dir, name);
        CHECK(file_exists(p));
        if (!file_exists(p))
            fprintf(stderr, "  index.html links missing %s\n", name);
        links++;
    }
    CHECK(links >= min_links);
    free(html);
}

/* Best so far per (strategy, repeat), then mean and std over repeats, as convergence.csv. */
static void check_convergence(const csv_table *in, const char *dir)
{
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    path_in(p, sizeof p, dir, "convergence.csv");
    CHECK(csv_read(p, t) == 0);
    const char *strategies[2] = {"random", "rbf"};
    int checked = 0;
    for (int s = 0; s < 2; s++)
        for (int idx = 1; idx <= 8; idx++) {
            double best[2], col[2];
            int reached[2] = {0, 0}, n = 0;
            for (int k = 0; k < 2; k++) {
                best[k] = NAN;
                for (int i = 0; i < in->n_rows; i++) {
                    if (strcmp(csv_get(in, i, "strategy"), strategies[s]) != 0 ||
                        (int)csv_num(in, i, "repeat") != k)
                        continue;
                    int j = (int)csv_num(in, i, "index");
                    reached[k] = j > reached[k] ? j : reached[k];
                    if (j <= idx && is_ok(in, i) && !(csv_num(in, i, "objective") >= best[k]))
                        best[k] = csv_num(in, i, "objective");
                }
                if (reached[k] >= idx && !isnan(best[k]))
                    col[n++] = best[k];
            }
            double m, sd;
            mean_std(col, n, &m, &sd);
            for (int i = 0; i < t->n_rows; i++)
                if (strcmp(csv_get(t, i, "strategy"), strategies[s]) == 0 &&
                    (int)csv_num(t, i, "index") == idx) {
                    CHECK((int)csv_num(t, i, "repeats") == n);
                    CHECK_CLOSE(csv_num(t, i, "mean"), m, 1e-7);
                    CHECK_CLOSE(csv_num(t, i, "std"), sd, 1e-6);
                    checked++;
                }
        }
    CHECK(checked == 16); /* rbf repeat 1 stopped at 6, repeat 0 reached 8 */
    CHECK(t->n_rows == 16);
    csv_free(t);
    free(t);
}

/* Pareto front of (mean, std, parameters) over ok rows, as in pareto.csv. */
static void check_pareto(const csv_table *in, const char *dir)
{
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    path_in(p, sizeof p, dir, "pareto.csv");
    CHECK(csv_read(p, t) == 0);
    int n_front = 0;
    for (int i = 0; i < in->n_rows; i++) {
        if (!is_ok(in, i))
            continue;
        double a[3] = {csv_num(in, i, "mean"), csv_num(in, i, "std"), csv_num(in, i, "parameters")};
        int dominated = 0;
        for (int j = 0; j < in->n_rows && !dominated; j++) {
            if (j == i || !is_ok(in, j))
                continue;
            double b[3] = {csv_num(in, j, "mean"), csv_num(in, j, "std"),
                           csv_num(in, j, "parameters")};
            dominated = b[0] <= a[0] && b[1] <= a[1] && b[2] <= a[2] &&
                        (b[0] < a[0] || b[1] < a[1] || b[2] < a[2]);
        }
        int listed = 0;
        for (int k = 0; k < t->n_rows; k++)
            listed |= strcmp(csv_get(t, k, "id"), csv_get(in, i, "id")) == 0;
        CHECK(listed == !dominated);
        n_front += !dominated;
    }
    CHECK(t->n_rows == n_front && n_front > 1);
    for (int k = 1; k < t->n_rows; k++)
        CHECK(csv_num(t, k, "mean") >= csv_num(t, k - 1, "mean"));
    csv_free(t);
    free(t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Threshold at the 0.1 quantile (type 7) and the sampled values' statistics. */
static void check_marginals(const csv_table *in, const char *dir)
{
    double means[64];
    int n = 0;
    for (int i = 0; i < in->n_rows; i++)
        if (is_ok(in, i))
            means[n++] = csv_num(in, i, "mean");
    qsort(means, (size_t)n, sizeof *means, cmp_double);
    double h = 0.1 * (n - 1),
           cut = means[(int)h] + (h - (int)h) * (means[(int)h + 1] - means[(int)h]);
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    path_in(p, sizeof p, dir, "marginals.csv");
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == 3);
    const char *names[3] = {"noise_dim", "lr_gen", "gen_layersize"};
    for (int k = 0; k < 3; k++) {
        char col[64];
        snprintf(col, sizeof col, "value_%s", names[k]);
        double all[64], under[64], lo = INFINITY, hi = -INFINITY;
        int na = 0, nu = 0;
        for (int i = 0; i < in->n_rows; i++) {
            if (!is_ok(in, i))
                continue;
            double v = csv_num(in, i, col);
            all[na++] = v;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
            if (csv_num(in, i, "mean") <= cut)
                under[nu++] = v;
        }
        double m, s, mu, su;
        mean_std(all, na, &m, &s);
        mean_std(under, nu, &mu, &su);
        CHECK(strcmp(csv_get(t, k, "name"), names[k]) == 0);
        CHECK((int)csv_num(t, k, "n") == na && na == 29);
        CHECK((int)csv_num(t, k, "n_under") == nu && nu == 3);
        CHECK_CLOSE(csv_num(t, k, "min"), lo, 1e-8);
        CHECK_CLOSE(csv_num(t, k, "max"), hi, 1e-8);
        CHECK_CLOSE(csv_num(t, k, "mean"), m, 1e-7);
        CHECK_CLOSE(csv_num(t, k, "std"), s, 1e-6);
        CHECK_CLOSE(csv_num(t, k, "mean_under"), mu, 1e-7);
        CHECK_CLOSE(csv_num(t, k, "std_under"), su, 1e-6);
    }
    csv_free(t);
    free(t);
}

/* The points plotted leave out the failed row; failed.csv lists it. */
static void check_points(const char *dir)
{
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    path_in(p, sizeof p, dir, "w1_sigma.csv");
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == 29);
    for (int i = 0; i < t->n_rows; i++)
        CHECK(strcmp(csv_get(t, i, "id"), "18") != 0 && isfinite(csv_num(t, i, "mean")));
    csv_free(t);
    path_in(p, sizeof p, dir, "failed.csv");
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == 1 && strcmp(csv_get(t, 0, "id"), "18") == 0);
    CHECK(strcmp(csv_get(t, 0, "reason"), "NaN in generator loss at epoch 3") == 0);
    csv_free(t);
    free(t);
}

/* w1_sigma.gp: every strategy's histogram panel has the count range [0 : 1.1 * the largest
 * count of w1_hist.csv] and every scatter panel the std range [0 : 1.05 * the largest std
 * plotted], so the panels compare at a glance. */
static void check_shared_axes(const char *dir)
{
    char p[1024], gp[16384];
    csv_table *t = malloc(sizeof *t);
    double max_count = 0, max_std = 0;
    path_in(p, sizeof p, dir, "w1_hist.csv");
    CHECK(csv_read(p, t) == 0);
    for (int i = 0; i < t->n_rows; i++)
        max_count = fmax(max_count, csv_num(t, i, "count"));
    csv_free(t);
    path_in(p, sizeof p, dir, "w1_sigma.csv");
    CHECK(csv_read(p, t) == 0);
    for (int i = 0; i < t->n_rows; i++)
        max_std = fmax(max_std, csv_num(t, i, "std"));
    csv_free(t);
    free(t);
    CHECK(max_count > 0 && max_std > 0);
    path_in(p, sizeof p, dir, "w1_sigma.gp");
    tu_read_text(p, gp, sizeof gp);
    int panels = 0;
    for (const char *s = gp; (s = strstr(s, "set yrange [0:")) != NULL; s++, panels++) {
        double top = strtod(s + strlen("set yrange [0:"), NULL);
        /* histogram and scatter panels alternate, a histogram first */
        CHECK_CLOSE(top, panels % 2 == 0 ? 1.1 * max_count : 1.05 * max_std, 1e-6);
    }
    CHECK(panels == 4); /* two strategies */
}

/* The labels name the study's score: with options.score "sliced_w1" no figure script or
 * page says W1; an invalid score is refused. */
static void check_score_labels(void)
{
    char dir[600], p[1024], text[1 << 16];
    path_in(dir, sizeof dir, tmpdir, "sliced");
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read("data/results_small.csv", &r));
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    CHECK(o.score[0] == '\0');
    o.trials = 3;
    o.kappa = 1;
    o.sobol_samples = 512;
    snprintf(o.score, sizeof o.score, "sliced_w1");
    CHECK_OK(ganhpo_analysis_report(r, &o, dir));
    static const char *const files[] = {"w1_sigma.gp", "convergence.gp", "sensitivity_lr_gen.gp",
                                        "pareto.gp",   "sobol.gp",       "index.html"};
    for (int i = 0; i < 6; i++) {
        path_in(p, sizeof p, dir, files[i]);
        CHECK(tu_read_text(p, text, sizeof text) > 0 && strstr(text, "W1") == NULL);
    }
    path_in(p, sizeof p, dir, "w1_sigma.gp");
    CHECK(tu_file_contains(p, "set xlabel 'mean sliced_w1'"));
    CHECK(tu_file_contains(p, "set ylabel 'std sliced_w1'"));
    path_in(p, sizeof p, dir, "sensitivity_lr_gen.gp");
    CHECK(tu_file_contains(p, "set ylabel 'mean sliced_w1'"));
    CHECK(tu_file_contains(p, "title 'sliced_w1 <= "));
    path_in(p, sizeof p, dir, "index.html");
    CHECK(tu_read_text(p, text, sizeof text) > 0);
    CHECK(strstr(text, "objective = mean sliced_w1 + 1 std") != NULL);
    CHECK(strstr(text, "Pareto front of (mean sliced_w1, std sliced_w1, parameters)") != NULL);
    snprintf(o.score, sizeof o.score, "a'b");
    CHECK_FAILS(ganhpo_analysis_report(r, &o, dir), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
    ganhpo_analysis_results_destroy(&r);
}

static void check_small(void)
{
    char dir[600];
    path_in(dir, sizeof dir, tmpdir, "small");
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read("data/results_small.csv", &r));
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    o.initial = 4;
    o.sobol_samples = 512;
    CHECK_OK(ganhpo_analysis_report(r, &o, dir));
    ganhpo_analysis_results_destroy(&r);
    static const char *const figures[] = {"w1_sigma",
                                          "convergence",
                                          "sensitivity_noise_dim",
                                          "sensitivity_lr_gen",
                                          "sensitivity_gen_layersize",
                                          "pareto",
                                          "sobol"};
    check_figures(dir, figures, 7);
    check_links(dir, 40);
    csv_table *in = malloc(sizeof *in);
    CHECK(csv_read("data/results_small.csv", in) == 0);
    CHECK(in->n_rows == 30); /* the unfinished last line is not a row */
    check_convergence(in, dir);
    check_pareto(in, dir);
    check_marginals(in, dir);
    check_points(dir);
    check_shared_axes(dir);
    csv_free(in);
    free(in);
    char p[1024];
    path_in(p, sizeof p, dir, "scan.csv");
    CHECK(!file_exists(p)); /* no scan rows, no scan figure */
    /* without a score the labels say W1 */
    path_in(p, sizeof p, dir, "w1_sigma.gp");
    CHECK(tu_file_contains(p, "set xlabel 'mean W1'") && tu_file_contains(p, "'std W1'"));
}

/* scan.csv: the ok scan rows sorted by epochs, then value; the failed one left out. */
static void check_scan(void)
{
    char dir[600], p[1024];
    path_in(dir, sizeof dir, tmpdir, "scan");
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read("data/results_scan.csv", &r));
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    CHECK_OK(ganhpo_analysis_report(r, &o, dir));
    ganhpo_analysis_results_destroy(&r);
    static const char *const figures[] = {"scan"};
    check_figures(dir, figures, 1);
    check_links(dir, 6);
    csv_table *in = malloc(sizeof *in), *t = malloc(sizeof *t);
    CHECK(csv_read("data/results_scan.csv", in) == 0);
    path_in(p, sizeof p, dir, "scan.csv");
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == 15);
    for (int k = 0; k < t->n_rows; k++) {
        if (k > 0)
            CHECK(csv_num(t, k, "epochs") > csv_num(t, k - 1, "epochs") ||
                  (csv_num(t, k, "epochs") == csv_num(t, k - 1, "epochs") &&
                   csv_num(t, k, "value") > csv_num(t, k - 1, "value")));
        int i = atoi(csv_get(t, k, "id"));
        CHECK(is_ok(in, i));
        CHECK_CLOSE(csv_num(t, k, "value"), csv_num(in, i, "value_lr_gen"), 1e-9);
        CHECK_CLOSE(csv_num(t, k, "mean"), csv_num(in, i, "mean"), 1e-9);
        CHECK_CLOSE(csv_num(t, k, "std"), csv_num(in, i, "std"), 1e-9);
        CHECK(csv_num(t, k, "epochs") == csv_num(in, i, "epochs"));
    }
    csv_free(in), csv_free(t);
    free(in), free(t);
}

/* A gnuplot that fails or is missing is an error, not a silent empty report. */
static void check_gnuplot_failures(void)
{
    char dir[600];
    path_in(dir, sizeof dir, tmpdir, "nognuplot");
    ganhpo_results *r = NULL;
    CHECK_OK(ganhpo_analysis_results_read("data/results_scan.csv", &r));
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    setenv("GANHPO_GNUPLOT", "false", 1);
    CHECK_FAILS(ganhpo_analysis_report(r, &o, dir), GANHPO_ERR_UNSUPPORTED);
    setenv("GANHPO_GNUPLOT", "ganhpo-no-such-gnuplot", 1);
    CHECK_FAILS(ganhpo_analysis_report(r, &o, dir), GANHPO_ERR_UNSUPPORTED);
    CHECK(strstr(ganhpo_error_message(), "ganhpo-no-such-gnuplot") != NULL);
    unsetenv("GANHPO_GNUPLOT");
    ganhpo_error_clear();
    o.threshold = 0;
    CHECK_FAILS(ganhpo_analysis_report(r, &o, dir), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
    ganhpo_analysis_results_destroy(&r);
}

static void check_cli(void)
{
    if (!getenv("GANHPO_CLI"))
        return;
    char run_dir[600], p[2048];
    path_in(run_dir, sizeof run_dir, tmpdir, "run");
    snprintf(p, sizeof p,
             "mkdir -p '%s' && cp data/results_small.csv '%s/results.csv' && "
             "cp data/study_small.cfg '%s/'",
             run_dir, run_dir, run_dir);
    CHECK(system(p) == 0);
    /* the design size comes from the study file beside results.csv */
    CHECK(tu_cli(NULL, 0, "report %s --threshold 0.2", run_dir) == 0);
    path_in(p, sizeof p, run_dir, "report");
    check_links(p, 40);
    path_in(p, sizeof p, run_dir, "report/index.html");
    FILE *f = fopen(p, "r");
    char html[4096] = "";
    CHECK(f && fread(html, 1, sizeof html - 1, f) > 0);
    if (f)
        fclose(f);
    CHECK(strstr(html, "<h1>small</h1>") && strstr(html, "href=\"../study_small.cfg\""));
    path_in(p, sizeof p, run_dir, "report/convergence.gp");
    f = fopen(p, "r");
    char gp[8192] = "";
    CHECK(f && fread(gp, 1, sizeof gp - 1, f) > 0);
    if (f)
        fclose(f);
    CHECK(strstr(gp, "set arrow 1 from 4.5, graph 0") != NULL);
    /* with the study's space known: each search's recommended point, and its curve */
    CHECK(strstr(gp, "objective of the recommended point") != NULL);
    path_in(p, sizeof p, run_dir, "report/index.html");
    CHECK(tu_file_contains(p, "<h2>Recommended points</h2>"));
    CHECK(tu_file_contains(p, "posterior mean [95%]"));
    /* the study's objective is the GAN's default metric */
    CHECK(tu_file_contains(p, "objective = mean sliced_w1 + "));
    CHECK(tu_cli(NULL, 0, "report --help") == 0);
    CHECK(tu_cli(NULL, 0, "report") == 2);
    CHECK(tu_cli(NULL, 0, "report %s --threshold 1.5", run_dir) == 2);
    CHECK(tu_cli(NULL, 0, "report %s --initial 2.5", run_dir) == 2);
    CHECK(tu_cli(NULL, 0, "report %s --bogus", run_dir) == 2);
    CHECK(tu_cli(NULL, 0, "report %s/missing", run_dir) == 1);
    /* SIGTERM while the report is written (into RUN_DIR/report.tmp-PID): the previous report
     * stays as it was and no temporary directory is left */
    char before[4096], after[4096], tmp[700], errlog[700];
    path_in(p, sizeof p, run_dir, "report/index.html");
    tu_read_text(p, before, sizeof before);
    path_in(errlog, sizeof errlog, tmpdir, "interrupted.log");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(errlog, "w", stderr))
            _exit(127);
        execl(getenv("GANHPO_CLI"), "ganhpo", "report", run_dir, "--threshold", "0.3",
              (char *)NULL);
        _exit(127);
    }
    snprintf(tmp, sizeof tmp, "%s/report.tmp-%ld", run_dir, (long)pid);
    struct stat sb;
    for (int i = 0; i < 4000 && stat(tmp, &sb) != 0; i++)
        tu_pause_ms(1);
    kill(pid, SIGTERM);
    CHECK(tu_wait(pid) == 1);
    CHECK(tu_file_contains(errlog, "interrupted by SIGTERM"));
    tu_read_text(p, after, sizeof after);
    CHECK(after[0] != '\0' && strcmp(before, after) == 0);
    CHECK(stat(tmp, &sb) != 0);
    /* a header of more fields than half its bytes (the loader read an unset field pointer): an
     * error naming the header line */
    path_in(run_dir, sizeof run_dir, tmpdir, "commas");
    snprintf(p, sizeof p, "mkdir -p '%s' && cp data/results_header_commas.csv '%s/results.csv'",
             run_dir, run_dir);
    CHECK(system(p) == 0);
    char out[4096];
    CHECK(tu_cli(out, sizeof out, "report %s", run_dir) == 1);
    CHECK(strstr(out, "results.csv:1") != NULL);
}

int main(void)
{
    if (!tu_temp_dir(tmpdir, sizeof tmpdir, "ganhpo_report_"))
        return 1;
    CHECK_OK(ganhpo_analysis_check_gnuplot());
    check_small();
    check_score_labels();
    check_scan();
    check_gnuplot_failures();
    check_cli();
    if (check_failures == 0)
        CHECK(tu_remove_dir(tmpdir));
    return check_finish("test_analysis_report");
}
