/* testutil.h: small helpers shared by the cmocka tests (temp paths, writing fixtures). */
#ifndef LK_TESTS_TESTUTIL_H
#define LK_TESTS_TESTUTIL_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* path = $LK_TEST_TMP/<pid>/name (directory created on first use). */
static inline void lk_test_tmp_path(char *out, size_t cap, const char *name)
{
    const char *base = getenv("LK_TEST_TMP");
    if (!base || !*base) base = "/tmp";
    char dir[400];
    snprintf(dir, sizeof dir, "%s/lk-%ld", base, (long)getpid());
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
