/* A pass over a study file's text before libconfig reads it, for what libconfig 1.5 gets
 * wrong without a word: it wraps an integer literal to 32 bits unless it carries the L
 * suffix (4294967304 reads as 8), clamps a 64-bit one (a seed of 2^64 + 1 reads as -1), and
 * its scanner calls exit() when an @include names a directory. Float literals are left to
 * libconfig (strtod) and the keys' readers, which reject an overflow (1e999 reads as inf) and
 * accept an underflow (1e-400 reads as 0). */
#include "ganhpo/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MAX_INCLUDE_DEPTH = 10, MAX_TEXT = 64 << 20 };

typedef struct {
    const char *name; /* the file, for messages */
    const char *dir;  /* where @include paths are relative to */
    const char *text, *p, *end;
    int depth;
} lexer;

static void position(const lexer *x, const char *at, int *line, int *col)
{
    *line = 1;
    const char *start = x->text;
    for (const char *q = x->text; q < at; q++)
        if (*q == '\n') {
            (*line)++;
            start = q + 1;
        }
    *col = (int)(at - start) + 1;
}

static ganhpo_status raise_at(const lexer *x, const char *at, ganhpo_status st, const char *what,
                              const char *fix)
{
    int line, col;
    position(x, at, &line, &col);
    return ganhpo_error_raise(st, __FILE__, __LINE__, __func__, "%s:%d:%d: %s; %s", x->name, line,
                              col, what, fix);
}

static int is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
}

static int is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static void skip_comment_or_string(lexer *x)
{
    const char *p = x->p;
    if (*p == '#' || (*p == '/' && p + 1 < x->end && p[1] == '/')) {
        while (p < x->end && *p != '\n')
            p++;
    } else if (*p == '/' && p + 1 < x->end && p[1] == '*') {
        for (p += 2; p + 1 < x->end && !(p[0] == '*' && p[1] == '/');)
            p++;
        p = p + 2 <= x->end ? p + 2 : x->end;
    } else { /* a string */
        for (p++; p < x->end && *p != '"'; p++)
            if (*p == '\\' && p + 1 < x->end)
                p++;
        p = p < x->end ? p + 1 : p;
    }
    x->p = p;
}

/* An integer literal of `len` characters at x->p: [-+]digits or 0xHEX, then L or LL. */
static ganhpo_status check_integer(const lexer *x, size_t len, int hex, int wide)
{
    char tok[80], what[200];
    snprintf(tok, sizeof tok, "%.*s", (int)(len < 70 ? len : 70), x->p);
    errno = 0;
    long long v = hex ? (long long)strtoull(tok, NULL, 16) : strtoll(tok, NULL, 10);
    int range = errno == ERANGE || len >= 70 || (hex && (unsigned long long)v > LLONG_MAX);
    if (range || (!wide && (v > INT_MAX || v < INT_MIN))) {
        snprintf(what, sizeof what, "the integer %s does not fit in %d bits", tok,
                 wide || range ? 64 : 32);
        return raise_at(x, x->p, GANHPO_ERR_CONFIG_VALUE, what,
                        wide || range ? "integers lie in -9223372036854775808 .. "
                                        "9223372036854775807"
                                      : "write it with the suffix L (a 64-bit integer) where the "
                                        "key allows such values");
    }
    return GANHPO_SUCCESS;
}

