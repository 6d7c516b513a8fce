/* Study files: every shipped config loads and survives a write/load round trip; every file of
 * the bad corpus (tests/data/bad) fails with the file:line, key and reason its "# expect:"
 * lines name; `ganhpo check` exits 0, 1 and 2 as documented. Runs with cwd = tests/. */
#include "check.h"
#include "testutil.h"
#include "ganhpo/config.h"
#include "ganhpo/coord.h"
#include "ganhpo/study.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_FILES = 128, NAME_SIZE = 256 };

static ganhpo_study_config cfg_a, cfg_b;

static int compare_names(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Sorted names of the *.cfg files in dir; returns how many. */
static int list_cfg(const char *dir, char names[][NAME_SIZE])
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < MAX_FILES;) {
        size_t len = strlen(e->d_name);
        if (len > 4 && strcmp(e->d_name + len - 4, ".cfg") == 0 &&
            strlen(dir) + len + 2 <= NAME_SIZE) {
            memcpy(names[n], dir, strlen(dir));
            names[n][strlen(dir)] = '/';
            memcpy(names[n] + strlen(dir) + 1, e->d_name, len + 1);
            n++;
        }
    }
    closedir(d);
    qsort(names, (size_t)n, NAME_SIZE, compare_names);
    return n;
}

/* The resolved study as text, in a malloc'ed string. */
static char *write_text(const ganhpo_study_config *cfg)
{
    FILE *f = tmpfile();
    if (!f)
        return NULL;
    CHECK_OK(ganhpo_study_write(cfg, f));
    long size = ftell(f);
    char *text = size > 0 ? calloc((size_t)size + 1, 1) : NULL;
    rewind(f);
    if (text && fread(text, 1, (size_t)size, f) != (size_t)size) {
        free(text);
        text = NULL;
    }
    fclose(f);
    return text;
}

static int sections_equal(const ganhpo_study_config *a, const ganhpo_study_config *b)
{
    return memcmp(&a->study, &b->study, sizeof a->study) == 0 &&
           memcmp(&a->data, &b->data, sizeof a->data) == 0 &&
           memcmp(&a->gan, &b->gan, sizeof a->gan) == 0 &&
           memcmp(&a->space, &b->space, sizeof a->space) == 0 &&
           memcmp(&a->search, &b->search, sizeof a->search) == 0 &&
           memcmp(&a->objective, &b->objective, sizeof a->objective) == 0 &&
           memcmp(ganhpo_coord_study_options(a), ganhpo_coord_study_options(b),
                  sizeof(ganhpo_coord_options)) == 0;
}

/* Load, write to a file elsewhere, load that: the same study, and the same text again. */
static void round_trip(const char *path)
{
    ganhpo_status st = ganhpo_coord_study_load(path, &cfg_a);
    CHECK_OK(st);
    if (st != GANHPO_SUCCESS)
        return;
    char tmp[] = "/tmp/ganhpo_study_XXXXXX";
    int fd = mkstemp(tmp);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    FILE *f = fdopen(fd, "w");
    CHECK_OK(ganhpo_study_write(&cfg_a, f));
    fclose(f);
    CHECK_OK(ganhpo_coord_study_load(tmp, &cfg_b));
    if (!sections_equal(&cfg_a, &cfg_b))
        fprintf(stderr, "round trip of %s changed the study\n", path);
    CHECK(sections_equal(&cfg_a, &cfg_b));
    char *ta = write_text(&cfg_a), *tb = write_text(&cfg_b);
    /* The texts differ only in the header comment, which names the file read. */
    CHECK(ta && tb && strcmp(strchr(ta, '\n'), strchr(tb, '\n')) == 0);
    free(ta);
    free(tb);
    unlink(tmp);
}

