/* The study file's `scan` section: defaults from the space and the gan section, the swept
 * levels (linear and log), the checks that span sections, and a written scan study that
 * loads back to the same options. */
#include "check.h"
#include "testutil.h"
#include "ganhpo/study.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[512];

static const char *base = "study = { kind = \"%s\"; trials = 2; };\n"
                          "data = { events = 20000; validation = 2000; };\n"
                          "gan = { epochs = 7; batch_size = 256; };\n"
                          "space = ( { name = \"lr_gen\"; lower = 1; upper = 200; scaling = 5e-5; }"
                          "%s );\n%s\n";

static const char *write_study(const char *name, const char *kind, const char *space2,
                               const char *scan)
{
    static char path[700];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    tu_write_file(path, base, kind, space2, scan);
    return path;
}

static void check_rejected(const char *name, const char *kind, const char *space2, const char *scan,
                           const char *needle)
{
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    CHECK(ganhpo_study_load(write_study(name, kind, space2, scan), cfg) != GANHPO_SUCCESS);
    CHECK(strstr(ganhpo_error_message(), needle) != NULL);
    if (!strstr(ganhpo_error_message(), needle))
        fprintf(stderr, "  message was: %s (wanted '%s')\n", ganhpo_error_message(), needle);
    ganhpo_error_clear();
    free(cfg);
}

static void check_defaults(void)
{
    ganhpo_study_config *cfg = malloc(sizeof *cfg), *again = malloc(sizeof *again);
    CHECK_OK(ganhpo_study_load(write_study("min.cfg", "scan", "", "scan = { };"), cfg));
    CHECK(strcmp(cfg->scan.parameter, "lr_gen") == 0);
    CHECK(cfg->scan.lower == 1 && cfg->scan.upper == 200 && cfg->scan.points == 10);
    CHECK(!cfg->scan.log && cfg->scan.n_epochs == 1 && cfg->scan.epochs[0] == 7);
    long long levels[GANHPO_SCAN_MAX_POINTS];
    int n;
    ganhpo_scan_levels(&cfg->scan, levels, &n);
    CHECK(n == 10 && levels[0] == 1 && levels[9] == 200);
    CHECK(levels[1] == 23 && levels[5] == 112); /* 1 + 199 i / 9, rounded */
    /* written out and read back: the same scan */
    char path[700];
    snprintf(path, sizeof path, "%s/written.cfg", tmpdir);
    FILE *f = fopen(path, "w");
    CHECK_OK(ganhpo_study_write(cfg, f));
    fclose(f);
    CHECK_OK(ganhpo_study_load(path, again));
    CHECK(again->study.kind == GANHPO_STUDY_SCAN && again->scan.points == 10);
    CHECK(again->scan.lower == 1 && again->scan.upper == 200 && again->scan.epochs[0] == 7);
    free(cfg);
    free(again);
}

static void check_log(void)
{
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    CHECK_OK(ganhpo_study_load(
        write_study("log.cfg", "scan", "",
                    "scan = { parameter = \"lr_gen\"; lower = 1; upper = 100; points = 12; "
                    "log = true; epochs = [5, 50]; };"),
        cfg));
    long long levels[GANHPO_SCAN_MAX_POINTS];
    int n;
    ganhpo_scan_levels(&cfg->scan, levels, &n);
    /* 100^(i/11) rounded: 1 2 2 4 5 8 12 19 28 43 66 100, the repeated 2 merged */
    const long long want[] = {1, 2, 4, 5, 8, 12, 19, 28, 43, 66, 100};
    CHECK(n == 11);
    for (int i = 0; i < n && i < 11; i++)
        CHECK(levels[i] == want[i]);
    CHECK(cfg->scan.n_epochs == 2 && cfg->scan.epochs[1] == 50);
    free(cfg);
}

static void check_errors(void)
{
    const char *two = ", { name = \"lr_disc\"; lower = 1; upper = 20; scaling = 5e-5; }";
    check_rejected("two.cfg", "scan", two, "", "a scan sweeps one parameter");
    check_rejected("name.cfg", "scan", "", "scan = { parameter = \"lr_disc\"; };",
                   "\"lr_disc\" is not the space's parameter \"lr_gen\"");
    check_rejected("range.cfg", "scan", "", "scan = { lower = 0; };", "1 <= lower < upper");
    check_rejected("order.cfg", "scan", "", "scan = { lower = 50; upper = 20; };", "lower < upper");
    check_rejected("kind.cfg", "search", "", "scan = { points = 5; };",
                   "used only when study.kind = \"scan\"");
    check_rejected("points.cfg", "scan", "", "scan = { points = 1; };", "scan.points");
    check_rejected("epochs.cfg", "scan", "", "scan = { epochs = []; };", "is empty");
    check_rejected("key.cfg", "scan", "", "scan = { step = 2; };", "scan.step");
}

int main(void)
{
    if (!tu_temp_dir(tmpdir, sizeof tmpdir, "ganhpo_scan_"))
        return 1;
    check_defaults();
    check_log();
    check_errors();
    CHECK(tu_remove_dir(tmpdir));
    return check_finish("test_study_scan");
}