/* A number at x->p (a sign, a digit or a '.' followed by a digit): checked and skipped. */
static ganhpo_status number(lexer *x)
{
    const char *p = x->p + (*x->p == '-' || *x->p == '+');
    if (p + 1 < x->end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        for (p += 2; p < x->end && is_hex(*p);)
            p++;
    } else {
        while (p < x->end && is_digit(*p))
            p++;
        if (p < x->end && (*p == '.' || *p == 'e' || *p == 'E')) {
            /* a float: libconfig reads it as a double and the key's reader checks it */
            for (p++; p < x->end && (is_digit(*p) || *p == 'e' || *p == 'E' ||
                                     ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')));)
                p++;
            x->p = p;
            return GANHPO_SUCCESS;
        }
    }
    size_t len = (size_t)(p - x->p);
    int wide = p < x->end && *p == 'L';
    int hex = memchr(x->p, 'x', len) || memchr(x->p, 'X', len);
    GH_CHECK(check_integer(x, len, hex, wide));
    while (p < x->end && *p == 'L')
        p++;
    x->p = p;
    return GANHPO_SUCCESS;
}

static ganhpo_status check_file(const char *path, const char *dir, int depth);

/* The file an @include names: a readable regular file, checked in turn. */
static ganhpo_status include(lexer *x)
{
    const char *at = x->p;
    const char *q = x->p + strlen("@include");
    while (q < x->end && (*q == ' ' || *q == '\t'))
        q++;
    const char *close = q < x->end && *q == '"' ? memchr(q + 1, '"', (size_t)(x->end - q - 1)) : 0;
    if (!close)
        return raise_at(x, at, GANHPO_ERR_CONFIG_SYNTAX, "@include without a file name",
                        "write @include \"FILE\"");
    char path[2048], what[2300];
    int rel = q[1] != '/' && x->dir && x->dir[0];
    snprintf(path, sizeof path, "%s%s%.*s", rel ? x->dir : "", rel ? "/" : "", (int)(close - q - 1),
             q + 1);
    x->p = close + 1;
    if (x->depth + 1 > MAX_INCLUDE_DEPTH)
        return raise_at(x, at, GANHPO_ERR_CONFIG_SYNTAX, "@include nested too deeply",
                        "files may include each other at most 10 levels deep (a cycle?)");
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        snprintf(what, sizeof what, "@include \"%s\": %s", path,
                 stat(path, &sb) != 0 ? strerror(errno) : "not a regular file");
        return raise_at(x, at, GANHPO_ERR_CONFIG_SYNTAX, what, "include a readable study file");
    }
    return check_file(path, x->dir, x->depth + 1);
}

static ganhpo_status check_text(const char *text, size_t n, const char *name, const char *dir,
                                int depth)
{
    lexer x = {name, dir, text, text, text + n, depth};
    while (x.p < x.end) {
        char c = *x.p, next = x.p + 1 < x.end ? x.p[1] : '\0';
        if (c == '#' || c == '"' || (c == '/' && (next == '/' || next == '*')))
            skip_comment_or_string(&x);
        else if (c == '@' && (size_t)(x.end - x.p) > 8 && strncmp(x.p, "@include", 8) == 0)
            GH_CHECK(include(&x));
        else if (is_name_start(c))
            while (x.p < x.end && is_name_char(*x.p))
                x.p++;
        else if (is_digit(c) || ((c == '-' || c == '+' || c == '.') && is_digit(next)) ||
                 ((c == '-' || c == '+') && next == '.'))
            GH_CHECK(number(&x));
        else
            x.p++;
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_check_text(const char *text, size_t size, const char *name,
                                       const char *include_dir)
{
    return check_text(text, size, name, include_dir, 0);
}

static ganhpo_status check_file(const char *path, const char *dir, int depth)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > MAX_TEXT) {
        close(fd);
        GH_RAISE(GANHPO_ERR_IO, "'%s' is not a regular file of at most %d MiB", path,
                 MAX_TEXT >> 20);
    }
    char *text = malloc((size_t)sb.st_size + 1);
    if (!text) {
        close(fd);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for '%s'", path);
    }
    ssize_t n = read(fd, text, (size_t)sb.st_size);
    int err = errno;
    close(fd);
    ganhpo_status s = n < 0 ? ganhpo_error_raise(GANHPO_ERR_IO, __FILE__, __LINE__, __func__,
                                                 "cannot read '%s': %s", path, strerror(err))
                            : check_text(text, (size_t)n, path, dir, depth);
    free(text);
    return s;
}

ganhpo_status ganhpo_config_check_file(const char *path, const char *include_dir)
{
    return check_file(path, include_dir, 0);
}
