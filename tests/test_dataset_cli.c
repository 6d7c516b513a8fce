/* ganhpo data and ganhpo wdist through the built program: files reproducible for a seed,
 * W1 of a file with itself 0 and with another seed's file positive, misuse exits 2, a bad
 * file exits 1. */
#include "check.h"
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

static int same_file(const char *a, const char *b)
{
    FILE *f = fopen(a, "rb"), *g = fopen(b, "rb");
    int same = f && g;
    while (same) {
        int x = fgetc(f), y = fgetc(g);
        same = x == y;
        if (x == EOF)
            break;
    }
    if (f)
        fclose(f);
    if (g)
        fclose(g);
    return same;
}

int main(void)
{
    static char out[8192];
    if (!getenv("GANHPO_CLI")) {
        CHECK(!"GANHPO_CLI is set");
        return check_finish("test_dataset_cli");
    }
    CHECK(tu_cli(out, sizeof out, "data --source mixture --events 3000 --seed 4 --out cli_a.tmp") ==
          0);
    CHECK(tu_cli(out, sizeof out, "data --source mixture --events 3000 --seed 4 --out cli_b.tmp") ==
          0);
    CHECK(tu_cli(out, sizeof out, "data --source mixture --events 3000 --seed 5 --out cli_c.tmp") ==
          0);
    CHECK(same_file("cli_a.tmp", "cli_b.tmp"));
    CHECK(!same_file("cli_a.tmp", "cli_c.tmp"));
    CHECK(tu_cli(out, sizeof out, "wdist cli_a.tmp cli_b.tmp") == 0);
    double w = -1;
    char *m = strstr(out, "mean");
    CHECK(m && sscanf(m, "mean %lf", &w) == 1 && w == 0.0);
    CHECK(tu_cli(out, sizeof out, "wdist cli_a.tmp cli_c.tmp --columns 1") == 0);
    m = strstr(out, "mean");
    CHECK(m && sscanf(m, "mean %lf", &w) == 1 && w > 0.0 && w < 0.2);
    CHECK(tu_cli(out, sizeof out, "wdist cli_a.tmp cli_c.tmp --columns 1,1") == 2);
    CHECK(strstr(out, "names column 1 twice") != NULL);
    CHECK(tu_cli(out, sizeof out, "data --source nope --out x.tmp") == 2);
    CHECK(strstr(out, "nope") != NULL);
    CHECK(tu_cli(out, sizeof out, "data --source gauss --events 0 --out x.tmp") == 2);
    CHECK(tu_cli(out, sizeof out, "wdist cli_a.tmp") == 2);
    CHECK(tu_cli(out, sizeof out, "wdist cli_a.tmp data/bad/columns_nan.txt") == 1);
    CHECK(strstr(out, "columns_nan.txt:2:3:") != NULL);
    remove("cli_a.tmp");
    remove("cli_b.tmp");
    remove("cli_c.tmp");
    return check_finish("test_dataset_cli");
}
