/* Error codes, messages and the check macros every module propagates errors with.
 *
 * A fallible function returns ganhpo_status: 0 on success, a negative OpenCL or CLBlast
 * code exactly as the driver returned it, or a positive ganhpo code from the reserved
 * ranges below. The place that detects an error raises it with a readable message
 * (file, line and key of bad input, what would be right); every caller on the way up adds
 * one frame, so the error prints as a short trace. The error record is per thread.
 * Library code never exits or aborts. */
#ifndef GANHPO_STATUS_H
#define GANHPO_STATUS_H

#include <stdarg.h>
#include <stdio.h>

typedef int ganhpo_status;

/* Reserved ranges: 1000s library, 2000s configuration, 3000s data, 4000s MPI, 5000s GSL.
 * Negative values are OpenCL (-1..-1100) and CLBlast (-1024..-2048) codes, kept as is. */
enum {
    GANHPO_SUCCESS = 0,
    /* library */
    GANHPO_ERR_ALLOC = 1001,         /* host memory allocation failed */
    GANHPO_ERR_ARGUMENT = 1002,      /* invalid argument to a library function */
    GANHPO_ERR_IO = 1003,            /* file system error (open, write, fsync, mkdir) */
    GANHPO_ERR_NO_PLATFORM = 1004,   /* no OpenCL platform or ICD installed */
    GANHPO_ERR_NO_DEVICE = 1005,     /* no device matches the selector */
    GANHPO_ERR_BUILD = 1006,         /* an OpenCL program failed to build */
    GANHPO_ERR_KERNEL_SOURCE = 1007, /* a kernel source is missing or unreadable */
    GANHPO_ERR_NUMERIC = 1008,       /* NaN or Inf where finite numbers are required */
    GANHPO_ERR_STATE = 1009,         /* an object used out of order */
    GANHPO_ERR_INTERRUPTED = 1010,   /* stopped by a signal; work so far is kept */
    GANHPO_ERR_USAGE = 1011,         /* command-line misuse */
    GANHPO_ERR_UNSUPPORTED = 1012,   /* the device lacks a capability that is needed */
    /* configuration */
    GANHPO_ERR_CONFIG_SYNTAX = 2001, /* libconfig could not parse the study file */
    GANHPO_ERR_CONFIG_KEY = 2002,    /* unknown or missing key */
    GANHPO_ERR_CONFIG_TYPE = 2003,   /* a key has the wrong type */
    GANHPO_ERR_CONFIG_VALUE = 2004,  /* a value is out of range or inconsistent */
    /* data */
    GANHPO_ERR_DATA_FORMAT = 3001, /* malformed data file */
    GANHPO_ERR_DATA_VALUE = 3002,  /* NaN, Inf or out-of-range value in data */
    GANHPO_ERR_DATA_EMPTY = 3003,  /* no events */
    GANHPO_ERR_WEIGHTS = 3004,     /* malformed, truncated or foreign weights file */
    GANHPO_ERR_RESULTS = 3005,     /* results log does not match the study */
    /* MPI */
    GANHPO_ERR_MPI = 4001,        /* an MPI call failed */
    GANHPO_ERR_MPI_LAYOUT = 4002, /* rank count does not fit the group size */
    /* GSL */
    GANHPO_ERR_GSL = 5001,     /* a GSL routine reported an error */
    GANHPO_ERR_SINGULAR = 5002 /* a matrix could not be factorised */
};

/* Name of a status code ("CL_OUT_OF_RESOURCES", "GANHPO_ERR_CONFIG_KEY", ...) followed by a
 * short description. Never NULL; unknown codes give "unknown status". */
const char *ganhpo_status_string(ganhpo_status status);

/* Raises an error: clears the thread's record, stores status and the printf-style message,
 * and the first frame. Returns status so that `return ganhpo_error_raise(...)` works. */
ganhpo_status ganhpo_error_raise(ganhpo_status status, const char *file, int line, const char *func,
                                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Adds a frame (the failing call's text) to the current error. If no error was raised on
 * this thread (a driver code returned directly), starts one with the call text. */
ganhpo_status ganhpo_error_trace(ganhpo_status status, const char *file, int line, const char *func,
                                 const char *call);

/* The current error's message ("" when none). Valid until the next raise or clear. */
const char *ganhpo_error_message(void);

/* The current error's status (GANHPO_SUCCESS when none). */
ganhpo_status ganhpo_error_status(void);

/* Prints "error: MESSAGE (STATUS)" and the trace, innermost frame first, to f. */
void ganhpo_error_print(FILE *f);

/* Forgets the current error. */
void ganhpo_error_clear(void);

/* Propagates a failing ganhpo call, adding a frame. */
#define GH_CHECK(call)                                                                             \
    do {                                                                                           \
        ganhpo_status gh_s_ = (call);                                                              \
        if (gh_s_ != GANHPO_SUCCESS)                                                               \
            return ganhpo_error_trace(gh_s_, __FILE__, __LINE__, __func__, #call);                 \
    } while (0)

/* Same, but stores the status in `st` and jumps to `label` so the caller can clean up. */
#define GH_CHECK_GOTO(call, st, label)                                                             \
    do {                                                                                           \
        (st) = (call);                                                                             \
        if ((st) != GANHPO_SUCCESS) {                                                              \
            ganhpo_error_trace((st), __FILE__, __LINE__, __func__, #call);                         \
            goto label;                                                                            \
        }                                                                                          \
    } while (0)

/* Checks an OpenCL (or CLBlast) call returning cl_int; the error keeps the driver's code. */
#define GH_CHECK_CL(call)                                                                          \
    do {                                                                                           \
        int gh_e_ = (int)(call);                                                                   \
        if (gh_e_ != 0)                                                                            \
            return ganhpo_error_raise(gh_e_, __FILE__, __LINE__, __func__, "%s failed", #call);    \
    } while (0)

/* Same, with cleanup through `label`. */
#define GH_CHECK_CL_GOTO(call, st, label)                                                          \
    do {                                                                                           \
        int gh_e_ = (int)(call);                                                                   \
        if (gh_e_ != 0) {                                                                          \
            (st) = ganhpo_error_raise(gh_e_, __FILE__, __LINE__, __func__, "%s failed", #call);    \
            goto label;                                                                            \
        }                                                                                          \
    } while (0)

/* Checks an MPI call (MPI_SUCCESS is 0 in every implementation). */
#define GH_CHECK_MPI(call)                                                                         \
    do {                                                                                           \
        int gh_m_ = (call);                                                                        \
        if (gh_m_ != 0)                                                                            \
            return ganhpo_error_raise(GANHPO_ERR_MPI, __FILE__, __LINE__, __func__,                \
                                      "%s failed (MPI error %d)", #call, gh_m_);                   \
    } while (0)

/* Raises status with a message and returns it from the current function. */
#define GH_RAISE(status, ...)                                                                      \
    return ganhpo_error_raise((status), __FILE__, __LINE__, __func__, __VA_ARGS__)

/* Raises status with a message, stores it in `st` and jumps to `label`. */
#define GH_RAISE_GOTO(st, label, status, ...)                                                      \
    do {                                                                                           \
        (st) = ganhpo_error_raise((status), __FILE__, __LINE__, __func__, __VA_ARGS__);            \
        goto label;                                                                                \
    } while (0)

#endif
