/* The study file's `gan` section: the six hyperparameters, when the space does not vary them,
 * and the training settings of SPEC section 2. */
#include "ganhpo/config.h"
#include "ganhpo/gan.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

/* One table drives reading, writing and ganhpo_gan_options_set, so the space's endpoints
 * are held to exactly the ranges the section is. */
typedef struct {
    const char *name;
    int is_int;
    double lo, hi;
    size_t offset;
} hyperparameter;

static const hyperparameter hyper[] = {
    {"noise_dim", 1, 1, 4096, offsetof(ganhpo_gan_options, noise_dim)},
    {"batch_size", 1, 1, 1048576, offsetof(ganhpo_gan_options, batch_size)},
    {"lr_gen", 0, DBL_MIN, 1, offsetof(ganhpo_gan_options, lr_gen)},
    {"lr_disc", 0, DBL_MIN, 1, offsetof(ganhpo_gan_options, lr_disc)},
    {"gen_layersize", 1, 1, GANHPO_GAN_MAX_LAYERSIZE, offsetof(ganhpo_gan_options, gen_layersize)},
    {"disc_layersize", 1, 1, GANHPO_GAN_MAX_LAYERSIZE,
     offsetof(ganhpo_gan_options, disc_layersize)},
};
enum { N_HYPER = sizeof hyper / sizeof hyper[0] };

static const char *const keys[] = {
    "noise_dim",     "batch_size",     "lr_gen",         "lr_disc",
    "gen_layersize", "disc_layersize", "epochs",         "condition_discriminator",
    "leaky_slope",   "bn_momentum",    "bn_epsilon",     "adam_beta1",
    "adam_beta2",    "adam_epsilon",   "disc_batchnorm", NULL};

/* gan.disc_batchnorm values, in ganhpo_disc_batchnorm order. */
static const char *const disc_batchnorm_names[] = {"joint", "separate", "none", NULL};

void ganhpo_gan_options_default(ganhpo_gan_options *o)
{
    memset(o, 0, sizeof *o);
    o->noise_dim = 4;
    o->batch_size = 512;
    o->lr_gen = 1e-4;
    o->lr_disc = 1e-4;
    o->gen_layersize = 256;
    o->disc_layersize = 256;
    o->epochs = 20;
    o->condition_discriminator = 1;
    o->disc_batchnorm = GANHPO_DISC_BATCHNORM_JOINT;
    o->leaky_slope = 0.3;
    o->bn_momentum = 0.99;
    o->bn_epsilon = 1e-3;
    o->adam_beta1 = 0.9;
    o->adam_beta2 = 0.999;
    o->adam_epsilon = 1e-7;
}

const char *ganhpo_gan_disc_batchnorm_name(ganhpo_disc_batchnorm b)
{
    return (unsigned)b <= GANHPO_DISC_BATCHNORM_NONE ? disc_batchnorm_names[b] : "?";
}

static const hyperparameter *find(const char *name)
{
    for (int i = 0; i < N_HYPER; i++)
        if (strcmp(hyper[i].name, name) == 0)
            return &hyper[i];
    return NULL;
}

int ganhpo_gan_is_hyperparameter(const char *name)
{
    return find(name) != NULL;
}

int ganhpo_gan_is_integer_hyperparameter(const char *name)
{
    const hyperparameter *h = find(name);
    return h && h->is_int;
}

ganhpo_status ganhpo_gan_options_set(ganhpo_gan_options *o, const char *name, double value)
{
    const hyperparameter *h = find(name);
    if (!h)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "'%s' is not a GAN hyperparameter (noise_dim, batch_size, lr_gen, lr_disc, "
                 "gen_layersize, disc_layersize)",
                 name);
    if (!isfinite(value) || value < h->lo || value > h->hi)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "%s = %.9g is out of range; allowed: %s%.9g to %.9g", name,
                 value, h->is_int ? "" : "> 0, ", h->is_int ? h->lo : 0.0, h->hi);
    if (h->is_int && value != floor(value))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "%s = %.9g must be a whole number", name, value);
    char *field = (char *)o + h->offset;
    if (h->is_int)
        *(int *)field = (int)value;
    else
        *(double *)field = value;
    return GANHPO_SUCCESS;
}

