/* libFuzzer harness: the `columns` data reader (one condition, two target columns). */
#include "fuzz_util.h"
#include "ganhpo/dataset.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "txt");
    if (!path)
        return 0;
    ganhpo_dataset_options o;
    ganhpo_dataset_options_default(&o);
    o.source = GANHPO_DATASET_COLUMNS;
    snprintf(o.file, sizeof o.file, "%s", path);
    o.n_condition_columns = 1;
    o.condition_columns[0] = 0;
    o.n_target_columns = 2;
    o.target_columns[0] = 2;
    o.target_columns[1] = 1;
    ganhpo_dataset *ds = NULL;
    ganhpo_dataset_create(&o, 1, &ds);
    ganhpo_dataset_destroy(&ds);
    ganhpo_error_clear();
    return 0;
}
