/* libFuzzer harness: the study-file loader (libconfig text, every section's validation). */
#include "fuzz_util.h"
#include "ganhpo/study.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ganhpo_study_config cfg;
    const char *path = fuzz_file(data, size, "cfg");
    if (path)
        ganhpo_study_load(path, &cfg);
    ganhpo_error_clear();
    return 0;
}
