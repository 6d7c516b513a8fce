/* Every status code has a name; the check macros build a trace naming file and call. */
#include "check.h"

#include <string.h>

static const int codes[] = {
    GANHPO_SUCCESS,         GANHPO_ERR_ALLOC,         GANHPO_ERR_ARGUMENT,
    GANHPO_ERR_IO,          GANHPO_ERR_NO_PLATFORM,   GANHPO_ERR_NO_DEVICE,
    GANHPO_ERR_BUILD,       GANHPO_ERR_KERNEL_SOURCE, GANHPO_ERR_NUMERIC,
    GANHPO_ERR_STATE,       GANHPO_ERR_INTERRUPTED,   GANHPO_ERR_USAGE,
    GANHPO_ERR_UNSUPPORTED, GANHPO_ERR_CONFIG_SYNTAX, GANHPO_ERR_CONFIG_KEY,
    GANHPO_ERR_CONFIG_TYPE, GANHPO_ERR_CONFIG_VALUE,  GANHPO_ERR_DATA_FORMAT,
    GANHPO_ERR_DATA_VALUE,  GANHPO_ERR_DATA_EMPTY,    GANHPO_ERR_WEIGHTS,
    GANHPO_ERR_RESULTS,     GANHPO_ERR_MPI,           GANHPO_ERR_MPI_LAYOUT,
    GANHPO_ERR_GSL,         GANHPO_ERR_SINGULAR};

static ganhpo_status inner(int fail)
{
    if (fail)
        GH_RAISE(GANHPO_ERR_CONFIG_VALUE, "study.cfg:%d: key 'gan.epochs': must be >= 1", 7);
    return GANHPO_SUCCESS;
}

static ganhpo_status outer(int fail)
{
    GH_CHECK(inner(fail));
    return GANHPO_SUCCESS;
}

static ganhpo_status driver_code(void)
{
    GH_CHECK_CL(-5);
    return GANHPO_SUCCESS;
}

int main(void)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = ganhpo_status_string(codes[i]);
        CHECK(strncmp(s, "GANHPO_", 7) == 0);
    }
    /* Every OpenCL 1.2-3.0 code from -1 to -19 and -30 to -72 is named. */
    for (int c = -1; c >= -72; c--) {
        if (c < -19 && c > -30)
            continue;
        CHECK(strncmp(ganhpo_status_string(c), "CL_", 3) == 0);
    }
    CHECK(strncmp(ganhpo_status_string(-2046), "CLBlast", 7) == 0);
    CHECK(strcmp(ganhpo_status_string(123456), "unknown status") == 0);

    CHECK(outer(0) == GANHPO_SUCCESS);
    CHECK(outer(1) == GANHPO_ERR_CONFIG_VALUE);
    CHECK(strstr(ganhpo_error_message(), "gan.epochs") != NULL);
    CHECK(ganhpo_error_status() == GANHPO_ERR_CONFIG_VALUE);
    char buf[4096] = {0};
    FILE *f = fmemopen(buf, sizeof buf - 1, "w");
    ganhpo_error_print(f);
    fclose(f);
    CHECK(strstr(buf, "test_status_strings.c") != NULL);
    CHECK(strstr(buf, "inner(fail)") != NULL);
    CHECK(strstr(buf, "GANHPO_ERR_CONFIG_VALUE") != NULL);

    CHECK(driver_code() == -5);
    CHECK(strstr(ganhpo_error_message(), "-5") != NULL);
    ganhpo_error_clear();
    CHECK(ganhpo_error_status() == GANHPO_SUCCESS);
    CHECK(ganhpo_error_message()[0] == '\0');
    return check_finish("test_status_strings");
}
