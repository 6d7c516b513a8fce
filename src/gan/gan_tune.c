/* CLBlast kernel parameters for CPU OpenCL devices. CLBlast's tuning database has no entry
 * for PoCL's CPU device, and its generic defaults (GPU-shaped tiles) run the GAN's GEMMs at
 * 10-15 GFLOP/s on one AVX-512 core pair; larger register tiles with 8-wide vectors run
 * the 1284 x 243 x 243 products of the paper's architecture 3-4x faster (measured with
 * CLBlastOverrideParameters on this project's CI machine). GPUs keep CLBlast's database. */
#include "gan/gan_impl.h"

#include <clblast_c.h>

/* Devices already given the parameters: CLBlast keeps them per process. */
static cl_device_id tuned[16];
static int n_tuned;

static ganhpo_status override(cl_device_id id, const char *kernel, size_t n, const char **names,
                              const size_t *values)
{
    CLBlastStatusCode s =
        CLBlastOverrideParameters(id, kernel, CLBlastPrecisionSingle, n, names, values);
    if (s != CLBlastSuccess)
        GH_RAISE((ganhpo_status)s, "CLBlastOverrideParameters(%s) failed", kernel);
    return GANHPO_SUCCESS;
}

ganhpo_status gan_tune_clblast(ganhpo_device *dev)
{
    if (ganhpo_device_get_info(dev)->type != GANHPO_DEVICE_TYPE_CPU)
        return GANHPO_SUCCESS;
    cl_device_id id = ganhpo_device_id(dev);
    for (int i = 0; i < n_tuned; i++)
        if (tuned[i] == id)
            return GANHPO_SUCCESS;
    static const char *xg[] = {"GEMMK", "KREG", "KWG", "KWI", "MDIMA", "MDIMC", "MWG", "NDIMB",
                               "NDIMC", "NWG",  "SA",  "SB",  "STRM",  "STRN",  "VWM", "VWN"};
    static const size_t xg_v[] = {0, 1, 32, 2, 8, 8, 64, 8, 8, 64, 0, 0, 0, 0, 8, 8};
    static const char *xd[] = {"WGD",  "MDIMCD", "NDIMCD", "MDIMAD", "NDIMBD",
                               "KWID", "VWMD",   "VWND",   "PADA",   "PADB"};
    static const size_t xd_v[] = {32, 4, 4, 4, 4, 2, 4, 4, 0, 0};
    static const char *gr[] = {"XGEMM_MIN_INDIRECT_SIZE"};
    static const size_t gr_v[] = {192};
    GH_CHECK(override(id, "Xgemm", 16, xg, xg_v));
    GH_CHECK(override(id, "XgemmDirect", 10, xd, xd_v));
    GH_CHECK(override(id, "GemmRoutine", 1, gr, gr_v));
    if (n_tuned < 16)
        tuned[n_tuned++] = id;
    return GANHPO_SUCCESS;
}
