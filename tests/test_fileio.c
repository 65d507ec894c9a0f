/* Tests for text/fileio.c and text/error.c. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testutil.h"
#include "text/fileio.h"

static void test_crc32_check_value(void **state)
{
    (void)state;
    /* The CRC-32/ISO-HDLC check value of "123456789" is 0xCBF43926. */
    assert_int_equal(lk_crc32(0, "123456789", 9), 0xCBF43926u);
    /* Incremental = one shot. */
    uint32_t c = lk_crc32(0, "1234", 4);
    assert_int_equal(lk_crc32(c, "56789", 5), 0xCBF43926u);
    assert_int_equal(lk_crc32(0, "", 0), 0u);
}

static void test_le_fields(void **state)
{
    (void)state;
    unsigned char b[8];
    lk_put_u32(b, 0x01020304u);
    assert_int_equal(b[0], 4);
    assert_int_equal(b[3], 1);
    assert_int_equal(lk_get_u32(b), 0x01020304u);
    lk_put_u64(b, 0x0102030405060708ull);
    assert_int_equal(b[0], 8);
    assert_true(lk_get_u64(b) == 0x0102030405060708ull);
    lk_put_f32(b, -1.5f);
    assert_true(lk_get_f32(b) == -1.5f);
    lk_put_f64(b, 0.1);
    assert_true(lk_get_f64(b) == 0.1);
}

static void read_lines_cr(const char *path, bool lone_cr, char ***lines, size_t *n)
{
    lk_line_reader *r = NULL;
    lk_error err;
    assert_int_equal(lk_line_reader_open(path, &r, &err), LK_OK);
    lk_line_reader_set_lone_cr(r, lone_cr);
    *lines = NULL;
    *n = 0;
    for (;;) {
        const char *l;
        size_t len;
        bool got;
        assert_int_equal(lk_line_reader_next(r, &l, &len, &got, &err), LK_OK);
        if (!got) break;
        assert_int_equal(strlen(l), len);
        *lines = realloc(*lines, (*n + 1) * sizeof **lines);
        (*lines)[*n] = strdup(l);
        (*n)++;
        assert_int_equal(lk_line_reader_lineno(r), (int64_t)*n);
    }
    lk_line_reader_free(r);
}

static void read_all_lines(const char *path, char ***lines, size_t *n)
{
    read_lines_cr(path, false, lines, n);
}

static void free_lines(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++) free(lines[i]);
    free(lines);
}

static void test_line_reader_crlf_bom_lastline(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "lines.txt");
    lk_test_write_file(path, "\xEF\xBB\xBF" "first\r\nsecond\n\nlast", 22);
    char **lines;
    size_t n;
    read_all_lines(path, &lines, &n);
    assert_int_equal(n, 4);
    assert_string_equal(lines[0], "first");
    assert_string_equal(lines[1], "second");
    assert_string_equal(lines[2], "");
    assert_string_equal(lines[3], "last");
    free_lines(lines, n);
}

/* A lone "\r" ends a line when asked (raw text), "\r\n" stays one break even when the
   read chunk ends between its two bytes; off, "\r" inside a line is kept (CoNLL-U, JSONL). */
static void test_line_reader_lone_cr(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "cr.txt");
    lk_test_write_file(path, "\xEF\xBB\xBF" "a\rb\r\nc\n\rd\r", 13);
    char **lines;
    size_t n;
    read_lines_cr(path, true, &lines, &n);
    assert_int_equal(n, 5);
    assert_string_equal(lines[0], "a");
    assert_string_equal(lines[1], "b");
    assert_string_equal(lines[2], "c");
    assert_string_equal(lines[3], "");
    assert_string_equal(lines[4], "d");
    free_lines(lines, n);
    read_lines_cr(path, false, &lines, &n);
    assert_int_equal(n, 3);
    assert_string_equal(lines[0], "a\rb");
    assert_string_equal(lines[1], "c");
    assert_string_equal(lines[2], "\rd");
    free_lines(lines, n);
    /* "\r\n" across the first read (64 KiB): the '\r' is the chunk's last byte */
    size_t first = 65535, total = first + 4;
    char *buf = malloc(total);
    memset(buf, 'x', first);
    memcpy(buf + first, "\r\ny\r", 4);
    lk_test_write_file(path, buf, total);
    read_lines_cr(path, true, &lines, &n);
    assert_int_equal(n, 2);
    assert_int_equal(strlen(lines[0]), first);
    assert_string_equal(lines[1], "y");
    free_lines(lines, n);
    free(buf);
}

