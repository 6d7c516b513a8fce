/* Minimal self-checking test helpers: each CHECK prints file:line and the failed condition,
 * and the test's exit status is the number of failures (capped), so CTest reports it. */
#ifndef GANHPO_TESTS_CHECK_H
#define GANHPO_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "ganhpo/status.h"

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        if (!(cond)) {                                                                             \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
        }                                                                                          \
    } while (0)

/* Relative comparison with an absolute floor for values near zero. */
#define CHECK_CLOSE(a, b, rel)                                                                     \
    do {                                                                                           \
        double ca_ = (double)(a), cb_ = (double)(b);                                               \
        double tol_ = (rel)*fmax(fmax(fabs(ca_), fabs(cb_)), 1e-12);                               \
        check_count++;                                                                             \
        if (!(fabs(ca_ - cb_) <= tol_)) {                                                          \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: CHECK_CLOSE failed: %s = %.9g, %s = %.9g (rel %.3g)\n",        \
                    __FILE__, __LINE__, #a, ca_, #b, cb_, (double)(rel));                          \
        }                                                                                          \
    } while (0)

/* A ganhpo call that must succeed; prints the error trace otherwise. */
#define CHECK_OK(call)                                                                             \
    do {                                                                                           \
        check_count++;                                                                             \
        ganhpo_status cs_ = (call);                                                                \
        if (cs_ != GANHPO_SUCCESS) {                                                               \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s returned %d\n", __FILE__, __LINE__, #call, cs_);            \
            ganhpo_error_print(stderr);                                                            \
        }                                                                                          \
    } while (0)

/* A call that must fail with `expected`. */
#define CHECK_FAILS(call, expected)                                                                \
    do {                                                                                           \
        check_count++;                                                                             \
        ganhpo_status cs_ = (call);                                                                \
        if (cs_ != (expected)) {                                                                   \
            check_failures++;                                                                      \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d (%s)\n", __FILE__, __LINE__,       \
                    #call, cs_, (int)(expected), ganhpo_error_message());                          \
        }                                                                                          \
    } while (0)

/* Ends main: prints the plain closing line and returns the exit status. */
static inline int check_finish(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures > 100 ? 100 : check_failures;
}

#endif
