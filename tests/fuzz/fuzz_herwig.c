/* libFuzzer harness: the Herwig cluster-decay reader. */
#include "fuzz_util.h"
#include "ganhpo/dataset.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "txt");
    if (!path)
        return 0;
    ganhpo_dataset_options o;
    ganhpo_dataset_options_default(&o);
    o.source = GANHPO_DATASET_HERWIG;
    snprintf(o.file, sizeof o.file, "%s", path);
    ganhpo_dataset *ds = NULL;
    ganhpo_dataset_create(&o, 1, &ds);
    ganhpo_dataset_destroy(&ds);
    ganhpo_error_clear();
    return 0;
}