static void test_line_span(void **state)
{
    (void)state;
    size_t len, next;
    lk_line_span("ab\r\ncd", 6, true, &len, &next);
    assert_int_equal(len, 2);
    assert_int_equal(next, 4);
    lk_line_span("ab\rcd", 5, true, &len, &next);
    assert_int_equal(len, 2);
    assert_int_equal(next, 3);
    lk_line_span("ab\rcd", 5, false, &len, &next); /* the last line, "\r" kept inside */
    assert_int_equal(len, 5);
    assert_int_equal(next, 5);
    lk_line_span("ab\r", 3, false, &len, &next); /* a final "\r" dropped, as the reader */
    assert_int_equal(len, 2);
    assert_int_equal(next, 3);
    lk_line_span("\n", 1, false, &len, &next);
    assert_int_equal(len, 0);
    assert_int_equal(next, 1);
}

static void test_line_reader_long_line(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "long.txt");
    size_t big = 3u * 1024 * 1024 + 17; /* longer than 1 MB and than the read chunk */
    char *buf = malloc(big + 8);
    for (size_t i = 0; i < big; i++) buf[i] = (char)('a' + i % 26);
    memcpy(buf + big, "\nxy\n", 4);
    lk_test_write_file(path, buf, big + 4);
    char **lines;
    size_t n;
    read_all_lines(path, &lines, &n);
    assert_int_equal(n, 2);
    assert_int_equal(strlen(lines[0]), big);
    assert_memory_equal(lines[0], buf, big);
    assert_string_equal(lines[1], "xy");
    free_lines(lines, n);
    free(buf);
}

static void test_line_reader_errors(void **state)
{
    (void)state;
    lk_line_reader *r = (lk_line_reader *)0x1;
    lk_error err;
    assert_int_equal(lk_line_reader_open("/nonexistent/file.txt", &r, &err), LK_ERR_IO);
    assert_null(r);
    assert_non_null(strstr(err.msg, "/nonexistent/file.txt: No such file"));
    assert_int_equal(lk_line_reader_open("/tmp", &r, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "/tmp: is a directory"));
}

static void test_line_reader_empty_file(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "empty.txt");
    lk_test_write_file(path, "", 0);
    char **lines;
    size_t n;
    read_all_lines(path, &lines, &n);
    assert_int_equal(n, 0);
    free(lines);
}

static lk_status write_hello(FILE *fp, void *ctx, lk_error *err)
{
    (void)ctx;
    return lk_fwrite_all(fp, "hello\n", 6, "test", err);
}

static lk_status write_then_fail(FILE *fp, void *ctx, lk_error *err)
{
    (void)ctx;
    lk_status st = lk_fwrite_all(fp, "partial", 7, "test", err);
    if (st != LK_OK) return st;
    return lk_error_set(err, LK_ERR_IO, "simulated failure");
}

