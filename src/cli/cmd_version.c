/* ganhpo version */
#include "cli/cli.h"

#include <gsl/gsl_version.h>
#include <libconfig.h>
#include <mpi.h>
#include <stdio.h>

int ganhpo_cmd_version(int argc, char **argv)
{
    if (argc > 1 && ganhpo_cli_is_help(argv[1])) {
        printf("usage: ganhpo version\n\nPrints ganhpo's version and the versions of the "
               "libraries it was built against.\n");
        return 0;
    }
    if (argc > 1)
        return ganhpo_cli_usage_error("version", "takes no arguments, got '%s'", argv[1]);
    char mpi[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(mpi, &len);
    for (int i = 0; i < len; i++)
        if (mpi[i] == '\n') {
            mpi[i] = '\0';
            break;
        }
    printf("ganhpo %s\n  GSL %s, libconfig %d.%d.%d, %s\n", GANHPO_VERSION, GSL_VERSION,
           LIBCONFIG_VER_MAJOR, LIBCONFIG_VER_MINOR, LIBCONFIG_VER_REVISION, mpi);
    return 0;
}
