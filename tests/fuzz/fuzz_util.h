/* Shared by the libFuzzer harnesses: the loaders take a path, so each input is written to a
 * file of this process first. */
#ifndef GANHPO_FUZZ_UTIL_H
#define GANHPO_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ganhpo/status.h"

/* Writes data to $TMPDIR/ganhpo-fuzz-PID.SUFFIX (/tmp without TMPDIR) and returns the path
 * (a static buffer); NULL if it cannot be written. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
    static char path[512];
    const char *t = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/ganhpo-fuzz-%ld.%s", t && *t ? t : "/tmp", (long)getpid(),
             suffix);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t n = fwrite(data, 1, size, f);
    fclose(f);
    return n == size ? path : NULL;
}

#endif