static void test_atomic_write_keeps_old_on_failure(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "atomic.txt");
    lk_error err;
    assert_int_equal(lk_write_atomic(path, write_hello, NULL, &err), LK_OK);
    char *buf;
    size_t len;
    assert_int_equal(lk_read_file(path, &buf, &len, &err), LK_OK);
    assert_string_equal(buf, "hello\n");
    free(buf);
    assert_int_equal(lk_write_atomic(path, write_then_fail, NULL, &err), LK_ERR_IO);
    assert_string_equal(err.msg, "simulated failure");
    assert_int_equal(lk_read_file(path, &buf, &len, &err), LK_OK);
    assert_string_equal(buf, "hello\n"); /* old content intact */
    free(buf);
    /* no temp file left beside it */
    char dir[512];
    lk_test_tmp_path(dir, sizeof dir, "");
    assert_int_equal(lk_test_count_prefix(dir, "atomic.txt.tmp"), 0);
    /* a directory in the way is a clear error */
    assert_int_equal(lk_write_atomic(dir, write_hello, NULL, &err), LK_ERR_IO);
    assert_non_null(strstr(err.msg, "is a directory"));
}

static void test_envelope_roundtrip_flip_truncate(void **state)
{
    (void)state;
    char path[512];
    lk_test_tmp_path(path, sizeof path, "env.bin");
    FILE *fp = fopen(path, "wb");
    lk_error err;
    assert_int_equal(lk_envelope_write(fp, "LKTS", 1, 7, "payload!", 8, &err), LK_OK);
    fclose(fp);
    char *buf;
    size_t n;
    assert_int_equal(lk_read_file(path, &buf, &n, &err), LK_OK);
    assert_int_equal(n, LK_ENVELOPE_HEADER + 8 + 4);
    const unsigned char *pl;
    uint64_t pn;
    uint32_t ver, flags;
    const unsigned char *u = (const unsigned char *)buf;
    assert_int_equal(lk_envelope_check(u, n, "LKTS", 1, path, &pl, &pn, &ver, &flags, &err), LK_OK);
    assert_int_equal(pn, 8);
    assert_memory_equal(pl, "payload!", 8);
    assert_int_equal(ver, 1);
    assert_int_equal(flags, 7);
    /* wrong magic */
    assert_int_equal(lk_envelope_check(u, n, "LKXX", 1, path, &pl, &pn, &ver, &flags, &err),
                     LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "bad magic"));
    /* newer version */
    assert_int_equal(lk_envelope_check(u, n, "LKTS", 0 + 0, path, &pl, &pn, &ver, &flags, &err),
                     LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "newer lexkit"));
    /* flipped payload byte */
    buf[LK_ENVELOPE_HEADER + 3] ^= 0x20;
    assert_int_equal(lk_envelope_check(u, n, "LKTS", 1, path, &pl, &pn, &ver, &flags, &err),
                     LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "checksum mismatch"));
    buf[LK_ENVELOPE_HEADER + 3] ^= 0x20;
    /* truncated */
    assert_int_equal(lk_envelope_check(u, n - 5, "LKTS", 1, path, &pl, &pn, &ver, &flags, &err),
                     LK_ERR_FORMAT);
    assert_non_null(strstr(err.msg, "truncated"));
    free(buf);
}

