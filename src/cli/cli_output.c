/* Stopping cleanly on SIGINT / SIGTERM, and outputs written under a temporary name next to
 * their place and moved there only when complete, so an interrupted or failed command
 * leaves the previous output as it was. */
#define _XOPEN_SOURCE 700
#include "cli/cli.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static volatile sig_atomic_t caught;

static void record(int sig)
{
    caught = sig;
}

void ganhpo_cli_catch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = record;
    sa.sa_flags = SA_RESETHAND; /* a second signal ends the process as usual */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

int ganhpo_cli_signal(void)
{
    return (int)caught;
}

ganhpo_status ganhpo_cli_check_signal(void)
{
    if (caught)
        GH_RAISE(GANHPO_ERR_INTERRUPTED, "interrupted by %s",
                 caught == SIGINT ? "SIGINT" : "SIGTERM");
    return GANHPO_SUCCESS;
}

void ganhpo_cli_temp_name(const char *path, char *tmp, size_t cap)
{
    snprintf(tmp, cap, "%s.tmp-%ld", path, (long)getpid());
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) != 0 && errno != ENOENT;
}

void ganhpo_cli_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Moves tmp onto path; an existing directory at path is moved aside first and removed. */
static int move_into_place(const char *cmd, const char *tmp, const char *path)
{
    char old[2100];
    struct stat sb;
    int dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    snprintf(old, sizeof old, "%s.old-%ld", path, (long)getpid());
    if (dir && rename(path, old) != 0) {
        fprintf(stderr, "ganhpo %s: cannot move %s aside: %s; the new output is in %s\n", cmd, path,
                strerror(errno), tmp);
        return GANHPO_EXIT_FAILURE;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "ganhpo %s: cannot rename %s to %s: %s\n", cmd, tmp, path, strerror(errno));
        if (dir)
            rename(old, path);
        return GANHPO_EXIT_FAILURE;
    }
    if (dir)
        ganhpo_cli_remove_tree(old);
    return 0;
}

int ganhpo_cli_put_in_place(const char *cmd, const char *tmp, const char *path, int rc)
{
    if (rc == 0 && !caught)
        return move_into_place(cmd, tmp, path);
    ganhpo_cli_remove_tree(tmp);
    if (caught)
        fprintf(stderr, "ganhpo %s: interrupted by %s; %s left as it was\n", cmd,
                caught == SIGINT ? "SIGINT" : "SIGTERM", path);
    return rc ? rc : GANHPO_EXIT_FAILURE;
}
