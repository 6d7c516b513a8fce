/* libFuzzer harness: the weights-file loader of `ganhpo generate`. The input's last 8 bytes
 * are replaced by the checksum of the rest, so that mutations reach the parser instead of
 * stopping at the checksum. */
#include "fuzz_util.h"
#include "ganhpo/gan.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 8 || size > (1 << 22))
        return 0;
    uint8_t *copy = malloc(size);
    if (!copy)
        return 0;
    memcpy(copy, data, size);
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, as the writer computes it */
    for (size_t i = 0; i < size - 8; i++)
        h = (h ^ copy[i]) * 0x100000001b3ull;
    memcpy(copy + size - 8, &h, 8);
    const char *path = fuzz_file(copy, size, "gan");
    free(copy);
    ganhpo_generator *g = NULL;
    if (path)
        ganhpo_generator_load(NULL, path, &g);
    ganhpo_generator_destroy(&g);
    ganhpo_error_clear();
    return 0;
}