static void test_path_join(void **state)
{
    (void)state;
    const char *cases[][3] = {{"idx", "run-000001", "idx/run-000001"},
                              {"idx/", "a.txt", "idx/a.txt"},
                              {"", "a.txt", "a.txt"},
                              {"/", "tmp", "/tmp"},
                              {"a/b", "", "a/b/"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *p = lk_path_join(cases[i][0], cases[i][1]);
        assert_non_null(p);
        assert_string_equal(p, cases[i][2]);
        free(p);
    }
}

static void test_error_at_and_sizes(void **state)
{
    (void)state;
    lk_error err;
    assert_int_equal(lk_error_at(&err, "a.conllu", 3, 5, "expected %d columns", 10), LK_ERR_PARSE);
    assert_string_equal(err.msg, "a.conllu:3:5: expected 10 columns");
    lk_error_set(&err, LK_ERR_PARSE, "7: bad byte");
    lk_error_prefix(&err, "%s:%d:", "f.txt", 2);
    assert_string_equal(err.msg, "f.txt:2:7: bad byte");
    /* the location is data (err.line), not read back from the text */
    assert_int_equal(lk_error_at(&err, "a.jsonl", 4, 2, "bad"), LK_ERR_PARSE);
    assert_int_equal(err.line, 4);
    lk_error_locate(&err, "other", 9); /* already located: unchanged */
    assert_string_equal(err.msg, "a.jsonl:4:2: bad");
    assert_int_equal(err.col, 2);
    assert_int_equal(err.loc_len, strlen("a.jsonl:4:2: "));
    assert_int_equal(lk_error_col(&err, 7, "bad byte"), LK_ERR_PARSE);
    assert_string_equal(err.msg, "7: bad byte");
    assert_int_equal(err.line, 0);
    assert_int_equal(err.col, 7);
    lk_error_locate(&err, "body", 2);
    assert_string_equal(err.msg, "body:2:7: bad byte");
    assert_int_equal(err.line, 2);
    assert_int_equal(err.col, 7);
    assert_string_equal(err.msg + err.loc_len, "bad byte");
    /* a message without a column gets "path:line: " */
    lk_error_set(&err, LK_ERR_PARSE, "normalization failed");
    lk_error_locate(&err, "t.txt", 3);
    assert_string_equal(err.msg, "t.txt:3: normalization failed");
    assert_int_equal(err.line, 3);
    assert_int_equal(err.col, 0);
    assert_string_equal(err.msg + err.loc_len, "normalization failed");
    /* about a whole input: "path: ", no line */
    assert_int_equal(lk_error_in(&err, LK_ERR_IO, "c.txt", "read error: %s", "gone"), LK_ERR_IO);
    assert_string_equal(err.msg, "c.txt: read error: gone");
    assert_int_equal(err.line, 0);
    assert_string_equal(err.msg + err.loc_len, "read error: gone");
    /* a prefix before a location joins it; before a plain message it stays plain */
    lk_error_at(&err, "d.txt", 5, 1, "bad");
    lk_error_prefix(&err, "reading: ");
    assert_string_equal(err.msg + err.loc_len, "bad");
    lk_error_set(&err, LK_ERR_ARG, "bad");
    lk_error_prefix(&err, "option: ");
    assert_int_equal(err.loc_len, 0);
    lk_error_at(&err, "e.txt", 1, 0, "%s", "x"); /* a location alone can fill the message */
    assert_int_equal(err.loc_len, strlen("e.txt:1: "));
    lk_error_set(&err, LK_ERR_IO, "x: gone");
    lk_error_locate(&err, "body", 2); /* not a parse error: unchanged */
    assert_string_equal(err.msg, "x: gone");
    lk_error_clear(&err);
    assert_int_equal(err.line, 0);
    assert_string_equal(lk_status_str(LK_ERR_BUSY), "resource busy");
    lk_error_locate(NULL, "p", 1);
    size_t out = 0;
    assert_int_equal(lk_mul_size(SIZE_MAX / 2, 3, &out), LK_ERR_RANGE);
    assert_int_equal(lk_mul_size(1000, 1000, &out), LK_OK);
    assert_int_equal(out, 1000000);
    assert_int_equal(lk_add_size(SIZE_MAX, 1, &out), LK_ERR_RANGE);
    assert_int_equal(lk_utf8_column("a\xC3\xA9" "b", 3), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_check_value),
        cmocka_unit_test(test_le_fields),
        cmocka_unit_test(test_line_reader_crlf_bom_lastline),
        cmocka_unit_test(test_line_reader_lone_cr),
        cmocka_unit_test(test_line_span),
        cmocka_unit_test(test_line_reader_long_line),
        cmocka_unit_test(test_line_reader_errors),
        cmocka_unit_test(test_line_reader_empty_file),
        cmocka_unit_test(test_atomic_write_keeps_old_on_failure),
        cmocka_unit_test(test_envelope_roundtrip_flip_truncate),
        cmocka_unit_test(test_error_at_and_sizes),
        cmocka_unit_test(test_path_join),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
