/* The table of kernel sources that cmake/embed_kernels.cmake generates from cl/. */
#ifndef GANHPO_DEVICE_EMBEDDED_H
#define GANHPO_DEVICE_EMBEDDED_H

#include <stddef.h>

typedef struct {
    const char *name; /* file name in cl/, e.g. "common.h", "util.cl" */
    const char *text; /* NUL-terminated source */
    size_t size;      /* bytes, without the terminator */
} ganhpo_embedded_source;

/* Terminated by an entry whose name is NULL. */
extern const ganhpo_embedded_source ganhpo_embedded_sources[];

#endif