static ganhpo_status read_hyperparameters(ganhpo_gan_options *o, const config_setting_t *section)
{
    for (int i = 0; i < N_HYPER; i++) {
        char *field = (char *)o + hyper[i].offset;
        if (hyper[i].is_int) {
            long long v = *(int *)field;
            GH_CHECK(ganhpo_config_int(section, hyper[i].name, (long long)hyper[i].lo,
                                       (long long)hyper[i].hi, &v));
            *(int *)field = (int)v;
        } else {
            GH_CHECK(ganhpo_config_double(section, hyper[i].name, hyper[i].lo, hyper[i].hi,
                                          (double *)field));
        }
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_set_from_config(ganhpo_gan_options *o, const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    GH_CHECK(read_hyperparameters(o, section));
    long long epochs = o->epochs;
    GH_CHECK(ganhpo_config_int(section, "epochs", 1, 1000000, &epochs));
    o->epochs = (int)epochs;
    GH_CHECK(ganhpo_config_bool(section, "condition_discriminator", &o->condition_discriminator));
    int bn = (int)o->disc_batchnorm;
    GH_CHECK(ganhpo_config_choice(section, "disc_batchnorm", disc_batchnorm_names, &bn));
    o->disc_batchnorm = (ganhpo_disc_batchnorm)bn;
    GH_CHECK(ganhpo_config_double(section, "leaky_slope", 0, 1, &o->leaky_slope));
    GH_CHECK(ganhpo_config_double(section, "bn_momentum", 0, 0.999999, &o->bn_momentum));
    GH_CHECK(ganhpo_config_double(section, "bn_epsilon", DBL_MIN, 1, &o->bn_epsilon));
    GH_CHECK(ganhpo_config_double(section, "adam_beta1", 0, 0.999999, &o->adam_beta1));
    GH_CHECK(ganhpo_config_double(section, "adam_beta2", 0, 0.999999, &o->adam_beta2));
    GH_CHECK(ganhpo_config_double(section, "adam_epsilon", DBL_MIN, 1, &o->adam_epsilon));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_write_config(const ganhpo_gan_options *o, config_setting_t *section)
{
    for (int i = 0; i < N_HYPER; i++) {
        const char *field = (const char *)o + hyper[i].offset;
        if (hyper[i].is_int)
            GH_CHECK(ganhpo_config_add_int(section, hyper[i].name, *(const int *)field));
        else
            GH_CHECK(ganhpo_config_add_double(section, hyper[i].name, *(const double *)field));
    }
    GH_CHECK(ganhpo_config_add_int(section, "epochs", o->epochs));
    GH_CHECK(
        ganhpo_config_add_bool(section, "condition_discriminator", o->condition_discriminator));
    GH_CHECK(ganhpo_config_add_string(section, "disc_batchnorm",
                                      ganhpo_gan_disc_batchnorm_name(o->disc_batchnorm)));
    GH_CHECK(ganhpo_config_add_double(section, "leaky_slope", o->leaky_slope));
    GH_CHECK(ganhpo_config_add_double(section, "bn_momentum", o->bn_momentum));
    GH_CHECK(ganhpo_config_add_double(section, "bn_epsilon", o->bn_epsilon));
    GH_CHECK(ganhpo_config_add_double(section, "adam_beta1", o->adam_beta1));
    GH_CHECK(ganhpo_config_add_double(section, "adam_beta2", o->adam_beta2));
    GH_CHECK(ganhpo_config_add_double(section, "adam_epsilon", o->adam_epsilon));
    return GANHPO_SUCCESS;
}