static void shipped_configs(void)
{
    static char names[MAX_FILES][NAME_SIZE];
    int n = list_cfg("../configs", names);
    CHECK(n == 7); /* the five studies of configs/README.md, hadronization-scan.cfg and
                      command-example.cfg */
    for (int i = 0; i < n; i++)
        round_trip(names[i]);
    n = list_cfg("data/study", names);
    CHECK(n == 3);
    for (int i = 0; i < n; i++)
        round_trip(names[i]);
}

static void paper_table(void)
{
    CHECK_OK(ganhpo_coord_study_load("../configs/dimuon-focus.cfg", &cfg_a));
    CHECK(cfg_a.data.source == GANHPO_DATASET_DIMUON);
    CHECK(cfg_a.gan.epochs == 1000 && cfg_a.study.trials == 5);
    CHECK(cfg_a.search.budget == 100 && cfg_a.search.initial == 10);
    CHECK(cfg_a.space.n_params == 6);
    CHECK(strcmp(cfg_a.space.params[1].name, "batch_size") == 0);
    CHECK(cfg_a.space.params[1].lower == 30 && cfg_a.space.params[1].upper == 55);
    CHECK(cfg_a.space.params[1].scaling == 10);
    CHECK(cfg_a.space.params[2].scaling == 1e-6);
    CHECK(strcmp(cfg_a.study.output, "runs/dimuon-focus") == 0);
    CHECK_OK(ganhpo_coord_study_load("../configs/hadronization-broad.cfg", &cfg_a));
    CHECK(cfg_a.gan.epochs == 20);
    CHECK(cfg_a.space.params[0].upper == 100 && cfg_a.space.params[0].scaling == 4);
    CHECK(cfg_a.space.params[3].scaling == 5e-5);
}

static void defaults_and_values(void)
{
    CHECK_OK(ganhpo_coord_study_load("data/study/good_minimal.cfg", &cfg_a));
    CHECK(strcmp(cfg_a.study.name, "good_minimal") == 0);
    CHECK(strcmp(cfg_a.study.output, "runs/good_minimal") == 0);
    CHECK(cfg_a.study.trials == 5 && cfg_a.study.seed == 1 && cfg_a.study.save_weights == 1);
    CHECK(cfg_a.search.budget == 50 && cfg_a.search.initial == 10);
    CHECK(cfg_a.search.n_strategies == 1 && cfg_a.search.strategies[0] == GANHPO_SEARCH_RBF);
    CHECK(cfg_a.gan.leaky_slope == 0.3 && cfg_a.gan.adam_epsilon == 1e-7);
    CHECK(cfg_a.space.params[0].scaling == 5e-5);

    CHECK_OK(ganhpo_coord_study_load("data/study/good_columns.cfg", &cfg_a));
    const char *file = cfg_a.data.file;
    CHECK(file[0] == '/' && strstr(file, "/tests/data/study/columns.txt") != NULL);
    CHECK(cfg_a.data.n_target_columns == 2 && cfg_a.data.target_columns[1] == 1);
    CHECK(cfg_a.data.n_condition_columns == 1 && cfg_a.data.condition_columns[0] == 2);
    CHECK(cfg_a.search.n_strategies == 3 && cfg_a.search.strategies[2] == GANHPO_SEARCH_GP);
    CHECK(cfg_a.space.params[0].scaling == 1.0);
    CHECK(cfg_a.study.profiling == 1 && strcmp(cfg_a.study.device, "cpu") == 0);

    /* a UTF-8 byte-order mark is skipped; the data file is still found beside the study */
    CHECK_OK(ganhpo_coord_study_load("data/study_bom.cfg", &cfg_a));
    CHECK(strcmp(cfg_a.study.name, "bom") == 0 && strstr(cfg_a.data.file, "/columns.txt"));
    char bom[256];
    CHECK(tu_temp_dir(bom, sizeof bom - 16, "ganhpo-bom-"));
    strcat(bom, "/bad.cfg");
    tu_write_file(bom, "\xEF\xBB\xBFstudy = { trials = 2; };\ngan = { epohcs = 2; };\n");
    CHECK_FAILS(ganhpo_coord_study_load(bom, &cfg_a), GANHPO_ERR_CONFIG_KEY);
    CHECK(strstr(ganhpo_error_message(), "bad.cfg:2: key 'gan.epohcs'") != NULL);
    unlink(bom);
    *strrchr(bom, '/') = '\0';
    rmdir(bom);
    CHECK_OK(ganhpo_coord_study_load("data/study/good_analytic.cfg", &cfg_a));
    CHECK(cfg_a.study.seed == 12345678901ULL);
    CHECK(cfg_a.objective.function == GANHPO_OBJECTIVE_BRANIN);
    CHECK(cfg_a.space.params[0].lower == -50);
}

