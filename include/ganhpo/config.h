/* Typed, validated reads of study-file (libconfig) settings, shared by every module's
 * *_set_from_config. Every error names the file, the line, the key's full path
 * ("gan.epochs", "space.[2].lower") and what would be right. A key that is absent leaves
 * the caller's default in place. Not collective over MPI. */
#ifndef GANHPO_CONFIG_H
#define GANHPO_CONFIG_H

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>

#include "ganhpo/status.h"

/* Checks the text of a study file before libconfig reads it: every @include names a
 * readable regular file (relative to include_dir, may be NULL), checked in turn, at most 10
 * levels deep; every integer literal fits the type libconfig gives it (32 bits, or 64 with
 * the suffix L), so nothing is wrapped or clamped. Errors name file:line:column. */
ganhpo_status ganhpo_config_check_file(const char *path, const char *include_dir);

/* The same for `size` bytes of text in memory, named `name` in messages. */
ganhpo_status ganhpo_config_check_text(const char *text, size_t size, const char *name,
                                       const char *include_dir);

/* The file a setting was read from: libconfig's record, or for a file read through a stream
 * (one that starts with a UTF-8 byte-order mark, which libconfig's reader refuses) the path
 * that ganhpo_config_read_file stored in the root setting. NULL when unknown. */
const char *ganhpo_config_source_file(const config_setting_t *setting);

/* config_read_file, except that a UTF-8 byte-order mark at the start is skipped (editors on
 * some systems write one). `path` must outlive the settings read. Returns CONFIG_TRUE or
 * CONFIG_FALSE with libconfig's error as config_read_file does (an unopenable file is a
 * CONFIG_ERR_FILE_IO). */
int ganhpo_config_read_file(config_t *c, const char *path);

/* Raises `status` with "FILE:LINE: key 'PATH': " followed by the printf-style message. */
ganhpo_status ganhpo_config_raise(const config_setting_t *setting, ganhpo_status status,
                                  const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Writes the setting's full path ("data.target_columns.[1]") into buf. */
void ganhpo_config_path(const config_setting_t *setting, char *buf, size_t size);

/* Fails with GANHPO_ERR_CONFIG_KEY on the first member of `group` whose name is not in the
 * NULL-terminated `allowed` list, naming the closest allowed key when one is near.
 * Fails with GANHPO_ERR_CONFIG_TYPE if `group` is not a group. */
ganhpo_status ganhpo_config_check_keys(const config_setting_t *group, const char *const *allowed);

/* The member `key` of `parent` if present (else *out = NULL); fails if it is not a group. */
ganhpo_status ganhpo_config_group(const config_setting_t *parent, const char *key,
                                  const config_setting_t **out);

/* Fails with GANHPO_ERR_CONFIG_KEY if `group` has no member `key`. */
ganhpo_status ganhpo_config_require(const config_setting_t *group, const char *key);

/* Integer member in [lo, hi]; floats are rejected with a message saying an integer is due. */
ganhpo_status ganhpo_config_int(const config_setting_t *group, const char *key, long long lo,
                                long long hi, long long *inout);

/* The same for a setting itself (a list element). */
ganhpo_status ganhpo_config_int_value(const config_setting_t *setting, long long lo, long long hi,
                                      long long *out);

/* Number (integer or float) member in [lo, hi]; NaN and Inf are rejected. lo = DBL_MIN reads
 * as "must be > 0" and hi = DBL_MAX as "no upper limit" in messages. */
ganhpo_status ganhpo_config_double(const config_setting_t *group, const char *key, double lo,
                                   double hi, double *inout);

/* The same for a setting itself. */
ganhpo_status ganhpo_config_double_value(const config_setting_t *setting, double lo, double hi,
                                         double *out);

/* Boolean member (true / false). */
ganhpo_status ganhpo_config_bool(const config_setting_t *group, const char *key, int *inout);

/* String member copied into buf; longer than size - 1 is an error. */
ganhpo_status ganhpo_config_string(const config_setting_t *group, const char *key, char *buf,
                                   size_t size);

/* String setting that must be one of the NULL-terminated `choices`; *out is its index. An
 * unknown value is reported with the closest choice. */
ganhpo_status ganhpo_config_choice_value(const config_setting_t *setting,
                                         const char *const *choices, int *out);

/* String member that must be one of the NULL-terminated `choices`; *inout is its index. */
ganhpo_status ganhpo_config_choice(const config_setting_t *group, const char *key,
                                   const char *const *choices, int *inout);

/* Array or list member of integers in [lo, hi], at most `max` of them; absent keeps *n. */
ganhpo_status ganhpo_config_int_array(const config_setting_t *group, const char *key, long long lo,
                                      long long hi, int *out, int max, int *n);

/* Adds a member of the given type to `group` for writing a resolved study (NULL on error). */
config_setting_t *ganhpo_config_add(config_setting_t *group, const char *key, int type);

/* Adds an integer member (64-bit when it does not fit 32 bits); key NULL for a list element. */
ganhpo_status ganhpo_config_add_int(config_setting_t *group, const char *key, long long value);

/* Adds a floating-point member. */
ganhpo_status ganhpo_config_add_double(config_setting_t *group, const char *key, double value);

/* Adds a boolean member. */
ganhpo_status ganhpo_config_add_bool(config_setting_t *group, const char *key, int value);

/* Adds a string member (copied). */
ganhpo_status ganhpo_config_add_string(config_setting_t *group, const char *key, const char *value);

/* Adds an array of n integers. */
ganhpo_status ganhpo_config_add_int_array(config_setting_t *group, const char *key,
                                          const int *values, int n);

/* Prints the members of `group` as libconfig text at the given indent (spaces). Floats are
 * printed with the fewest digits that read back to the same double, so a printed study
 * loads to exactly the same values. */
void ganhpo_config_print(const config_setting_t *group, int indent, FILE *f);

/* The setting `section`.`key` below root (the section itself when key is NULL), or NULL
 * when absent (a default was used). */
const config_setting_t *ganhpo_config_find(const config_setting_t *root, const char *section,
                                           const char *key);

/* Raises GANHPO_ERR_CONFIG_VALUE at the first of a and b that exists (FILE:LINE: key
 * 'PATH': message), or, when the user set neither, names `file` and the default `key`. */
ganhpo_status ganhpo_config_raise_at(const char *file, const char *key, const config_setting_t *a,
                                     const config_setting_t *b, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
