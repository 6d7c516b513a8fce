/* ganhpo train and ganhpo generate through the built program: a tiny study trained with
 * --set overrides (one line per epoch, every trial reported, weights written), events
 * generated for held-out conditions (file shape, reproducible for a seed, W1 against the
 * truth close to the training's validation W1), and misuse (exit 2) and bad files (exit 1). */
#include "check.h"
#include "testutil.h"

#include <signal.h>

#include <stdint.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char out[65536];

/* Runs the CLI with the formatted arguments, its output in out. */
#define run(...) tu_cli(out, sizeof out, __VA_ARGS__)

static int count(const char *text, const char *needle)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void write_study(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tiny.cfg", dir);
    tu_write_file(path,
                  "study = { name = \"tiny\"; seed = 3; trials = 2; };\n"
                  "data = { source = \"hadronization\"; events = 3000; validation = 500; };\n"
                  "gan = { noise_dim = 3; batch_size = 128; gen_layersize = 16;\n"
                  "        disc_layersize = 16; epochs = 2; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 10; scaling = 1e-4; } );\n"
                  "search = { budget = 3; initial = 2; };\n"
                  "output = { directory = \"%s/run\"; };\n",
                  dir);
}

/* Lines and fields per line of a columns file (header excluded); -1 fields if uneven. */
static void shape(const char *path, int *lines, int *fields)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    *lines = 0;
    *fields = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        int n = 0;
        for (char *t = strtok(line, " \n"); t; t = strtok(NULL, " \n"))
            n++;
        if (*lines == 0)
            *fields = n;
        else if (n != *fields)
            *fields = -1;
        (*lines)++;
    }
    if (f)
        fclose(f);
}

/* Trains, returns the training's mean best W1 (NAN on failure). */
static double train(void)
{
    CHECK(run("train %s/tiny.cfg --set epochs=4 --set lr_gen=3e-4 --out %s/t.gan", dir, dir) == 0);
    printf("%s", out);
    CHECK(count(out, "\nepoch ") + (strncmp(out, "epoch ", 6) == 0) == 4);
    CHECK(strstr(out, "lr_gen 0.0003") != NULL);
    CHECK(count(out, "trial 0: best W1") == 1 && count(out, "trial 1: best W1") == 1);
    CHECK(strstr(out, "t.gan") != NULL);
    double mean = NAN;
    const char *m = strstr(out, "ok trials: mean ");
    CHECK(m && sscanf(m, "ok trials: mean %lf", &mean) == 1);
    return mean;
}

static void generate(double train_w1)
{
    CHECK(run("data %s/tiny.cfg --seed 99 --events 1500 --out %s/truth.txt", dir, dir) == 0);
    CHECK(run("generate %s/t.gan --condition-from %s/truth.txt --seed 5 --out %s/g1.txt", dir, dir,
              dir) == 0);
    CHECK(run("generate %s/t.gan --condition-from %s/truth.txt --seed 5 --out %s/g2.txt", dir, dir,
              dir) == 0);
    int lines, fields;
    char path[512];
    snprintf(path, sizeof path, "%s/g1.txt", dir);
    shape(path, &lines, &fields);
    CHECK(lines == 1500 && fields == 6);
    CHECK(run("wdist %s/g1.txt %s/g2.txt", dir, dir) == 0);
    double same = -1, w = -1;
    const char *m = strstr(out, "mean");
    CHECK(m && sscanf(m, "mean %lf", &same) == 1 && same == 0.0);
    /* The theta and phi columns against held-out truth: the scale of the training's validation
     * W1; a generator left in scaled units (tanh range) would be off by more than 1. */
    CHECK(run("wdist %s/truth.txt %s/g1.txt --columns 4,5", dir, dir) == 0);
    m = strstr(out, "mean");
    CHECK(m && sscanf(m, "mean %lf", &w) == 1);
    printf("generated vs truth W1 %.4f, training's validation W1 %.4f\n", w, train_w1);
    CHECK(w > 0.0 && w < 0.8 && w < 1.5 * train_w1 && w > train_w1 / 1.5);
    CHECK(run("generate %s/t.gan --condition-from %s/truth.txt --events 3000 --out %s/g3.txt", dir,
              dir, dir) == 0);
    snprintf(path, sizeof path, "%s/g3.txt", dir);
    shape(path, &lines, &fields);
    CHECK(lines == 3000 && fields == 6);
}

/* Copies DIR/t.gan to `path` with gen_layersize = width and a valid checksum (FNV-1a of
 * all but the last 8 bytes), as a hostile or buggy writer would. */
static int widen_weights(const char *from_dir, const char *path, int32_t width)
{
    static unsigned char b[1 << 20];
    char src[400];
    snprintf(src, sizeof src, "%s/t.gan", from_dir);
    FILE *f = fopen(src, "rb");
    size_t n = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    if (n < 64)
        return 0;
    memcpy(b + 8 + 4 + 4 + 3 * 4, &width, 4); /* magic, version, byte order, 3 ints */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n - 8; i++)
        h = (h ^ b[i]) * 0x100000001b3ull;
    memcpy(b + n - 8, &h, 8);
    f = fopen(path, "wb");
    int ok = f && fwrite(b, 1, n, f) == n;
    if (f)
        fclose(f);
    return ok;
}

