/* The paper's conditional MLP GAN trained on an OpenCL device (shared/SPEC.md section 2). */
#ifndef GANHPO_GAN_H
#define GANHPO_GAN_H

#include <libconfig.h>

#include "ganhpo/status.h"

/* The study file's `gan` section: training settings and the values of the six
 * hyperparameters that the search space does not vary. */
typedef struct {
    int noise_dim;          /* gan.noise_dim */
    int batch_size;         /* gan.batch_size */
    double lr_gen;          /* gan.lr_gen */
    double lr_disc;         /* gan.lr_disc */
    int gen_layersize;      /* gan.gen_layersize */
    int disc_layersize;     /* gan.disc_layersize */
    int epochs;             /* gan.epochs */
    int condition_discriminator; /* gan.condition_discriminator: D also sees the condition */
    double leaky_slope;     /* gan.leaky_slope */
    double bn_momentum;     /* gan.bn_momentum */
    double bn_epsilon;      /* gan.bn_epsilon */
    double adam_beta1;      /* gan.adam_beta1 */
    double adam_beta2;      /* gan.adam_beta2 */
    double adam_epsilon;    /* gan.adam_epsilon */
} ganhpo_gan_options;

/* Fills the defaults of SPEC section 2. */
void ganhpo_gan_options_default(ganhpo_gan_options *o);

/* Reads the `gan` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_gan_set_from_config(ganhpo_gan_options *o, const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_gan_write_config(const ganhpo_gan_options *o, config_setting_t *section);

/* Sets hyperparameter `name` (one of the six) to `value`; GANHPO_ERR_ARGUMENT if the name is
 * not a GAN hyperparameter or an integer one gets a non-integer or non-positive value. */
ganhpo_status ganhpo_gan_options_set(ganhpo_gan_options *o, const char *name, double value);

/* 1 if `name` is one of the six hyperparameters. */
int ganhpo_gan_is_hyperparameter(const char *name);

/* 1 if `name` is a hyperparameter that takes whole numbers (noise_dim, batch_size and the
 * layer sizes), 0 for the learning rates and for names that are not hyperparameters. */
int ganhpo_gan_is_integer_hyperparameter(const char *name);

#endif
