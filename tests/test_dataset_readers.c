/* Readers: the sample files in tests/data/ load with the right values (the herwig sample's
 * targets equal the rest-frame angles recomputed here), and every broken file in
 * tests/data/bad/ is rejected with the expected status and "file:line:column". */
#include "check.h"
#include "ganhpo/dataset.h"

#include <string.h>

static ganhpo_dataset_options columns_options(const char *file, int nc, const int *cc, int nt,
                                              const int *tc)
{
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    o.source = GANHPO_DATASET_COLUMNS;
    snprintf(o.file, sizeof o.file, "%s", file);
    o.n_condition_columns = nc;
    o.n_target_columns = nt;
    for (int i = 0; i < nc; i++)
        o.condition_columns[i] = cc[i];
    for (int i = 0; i < nt; i++)
        o.target_columns[i] = tc[i];
    return o;
}

static void good_columns(void)
{
    int cc[1] = {0}, tc[2] = {2, 1};
    ganhpo_dataset_options o = columns_options("data/columns_sample.csv", 1, cc, 2, tc);
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&o, 0, &ds));
    if (!ds)
        return;
    CHECK(ganhpo_dataset_n_events(ds) == 4);
    CHECK(ganhpo_dataset_condition(ds)[3] == 2.0f);
    CHECK(ganhpo_dataset_target(ds)[0] == -3.0f && ganhpo_dataset_target(ds)[1] == 1.25f);
    CHECK(ganhpo_dataset_target(ds)[6] == -1.5f && ganhpo_dataset_target(ds)[7] == 5.0f);
    CHECK(strcmp(ganhpo_dataset_column_name(ds, 1), "col2") == 0);
    ganhpo_dataset_destroy(&ds);
    o.max_events = 2; /* stops early */
    CHECK_OK(ganhpo_dataset_create(&o, 0, &ds));
    CHECK(ds && ganhpo_dataset_n_events(ds) == 2);
    ganhpo_dataset_destroy(&ds);
    o = columns_options("data/dimuon_sample.txt", 0, NULL, 0, NULL); /* every column a target */
    CHECK_OK(ganhpo_dataset_create(&o, 0, &ds));
    CHECK(ds && ganhpo_dataset_n_target(ds) == 6 && ganhpo_dataset_n_events(ds) == 200);
    ganhpo_dataset_destroy(&ds);
}

static void good_herwig(void)
{
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    o.source = GANHPO_DATASET_HERWIG;
    snprintf(o.file, sizeof o.file, "data/herwig_sample.txt");
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&o, 0, &ds));
    if (!ds)
        return;
    CHECK(ganhpo_dataset_n_events(ds) == 20);
    CHECK(ganhpo_dataset_n_condition(ds) == 4 && ganhpo_dataset_n_target(ds) == 2);
    /* Pions are back to back in the cluster frame: each angle pair is a valid direction,
     * and the first event's cluster matches the file's first line. */
    const float *c = ganhpo_dataset_condition(ds), *t = ganhpo_dataset_target(ds);
    FILE *f = fopen("data/herwig_sample.txt", "r");
    double E, px, py, pz;
    CHECK(f && fscanf(f, "L,1,81,[2 3],%lf,%lf,%lf,%lf;", &E, &px, &py, &pz) == 4);
    if (f)
        fclose(f);
    CHECK_CLOSE(c[0], E, 1e-6);
    CHECK_CLOSE(c[3], pz, 1e-6);
    int ok = 1;
    for (size_t i = 0; i < 20; i++)
        ok &= t[2 * i] >= 0 && t[2 * i] <= 3.1416f && fabsf(t[2 * i + 1]) <= 3.1416f;
    CHECK(ok);
    ganhpo_dataset_destroy(&ds);
}

typedef struct {
    const char *file;
    int herwig;
    ganhpo_status status;
    const char *where; /* "file:line:column" that the message must contain */
} broken;