/* Every "# expect: FRAGMENT" line at the top of a bad file must appear in the message. */
static int check_bad_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[512], expect[8][512];
    int n = 0;
    if (!f)
        return 0;
    while (n < 8 && fgets(line, sizeof line, f) && strncmp(line, "# expect: ", 10) == 0) {
        line[strcspn(line, "\n")] = '\0';
        snprintf(expect[n++], sizeof expect[0], "%s", line + 10);
    }
    fclose(f);
    CHECK(n >= 1);
    ganhpo_status st = ganhpo_coord_study_load(path, &cfg_a);
    CHECK(st >= GANHPO_ERR_CONFIG_SYNTAX && st <= GANHPO_ERR_CONFIG_VALUE);
    int ok = st != GANHPO_SUCCESS;
    for (int i = 0; i < n; i++)
        if (!strstr(ganhpo_error_message(), expect[i])) {
            fprintf(stderr, "%s: message lacks \"%s\":\n  %s\n", path, expect[i],
                    ganhpo_error_message());
            ok = 0;
        }
    CHECK(ok);
    /* The first fragment names the file and (except for a missing section) the line. */
    CHECK(strstr(expect[0], ".cfg:") != NULL);
    return 1;
}

static void bad_corpus(void)
{
    static char names[MAX_FILES][NAME_SIZE];
    int n = list_cfg("data/bad", names), checked = 0;
    for (int i = 0; i < n; i++)
        checked += check_bad_file(names[i]);
    CHECK(checked >= 20);
    printf("bad corpus: %d files rejected with their expected messages checked\n", checked);
}

static void api(void)
{
    CHECK_FAILS(ganhpo_coord_study_load("data/study/no-such-study.cfg", &cfg_a), GANHPO_ERR_IO);
    CHECK(strstr(ganhpo_error_message(), "no-such-study.cfg") != NULL);
    CHECK_FAILS(ganhpo_coord_study_load("data/study", &cfg_a), GANHPO_ERR_IO);
    ganhpo_gan_options g;
    ganhpo_gan_options_default(&g);
    CHECK_OK(ganhpo_gan_options_set(&g, "batch_size", 640));
    CHECK(g.batch_size == 640);
    CHECK_OK(ganhpo_gan_options_set(&g, "lr_gen", 2.5e-4));
    CHECK(g.lr_gen == 2.5e-4);
    CHECK_FAILS(ganhpo_gan_options_set(&g, "batch_size", 64.5), GANHPO_ERR_ARGUMENT);
    CHECK_FAILS(ganhpo_gan_options_set(&g, "lr_disc", 0), GANHPO_ERR_ARGUMENT);
    CHECK_FAILS(ganhpo_gan_options_set(&g, "dropout", 0.1), GANHPO_ERR_ARGUMENT);
    CHECK(ganhpo_gan_is_hyperparameter("disc_layersize") &&
          !ganhpo_gan_is_hyperparameter("epochs"));
    CHECK(ganhpo_gan_is_integer_hyperparameter("noise_dim"));
    CHECK(!ganhpo_gan_is_integer_hyperparameter("lr_gen"));
    CHECK(strcmp(ganhpo_search_strategy_name(GANHPO_SEARCH_GP), "gp") == 0);
    CHECK(strcmp(ganhpo_search_strategy_name((ganhpo_search_strategy)-1), "unknown") == 0);
    CHECK(strcmp(ganhpo_search_strategy_name((ganhpo_search_strategy)GANHPO_SEARCH_MAX_STRATEGIES),
                 "unknown") == 0);
    for (int i = 0; i < GANHPO_SEARCH_MAX_STRATEGIES; i++) {
        ganhpo_search_strategy s = (ganhpo_search_strategy)-1;
        CHECK(ganhpo_search_strategy_from_name(
                  ganhpo_search_strategy_name((ganhpo_search_strategy)i), &s) &&
              (int)s == i);
    }
    ganhpo_search_strategy none = GANHPO_SEARCH_RBF;
    CHECK(!ganhpo_search_strategy_from_name("tpe", &none) && none == GANHPO_SEARCH_RBF);
    CHECK(strcmp(ganhpo_dataset_source_name(GANHPO_DATASET_HERWIG), "herwig") == 0);
    CHECK(strcmp(ganhpo_objective_function_name(GANHPO_OBJECTIVE_HARTMANN6), "hartmann6") == 0);
}

