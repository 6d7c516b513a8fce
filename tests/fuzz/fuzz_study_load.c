/* libFuzzer harness: the study-file loader as the commands use it (libconfig text,
 * every section's validation, the coordinator's parallel section included). */
#include "fuzz_util.h"
#include "ganhpo/coord.h"
#include "ganhpo/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ganhpo_study_config cfg;
    const char *path = fuzz_file(data, size, "cfg");
    if (path)
        ganhpo_coord_study_load(path, &cfg); /* as ganhpo check and study read it */
    ganhpo_error_clear();
    return 0;
}