static const broken cases[] = {
    {"columns_empty.txt", 0, GANHPO_ERR_DATA_EMPTY, "columns_empty.txt:1:1:"},
    {"columns_only_comments.txt", 0, GANHPO_ERR_DATA_EMPTY, "columns_only_comments.txt:3:1:"},
    {"columns_non_numeric.txt", 0, GANHPO_ERR_DATA_FORMAT, "columns_non_numeric.txt:2:3:"},
    {"columns_missing_field.txt", 0, GANHPO_ERR_DATA_FORMAT, "columns_missing_field.txt:2:4:"},
    {"columns_extra_field.txt", 0, GANHPO_ERR_DATA_FORMAT, "columns_extra_field.txt:2:7:"},
    {"columns_nan.txt", 0, GANHPO_ERR_DATA_VALUE, "columns_nan.txt:2:3:"},
    {"columns_inf.txt", 0, GANHPO_ERR_DATA_VALUE, "columns_inf.txt:2:5:"},
    {"columns_empty_field.txt", 0, GANHPO_ERR_DATA_FORMAT, "columns_empty_field.txt:1:3:"},
    {"columns_trailing_garbage.txt", 0, GANHPO_ERR_DATA_FORMAT,
     "columns_trailing_garbage.txt:1:5:"},
    {"columns_overflow.txt", 0, GANHPO_ERR_DATA_VALUE, "columns_overflow.txt:2:5:"},
    {"columns_float_overflow.txt", 0, GANHPO_ERR_DATA_VALUE, "columns_float_overflow.txt:2:3:"},
    {"herwig_energy_overflow.txt", 1, GANHPO_ERR_DATA_VALUE, "herwig_energy_overflow.txt:1:38:"},
    {"herwig_cluster_fields.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_cluster_fields.txt:1:1:"},
    {"herwig_children.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_children.txt:1:8:"},
    {"herwig_non_numeric.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_non_numeric.txt:1:38:"},
    {"herwig_no_pion.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_no_pion.txt:1:32:"},
    {"herwig_spacelike.txt", 1, GANHPO_ERR_DATA_VALUE, "herwig_spacelike.txt:1:14:"},
    {"herwig_hadron_fields.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_hadron_fields.txt:1:32:"},
    {"herwig_nan.txt", 1, GANHPO_ERR_DATA_VALUE, "herwig_nan.txt:1:43:"},
    {"herwig_no_hadrons.txt", 1, GANHPO_ERR_DATA_FORMAT, "herwig_no_hadrons.txt:1:"},
};

/* A UTF-8 byte-order mark is skipped; a value below the smallest double reads as 0. */
static void bom_and_underflow(void)
{
    int tc[3] = {0, 1, 2};
    ganhpo_dataset_options o = columns_options("data/columns_bom.txt", 0, NULL, 3, tc);
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&o, 0, &ds));
    CHECK(ds && ganhpo_dataset_n_events(ds) == 2);
    CHECK(ds && ganhpo_dataset_target(ds)[4] == 0.0f && ganhpo_dataset_target(ds)[5] == 6.0f);
    ganhpo_dataset_destroy(&ds);
}

static void broken_files(void)
{
    int tc[3] = {0, 1, 2};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[256];
        snprintf(path, sizeof path, "data/bad/%s", cases[i].file);
        ganhpo_dataset_options o = columns_options(path, 0, NULL, 3, tc);
        if (cases[i].herwig)
            o.source = GANHPO_DATASET_HERWIG;
        ganhpo_dataset *ds = NULL;
        CHECK_FAILS(ganhpo_dataset_create(&o, 0, &ds), cases[i].status);
        CHECK(ds == NULL);
        if (!strstr(ganhpo_error_message(), cases[i].where)) {
            CHECK(!"message names file:line:column");
            fprintf(stderr, "  want '%s' in: %s\n", cases[i].where, ganhpo_error_message());
        }
    }
    /* A column index beyond the fields, and a file that does not exist. */
    int far[1] = {7};
    ganhpo_dataset_options o = columns_options("data/columns_sample.csv", 0, NULL, 1, far);
    ganhpo_dataset *ds = NULL;
    CHECK_FAILS(ganhpo_dataset_create(&o, 0, &ds), GANHPO_ERR_DATA_FORMAT);
    CHECK(strstr(ganhpo_error_message(), "columns_sample.csv:2:1:") != NULL);
    CHECK(strstr(ganhpo_error_message(), "index 7") != NULL);
    o = columns_options("data/no_such_file.txt", 0, NULL, 1, far);
    CHECK_FAILS(ganhpo_dataset_create(&o, 0, &ds), GANHPO_ERR_IO);
    CHECK(strstr(ganhpo_error_message(), "no_such_file.txt") != NULL);
}

int main(void)
{
    good_columns();
    good_herwig();
    broken_files();
    bom_and_underflow();
    return check_finish("test_dataset_readers");
}
