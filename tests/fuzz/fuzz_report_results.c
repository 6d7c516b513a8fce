/* libFuzzer harness: the results.csv reader of `ganhpo report` and the analyses. */
#include "fuzz_util.h"
#include "ganhpo/analysis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "csv");
    ganhpo_results *r = NULL;
    if (path)
        ganhpo_analysis_results_read(path, &r);
    ganhpo_analysis_results_destroy(&r);
    ganhpo_error_clear();
    return 0;
}
