/* The monotonic clock and mkdir -p. */
#include "ganhpo/system.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

double ganhpo_system_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

ganhpo_status ganhpo_system_make_directory(const char *dir)
{
    char path[4096];
    if (!dir[0] || snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "directory path empty or too long: '%s'", dir);
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            GH_RAISE(GANHPO_ERR_IO, "cannot create directory '%s': %s", path, strerror(errno));
        *p = c;
        if (c == '\0')
            break;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        GH_RAISE(GANHPO_ERR_IO, "'%s' exists but is not a directory", dir);
    return GANHPO_SUCCESS;
}
