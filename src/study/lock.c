/* The exclusive lock of a study's output directory: DIR/study.lock names its holder (host,
 * pid, start time). It is created by writing a private file and link(2)-ing it to the lock
 * name, which is atomic on local file systems and on NFS (where O_EXCL was not always, and
 * flock may be unsupported or local to one client); a file system without hard links falls
 * back to open(O_CREAT | O_EXCL). A lock whose holder is a dead process on this host is
 * taken over; one held from another host is only ever reported. */
#include "ganhpo/study.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { LOCK_TEXT = 512, LOCK_PATH = 1200 };

struct ganhpo_study_lock {
    char path[LOCK_PATH];
    char text[LOCK_TEXT]; /* what we wrote: released only while the file still says so */
};

/* The holder as read from a lock file. */
typedef struct {
    char host[256];
    long pid;
    char started[64];
} holder;

static void lock_text(char *text, size_t cap)
{
    char host[256] = "unknown", when[64];
    gethostname(host, sizeof host - 1);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(text, cap, "host %s\npid %ld\nstarted %s\n", host, (long)getpid(), when);
}

/* Reads up to cap - 1 bytes of path into buf; -1 with errno when it cannot be opened. */
static int read_text(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return 0;
}

static int parse_holder(const char *text, holder *h)
{
    memset(h, 0, sizeof *h);
    return sscanf(text, "host %255s pid %ld started %63s", h->host, &h->pid, h->started) == 3 &&
           h->pid > 0;
}

static ganhpo_status write_file(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0 && errno == EEXIST)
        return GANHPO_ERR_STATE;
    if (fd < 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot create lock file '%s': %s", path, strerror(errno));
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    int err = errno;
    close(fd);
    if (!ok)
        GH_RAISE(GANHPO_ERR_IO, "cannot write lock file '%s': %s", path, strerror(err));
    return GANHPO_SUCCESS;
}

/* One attempt to create the lock: GANHPO_SUCCESS, GANHPO_ERR_STATE when it exists (no error
 * raised), or an I/O error. */
static ganhpo_status try_create(const ganhpo_study_lock *l, const char *mine)
{
    if (link(mine, l->path) == 0)
        return GANHPO_SUCCESS;
    int err = errno;
    struct stat sb;
    /* NFS may report a failure for a link whose reply was lost: the link count tells. */
    if (err != EEXIST && stat(mine, &sb) == 0 && sb.st_nlink == 2)
        return GANHPO_SUCCESS;
    if (err == EEXIST)
        return GANHPO_ERR_STATE;
    if (err == EPERM || err == ENOTSUP || err == EOPNOTSUPP || err == ENOSYS)
        return write_file(l->path, l->text, O_EXCL);
    GH_RAISE(GANHPO_ERR_IO, "cannot create lock file '%s': %s", l->path, strerror(err));
}

static int holder_is_dead_here(const holder *h)
{
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    return strcmp(h->host, host) == 0 && kill((pid_t)h->pid, 0) != 0 && errno == ESRCH;
}

/* Moves a stale lock that still reads `seen` out of the way. Two processes may find the
 * same stale lock: the rename moves one file only once, and a file that no longer reads
 * `seen` (a fresh lock taken in between) is put back. */
static ganhpo_status remove_stale(const ganhpo_study_lock *l, const char *seen)
{
    char aside[LOCK_PATH + 32], now[LOCK_TEXT];
    snprintf(aside, sizeof aside, "%s.stale.%ld", l->path, (long)getpid());
    if (rename(l->path, aside) != 0) {
        if (errno == ENOENT)
            return GANHPO_SUCCESS; /* another process moved it first */
        GH_RAISE(GANHPO_ERR_IO, "cannot move stale lock '%s': %s", l->path, strerror(errno));
    }
    if (read_text(aside, now, sizeof now) == 0 && strcmp(now, seen) != 0 && link(aside, l->path))
        GH_RAISE(GANHPO_ERR_IO, "cannot restore lock '%s': %s", l->path, strerror(errno));
    unlink(aside);
    return GANHPO_SUCCESS;
}

static ganhpo_status report_holder(const ganhpo_study_lock *l, const char *dir, const holder *h,
                                   int readable)
{
    if (!readable)
        GH_RAISE(GANHPO_ERR_STATE,
                 "output directory '%s' is locked by another ganhpo study (%s exists but does "
                 "not name its holder); if no study is running there, delete that file",
                 dir, l->path);
    GH_RAISE(GANHPO_ERR_STATE,
             "output directory '%s' is in use by another ganhpo study: host %s, pid %ld, started "
             "%s (lock file %s); wait for it to end, or if that process is gone, delete the lock "
             "file",
             dir, h->host, h->pid, h->started, l->path);
}

/* Creates the lock, taking over a stale one; mine is the private file linked from. */
static ganhpo_status acquire(ganhpo_study_lock *l, const char *dir, const char *mine,
                             FILE *progress)
{
    for (int attempt = 0; attempt < 3; attempt++) {
        ganhpo_status s = try_create(l, mine);
        if (s != GANHPO_ERR_STATE)
            return s;
        char seen[LOCK_TEXT];
        holder h;
        if (read_text(l->path, seen, sizeof seen) != 0) {
            if (errno == ENOENT)
                continue; /* released meanwhile */
            GH_RAISE(GANHPO_ERR_IO, "cannot read lock file '%s': %s", l->path, strerror(errno));
        }
        int readable = parse_holder(seen, &h);
        if (!readable || !holder_is_dead_here(&h))
            return report_holder(l, dir, &h, readable);
        fprintf(progress,
                "warning: taking over the lock of '%s' from pid %ld on %s (started %s), which "
                "no longer runs\n",
                dir, h.pid, h.host, h.started);
        fflush(progress);
        GH_CHECK(remove_stale(l, seen));
    }
    GH_RAISE(GANHPO_ERR_STATE, "output directory '%s': the lock %s keeps changing hands", dir,
             l->path);
}

ganhpo_status ganhpo_study_lock_acquire(const char *dir, FILE *progress, ganhpo_study_lock **out)
{
    *out = NULL;
    ganhpo_study_lock *l = calloc(1, sizeof *l);
    if (!l)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a lock");
    char mine[LOCK_PATH + 32];
    snprintf(l->path, sizeof l->path, "%s/study.lock", dir);
    snprintf(mine, sizeof mine, "%s.%ld", l->path, (long)getpid());
    lock_text(l->text, sizeof l->text);
    ganhpo_status s = write_file(mine, l->text, O_TRUNC);
    if (s == GANHPO_SUCCESS)
        s = acquire(l, dir, mine, progress);
    unlink(mine);
    if (s != GANHPO_SUCCESS) {
        free(l);
        return s;
    }
    *out = l;
    return GANHPO_SUCCESS;
}

void ganhpo_study_lock_release(ganhpo_study_lock **lock)
{
    if (!lock || !*lock)
        return;
    char now[LOCK_TEXT];
    if (read_text((*lock)->path, now, sizeof now) == 0 && strcmp(now, (*lock)->text) == 0)
        unlink((*lock)->path);
    free(*lock);
    *lock = NULL;
}