/* Runs the CLI with output to files; returns its exit status. */
static int run_cli(const char *args, const char *out, const char *err)
{
    const char *cli = getenv("GANHPO_CLI");
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s >%s 2>%s", cli, args, out, err);
    int status = system(cmd);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void cli(void)
{
    if (!getenv("GANHPO_CLI")) {
        fprintf(stderr, "GANHPO_CLI is not set; run through ctest\n");
        CHECK(0);
        return;
    }
    char out[] = "/tmp/ganhpo_check_out_XXXXXX", err[] = "/tmp/ganhpo_check_err_XXXXXX";
    int fo = mkstemp(out), fe = mkstemp(err);
    CHECK(fo >= 0 && fe >= 0);
    if (fo < 0 || fe < 0)
        return;
    close(fo);
    close(fe);
    CHECK(run_cli("check ../configs/quick.cfg", out, err) == 0);
    CHECK(tu_file_contains(out, "directory = \"runs/quick\";"));
    CHECK_OK(ganhpo_coord_study_load(out, &cfg_b));
    CHECK_OK(ganhpo_coord_study_load("../configs/quick.cfg", &cfg_a));
    CHECK(sections_equal(&cfg_a, &cfg_b));
    CHECK(run_cli("check data/bad/bad_typo_key.cfg", out, err) == 1);
    CHECK(tu_file_contains(err, "bad_typo_key.cfg:7: key 'gan.epohcs'"));
    CHECK(run_cli("check data/bad/bad_syntax_brace.cfg", out, err) == 1);
    CHECK(tu_file_contains(err, "bad_syntax_brace.cfg:5: syntax error"));
    /* check reads a data file as the study would and names its first bad line */
    CHECK(run_cli("check data/check_bad_data.cfg", out, err) == 1);
    CHECK(tu_file_contains(err, "columns_nan.txt:2:3:"));
    CHECK(run_cli("check data/study/good_columns.cfg", out, err) == 0);
    CHECK(tu_file_contains(err, "columns.txt: 3 events read"));
    CHECK(run_cli("check", out, err) == 2);
    CHECK(tu_file_contains(err, "missing the study file"));
    CHECK(run_cli("check --bogus ../configs/quick.cfg", out, err) == 2);
    CHECK(run_cli("check ../configs/quick.cfg ../configs/dimuon-broad.cfg", out, err) == 2);
    CHECK(run_cli("check --help", out, err) == 0);
    CHECK(tu_file_contains(out, "usage: ganhpo check STUDY.cfg"));
    unlink(out);
    unlink(err);
}

int main(void)
{
    shipped_configs();
    paper_table();
    defaults_and_values();
    bad_corpus();
    api();
    cli();
    return check_finish("test_study_config");
}