static void misuse(void)
{
    CHECK(run("train") == 2);
    CHECK(run("train %s/tiny.cfg --set epochs=abc", dir) == 2);
    CHECK(strstr(out, "abc") != NULL);
    CHECK(run("train %s/tiny.cfg --set epoch=3", dir) == 2);
    CHECK(strstr(out, "did you mean 'epochs'") != NULL);
    CHECK(run("train %s/tiny.cfg --set noise_dim=0", dir) == 2);
    CHECK(strstr(out, "gan.noise_dim") != NULL);
    CHECK(run("train %s/tiny.cfg --set epochs=4294967297", dir) == 2); /* not 1 epoch */
    CHECK(strstr(out, "4294967297 does not fit in 32 bits") != NULL);
    CHECK(run("train %s/tiny.cfg --set epochs=4294967297L", dir) == 2);
    CHECK(strstr(out, "gan.epochs") != NULL);
    CHECK(run("train %s/tiny.cfg --bogus", dir) == 2);
    CHECK(run("train %s/none.cfg", dir) == 1);
    CHECK(run("train %s/tiny.cfg --set batch_size=100000", dir) == 1);
    CHECK(strstr(out, "larger than the 2500 training events") != NULL);
    CHECK(run("generate %s/t.gan --events 10", dir) == 2);
    CHECK(run("generate %s/t.gan --events 10 --out %s/x.txt", dir, dir) == 2);
    CHECK(strstr(out, "--condition-from") != NULL);
    CHECK(run("generate %s/t.gan --condition-from %s/truth.txt --condition-columns 0,1 --out "
              "%s/x.txt",
              dir, dir, dir) == 2);
    CHECK(run("generate %s/t.gan --events 0 --out %s/x.txt", dir, dir) == 2);
    /* widths beyond the layout's 32-bit offsets: refused in train and in the loader */
    CHECK(run("train %s/tiny.cfg --set gen_layersize=65536", dir) == 2);
    CHECK(strstr(out, "allowed: 1 to 16384") != NULL);
    char wide[600];
    snprintf(wide, sizeof wide, "%s/wide.gan", dir);
    CHECK(widen_weights(dir, wide, 65536));
    CHECK(run("generate %s --condition-from %s/truth.txt --out %s/x.txt", wide, dir, dir) == 1);
    CHECK(strstr(out, "impossible architecture") != NULL);
    /* found by tests/fuzz/fuzz_weights: column counts whose sum overflows an int */
    CHECK(run("generate data/bad/weights_columns_overflow.gan --events 10 --out %s/x.txt", dir) ==
          1);
    CHECK(strstr(out, "impossible architecture") != NULL);
    CHECK(run("generate %s/truth.txt --events 10 --out %s/x.txt", dir, dir) == 1);
    CHECK(strstr(out, "not a ganhpo weights file") != NULL);
    CHECK(run("generate %s/t.gan --condition-from %s/none.txt --out %s/x.txt", dir, dir, dir) == 1);
}

/* Whether the last 4 KiB of the file path contain text. */
static int tail_contains(const char *path, const char *text)
{
    char buf[4097] = "";
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f) < 4096 ? ftell(f) : 4096;
    fseek(f, -n, SEEK_END);
    buf[fread(buf, 1, (size_t)n, f)] = '\0';
    fclose(f);
    return strstr(buf, text) != NULL;
}

/* SIGTERM during training: it stops after the running epoch, says so, and still writes the
 * best weights so far, which generate reads. */
static void interrupted(void)
{
    char log[400], gan[400];
    snprintf(log, sizeof log, "%s/interrupted.log", dir);
    snprintf(gan, sizeof gan, "%s/interrupted.gan", dir);
    char study[400];
    snprintf(study, sizeof study, "%s/tiny.cfg", dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* both appending, so that neither writes over the other */
        if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(getenv("GANHPO_CLI"), "ganhpo", "train", study, "--set", "epochs=100000", "--out",
              gan, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 60000 && !tu_file_contains(log, "epoch    1"); i++)
        tu_pause_ms(5);
    kill(pid, SIGTERM);
    CHECK(tu_wait(pid) == 1);
    CHECK(tail_contains(log, "interrupted by SIGTERM"));
    CHECK(tail_contains(log, "written to"));
    CHECK(run("generate %s --condition-from %s/truth.txt --events 50 --out %s/x.txt", gan, dir,
              dir) == 0);
}

int main(void)
{
    if (!getenv("GANHPO_CLI")) {
        CHECK(!"GANHPO_CLI is set");
        return check_finish("test_gan_cli");
    }
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo-gan-cli-"));
    write_study();
    double w1 = train();
    generate(w1);
    misuse();
    interrupted();
    CHECK(tu_remove_dir(dir));
    return check_finish("test_gan_cli");
}
