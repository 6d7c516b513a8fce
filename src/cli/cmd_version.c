/* ganhpo version */
#include "cli/cli.h"
#include "ganhpo/coord.h"

#include <gsl/gsl_version.h>
#include <libconfig.h>
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
    char mpi[512];
    ganhpo_coord_library_version(mpi, sizeof mpi);
    printf("ganhpo %s\n  GSL %s, libconfig %d.%d.%d, %s\n", GANHPO_VERSION, GSL_VERSION,
           LIBCONFIG_VER_MAJOR, LIBCONFIG_VER_MINOR, LIBCONFIG_VER_REVISION, mpi);
    return 0;
}
