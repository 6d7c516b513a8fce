/* Small services of the operating system that several modules need, written once: the
 * monotonic clock and creating directories. Nothing here is collective over MPI. */
#ifndef GANHPO_SYSTEM_H
#define GANHPO_SYSTEM_H

#include "ganhpo/status.h"

/* Seconds on the monotonic clock (an arbitrary origin; for measuring durations). */
double ganhpo_system_seconds(void);

/* Creates `dir` and any missing parents (mode 0777 less the umask), like mkdir -p; an
 * existing directory is fine. GANHPO_ERR_IO names the part that could not be created, or a
 * path that exists but is not a directory. */
ganhpo_status ganhpo_system_make_directory(const char *dir);

#endif
