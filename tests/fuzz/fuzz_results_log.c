/* libFuzzer harness: the results log as --resume opens it (header check, every row parsed
 * and replayed into a study's searches, a partial last line repaired). */
#include "fuzz_util.h"
#include "ganhpo/study.h"

#include <string.h>

static ganhpo_study_config cfg;
static ganhpo_study_state *state;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ganhpo_study_config_default(&cfg);
    cfg.space.n_params = 2;
    const char *names[2] = {"x1", "x2"};
    for (int i = 0; i < 2; i++) {
        snprintf(cfg.space.params[i].name, sizeof cfg.space.params[i].name, "%s", names[i]);
        cfg.space.params[i].lower = i == 0 ? -50 : 0;
        cfg.space.params[i].upper = i == 0 ? 100 : 150;
        cfg.space.params[i].scaling = 0.1;
    }
    cfg.objective.function = GANHPO_OBJECTIVE_BRANIN;
    cfg.search.n_strategies = 1; /* random: replaying rows fits no surrogate, so runs are fast */
    cfg.search.strategies[0] = GANHPO_SEARCH_RANDOM;
    cfg.search.budget = 30;
    cfg.search.initial = 4;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "csv");
    if (!path)
        return 0;
    ganhpo_study_log *log = NULL;
    ganhpo_results_columns columns;
    ganhpo_study_columns(&cfg, &columns);
    int repaired = 0;
    if (ganhpo_study_state_create(&cfg, &state) == GANHPO_SUCCESS)
        ganhpo_study_log_open(path, &columns, &cfg.space, 1, ganhpo_study_state_replay, state, &log,
                              &repaired);
    ganhpo_study_log_close(&log);
    ganhpo_study_state_destroy(&state);
    ganhpo_error_clear();
    return 0;
}
