/* testutil.h: small helpers shared by the cmocka tests (temp paths, writing fixtures). */
#ifndef LK_TESTS_TESTUTIL_H
#define LK_TESTS_TESTUTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Remove path and, for a directory, everything below it. remove() unlinks a symlink itself
   (never its target); a directory that remove() cannot delete is opened and emptied first
   (made writable for tests that chmod a directory read-only). */
static inline void lk_test_rm_tree(const char *path)
{
    if (remove(path) == 0 || errno == ENOENT) return;
    chmod(path, 0700);
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
            char child[4096];
            if ((size_t)snprintf(child, sizeof child, "%s/%s", path, e->d_name) < sizeof child)
                lk_test_rm_tree(child);
        }
        closedir(d);
    }
    remove(path);
}

/* The test process's temp directory, removed when it exits (LK_TEST_KEEP=1 keeps it). */
static inline char *lk_test__dir(long *owner)
{
    static char dir[400];
    static long pid;
    if (owner) *owner = pid;
    if (!dir[0]) pid = (long)getpid();
    return dir;
}

static inline void lk_test__cleanup(void)
{
    long owner;
    char *dir = lk_test__dir(&owner);
    const char *keep = getenv("LK_TEST_KEEP");
    if (dir[0] && owner == (long)getpid() && !(keep && *keep && strcmp(keep, "0") != 0))
        lk_test_rm_tree(dir);
}

/* path = $LK_TEST_TMP/lk-<pid>/name (directory created on first use, removed at exit). */
static inline void lk_test_tmp_path(char *out, size_t cap, const char *name)
{
    const char *base = getenv("LK_TEST_TMP");
    if (!base || !*base) base = "/tmp";
    char *dir = lk_test__dir(NULL);
    if (!dir[0]) {
        snprintf(dir, 400, "%s/lk-%ld", base, (long)getpid());
        atexit(lk_test__cleanup);
    }
    mkdir(base, 0777);
    mkdir(dir, 0777);
    snprintf(out, cap, "%s/%s", dir, name);
}

static inline void lk_test_write_file(const char *path, const char *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    if (!fp) abort();
    if (n && fwrite(data, 1, n, fp) != n) abort();
    fclose(fp);
}

/* The whole file (malloc'd, NUL-terminated; length in *n); aborts when it cannot be read. */
static inline unsigned char *lk_test_slurp(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    if (!fp || fseek(fp, 0, SEEK_END) != 0) abort();
    long len = ftell(fp);
    unsigned char *buf = len < 0 ? NULL : malloc((size_t)len + 1);
    if (!buf || fseek(fp, 0, SEEK_SET) != 0 || fread(buf, 1, (size_t)len, fp) != (size_t)len)
        abort();
    fclose(fp);
    buf[len] = 0;
    *n = (size_t)len;
    return buf;
}

/* Number of entries in dir whose name starts with prefix. */
static inline int lk_test_count_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    closedir(d);
    return n;
}

#endif
