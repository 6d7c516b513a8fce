/* Derived observables of the data sources: names, defaults and the columns they need. */
#include "ganhpo/dataset.h"

static const char *const observables_names[3] = {"none", "dimuon", "hadronization"};
static const char *const dimuon_columns[4] = {"mass", "pt", "rapidity", "dphi"};
static const char *const hadronization_columns[1] = {"angle"};

ganhpo_observables ganhpo_dataset_observables_default(ganhpo_dataset_source source)
{
    return source == GANHPO_DATASET_DIMUON          ? GANHPO_OBSERVABLES_DIMUON
           : source == GANHPO_DATASET_HADRONIZATION ? GANHPO_OBSERVABLES_HADRONIZATION
                                                    : GANHPO_OBSERVABLES_NONE;
}

const char *ganhpo_dataset_observables_name(ganhpo_observables o)
{
    return (unsigned)o < 3 ? observables_names[o] : NULL;
}

int ganhpo_dataset_observables_count(ganhpo_observables o)
{
    return o == GANHPO_OBSERVABLES_DIMUON ? 4 : o == GANHPO_OBSERVABLES_HADRONIZATION ? 1 : 0;
}

const char *ganhpo_dataset_observables_column(ganhpo_observables o, int index)
{
    if (index < 0 || index >= ganhpo_dataset_observables_count(o))
        return NULL;
    return o == GANHPO_OBSERVABLES_DIMUON ? dimuon_columns[index] : hadronization_columns[index];
}

ganhpo_status ganhpo_dataset_observables_check(ganhpo_observables o, int n_condition, int n_target)
{
    if (o == GANHPO_OBSERVABLES_DIMUON && n_target != 6)
        GH_RAISE(GANHPO_ERR_CONFIG_VALUE,
                 "observables \"dimuon\" need 6 target columns (pt1 eta1 phi1 pt2 eta2 phi2), "
                 "the data have %d",
                 n_target);
    if (o == GANHPO_OBSERVABLES_HADRONIZATION && (n_condition != 4 || n_target != 2))
        GH_RAISE(GANHPO_ERR_CONFIG_VALUE,
                 "observables \"hadronization\" need 4 condition columns (E px py pz) and 2 "
                 "targets (theta phi), the data have %d and %d",
                 n_condition, n_target);
    return GANHPO_SUCCESS;
}
