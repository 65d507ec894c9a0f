/* _lexkit.c: the CPython extension behind `import lexkit`, written against lexkit's public C
   API (include/lexkit/) only. Arrays cross into Python without copies: the C buffers are
   owned by a small Buffer object (buffer protocol) that numpy.frombuffer wraps. Every call
   into lexkit releases the GIL; each handle has a lock so concurrent use from threads is
   serialized instead of racing, and a closed handle raises ValueError. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "include/lexkit/lexkit.h"

static PyObject *LexkitError; /* lexkit.LexkitError (module state would be cleaner) */
static PyObject *QueryError;  /* lexkit.QueryError(LexkitError, ValueError) */

static PyObject *decode(const char *msg)
{
    return PyUnicode_DecodeUTF8(msg, (Py_ssize_t)strlen(msg), "backslashreplace");
}

/* Raise `type` with msg; bytes that are not UTF-8 become \xNN (PyErr_SetString would raise
   the exception with no message at all). When err's message starts with the input it is
   about (err->loc_len > 0), the exception's _lexkit_where is (line, col, the message after
   that prefix), for a caller that names the input its own way; else None. */
static PyObject *raise_msg(PyObject *type, const char *msg, const lexkit_error *err)
{
    PyObject *s = decode(msg), *where = NULL;
    PyObject *exc = s ? PyObject_CallFunctionObjArgs(type, s, NULL) : NULL;
    Py_XDECREF(s);
    if (!exc) return NULL;
    if (err && err->loc_len > 0 && msg == err->msg) {
        PyObject *body = decode(err->msg + err->loc_len);
        where = body ? Py_BuildValue("(LLN)", (long long)err->line, (long long)err->col, body)
                     : NULL;
    } else {
        Py_INCREF(Py_None);
        where = Py_None;
    }
    if (!where || PyObject_SetAttrString(exc, "_lexkit_where", where) < 0) {
        Py_XDECREF(where);
        Py_DECREF(exc);
        return NULL;
    }
    Py_DECREF(where);
    PyErr_SetObject(type, exc);
    Py_DECREF(exc);
    return NULL;
}

/* The message of err when it belongs to status st, else the status name. */
static const char *err_text(lexkit_status st, const lexkit_error *err)
{
    return err && err->code == st ? lexkit_error_message(err) : lexkit_status_str(st);
}

/* Raise the exception matching err's status, carrying lexkit's message. */
static PyObject *raise_err(lexkit_status st, const lexkit_error *err)
{
    PyObject *type = LexkitError;
    if (st == LEXKIT_ERR_NOMEM) return PyErr_NoMemory();
    if (st == LEXKIT_ERR_ARG || st == LEXKIT_ERR_RANGE) type = PyExc_ValueError;
    if (st == LEXKIT_ERR_IO) type = PyExc_OSError;
    if (st == LEXKIT_ERR_BUSY) type = PyExc_BlockingIOError; /* an OSError: another writer */
    return raise_msg(type, err_text(st, err), err);
}

/* raise_err for a search: a malformed query (LEXKIT_ERR_PARSE) is a QueryError. */
static PyObject *raise_query_err(lexkit_status st, const lexkit_error *err)
{
    if (st != LEXKIT_ERR_PARSE) return raise_err(st, err);
    return raise_msg(QueryError, err_text(st, err), err);
}

/* ---- Buffer: malloc'd memory exposed through the buffer protocol ---------------------- */
typedef struct {
    PyObject_HEAD
    void *data;
    Py_ssize_t len;
    char format[4];
    Py_ssize_t itemsize;
    Py_ssize_t n_items; /* the shape with the format (len / itemsize) */
    int writable; /* the memory is the Buffer's alone (a new matrix): numpy may write it */
} BufferObject;

static void Buffer_dealloc(BufferObject *b)
{
    free(b->data);
    Py_TYPE(b)->tp_free((PyObject *)b);
}

static int Buffer_getbuffer(BufferObject *b, Py_buffer *view, int flags)
{
    int rc = PyBuffer_FillInfo(view, (PyObject *)b, b->data ? b->data : (void *)"", b->len,
                               !(b->writable && b->data), flags);
    if (rc == 0 && (flags & PyBUF_FORMAT)) {
        view->format = b->format;
        view->itemsize = b->itemsize;
        view->ndim = 1;
        if (view->shape) view->shape = &b->n_items; /* items, not bytes */
    }
    return rc;
}

static PyBufferProcs Buffer_as_buffer = {(getbufferproc)Buffer_getbuffer, NULL};

static PyTypeObject BufferType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.Buffer",
    .tp_basicsize = sizeof(BufferObject),
    .tp_dealloc = (destructor)Buffer_dealloc,
    .tp_as_buffer = &Buffer_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Read-only memory owned by lexkit (wrap with numpy.frombuffer).",
};

/* A Buffer taking ownership of data (freed even on failure). */
static PyObject *buffer_new(void *data, Py_ssize_t n_items, Py_ssize_t itemsize, const char *fmt)
{
    BufferObject *b = PyObject_New(BufferObject, &BufferType);
    if (!b) {
        free(data);
        return NULL;
    }
    b->data = data;
    b->len = n_items * itemsize;
    b->itemsize = itemsize;
    b->n_items = n_items;
    b->writable = 0;
    snprintf(b->format, sizeof b->format, "%s", fmt);
    return (PyObject *)b;
}

/* ---- string sequences ----------------------------------------------------------------- */
typedef struct {
    PyObject *seq; /* PySequence_Fast of str (keeps the UTF-8 alive) */
    const char **s;
    size_t *len;
    size_t n;
    char *utf8; /* the UTF-8 of the non-ASCII items, each NUL-terminated, released with x */
} strs;

static void strs_free(strs *x)
{
    Py_XDECREF(x->seq);
    free(x->s);
    free(x->len);
    free(x->utf8);
    memset(x, 0, sizeof *x);
}

/* A non-ASCII str to encode: its code units (kind 1, 2 or 4 bytes), where its UTF-8 goes. */
typedef struct {
    const void *data;
    size_t n, item, at; /* code units; index in the sequence; offset in strs.utf8 */
    int kind;
} pending_str;

/* The UTF-8 of n code units of `kind` at data into out (room for kind + 1 bytes a unit at
   most, kind 1: 2); returns its length, or (size_t)-1 at a surrogate (which strict UTF-8
   refuses: PyUnicode_AsUTF8String raises then). */
static size_t encode_utf8(int kind, const void *data, size_t n, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (kind == PyUnicode_1BYTE_KIND) {
        const Py_UCS1 *p = data;
        size_t i = 0;
        while (i < n) {
            if (i + 8 <= n) { /* eight ASCII bytes at once */
                uint64_t w;
                memcpy(&w, p + i, 8);
                if (!(w & 0x8080808080808080ull)) {
                    memcpy(o, &w, 8);
                    o += 8;
                    i += 8;
                    continue;
                }
            }
            Py_UCS1 c = p[i++];
            if (c < 0x80) {
                *o++ = c;
            } else {
                *o++ = (unsigned char)(0xC0 | (c >> 6));
                *o++ = (unsigned char)(0x80 | (c & 0x3F));
            }
        }
        return (size_t)(o - (unsigned char *)out);
    }
    for (size_t i = 0; i < n; i++) {
        Py_UCS4 c = kind == PyUnicode_2BYTE_KIND ? ((const Py_UCS2 *)data)[i]
                                                 : ((const Py_UCS4 *)data)[i];
        if (c < 0x80) {
            *o++ = (unsigned char)c;
        } else if (c < 0x800) {
            *o++ = (unsigned char)(0xC0 | (c >> 6));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else if (c < 0x10000) {
            if (c >= 0xD800 && c <= 0xDFFF) return (size_t)-1;
            *o++ = (unsigned char)(0xE0 | (c >> 12));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        } else {
            *o++ = (unsigned char)(0xF0 | (c >> 18));
            *o++ = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
            *o++ = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
            *o++ = (unsigned char)(0x80 | (c & 0x3F));
        }
    }
    return (size_t)(o - (unsigned char *)out);
}

/* The pending items in chunks of ENCODE_CHUNK claimed one by one by this thread and a
   helper (one that starts late takes fewer); each thread's bad is the first item of its
   chunks with a surrogate (chunks stop there), so the smaller of the two is the first. */
typedef struct {
    strs *x;
    const pending_str *p;
    size_t n;
    atomic_size_t next;
} encode_pool;

typedef struct {
    encode_pool *pool;
    size_t bad; /* SIZE_MAX: none */
} encode_job;

#define ENCODE_CHUNK 64 /* items */

static void *encode_items(void *arg)
{
    encode_job *j = arg;
    encode_pool *pool = j->pool;
    j->bad = SIZE_MAX;
    for (size_t c; (c = atomic_fetch_add_explicit(&pool->next, ENCODE_CHUNK,
                                                  memory_order_relaxed)) < pool->n;) {
        size_t end = c + ENCODE_CHUNK < pool->n ? c + ENCODE_CHUNK : pool->n;
        for (size_t k = c; k < end; k++) {
            const pending_str *p = &pool->p[k];
            char *out = pool->x->utf8 + p->at;
            size_t len = encode_utf8(p->kind, p->data, p->n, out);
            if (len == (size_t)-1) {
                if (p->item < j->bad) j->bad = p->item;
                break;
            }
            out[len] = '\0';
            pool->x->s[p->item] = out;
            pool->x->len[p->item] = len;
        }
    }
    return NULL;
}

#define ENCODE_SPLIT_BYTES ((size_t)256 << 10) /* less UTF-8 is encoded on one thread */

/* UTF-8 views of an iterable of str; TypeError naming the item otherwise. An ASCII str's
   view is its own bytes; the others are encoded into one temporary block (not into the
   str's cached UTF-8, which would stay with the str as long as it lives: for a list of
   documents, a second copy of them), with the GIL released, on two threads when there is
   much of it. The errors are those of encoding the items one by one in order: the first
   item that is not a str, or the first that cannot be encoded (a surrogate), whichever
   comes first. */
static int strs_get(PyObject *obj, const char *what, strs *x)
{
    memset(x, 0, sizeof *x);
    if (PyUnicode_Check(obj) || PyBytes_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s: expected an iterable of str, got a single %s", what,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    x->seq = PySequence_Fast(obj, "expected an iterable of str");
    if (!x->seq) return -1;
    x->n = (size_t)PySequence_Fast_GET_SIZE(x->seq);
    x->s = malloc((x->n ? x->n : 1) * sizeof *x->s);
    x->len = malloc((x->n ? x->n : 1) * sizeof *x->len);
    pending_str *pend = malloc((x->n ? x->n : 1) * sizeof *pend);
    if (!x->s || !x->len || !pend) {
        free(pend);
        strs_free(x);
        PyErr_NoMemory();
        return -1;
    }
    PyObject **items = PySequence_Fast_ITEMS(x->seq);
    size_t n_pend = 0, bytes = 0, not_str = SIZE_MAX;
    for (size_t i = 0; i < x->n; i++) {
        if (!PyUnicode_Check(items[i])) {
            not_str = i; /* raised unless an item before it cannot be encoded */
            break;
        }
        if (PyUnicode_READY(items[i]) < 0) {
            free(pend);
            strs_free(x);
            return -1;
        }
        if (PyUnicode_IS_COMPACT_ASCII(items[i])) {
            Py_ssize_t n;
            x->s[i] = PyUnicode_AsUTF8AndSize(items[i], &n); /* the str's own bytes */
            if (!x->s[i]) {
                free(pend);
                strs_free(x);
                return -1;
            }
            x->len[i] = (size_t)n;
            continue;
        }
        int kind = PyUnicode_KIND(items[i]);
        size_t n = (size_t)PyUnicode_GET_LENGTH(items[i]);
        pend[n_pend++] = (pending_str){PyUnicode_DATA(items[i]), n, i, bytes, kind};
        bytes += n * (kind == PyUnicode_1BYTE_KIND ? 2 : (size_t)kind + 1) + 1;
    }
    encode_pool pool = {x, pend, n_pend, 0};
    encode_job lo = {&pool, SIZE_MAX}, hi = {&pool, SIZE_MAX};
    if (n_pend) {
        x->utf8 = malloc(bytes);
        if (!x->utf8) {
            free(pend);
            strs_free(x);
            PyErr_NoMemory();
            return -1;
        }
        Py_BEGIN_ALLOW_THREADS
        pthread_t th;
        int two = bytes >= ENCODE_SPLIT_BYTES && pthread_create(&th, NULL, encode_items, &hi) == 0;
        encode_items(&lo);
        if (two) pthread_join(th, NULL);
        Py_END_ALLOW_THREADS
    }
    free(pend);
    size_t bad = lo.bad < hi.bad ? lo.bad : hi.bad;
    if (bad != SIZE_MAX) { /* Python's own error (UnicodeEncodeError) for that item */
        PyObject *b = PyUnicode_AsUTF8String(items[bad]);
        if (b) { /* not expected: lone surrogates are what strict UTF-8 refuses */
            Py_DECREF(b);
            PyErr_Format(PyExc_SystemError, "%s[%zu]: could not encode", what, bad);
        }
        strs_free(x);
        return -1;
    }
    if (not_str != SIZE_MAX) {
        PyErr_Format(PyExc_TypeError, "%s[%zu]: expected str, got %s", what, not_str,
                     Py_TYPE(items[not_str])->tp_name);
        strs_free(x);
        return -1;
    }
    return 0;
}

/* Take a handle's lock with the GIL released. */
static void lock_take(PyThread_type_lock l)
{
    if (!PyThread_acquire_lock(l, NOWAIT_LOCK)) {
        Py_BEGIN_ALLOW_THREADS
        PyThread_acquire_lock(l, WAIT_LOCK);
        Py_END_ALLOW_THREADS
    }
}

/* ---- Vectorizer ----------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    lexkit_vectorizer *v;
    PyThread_type_lock lock;
    char fmt[2]; /* the matrices' value format (value_format) */
} VectorizerObject;

static int value_format(const char *fmt);

static int df_arg(PyObject *o, lexkit_df *d, const char *name)
{
    if (PyFloat_Check(o)) {
        d->value = PyFloat_AsDouble(o);
        d->is_count = 0;
        if (d->value < 0 || d->value > 1) {
            PyErr_Format(PyExc_ValueError, "%s: a float must be in [0.0, 1.0]", name);
            return -1;
        }
        return 0;
    }
    if (PyLong_Check(o) && !PyBool_Check(o)) {
        long long v = PyLong_AsLongLong(o);
        if (v < 0) {
            PyErr_Format(PyExc_ValueError, "%s: an int must be >= 0", name);
            return -1;
        }
        d->value = (double)v;
        d->is_count = 1;
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "%s: expected int or float, got %s", name, Py_TYPE(o)->tp_name);
    return -1;
}

static int Vectorizer_init(VectorizerObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"analyzer", "ngram_min", "ngram_max", "lowercase", "stop_words_english",
                            "min_df", "max_df", "max_features", "binary", "tfidf", "use_idf",
                            "smooth_idf", "sublinear_tf", "norm", "threads", "values",
                            "stop_words", "vocabulary", "terms_given", NULL};
    lexkit_vectorizer_config c = lexkit_vectorizer_config_default();
    const char *analyzer = "word", *norm = "l2", *values = "d";
    PyObject *min_df = NULL, *max_df = NULL, *stop_words = Py_None, *vocabulary = Py_None;
    int ng_min = 1, ng_max = 1;
    int max_features = 0;
    c.lowercase = 1;
    int threads = 1;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|siippOOippppps$isOOp", names, &analyzer,
                                     &ng_min, &ng_max, &c.lowercase, &c.stop_words_english,
                                     &min_df, &max_df, &max_features, &c.binary, &c.tfidf,
                                     &c.use_idf, &c.smooth_idf, &c.sublinear_tf, &norm, &threads,
                                     &values, &stop_words, &vocabulary, &c.terms_given))
        return -1;
    if (!value_format(values)) {
        PyErr_Format(PyExc_ValueError, "values: expected 'd', 'f', 'q' or 'i', got '%s'", values);
        return -1;
    }
    c.threads = threads;
    if (!strcmp(analyzer, "word")) c.analyzer = LEXKIT_WORD;
    else if (!strcmp(analyzer, "char")) c.analyzer = LEXKIT_CHAR;
    else if (!strcmp(analyzer, "char_wb")) c.analyzer = LEXKIT_CHAR_WB;
    else {
        PyErr_Format(PyExc_ValueError, "analyzer: expected 'word', 'char' or 'char_wb', got '%s'", analyzer);
        return -1;
    }
    if (!strcmp(norm, "l2")) c.norm = LEXKIT_NORM_L2;
    else if (!strcmp(norm, "l1")) c.norm = LEXKIT_NORM_L1;
    else if (!strcmp(norm, "none")) c.norm = LEXKIT_NORM_NONE;
    else {
        PyErr_Format(PyExc_ValueError, "norm: expected 'l1', 'l2' or None, got '%s'", norm);
        return -1;
    }
    c.ngram_min = ng_min;
    c.ngram_max = ng_max;
    c.max_features = max_features;
    if (min_df && df_arg(min_df, &c.min_df, "min_df") < 0) return -1;
    if (max_df && df_arg(max_df, &c.max_df, "max_df") < 0) return -1;
    strs stop; /* NUL-terminated: a str's own UTF-8 or a bytes object's */
    memset(&stop, 0, sizeof stop);
    if (stop_words != Py_None) {
        if (strs_get(stop_words, "stop_words", &stop) < 0) return -1;
        for (size_t i = 0; i < stop.n; i++) {
            if (strlen(stop.s[i]) != stop.len[i]) {
                PyErr_Format(PyExc_ValueError, "stop_words[%zu]: contains a NUL character", i);
                strs_free(&stop);
                return -1;
            }
        }
        c.stop_words = stop.s;
        c.n_stop_words = stop.n;
    }
    strs vocab; /* the columns of sklearn's vocabulary=, in order */
    memset(&vocab, 0, sizeof vocab);
    if (vocabulary != Py_None) {
        if (strs_get(vocabulary, "vocabulary", &vocab) < 0) {
            strs_free(&stop);
            return -1;
        }
        c.vocabulary = vocab.s;
        c.vocabulary_lens = vocab.len;
        c.n_vocabulary = vocab.n;
    }
    lexkit_error err;
    lexkit_vectorizer *v = NULL;
    lexkit_status st = lexkit_vectorizer_create(&c, &v, &err);
    strs_free(&stop); /* copied by lexkit_vectorizer_create */
    strs_free(&vocab);
    if (st != LEXKIT_OK) {
        raise_err(st, &err);
        return -1;
    }
    lexkit_vectorizer_free(self->v);
    self->v = v;
    self->fmt[0] = values[0];
    self->fmt[1] = 0;
    if (!self->lock && !(self->lock = PyThread_allocate_lock())) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

static void Vectorizer_dealloc(VectorizerObject *self)
{
    lexkit_vectorizer_free(self->v);
    if (self->lock) PyThread_free_lock(self->lock);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Narrow n items of `from_size` bytes at p to `to_size` bytes each, in place: item i is
   written at p + i * to_size after item i was read (to_size <= from_size, so no unread item
   is overwritten), then the block is shrunk to the new size. conv converts one item. */
static void *narrow(void *p, size_t n, size_t from_size, size_t to_size,
                    void (*conv)(const char *from, char *to))
{
    char *c = p;
    for (size_t i = 0; i < n; i++) conv(c + i * from_size, c + i * to_size);
    if (to_size == from_size || !n) return p;
    void *q = realloc(p, n * to_size); /* shrinking: in place, or an mremap of the pages */
    return q ? q : p;
}

static void d_to_f(const char *from, char *to)
{
    double d;
    memcpy(&d, from, sizeof d);
    float f = (float)d;
    memcpy(to, &f, sizeof f);
}

static void d_to_q(const char *from, char *to)
{
    double d;
    memcpy(&d, from, sizeof d);
    int64_t q = (int64_t)d;
    memcpy(to, &q, sizeof q);
}

static void d_to_i(const char *from, char *to)
{
    double d;
    memcpy(&d, from, sizeof d);
    int32_t i = (int32_t)d;
    memcpy(to, &i, sizeof i);
}

static void q_to_i(const char *from, char *to)
{
    int64_t q;
    memcpy(&q, from, sizeof q);
    int32_t i = (int32_t)q;
    memcpy(to, &i, sizeof i);
}

/* The value formats a matrix can be handed over in (converted in place, no second array):
   float64 as computed, float32, int64, int32 (counts). */
static int value_format(const char *fmt)
{
    return !strcmp(fmt, "d") || !strcmp(fmt, "f") || !strcmp(fmt, "q") || !strcmp(fmt, "i");
}

/* (indptr, indices, data, n_cols) of m as writable Buffers that numpy wraps without a copy;
   m's arrays are handed over. The values are converted to fmt (value_format) in place, and
   indptr is int32 when the entries fit (as scipy's index arrays: then csr_matrix copies
   nothing). The conversions run with the GIL released. */
static PyObject *csr_tuple(lexkit_csr *m, const char *fmt)
{
    int64_t nnz = m->indptr ? m->indptr[m->n_rows] : 0;
    size_t n = (size_t)nnz, rows = (size_t)m->n_rows + 1;
    int small = nnz <= INT32_MAX;
    void *indptr = m->indptr, *data = m->data;
    char f = fmt[0];
    Py_BEGIN_ALLOW_THREADS
    if (small && indptr) indptr = narrow(indptr, rows, sizeof(int64_t), sizeof(int32_t), q_to_i);
    if (data && f == 'f') data = narrow(data, n, sizeof(double), sizeof(float), d_to_f);
    if (data && f == 'q') data = narrow(data, n, sizeof(double), sizeof(int64_t), d_to_q);
    if (data && f == 'i') data = narrow(data, n, sizeof(double), sizeof(int32_t), d_to_i);
    Py_END_ALLOW_THREADS
    Py_ssize_t dsize = f == 'f' || f == 'i' ? 4 : 8;
    PyObject *ip = small ? buffer_new(indptr, (Py_ssize_t)rows, sizeof(int32_t), "i")
                         : buffer_new(indptr, (Py_ssize_t)rows, sizeof(int64_t), "q");
    PyObject *ix = buffer_new(m->indices, nnz, sizeof(int32_t), "i");
    PyObject *dt = buffer_new(data, nnz, dsize, fmt);
    int32_t cols = m->n_cols;
    memset(m, 0, sizeof *m);
    if (!ip || !ix || !dt) {
        Py_XDECREF(ip);
        Py_XDECREF(ix);
        Py_XDECREF(dt);
        return NULL;
    }
    ((BufferObject *)ip)->writable = ((BufferObject *)ix)->writable = 1;
    ((BufferObject *)dt)->writable = 1;
    return Py_BuildValue("(NNNi)", ip, ix, dt, (int)cols);
}

static PyObject *vectorize(VectorizerObject *self, PyObject *docs, int fit)
{
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    strs d;
    if (strs_get(docs, "raw_documents", &d) < 0) return NULL;
    lexkit_csr m;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    Py_BEGIN_ALLOW_THREADS
    st = fit ? lexkit_vectorizer_fit_transform(self->v, d.s, d.len, d.n, &m, &err)
             : lexkit_vectorizer_transform(self->v, d.s, d.len, d.n, &m, &err);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(self->lock);
    strs_free(&d);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return csr_tuple(&m, self->fmt);
}

static PyObject *Vectorizer_fit_transform(VectorizerObject *self, PyObject *docs)
{
    return vectorize(self, docs, 1);
}

static PyObject *Vectorizer_fit_begin(VectorizerObject *self, PyObject *unused)
{
    (void)unused;
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    lexkit_error err;
    lock_take(self->lock);
    lexkit_status st = lexkit_vectorizer_fit_begin(self->v, &err);
    PyThread_release_lock(self->lock);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

static PyObject *Vectorizer_fit_add(VectorizerObject *self, PyObject *docs)
{
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    strs d;
    if (strs_get(docs, "raw_documents", &d) < 0) return NULL;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectorizer_fit_add(self->v, d.s, d.len, d.n, &err);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(self->lock);
    strs_free(&d);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

static PyObject *Vectorizer_fit_end(VectorizerObject *self, PyObject *unused)
{
    (void)unused;
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    lexkit_csr m;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectorizer_fit_end(self->v, &m, &err);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(self->lock);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return csr_tuple(&m, self->fmt);
}

static PyObject *Vectorizer_transform(VectorizerObject *self, PyObject *docs)
{
    return vectorize(self, docs, 0);
}

/* Documents given as their terms: all the terms in one sequence of str and the n_docs + 1
   offsets of the documents into it (doc i is terms[off[i]:off[i+1]]). */
typedef struct {
    strs t;
    size_t *off;
    size_t n_docs;
} term_docs;

static void term_docs_free(term_docs *d)
{
    strs_free(&d->t);
    free(d->off);
    d->off = NULL;
}

static int term_docs_get(PyObject *args, term_docs *d)
{
    PyObject *terms, *offs;
    memset(d, 0, sizeof *d);
    if (!PyArg_ParseTuple(args, "OO", &terms, &offs)) return -1;
    PyObject *seq = PySequence_Fast(offs, "doc_off: expected a sequence of int");
    if (!seq) return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n < 1) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "doc_off: expected n_docs + 1 offsets");
        return -1;
    }
    d->off = malloc((size_t)n * sizeof *d->off);
    if (!d->off) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        d->off[i] = PyLong_AsSize_t(PySequence_Fast_GET_ITEM(seq, i));
        if (d->off[i] == (size_t)-1 && PyErr_Occurred()) {
            Py_DECREF(seq);
            term_docs_free(d);
            return -1;
        }
    }
    Py_DECREF(seq);
    d->n_docs = (size_t)n - 1;
    if (strs_get(terms, "terms", &d->t) < 0) {
        term_docs_free(d);
        return -1;
    }
    if (d->off[d->n_docs] > d->t.n) {
        PyErr_SetString(PyExc_ValueError, "doc_off: an offset past the terms");
        term_docs_free(d);
        return -1;
    }
    return 0;
}

static PyObject *Vectorizer_fit_add_terms(VectorizerObject *self, PyObject *args)
{
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    term_docs d;
    if (term_docs_get(args, &d) < 0) return NULL;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectorizer_fit_add_terms(self->v, d.t.s, d.t.len, d.off, d.n_docs, &err);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(self->lock);
    term_docs_free(&d);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

static PyObject *Vectorizer_transform_terms(VectorizerObject *self, PyObject *args)
{
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    term_docs d;
    if (term_docs_get(args, &d) < 0) return NULL;
    lexkit_csr m;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectorizer_transform_terms(self->v, d.t.s, d.t.len, d.off, d.n_docs, &m, &err);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(self->lock);
    term_docs_free(&d);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return csr_tuple(&m, self->fmt);
}

/* sklearn's English stop words as a tuple of str. */
static PyObject *Vectorizer_english_stop_words(PyObject *unused_cls, PyObject *unused)
{
    (void)unused_cls;
    (void)unused;
    size_t n;
    const char *const *w = lexkit_stop_words_english(&n);
    PyObject *t = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; t && i < n; i++) {
        PyObject *s = PyUnicode_FromString(w[i]);
        if (!s) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, (Py_ssize_t)i, s);
    }
    return t;
}

/* The vocabulary as (terms, df, n_docs). */
static PyObject *Vectorizer_vocabulary(VectorizerObject *self, PyObject *unused)
{
    (void)unused;
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    lock_take(self->lock);
    int32_t n = lexkit_vectorizer_n_features(self->v);
    PyObject *terms = PyList_New(n);
    PyObject *df = PyList_New(n);
    for (int32_t i = 0; terms && df && i < n; i++) {
        size_t len;
        const char *t = lexkit_vectorizer_feature(self->v, i, &len);
        PyObject *s = PyUnicode_DecodeUTF8(t, (Py_ssize_t)len, "strict");
        PyObject *f = PyLong_FromLongLong(lexkit_vectorizer_df(self->v, i));
        if (!s || !f) {
            Py_XDECREF(s);
            Py_XDECREF(f);
            Py_CLEAR(terms);
            break;
        }
        PyList_SET_ITEM(terms, i, s);
        PyList_SET_ITEM(df, i, f);
    }
    long long nd = (long long)lexkit_vectorizer_n_docs(self->v);
    PyThread_release_lock(self->lock);
    if (!terms || !df) {
        Py_XDECREF(terms);
        Py_XDECREF(df);
        return NULL;
    }
    return Py_BuildValue("(NNL)", terms, df, nd);
}

static PyObject *Vectorizer_set_vocabulary(VectorizerObject *self, PyObject *args)
{
    PyObject *terms, *dfs;
    long long n_docs;
    if (!PyArg_ParseTuple(args, "OOL", &terms, &dfs, &n_docs)) return NULL;
    strs t;
    if (strs_get(terms, "terms", &t) < 0) return NULL;
    PyObject *dseq = PySequence_Fast(dfs, "df: expected a sequence of int");
    int64_t *df = dseq ? malloc((t.n ? t.n : 1) * sizeof *df) : NULL;
    if (dseq && (size_t)PySequence_Fast_GET_SIZE(dseq) != t.n) {
        PyErr_SetString(PyExc_ValueError, "df: one value per term expected");
        free(df);
        df = NULL;
    }
    for (size_t i = 0; df && i < t.n; i++) {
        df[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(dseq, i));
        if (df[i] == -1 && PyErr_Occurred()) {
            free(df);
            df = NULL;
        }
    }
    Py_XDECREF(dseq);
    if (!df) {
        strs_free(&t);
        return PyErr_Occurred() ? NULL : PyErr_NoMemory();
    }
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    st = lexkit_vectorizer_set_vocabulary(self->v, t.s, t.len, t.n, df, n_docs, &err);
    PyThread_release_lock(self->lock);
    free(df);
    strs_free(&t);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

/* The terms the fit's min_df/max_df/max_features left out, as a list (bytewise order). */
static PyObject *Vectorizer_pruned(VectorizerObject *self, PyObject *unused)
{
    (void)unused;
    if (!self->v) return PyErr_Format(PyExc_ValueError, "the vectorizer is not initialized");
    lock_take(self->lock);
    size_t n = lexkit_vectorizer_n_pruned(self->v);
    PyObject *terms = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; terms && i < n; i++) {
        size_t len;
        const char *t = lexkit_vectorizer_pruned(self->v, i, &len);
        PyObject *s = PyUnicode_DecodeUTF8(t, (Py_ssize_t)len, "strict");
        if (!s) {
            Py_CLEAR(terms);
            break;
        }
        PyList_SET_ITEM(terms, (Py_ssize_t)i, s);
    }
    PyThread_release_lock(self->lock);
    return terms;
}

static PyObject *Vectorizer_idf(VectorizerObject *self, PyObject *unused)
{
    (void)unused;
    lock_take(self->lock);
    const double *idf = lexkit_vectorizer_idf(self->v);
    int32_t n = lexkit_vectorizer_n_features(self->v);
    double *copy = idf ? malloc((n ? (size_t)n : 1) * sizeof *copy) : NULL;
    if (copy) memcpy(copy, idf, (size_t)n * sizeof *copy);
    PyThread_release_lock(self->lock);
    if (!idf) Py_RETURN_NONE;
    if (!copy) return PyErr_NoMemory();
    return buffer_new(copy, n, sizeof(double), "d");
}

static PyMethodDef Vectorizer_methods[] = {
    {"fit_transform", (PyCFunction)Vectorizer_fit_transform, METH_O,
     "fit_transform(docs) -> (indptr, indices, data, n_cols): learn the vocabulary and return the CSR arrays."},
    {"fit_begin", (PyCFunction)Vectorizer_fit_begin, METH_NOARGS,
     "fit_begin(): start a fit whose documents come in batches (fit_add), unfitting."},
    {"fit_add", (PyCFunction)Vectorizer_fit_add, METH_O,
     "fit_add(docs): count the next batch of documents (a sequence of str)."},
    {"fit_end", (PyCFunction)Vectorizer_fit_end, METH_NOARGS,
     "fit_end() -> (indptr, indices, data, n_cols): the matrix of all the batches."},
    {"transform", (PyCFunction)Vectorizer_transform, METH_O,
     "transform(docs) -> (indptr, indices, data, n_cols) with the fitted vocabulary."},
    {"vocabulary", (PyCFunction)Vectorizer_vocabulary, METH_NOARGS,
     "vocabulary() -> (terms, df, n_docs) of the fit."},
    {"set_vocabulary", (PyCFunction)Vectorizer_set_vocabulary, METH_VARARGS,
     "set_vocabulary(terms, df, n_docs): restore a fitted state."},
    {"idf", (PyCFunction)Vectorizer_idf, METH_NOARGS, "idf() -> Buffer of float64 or None."},
    {"pruned", (PyCFunction)Vectorizer_pruned, METH_NOARGS,
     "pruned() -> list of the terms min_df/max_df/max_features left out (sorted)."},
    {"fit_add_terms", (PyCFunction)Vectorizer_fit_add_terms, METH_VARARGS,
     "fit_add_terms(terms, doc_off): count documents given as their terms (terms_given)."},
    {"transform_terms", (PyCFunction)Vectorizer_transform_terms, METH_VARARGS,
     "transform_terms(terms, doc_off) -> (indptr, indices, data, n_cols) (terms_given)."},
    {"english_stop_words", (PyCFunction)Vectorizer_english_stop_words, METH_NOARGS | METH_STATIC,
     "english_stop_words() -> tuple of str: sklearn's ENGLISH_STOP_WORDS."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VectorizerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.Vectorizer",
    .tp_basicsize = sizeof(VectorizerObject),
    .tp_dealloc = (destructor)Vectorizer_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Low-level vectorizer (use lexkit.CountVectorizer / TfidfVectorizer).",
    .tp_methods = Vectorizer_methods,
    .tp_init = (initproc)Vectorizer_init,
    .tp_new = PyType_GenericNew,
};

/* ---- Index ---------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    lexkit_index *idx;
    PyThread_type_lock lock;
    lexkit_searcher *fs; /* reads stored fields (under lock); made on first use, dropped
                            when the index changes */
} IndexObject;

static int index_ready(IndexObject *self)
{
    if (!self->idx) {
        PyErr_SetString(PyExc_ValueError, "the index is closed");
        return 0;
    }
    return 1;
}

/* The error of a call on an index closed by another thread after index_ready. */
static lexkit_status closed_err(lexkit_error *err)
{
    err->code = LEXKIT_ERR_STATE;
    err->line = err->col = 0;
    err->loc_len = 0;
    snprintf(err->msg, sizeof err->msg, "the index is closed");
    return LEXKIT_ERR_STATE;
}

static void Index_dealloc(IndexObject *self)
{
    lexkit_searcher_free(self->fs);
    lexkit_index_free(self->idx);
    if (self->lock) PyThread_free_lock(self->lock);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Index(path, create=False, lang="auto", stem=False, lower=True, zh_model=None,
         analyzer="english", title_weight=1, zh_script=None) */
static int Index_init(IndexObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", "create", "lang", "stem", "lower", "zh_model", "analyzer",
                            "title_weight", "zh_script", NULL};
    PyObject *path_obj = NULL;
    int create = 0, stem = 0, lower = 1, title_weight = 1;
    const char *lang = "auto", *zh_model = NULL, *analyzer = "english", *zh_script = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|psppzsiz", names, PyUnicode_FSConverter,
                                     &path_obj, &create, &lang, &stem, &lower, &zh_model,
                                     &analyzer, &title_weight, &zh_script))
        return -1;
    lexkit_index_config c = lexkit_index_config_default();
    if (zh_script) {
        static const char *const scripts[] = {"auto", "simplified", "traditional"};
        static const lexkit_zh_script values[] = {
            LEXKIT_ZH_SCRIPT_AUTO, LEXKIT_ZH_SCRIPT_SIMPLIFIED, LEXKIT_ZH_SCRIPT_TRADITIONAL};
        size_t k = 0;
        while (k < 3 && strcmp(zh_script, scripts[k])) k++;
        if (k == 3) {
            Py_DECREF(path_obj);
            PyErr_Format(PyExc_ValueError, "zh_script: expected None, 'auto', 'simplified' or "
                         "'traditional', got '%s'", zh_script);
            return -1;
        }
        c.zh_script = values[k];
    }
    if (!strcmp(analyzer, "plain")) c.analyzer = LEXKIT_ANALYZER_PLAIN;
    else if (strcmp(analyzer, "english")) {
        Py_DECREF(path_obj);
        PyErr_Format(PyExc_ValueError, "analyzer: expected 'english' or 'plain', got '%s'",
                     analyzer);
        return -1;
    }
    if (title_weight < 1) { /* 0 means 1 in C; here only 1..: the upper bound is the C API's */
        Py_DECREF(path_obj);
        PyErr_Format(PyExc_ValueError, "title_weight: expected 1 or more, got %d", title_weight);
        return -1;
    }
    c.title_weight = title_weight;
    if (!strcmp(lang, "en")) c.lang = LEXKIT_LANG_EN;
    else if (!strcmp(lang, "zh")) c.lang = LEXKIT_LANG_ZH;
    else if (strcmp(lang, "auto")) {
        Py_DECREF(path_obj);
        PyErr_Format(PyExc_ValueError, "lang: expected 'auto', 'en' or 'zh', got '%s'", lang);
        return -1;
    }
    c.stem = stem;
    c.lower = lower;
    c.zh_model = zh_model;
    lexkit_error err;
    lexkit_status st;
    lexkit_index *idx = NULL;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = create ? lexkit_index_create(path, &c, &idx, &err) : lexkit_index_open(path, &idx, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (st != LEXKIT_OK) {
        raise_err(st, &err);
        return -1;
    }
    lexkit_searcher_free(self->fs);
    self->fs = NULL;
    lexkit_index_free(self->idx);
    self->idx = idx;
    if (!self->lock && !(self->lock = PyThread_allocate_lock())) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* The JSON object of document i (a dict with 'id' and 'text'; a non-str id is given as
   str(id), as before JSON documents were taken): a new str, or NULL with an exception. */
static PyObject *doc_json(PyObject *dumps, PyObject *d, Py_ssize_t i)
{
    if (!PyDict_Check(d))
        return PyErr_Format(PyExc_TypeError, "documents[%zd]: expected dict, got %s", i,
                            Py_TYPE(d)->tp_name);
    PyObject *id = PyDict_GetItemString(d, "id");
    PyObject *text = PyDict_GetItemString(d, "text");
    PyObject *title = PyDict_GetItemString(d, "title");
    if (!id || !text)
        return PyErr_Format(PyExc_KeyError, "documents[%zd]: 'id' and 'text' are required", i);
    if (!PyUnicode_Check(text) || (title && title != Py_None && !PyUnicode_Check(title)))
        return PyErr_Format(PyExc_TypeError, "documents[%zd]: 'text' and 'title' must be str", i);
    PyObject *obj = d, *ret;
    if (!PyUnicode_Check(id)) {
        PyObject *sid = PyObject_Str(id);
        obj = sid ? PyDict_Copy(d) : NULL;
        if (obj && PyDict_SetItemString(obj, "id", sid) < 0) Py_CLEAR(obj);
        Py_XDECREF(sid);
        if (!obj) return NULL;
    } else {
        Py_INCREF(obj);
    }
    PyObject *kw = Py_BuildValue("{s:O}", "ensure_ascii", Py_False);
    PyObject *args = kw ? PyTuple_Pack(1, obj) : NULL;
    ret = args ? PyObject_Call(dumps, args, kw) : NULL;
    Py_XDECREF(args);
    Py_XDECREF(kw);
    Py_DECREF(obj);
    if (ret && !PyUnicode_Check(ret)) Py_CLEAR(ret);
    if (!ret && PyErr_ExceptionMatches(PyExc_TypeError)) { /* a value JSON cannot hold */
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyErr_Format(PyExc_TypeError, "documents[%zd]: %S", i, v ? v : Py_None);
        Py_XDECREF(t);
        Py_XDECREF(v);
        Py_XDECREF(tb);
    }
    return ret;
}

/* ---- IndexAdder: Index.add in batches ------------------------------------------------ */
/* A staged add (lexkit_index_adder) of an Index: add(batch, start) stages each batch, made
   of the dicts Index.add checked, as the JSON objects `lexkit index` reads (json.dumps; every
   string or number member is stored, as the CLI stores them); commit() adds them all at
   once; discard() (or the object's end) drops what was not committed. */
typedef struct {
    PyObject_HEAD
    IndexObject *ix;         /* strong reference */
    lexkit_index *idx;       /* ix->idx when the adder was made: the commit checks it is open */
    lexkit_index_adder *a;   /* NULL once committed or discarded */
    int busy;                /* a call works on `a` with the GIL released */
} AdderObject;

static void Adder_dealloc(AdderObject *self)
{
    lexkit_index_adder_free(self->a);
    Py_XDECREF(self->ix);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int adder_ready(AdderObject *self)
{
    if (!self->a || self->busy) {
        PyErr_SetString(PyExc_ValueError, self->busy ? "the add is in use by another thread"
                                                     : "the add was committed or discarded");
        return 0;
    }
    return 1;
}

/* add(batch, start): stage the dicts of list `batch`, batch[j] being document start + j of
   the add (errors name it so). The GIL is released while the batch is checked and written;
   signals are checked after it (Ctrl-C: KeyboardInterrupt, between batches). */
static PyObject *Adder_add(AdderObject *self, PyObject *args)
{
    PyObject *batch;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "O!n", &PyList_Type, &batch, &start)) return NULL;
    if (!adder_ready(self)) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(batch);
    const char **lines = malloc((n ? n : 1) * sizeof *lines);
    size_t *lens = malloc((n ? n : 1) * sizeof *lens);
    PyObject *keep = PyList_New(0); /* the JSON strs whose UTF-8 we point into */
    PyObject *json = PyImport_ImportModule("json");
    PyObject *dumps = json ? PyObject_GetAttrString(json, "dumps") : NULL;
    int ok = lines && lens && keep && dumps;
    if (!ok && !PyErr_Occurred()) PyErr_NoMemory();
    for (Py_ssize_t i = 0; ok && i < n; i++) {
        PyObject *j = doc_json(dumps, PyList_GET_ITEM(batch, i), start + i);
        Py_ssize_t len = 0;
        ok = j && PyList_Append(keep, j) == 0 && (lines[i] = PyUnicode_AsUTF8AndSize(j, &len));
        Py_XDECREF(j);
        lens[i] = (size_t)len;
    }
    PyObject *ret = NULL;
    if (ok && adder_ready(self)) { /* (json.dumps ran Python code: check again) */
        lexkit_error err;
        lexkit_status st;
        lexkit_index_adder *a = self->a;
        self->busy = 1;
        Py_BEGIN_ALLOW_THREADS
        st = lexkit_index_adder_json(a, lines, lens, (size_t)n, &err);
        Py_END_ALLOW_THREADS
        self->busy = 0;
        if (st != LEXKIT_OK) raise_err(st, &err);
        else if (PyErr_CheckSignals() == 0) ret = Py_NewRef(Py_None);
    }
    free(lines);
    free(lens);
    Py_XDECREF(keep);
    Py_XDECREF(dumps);
    Py_XDECREF(json);
    return ret;
}

/* commit(): add every staged document to the index, all or none (the GIL released). */
static PyObject *Adder_commit(AdderObject *self, PyObject *unused)
{
    (void)unused;
    if (!adder_ready(self)) return NULL;
    IndexObject *ix = self->ix;
    lexkit_error err;
    lexkit_status st;
    self->busy = 1; /* from here: the lock is waited for with the GIL released */
    lock_take(ix->lock);
    if (!ix->idx || ix->idx != self->idx) {
        st = closed_err(&err);
    } else {
        lexkit_searcher_free(ix->fs); /* its doc numbers are those of the old index */
        ix->fs = NULL;
        lexkit_index_adder *a = self->a;
        Py_BEGIN_ALLOW_THREADS
        st = lexkit_index_adder_commit(a, &err);
        Py_END_ALLOW_THREADS
    }
    PyThread_release_lock(ix->lock);
    self->busy = 0;
    lexkit_index_adder_free(self->a);
    self->a = NULL;
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

/* discard(): drop the staged documents (the index is untouched); again: a no-op. */
static PyObject *Adder_discard(AdderObject *self, PyObject *unused)
{
    (void)unused;
    if (self->busy) return PyErr_Format(PyExc_ValueError, "the add is in use by another thread");
    lexkit_index_adder *a = self->a;
    self->a = NULL;
    Py_BEGIN_ALLOW_THREADS
    lexkit_index_adder_free(a); /* closes and removes the temporary file */
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyMethodDef Adder_methods[] = {
    {"add", (PyCFunction)Adder_add, METH_VARARGS,
     "add(batch, start): stage a list of checked dicts, documents start.. of the add."},
    {"commit", (PyCFunction)Adder_commit, METH_NOARGS, "commit(): add what was staged, atomically."},
    {"discard", (PyCFunction)Adder_discard, METH_NOARGS, "discard(): drop what was not committed."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject AdderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.IndexAdder",
    .tp_basicsize = sizeof(AdderObject),
    .tp_dealloc = (destructor)Adder_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A staged add of an Index (Index.adder(); use lexkit.Index.add).",
    .tp_methods = Adder_methods,
};

/* Index.adder(): a new staged add (its temporary file is made beside the index). */
static PyObject *Index_adder(IndexObject *self, PyObject *unused)
{
    (void)unused;
    if (!index_ready(self)) return NULL;
    AdderObject *ad = PyObject_New(AdderObject, &AdderType);
    if (!ad) return NULL;
    ad->ix = (IndexObject *)Py_NewRef((PyObject *)self);
    ad->a = NULL;
    ad->busy = 0;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    ad->idx = self->idx;
    if (!self->idx) st = closed_err(&err);
    else st = lexkit_index_adder_create(self->idx, &ad->a, &err);
    PyThread_release_lock(self->lock);
    if (st != LEXKIT_OK) {
        Py_DECREF(ad);
        return raise_err(st, &err);
    }
    return (PyObject *)ad;
}

static PyObject *Index_delete(IndexObject *self, PyObject *ids_obj)
{
    if (!index_ready(self)) return NULL;
    strs ids;
    if (strs_get(ids_obj, "ids", &ids) < 0) return NULL;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    if (!self->idx) {
        st = closed_err(&err);
    } else {
        lexkit_searcher_free(self->fs);
        self->fs = NULL;
        Py_BEGIN_ALLOW_THREADS
        st = lexkit_index_delete(self->idx, ids.s, ids.len, ids.n, &err);
        Py_END_ALLOW_THREADS
    }
    PyThread_release_lock(self->lock);
    strs_free(&ids);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

/* lexkit.Hit: (id, score) as a tuple, with the stored fields as attribute `fields` (a dict,
   or None when they were not asked for), as os.stat_result keeps extra attributes. */
static PyStructSequence_Field hit_fields[] = {
    {"id", "the document's id"},
    {"score", "its BM25 score"},
    {"fields", "its stored fields (dict) when search(..., fields=) asked for them, else None"},
    {"snippet", "its best passage when search(..., snippet=True) asked for it: a dict with "
                "'field' (the stored field: 'text'), 'text', 'start' and 'highlights' "
                "(code-point offsets), 'cut_start' and 'cut_end' (bools: text left out before "
                "/ after it, where an ellipsis goes), as the CLI's JSON snippet; else None"},
    {NULL, NULL},
};
static PyStructSequence_Desc hit_desc = {
    "lexkit.Hit", "A search result: (id, score), and .fields when asked for.", hit_fields, 2,
};
static PyTypeObject HitType;

/* The `fields` argument of search: None/False (no fields), True (all) or names. *names is
   NULL for all, else a tuple of str. Returns 0 (no fields), 1 (fields) or -1 (error). */
static int fields_arg(PyObject *f, PyObject **names)
{
    *names = NULL;
    if (!f || f == Py_None || f == Py_False) return 0;
    if (f == Py_True) return 1;
    if (PyUnicode_Check(f)) { /* "title,text" as the CLI's --fields */
        PyObject *comma = PyUnicode_FromString(",");
        f = comma ? PyUnicode_Split(f, comma, -1) : NULL;
        Py_XDECREF(comma);
    } else {
        Py_INCREF(f);
    }
    if (!f) return -1;
    PyObject *t = PySequence_Tuple(f);
    Py_DECREF(f);
    if (!t) {
        PyErr_SetString(PyExc_TypeError, "fields: expected None, True, or field names");
        return -1;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(t); i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(t, i))) {
            Py_DECREF(t);
            PyErr_SetString(PyExc_TypeError, "fields: names must be str");
            return -1;
        }
    *names = t;
    return 1;
}

/* A stored value as Python: str, or int/float for a JSON number (int unless it has a
   fraction or an exponent, as json.loads reads it). */
static PyObject *field_value(const lexkit_field *f)
{
    if (!f->number) return PyUnicode_DecodeUTF8(f->value, (Py_ssize_t)f->value_len, "strict");
    PyObject *str = PyUnicode_DecodeUTF8(f->value, (Py_ssize_t)f->value_len, "strict");
    if (!str) return NULL;
    int is_float = memchr(f->value, '.', f->value_len) || memchr(f->value, 'e', f->value_len) ||
                   memchr(f->value, 'E', f->value_len);
    PyObject *v = is_float ? PyFloat_FromString(str) : PyLong_FromUnicodeObject(str, 10);
    Py_DECREF(str);
    return v;
}

/* The stored fields of document `doc` as a dict (names: NULL for all, else those names,
   None for a name the document lacks). self->lock is held. */
static PyObject *doc_fields(IndexObject *self, uint32_t doc, PyObject *names)
{
    lexkit_error err;
    lexkit_status st = LEXKIT_OK;
    if (!self->fs) st = lexkit_searcher_create(self->idx, &self->fs, &err);
    const lexkit_field *f = NULL;
    size_t nf = 0;
    if (st == LEXKIT_OK) st = lexkit_searcher_fields(self->fs, doc, &f, &nf, &err);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    PyObject *d = PyDict_New();
    Py_ssize_t nn = names ? PyTuple_GET_SIZE(names) : 0;
    for (Py_ssize_t j = 0; d && names && j < nn; j++)
        if (PyDict_SetItem(d, PyTuple_GET_ITEM(names, j), Py_None) < 0) Py_CLEAR(d);
    for (size_t i = 0; d && i < nf; i++) {
        PyObject *k = PyUnicode_DecodeUTF8(f[i].name, (Py_ssize_t)f[i].name_len, "strict");
        int wanted = k && (!names || PyDict_Contains(d, k) == 1);
        PyObject *v = wanted ? field_value(&f[i]) : NULL;
        if (!k || (wanted && (!v || PyDict_SetItem(d, k, v) < 0))) Py_CLEAR(d);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    return d;
}

/* A snippet as a dict {"field": "text", "text", "start", "highlights": [(a, b), ...],
   "cut_start", "cut_end"}, the keys and values of `lexkit search --snippet --output-format
   json` (code points; cut_*: bools, text left out before / after the passage; the passage
   is of the stored field "text", as lexkit_searcher_snippet's), or None for a document
   without stored text (sn->text NULL). */
static PyObject *snippet_dict(const lexkit_snippet *sn)
{
    if (!sn->text) Py_RETURN_NONE;
    PyObject *hl = PyList_New((Py_ssize_t)sn->n_highlights);
    for (size_t i = 0; hl && i < sn->n_highlights; i++) {
        PyObject *a = PyLong_FromSize_t(sn->highlights[2 * i]);
        PyObject *b = a ? PyLong_FromSize_t(sn->highlights[2 * i + 1]) : NULL;
        PyObject *pair = b ? PyTuple_Pack(2, a, b) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(b);
        if (!pair) Py_CLEAR(hl);
        else PyList_SET_ITEM(hl, (Py_ssize_t)i, pair);
    }
    if (!hl) return NULL;
    return Py_BuildValue("{s:s,s:s#,s:n,s:N,s:N,s:N}", "field", "text", "text", sn->text,
                         (Py_ssize_t)sn->len, "start", (Py_ssize_t)sn->start, "highlights", hl,
                         "cut_start", PyBool_FromLong(sn->cut_start), "cut_end",
                         PyBool_FromLong(sn->cut_end));
}

/* The snippet of document `doc` for the last query of self->fs (snippet_dict). self->lock
   is held. */
static PyObject *doc_snippet(IndexObject *self, uint32_t doc)
{
    lexkit_error err;
    lexkit_snippet sn;
    lexkit_status st = lexkit_searcher_snippet(self->fs, doc, 0, &sn, &err);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return snippet_dict(&sn);
}

/* The hits as a list of lexkit.Hit; with_fields: each with its stored fields (names as
   fields_arg gives them); with_snippet: each with its snippet, snips[i] when snips is not
   NULL, else made by self->fs (the query was searched on it). self->lock is held. */
static PyObject *hits_list(IndexObject *self, const lexkit_hit *h, size_t n, int with_fields,
                           PyObject *names, int with_snippet, const lexkit_snippet *snips)
{
    PyObject *l = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; l && i < n; i++) {
        /* built directly, without Py_BuildValue's format parsing: this loop runs with the
           GIL held after the threads of search_many are done */
        PyObject *t = PyStructSequence_New(&HitType);
        PyObject *id = t ? PyUnicode_DecodeUTF8(h[i].id, (Py_ssize_t)h[i].id_len, "strict") : NULL;
        PyObject *sc = id ? PyFloat_FromDouble(h[i].score) : NULL;
        PyObject *fd = !sc ? NULL : with_fields ? doc_fields(self, h[i].doc, names) : Py_NewRef(Py_None);
        PyObject *sn = !fd             ? NULL
                       : !with_snippet ? Py_NewRef(Py_None)
                       : snips         ? snippet_dict(&snips[i])
                                       : doc_snippet(self, h[i].doc);
        if (!sn) {
            Py_XDECREF(id);
            Py_XDECREF(sc);
            Py_XDECREF(fd);
            Py_XDECREF(t);
            Py_CLEAR(l);
            break;
        }
        PyStructSequence_SET_ITEM(t, 0, id);
        PyStructSequence_SET_ITEM(t, 1, sc);
        PyStructSequence_SET_ITEM(t, 2, fd);
        PyStructSequence_SET_ITEM(t, 3, sn);
        PyList_SET_ITEM(l, (Py_ssize_t)i, t);
    }
    return l;
}

static PyObject *Index_search(IndexObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"query", "k", "fields", "syntax", "snippet", NULL};
    const char *q;
    Py_ssize_t qlen, k = 10;
    PyObject *fields = NULL, *fnames = NULL;
    int syntax = 1, snippet = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|nOpp", names, &q, &qlen, &k, &fields, &syntax,
                                     &snippet))
        return NULL;
    if (k < 0) return PyErr_Format(PyExc_ValueError, "k: must be >= 0");
    if (!index_ready(self)) return NULL;
    int with_fields = fields_arg(fields, &fnames);
    if (with_fields < 0) return NULL;
    lexkit_hit *hits = malloc((k ? (size_t)k : 1) * sizeof *hits);
    if (!hits) {
        Py_XDECREF(fnames);
        return PyErr_NoMemory();
    }
    size_t n = 0;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    if (!self->idx) {
        st = closed_err(&err);
    } else {
        lexkit_index_set_syntax(self->idx, syntax);
        /* a snippet needs the query's terms: the search runs on self->fs, which reads them
           (an index without documents has no searcher: it finds nothing, no snippet) */
        if (snippet && lexkit_index_n_docs(self->idx) == 0 && !self->fs) snippet = 0;
        st = snippet && !self->fs ? lexkit_searcher_create(self->idx, &self->fs, &err) : LEXKIT_OK;
        if (st == LEXKIT_OK && snippet) lexkit_searcher_set_syntax(self->fs, syntax);
        Py_BEGIN_ALLOW_THREADS
        if (st == LEXKIT_OK && snippet)
            st = lexkit_searcher_search(self->fs, q, (size_t)qlen, (size_t)k, hits, &n, &err);
        else if (st == LEXKIT_OK)
            st = lexkit_index_search(self->idx, q, (size_t)qlen, (size_t)k, hits, &n, &err);
        Py_END_ALLOW_THREADS
    }
    PyObject *ret = st == LEXKIT_OK ? hits_list(self, hits, n, with_fields, fnames, snippet, NULL)
                                    : raise_query_err(st, &err);
    PyThread_release_lock(self->lock);
    free(hits);
    Py_XDECREF(fnames);
    return ret;
}

/* search_many(..., snippet=True) on `threads` threads: each has its own searcher, which
   searches the queries it takes (in chunks of MANY_CHUNK from one counter, as
   lexkit_index_search_many) and makes their hits' snippets, copied into the thread's
   buffers (a searcher's snippet is borrowed until its next call). The hits and snippets are
   made Python objects after the threads are done. */
#define MANY_CHUNK 4
#define MANY_MAX_THREADS 64 /* lexkit_index_search_many's limit */

typedef struct {
    size_t off, len, start; /* the passage: bytes text[off..off+len); code points before it */
    size_t hl, n_hl;        /* its highlights: marks[hl .. hl + 2 * n_hl) */
    int has, cut_start, cut_end, worker;
} snip_rec;

typedef struct {
    const lexkit_index *idx;
    const strs *q;
    size_t k;
    int syntax, id;
    atomic_size_t *next;  /* the first query no thread has taken */
    lexkit_hit *hits;     /* query i's hits at hits[i * k ..], n_hits[i] of them */
    size_t *n_hits;
    snip_rec *recs;       /* hit j of query i: recs[i * k + j] */
    char *text;           /* this thread's passages */
    size_t text_len, text_cap;
    size_t *marks;        /* this thread's highlights */
    size_t marks_len, marks_cap;
    size_t failed;        /* the query that failed (st != LEXKIT_OK): the thread then stops */
    int failed_search;    /* 1: its search failed (a malformed query), 0: a snippet */
    lexkit_status st;
    lexkit_error err;
} snip_job;

/* buf (cap elements of `size` bytes; NULL: none yet) grown to hold `need`: buf itself when
   it does, else a larger copy (*cap updated) or NULL when out of memory (buf unchanged). */
static void *grow(void *buf, size_t *cap, size_t need, size_t size)
{
    if (buf && need <= *cap) return buf;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *p = realloc(buf, c * size);
    if (p) *cap = c;
    return p;
}

/* Copy snippet sn of a hit into j's buffers as *r. */
static lexkit_status keep_snippet(snip_job *j, const lexkit_snippet *sn, snip_rec *r)
{
    *r = (snip_rec){0, 0, 0, 0, 0, sn->text != NULL, sn->cut_start, sn->cut_end, j->id};
    if (!sn->text) return LEXKIT_OK;
    char *text = grow(j->text, &j->text_cap, j->text_len + sn->len, 1);
    if (text) j->text = text;
    size_t *marks = text ? grow(j->marks, &j->marks_cap, j->marks_len + 2 * sn->n_highlights,
                                sizeof *marks)
                         : NULL;
    if (marks) j->marks = marks;
    if (!text || !marks) {
        memset(&j->err, 0, sizeof j->err);
        j->err.code = LEXKIT_ERR_NOMEM;
        snprintf(j->err.msg, sizeof j->err.msg, "out of memory");
        return LEXKIT_ERR_NOMEM;
    }
    memcpy(j->text + j->text_len, sn->text, sn->len);
    if (sn->n_highlights) /* (highlights is NULL without any: an empty text) */
        memcpy(j->marks + j->marks_len, sn->highlights, 2 * sn->n_highlights * sizeof(size_t));
    r->off = j->text_len;
    r->len = sn->len;
    r->start = sn->start;
    r->hl = j->marks_len;
    r->n_hl = sn->n_highlights;
    j->text_len += sn->len;
    j->marks_len += 2 * sn->n_highlights;
    return LEXKIT_OK;
}

/* Query qi on searcher s: its hits and their snippets. */
static lexkit_status snip_query(snip_job *j, lexkit_searcher *s, size_t qi)
{
    size_t *nh = &j->n_hits[qi];
    lexkit_hit *h = j->hits + qi * j->k;
    lexkit_status st = lexkit_searcher_search(s, j->q->s[qi], j->q->len[qi], j->k, h, nh, &j->err);
    j->failed_search = st != LEXKIT_OK;
    for (size_t i = 0; st == LEXKIT_OK && i < *nh; i++) {
        lexkit_snippet sn;
        st = lexkit_searcher_snippet(s, h[i].doc, 0, &sn, &j->err);
        if (st == LEXKIT_OK) st = keep_snippet(j, &sn, &j->recs[qi * j->k + i]);
    }
    return st;
}

static void *snip_worker(void *arg)
{
    snip_job *j = arg;
    lexkit_searcher *s = NULL;
    j->st = lexkit_searcher_create(j->idx, &s, &j->err);
    if (j->st == LEXKIT_OK) lexkit_searcher_set_syntax(s, j->syntax);
    while (j->st == LEXKIT_OK) {
        size_t qi = atomic_fetch_add_explicit(j->next, MANY_CHUNK, memory_order_relaxed);
        if (qi >= j->q->n) break;
        size_t end = j->q->n - qi > MANY_CHUNK ? qi + MANY_CHUNK : j->q->n;
        for (; qi < end && j->st == LEXKIT_OK; qi++)
            if ((j->st = snip_query(j, s, qi)) != LEXKIT_OK) j->failed = qi;
    }
    lexkit_searcher_free(s);
    return NULL;
}

/* Run the jobs: jobs[1..] on new threads (one that fails to start leaves its share to the
   others), jobs[0] on this one. The GIL is released by the caller. */
static void snip_run(snip_job *jobs, int threads)
{
    pthread_t tids[MANY_MAX_THREADS];
    int started = 0;
    for (int t = 1; t < threads && pthread_create(&tids[t], NULL, snip_worker, &jobs[t]) == 0; t++)
        started = t;
    snip_worker(&jobs[0]);
    for (int t = 1; t <= started; t++) pthread_join(tids[t], NULL);
}

/* The hit lists of every query, each hit's snippet given by the jobs' records. self->lock
   is held. */
static PyObject *snip_lists(IndexObject *self, const snip_job *jobs, size_t n, size_t k,
                            int with_fields, PyObject *fnames)
{
    lexkit_snippet *sn = malloc((k ? k : 1) * sizeof *sn);
    if (!sn) return PyErr_NoMemory();
    int gc_was = PyGC_Disable(); /* as in Index_search_many: no cycles made here */
    PyObject *ret = PyList_New((Py_ssize_t)n);
    const lexkit_hit *hits = jobs[0].hits;
    for (size_t i = 0; ret && i < n; i++) {
        size_t nh = jobs[0].n_hits[i];
        for (size_t h = 0; h < nh; h++) {
            const snip_rec *r = &jobs[0].recs[i * k + h];
            const snip_job *w = &jobs[r->worker];
            sn[h] = (lexkit_snippet){r->has ? w->text + r->off : NULL, r->len, r->start,
                                     w->marks + r->hl, r->n_hl, r->cut_start, r->cut_end};
        }
        PyObject *l = hits_list(self, hits + i * k, nh, with_fields, fnames, 1, sn);
        if (!l) {
            Py_CLEAR(ret);
            break;
        }
        PyList_SET_ITEM(ret, (Py_ssize_t)i, l);
    }
    if (gc_was) PyGC_Enable();
    free(sn);
    return ret;
}

/* search_many(..., snippet=True) of an index with documents (k, threads, fields and the
   queries are checked by Index_search_many). The first query that fails raises: "query Q:
   ..." for a malformed one, as search_many. */
static PyObject *search_many_snippets(IndexObject *self, const strs *q, size_t k, int threads,
                                      int with_fields, PyObject *fnames, int syntax)
{
    size_t chunks = (q->n + MANY_CHUNK - 1) / MANY_CHUNK, total;
    if ((size_t)threads > chunks) threads = chunks ? (int)chunks : 1;
    if (__builtin_mul_overflow(q->n ? q->n : 1, k ? k : 1, &total)) return PyErr_NoMemory();
    lexkit_hit *hits = malloc(total * sizeof *hits);
    size_t *nh = calloc(q->n ? q->n : 1, sizeof *nh);
    snip_rec *recs = malloc(total * sizeof *recs);
    snip_job *jobs = calloc((size_t)threads, sizeof *jobs);
    PyObject *ret = NULL;
    if (!hits || !nh || !recs || !jobs) {
        PyErr_NoMemory();
        goto done;
    }
    atomic_size_t next;
    atomic_init(&next, 0);
    for (int t = 0; t < threads; t++)
        jobs[t] = (snip_job){.idx = self->idx, .q = q, .k = k, .syntax = syntax, .id = t,
                             .next = &next, .hits = hits, .n_hits = nh, .recs = recs};
    Py_BEGIN_ALLOW_THREADS
    snip_run(jobs, threads);
    Py_END_ALLOW_THREADS
    /* the first query that failed, as one thread would have reported it (every query before
       it was taken before it, and answered) */
    const snip_job *bad = NULL;
    for (int t = 0; t < threads; t++)
        if (jobs[t].st != LEXKIT_OK && (!bad || jobs[t].failed < bad->failed)) bad = &jobs[t];
    if (bad && bad->failed_search) {
        lexkit_error e = bad->err;
        snprintf(e.msg, sizeof e.msg, "query %zu: %.*s", bad->failed, (int)sizeof e.msg - 32,
                 bad->err.msg);
        raise_query_err(bad->st, &e);
    } else if (bad) {
        raise_err(bad->st, &bad->err);
    } else {
        ret = snip_lists(self, jobs, q->n, k, with_fields, fnames);
    }
done:
    for (int t = 0; jobs && t < threads; t++) {
        free(jobs[t].text);
        free(jobs[t].marks);
    }
    free(jobs);
    free(recs);
    free(nh);
    free(hits);
    return ret;
}

static PyObject *Index_search_many(IndexObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"queries", "k", "threads", "fields", "syntax", "snippet", NULL};
    PyObject *qobj, *fields = NULL, *fnames = NULL;
    Py_ssize_t k = 10;
    int threads = 1, syntax = 1, snippet = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|niOpp", names, &qobj, &k, &threads, &fields,
                                     &syntax, &snippet))
        return NULL;
    if (k < 0) return PyErr_Format(PyExc_ValueError, "k: must be >= 0");
    if (snippet && (threads < 1 || threads > MANY_MAX_THREADS)) /* as the C API checks them */
        return PyErr_Format(PyExc_ValueError, "threads: must be in 1..%d, got %d",
                            MANY_MAX_THREADS, threads);
    if (!index_ready(self)) return NULL;
    int with_fields = fields_arg(fields, &fnames);
    if (with_fields < 0) return NULL;
    strs q;
    if (strs_get(qobj, "queries", &q) < 0) {
        Py_XDECREF(fnames);
        return NULL;
    }
    if (snippet) {
        lock_take(self->lock);
        /* an index without documents finds nothing (no snippet): the plain path below,
           which also has no searcher to make before the first add */
        int any = self->idx && lexkit_index_n_docs(self->idx) > 0;
        PyObject *ret = any ? search_many_snippets(self, &q, (size_t)k, threads, with_fields,
                                                   fnames, syntax)
                            : NULL;
        PyThread_release_lock(self->lock);
        if (any) {
            strs_free(&q);
            Py_XDECREF(fnames);
            return ret;
        }
    }
    size_t total;
    if (__builtin_mul_overflow(q.n ? q.n : 1, k ? (size_t)k : 1, &total)) {
        strs_free(&q);
        return PyErr_NoMemory();
    }
    lexkit_hit *hits = malloc(total * sizeof *hits);
    size_t *nh = calloc(q.n ? q.n : 1, sizeof *nh);
    if (!hits || !nh) {
        free(hits);
        free(nh);
        strs_free(&q);
        return PyErr_NoMemory();
    }
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    if (!self->idx) {
        st = closed_err(&err);
    } else {
        lexkit_index_set_syntax(self->idx, syntax);
        Py_BEGIN_ALLOW_THREADS
        st = lexkit_index_search_many(self->idx, q.s, q.len, q.n, (size_t)k, threads, hits, nh, &err);
        Py_END_ALLOW_THREADS
    }
    PyObject *ret = NULL;
    if (st == LEXKIT_OK) {
        /* The cyclic GC off while the lists are built: n * k new tuples would set off
           collections that walk every tracked object again and again (with 30,000 queries
           of 10 hits they took a third of the call; as the serial part, they held 2 threads
           to 1.7x one). The objects made here hold no cycles. */
        int gc_was = PyGC_Disable();
        ret = PyList_New((Py_ssize_t)q.n);
        for (size_t i = 0; ret && i < q.n; i++) {
            PyObject *l = hits_list(self, hits + i * (size_t)k, nh[i], with_fields, fnames, 0, NULL);
            if (!l) {
                Py_CLEAR(ret);
                break;
            }
            PyList_SET_ITEM(ret, (Py_ssize_t)i, l);
        }
        if (gc_was) PyGC_Enable();
    } else {
        raise_query_err(st, &err);
    }
    PyThread_release_lock(self->lock);
    free(hits);
    free(nh);
    strs_free(&q);
    Py_XDECREF(fnames);
    return ret;
}

/* set_bm25(method, k1, b, delta): lexkit_index_set_bm25 (delta < 0: the variant's default),
   also on the searcher of snippets; a bad value raises ValueError with the C message. */
static PyObject *Index_set_bm25(IndexObject *self, PyObject *args)
{
    const char *method;
    double k1, b, delta;
    if (!PyArg_ParseTuple(args, "sddd", &method, &k1, &b, &delta)) return NULL;
    if (!index_ready(self)) return NULL;
    lexkit_error err;
    lexkit_status st;
    lock_take(self->lock);
    if (!self->idx) st = closed_err(&err);
    else st = lexkit_index_set_bm25(self->idx, method, k1, b, delta, &err);
    if (st == LEXKIT_OK && self->fs) st = lexkit_searcher_set_bm25(self->fs, method, k1, b, delta, &err);
    PyThread_release_lock(self->lock);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

static PyObject *Index_close(IndexObject *self, PyObject *unused)
{
    (void)unused;
    if (self->lock) lock_take(self->lock);
    lexkit_searcher_free(self->fs);
    self->fs = NULL;
    lexkit_index_free(self->idx);
    self->idx = NULL;
    if (self->lock) PyThread_release_lock(self->lock);
    Py_RETURN_NONE;
}

static PyObject *Index_len(IndexObject *self, PyObject *unused)
{
    (void)unused;
    if (!index_ready(self)) return NULL;
    return PyLong_FromUnsignedLong(lexkit_index_n_docs(self->idx));
}

static PyMethodDef Index_methods[] = {
    {"adder", (PyCFunction)Index_adder, METH_NOARGS, "adder() -> IndexAdder: an add given in batches."},
    {"delete", (PyCFunction)Index_delete, METH_O, "delete(ids): remove documents by id atomically."},
    {"search", (PyCFunction)(void (*)(void))Index_search, METH_VARARGS | METH_KEYWORDS,
     "search(query, k=10, fields=None, syntax=True, snippet=False) -> [Hit(id, score), ...] best first."},
    {"search_many", (PyCFunction)(void (*)(void))Index_search_many, METH_VARARGS | METH_KEYWORDS,
     "search_many(queries, k=10, threads=1, fields=None, syntax=True, snippet=False) -> one hit list per query."},
    {"set_bm25", (PyCFunction)Index_set_bm25, METH_VARARGS,
     "set_bm25(method, k1, b, delta): the BM25 variant and parameters of later searches (delta < 0: the variant's)."},
    {"close", (PyCFunction)Index_close, METH_NOARGS, "close(): release the index; later calls raise ValueError."},
    {"n_docs", (PyCFunction)Index_len, METH_NOARGS, "n_docs() -> live documents."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.Index",
    .tp_basicsize = sizeof(IndexObject),
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Low-level BM25 index (use lexkit.Index).",
    .tp_methods = Index_methods,
    .tp_init = (initproc)Index_init,
    .tp_new = PyType_GenericNew,
};

/* ---- Tagger --------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    lexkit_tagger *t;
} TaggerObject;

static void Tagger_dealloc(TaggerObject *self)
{
    lexkit_tagger_free(self->t);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int Tagger_init(TaggerObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", "user_dict", NULL};
    PyObject *path_obj = NULL, *dict_obj = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|O&", names, PyUnicode_FSConverter, &path_obj,
                                     PyUnicode_FSConverter, &dict_obj))
        return -1;
    lexkit_error err;
    lexkit_status st;
    lexkit_tagger *t = NULL;
    const char *path = PyBytes_AS_STRING(path_obj);
    const char *dict = dict_obj ? PyBytes_AS_STRING(dict_obj) : NULL;
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_tagger_load(path, &t, &err);
    if (st == LEXKIT_OK && dict) {
        st = lexkit_tagger_set_user_dict(t, dict, &err);
        if (st != LEXKIT_OK) {
            lexkit_tagger_free(t);
            t = NULL;
        }
    }
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    Py_XDECREF(dict_obj);
    if (st != LEXKIT_OK) {
        raise_err(st, &err);
        return -1;
    }
    lexkit_tagger_free(self->t);
    self->t = t;
    return 0;
}

static PyObject *Tagger_tag(TaggerObject *self, PyObject *tokens)
{
    if (!self->t) return PyErr_Format(PyExc_ValueError, "the tagger is not loaded");
    strs s;
    if (strs_get(tokens, "tokens", &s) < 0) return NULL;
    int32_t *tags = malloc((s.n ? s.n : 1) * sizeof *tags);
    if (!tags) {
        strs_free(&s);
        return PyErr_NoMemory();
    }
    lexkit_error err;
    lexkit_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_tagger_tag(self->t, s.s, s.len, s.n, tags, &err);
    Py_END_ALLOW_THREADS
    PyObject *ret = NULL;
    if (st == LEXKIT_OK) {
        ret = PyList_New((Py_ssize_t)s.n);
        for (size_t i = 0; ret && i < s.n; i++) {
            PyObject *name = PyUnicode_FromString(lexkit_tagger_tag_name(self->t, tags[i]));
            if (!name) {
                Py_CLEAR(ret);
                break;
            }
            PyList_SET_ITEM(ret, (Py_ssize_t)i, name);
        }
    } else {
        raise_err(st, &err);
    }
    free(tags);
    strs_free(&s);
    return ret;
}

/* [(word, tag), ...] of raw text; script 0..2, coarse, no_pretok as lexkit_text_options. */
static PyObject *Tagger_tag_text(TaggerObject *self, PyObject *args, PyObject *kw)
{
    static char *kwlist[] = {"text", "script", "coarse", "no_pretok", NULL};
    PyObject *arg;
    lexkit_text_options o = {0, 0, 0};
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ipp", kwlist, &arg, &o.script, &o.coarse,
                                     &o.no_pretok))
        return NULL;
    if (!self->t) return PyErr_Format(PyExc_ValueError, "the tagger is not loaded");
    if (!PyUnicode_Check(arg)) return PyErr_Format(PyExc_TypeError, "text: expected str, got %s", Py_TYPE(arg)->tp_name);
    Py_ssize_t len;
    const char *text = PyUnicode_AsUTF8AndSize(arg, &len);
    if (!text) return NULL;
    lexkit_span *spans = NULL;
    size_t n = 0;
    lexkit_error err;
    lexkit_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_tagger_tag_text_opts(self->t, text, (size_t)len, &o, &spans, &n, &err);
    Py_END_ALLOW_THREADS
    if (st != LEXKIT_OK) return raise_err(st, &err);
    PyObject *ret = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; ret && i < n; i++) {
        PyObject *t = Py_BuildValue("(s#s)", text + spans[i].start, (Py_ssize_t)spans[i].len,
                                    lexkit_tagger_tag_name(self->t, spans[i].tag));
        if (!t) {
            Py_CLEAR(ret);
            break;
        }
        PyList_SET_ITEM(ret, (Py_ssize_t)i, t);
    }
    free(spans);
    return ret;
}

static PyObject *Tagger_segments(TaggerObject *self, PyObject *unused)
{
    (void)unused;
    return PyBool_FromLong(self->t && lexkit_tagger_segments(self->t));
}

static PyMethodDef Tagger_methods[] = {
    {"tag", (PyCFunction)Tagger_tag, METH_O, "tag(tokens) -> tags (word models)."},
    {"tag_text", (PyCFunction)(void (*)(void))Tagger_tag_text, METH_VARARGS | METH_KEYWORDS,
     "tag_text(text, script=0, coarse=False, no_pretok=False) -> [(word, tag), ...]."},
    {"segments", (PyCFunction)Tagger_segments, METH_NOARGS, "True for a character (segmenting) model."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TaggerType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.Tagger",
    .tp_basicsize = sizeof(TaggerObject),
    .tp_dealloc = (destructor)Tagger_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_doc = "Low-level tagger (use lexkit.Tagger).",
    .tp_methods = Tagger_methods,
    .tp_init = (initproc)Tagger_init,
    .tp_new = PyType_GenericNew,
};

/* ---- Vectors -------------------------------------------------------------------------- */
typedef struct {
    PyObject_HEAD
    lexkit_vectors *v;
} VectorsObject;

static PyTypeObject VectorsType;

static void Vectors_dealloc(VectorsObject *self)
{
    lexkit_vectors_free(self->v);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *vectors_wrap(lexkit_vectors *v)
{
    VectorsObject *o = PyObject_New(VectorsObject, &VectorsType);
    if (!o) {
        lexkit_vectors_free(v);
        return NULL;
    }
    o->v = v;
    return (PyObject *)o;
}

static int fmt_arg(const char *s, lexkit_vec_format *f)
{
    if (!s || !strcmp(s, "auto")) *f = LEXKIT_VEC_AUTO;
    else if (!strcmp(s, "text")) *f = LEXKIT_VEC_TEXT;
    else if (!strcmp(s, "binary")) *f = LEXKIT_VEC_BINARY;
    else {
        PyErr_Format(PyExc_ValueError, "format: expected 'auto', 'text' or 'binary', got '%s'", s);
        return -1;
    }
    return 0;
}

static PyObject *vectors_load(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *names[] = {"path", "format", NULL};
    PyObject *path_obj = NULL;
    const char *fs = "auto";
    lexkit_vec_format f;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|s", names, PyUnicode_FSConverter, &path_obj, &fs)) return NULL;
    if (fmt_arg(fs, &f) < 0) {
        Py_DECREF(path_obj);
        return NULL;
    }
    lexkit_vectors *v = NULL;
    lexkit_error err;
    lexkit_status st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectors_load(path, f, &v, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return vectors_wrap(v);
}

/* vectors_load_bytes(data, format='auto'): vectors_load from a file's bytes */
static PyObject *vectors_load_bytes(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *names[] = {"data", "format", NULL};
    Py_buffer buf;
    const char *fs = "auto";
    lexkit_vec_format f;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "y*|s", names, &buf, &fs)) return NULL;
    if (fmt_arg(fs, &f) < 0) {
        PyBuffer_Release(&buf);
        return NULL;
    }
    lexkit_vectors *v = NULL;
    lexkit_error err;
    lexkit_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectors_load_mem(buf.buf, (size_t)buf.len, f, &v, &err);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&buf);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    return vectors_wrap(v);
}

/* ValueError naming words[i] (x's item i) when a table cannot hold it: empty, with white
   space or a NUL (a word file could not hold it), or equal to an earlier word; else 0. */
static int word_refused(const lexkit_vectors *v, const strs *x, size_t i)
{
    PyObject *word = PySequence_Fast_GET_ITEM(x->seq, (Py_ssize_t)i);
    if (x->len[i] == 0) {
        PyErr_Format(PyExc_ValueError, "words[%zu] is empty", i);
        return -1;
    }
    if (memchr(x->s[i], '\0', x->len[i])) {
        PyErr_Format(PyExc_ValueError, "words[%zu] %R contains a NUL character", i, word);
        return -1;
    }
    for (size_t j = 0; j < x->len[i]; j++) {
        if (lexkit_embed_is_separator((unsigned char)x->s[i][j])) {
            PyErr_Format(PyExc_ValueError, "words[%zu] %R contains whitespace", i, word);
            return -1;
        }
    }
    int32_t first = lexkit_vectors_find(v, x->s[i], x->len[i]);
    if (first >= 0) {
        PyErr_Format(PyExc_ValueError, "words[%zu] %R duplicates words[%ld]", i, word,
                     (long)first);
        return -1;
    }
    return 0;
}

/* ValueError for the first word of x (positive or negative words) holding a NUL: lexkit
   takes them NUL-terminated, and no table word has one; else 0. */
static int nul_refused(const strs *x, const char *what)
{
    for (size_t i = 0; i < x->n; i++) {
        if (memchr(x->s[i], '\0', x->len[i])) {
            PyErr_Format(PyExc_ValueError, "%s[%zu] %R contains a NUL character", what, i,
                         PySequence_Fast_GET_ITEM(x->seq, (Py_ssize_t)i));
            return -1;
        }
    }
    return 0;
}

/* from_arrays(words, matrix_bytes, dim) */
static PyObject *vectors_from_arrays(PyObject *mod, PyObject *args)
{
    (void)mod;
    PyObject *words;
    Py_buffer buf;
    int dim;
    if (!PyArg_ParseTuple(args, "Oy*i", &words, &buf, &dim)) return NULL;
    strs w;
    if (dim <= 0 || strs_get(words, "words", &w) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "dim: must be > 0");
        PyBuffer_Release(&buf);
        return NULL;
    }
    if ((size_t)buf.len != w.n * (size_t)dim * sizeof(float)) {
        PyBuffer_Release(&buf);
        strs_free(&w);
        return PyErr_Format(PyExc_ValueError, "vectors: expected %zu x %d float32 values", w.n, dim);
    }
    lexkit_vectors *v = NULL;
    lexkit_status st = lexkit_vectors_create(dim, &v);
    for (size_t i = 0; st == LEXKIT_OK && i < w.n; i++) {
        if (word_refused(v, &w, i) < 0) {
            st = LEXKIT_ERR_ARG;
            break;
        }
        st = lexkit_vectors_add(v, w.s[i], w.len[i], (const float *)buf.buf + i * (size_t)dim);
    }
    PyBuffer_Release(&buf);
    strs_free(&w);
    if (st != LEXKIT_OK) {
        lexkit_vectors_free(v);
        return PyErr_Occurred() ? NULL : raise_err(st, NULL);
    }
    return vectors_wrap(v);
}

static PyObject *Vectors_save(VectorsObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"path", "format", NULL};
    PyObject *path_obj = NULL;
    const char *fs = "text";
    lexkit_vec_format f;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|s", names, PyUnicode_FSConverter, &path_obj, &fs)) return NULL;
    if (fmt_arg(fs, &f) < 0) {
        Py_DECREF(path_obj);
        return NULL;
    }
    lexkit_error err;
    lexkit_status st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectors_save(self->v, path, f, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

static PyObject *Vectors_words(VectorsObject *self, PyObject *unused)
{
    (void)unused;
    int32_t n = lexkit_vectors_size(self->v);
    PyObject *l = PyList_New(n);
    for (int32_t i = 0; l && i < n; i++) {
        PyObject *s = PyUnicode_DecodeUTF8(lexkit_vectors_word(self->v, i),
                                           (Py_ssize_t)strlen(lexkit_vectors_word(self->v, i)), "replace");
        if (!s) {
            Py_CLEAR(l);
            break;
        }
        PyList_SET_ITEM(l, i, s);
    }
    return l;
}

/* A read-only memoryview over the vectors (no copy); keeps self alive. */
static int Vectors_getbuffer(VectorsObject *self, Py_buffer *view, int flags)
{
    const float *d = lexkit_vectors_data(self->v);
    Py_ssize_t n = (Py_ssize_t)lexkit_vectors_size(self->v) * lexkit_vectors_dim(self->v);
    int rc = PyBuffer_FillInfo(view, (PyObject *)self, d ? (void *)d : (void *)"", n * (Py_ssize_t)sizeof(float), 1, flags);
    if (rc == 0 && (flags & PyBUF_FORMAT)) {
        view->format = "f";
        view->itemsize = sizeof(float);
    }
    return rc;
}

static PyBufferProcs Vectors_as_buffer = {(getbufferproc)Vectors_getbuffer, NULL};

static PyObject *Vectors_most_similar(VectorsObject *self, PyObject *args, PyObject *kw)
{
    static char *names[] = {"positive", "negative", "topn", NULL};
    PyObject *pos = NULL, *neg = NULL;
    int topn = 10;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|OOi", names, &pos, &neg, &topn)) return NULL;
    if (topn < 0) return PyErr_Format(PyExc_ValueError, "topn: must be >= 0");
    strs p = {0}, n = {0};
    PyObject *empty = PyList_New(0);
    if (!empty) return NULL;
    if (strs_get(pos && pos != Py_None ? pos : empty, "positive", &p) < 0 ||
        strs_get(neg && neg != Py_None ? neg : empty, "negative", &n) < 0) {
        Py_DECREF(empty);
        strs_free(&p);
        return NULL;
    }
    Py_DECREF(empty);
    if (nul_refused(&p, "positive") < 0 || nul_refused(&n, "negative") < 0) {
        strs_free(&p);
        strs_free(&n);
        return NULL;
    }
    int32_t *ids = malloc((topn ? (size_t)topn : 1) * sizeof *ids);
    float *scores = malloc((topn ? (size_t)topn : 1) * sizeof *scores);
    /* lexkit_vectors_most_similar takes NUL-terminated words: Python's UTF-8 is. */
    int32_t found = 0;
    lexkit_error err;
    lexkit_status st = ids && scores ? LEXKIT_OK : LEXKIT_ERR_NOMEM;
    if (st == LEXKIT_OK) {
        Py_BEGIN_ALLOW_THREADS
        st = lexkit_vectors_most_similar(self->v, p.s, p.n, n.s, n.n, topn, ids, scores, &found, &err);
        Py_END_ALLOW_THREADS
    }
    PyObject *ret = NULL;
    if (st == LEXKIT_OK) {
        ret = PyList_New(found);
        for (int32_t i = 0; ret && i < found; i++) {
            PyObject *t = Py_BuildValue("(sd)", lexkit_vectors_word(self->v, ids[i]), (double)scores[i]);
            if (!t) {
                Py_CLEAR(ret);
                break;
            }
            PyList_SET_ITEM(ret, i, t);
        }
    } else {
        raise_err(st, &err);
    }
    free(ids);
    free(scores);
    strs_free(&p);
    strs_free(&n);
    return ret;
}

static PyObject *Vectors_dim(VectorsObject *self, PyObject *unused)
{
    (void)unused;
    return PyLong_FromLong(lexkit_vectors_dim(self->v));
}

/* find(word) -> row id or -1 */
static PyObject *Vectors_find(VectorsObject *self, PyObject *word)
{
    Py_ssize_t len;
    const char *w = PyUnicode_AsUTF8AndSize(word, &len);
    if (!w) return NULL;
    return PyLong_FromLong(lexkit_vectors_find(self->v, w, (size_t)len));
}

/* word_vector(word) -> bytes of dim float32: the row, or composed from n-grams (ValueError
   for an unknown word that cannot be composed) */
static PyObject *Vectors_word_vector(VectorsObject *self, PyObject *word)
{
    Py_ssize_t len;
    const char *w = PyUnicode_AsUTF8AndSize(word, &len);
    if (!w) return NULL;
    PyObject *out = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)lexkit_vectors_dim(self->v) * 4);
    if (!out) return NULL;
    lexkit_error err;
    lexkit_status st = lexkit_vectors_word_vector(self->v, w, (size_t)len,
                                                  (float *)(void *)PyBytes_AS_STRING(out), &err);
    if (st != LEXKIT_OK) {
        Py_DECREF(out);
        return raise_err(st, &err);
    }
    return out;
}

/* subwords() -> None, or (minn, maxn, buckets, word_rows, ngram_rows): the rows as writable
   bytearrays of float32 (copies) */
static PyObject *Vectors_subwords(VectorsObject *self, PyObject *unused)
{
    (void)unused;
    lexkit_subwords sw;
    if (lexkit_vectors_subwords(self->v, &sw) != LEXKIT_OK) Py_RETURN_NONE;
    Py_ssize_t row = (Py_ssize_t)lexkit_vectors_dim(self->v) * (Py_ssize_t)sizeof(float);
    PyObject *words = PyByteArray_FromStringAndSize((const char *)sw.word_rows,
                                                    row * lexkit_vectors_size(self->v));
    PyObject *grams = words ? PyByteArray_FromStringAndSize((const char *)sw.ngram_rows,
                                                            row * sw.buckets) : NULL;
    if (!grams) {
        Py_XDECREF(words);
        return NULL;
    }
    return Py_BuildValue("(iiiNN)", (int)sw.minn, (int)sw.maxn, (int)sw.buckets, words, grams);
}

static PyObject *Vectors_save_model(VectorsObject *self, PyObject *arg)
{
    PyObject *path_obj = NULL;
    if (!PyUnicode_FSConverter(arg, &path_obj)) return NULL;
    lexkit_error err;
    lexkit_status st;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectors_save_model(self->v, path, &err);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    if (st != LEXKIT_OK) return raise_err(st, &err);
    Py_RETURN_NONE;
}

/* model_bytes() -> the subword model's LKEM bytes, or None without one */
static PyObject *Vectors_model_bytes(VectorsObject *self, PyObject *unused)
{
    (void)unused;
    if (!lexkit_vectors_has_subwords(self->v)) Py_RETURN_NONE;
    void *buf = NULL;
    size_t len = 0;
    lexkit_error err;
    lexkit_status st;
    Py_BEGIN_ALLOW_THREADS
    st = lexkit_vectors_save_model_mem(self->v, &buf, &len, &err);
    Py_END_ALLOW_THREADS
    if (st != LEXKIT_OK) return raise_err(st, &err);
    PyObject *b = PyBytes_FromStringAndSize(buf, (Py_ssize_t)len);
    free(buf);
    return b;
}

static PyMethodDef Vectors_methods[] = {
    {"save", (PyCFunction)(void (*)(void))Vectors_save, METH_VARARGS | METH_KEYWORDS, "save(path, format='text')."},
    {"words", (PyCFunction)Vectors_words, METH_NOARGS, "words() -> list of words in row order."},
    {"dim", (PyCFunction)Vectors_dim, METH_NOARGS, "dim() -> vector size."},
    {"find", (PyCFunction)Vectors_find, METH_O, "find(word) -> row id, or -1."},
    {"word_vector", (PyCFunction)Vectors_word_vector, METH_O,
     "word_vector(word) -> float32 bytes (unseen words of a subword model composed)."},
    {"subwords", (PyCFunction)Vectors_subwords, METH_NOARGS,
     "subwords() -> None or (minn, maxn, buckets, word_rows, ngram_rows)."},
    {"model_bytes", (PyCFunction)Vectors_model_bytes, METH_NOARGS,
     "model_bytes() -> the subword model as LKEM bytes, or None without one."},
    {"save_model", (PyCFunction)Vectors_save_model, METH_O,
     "save_model(path): the subword model as LKEM (LexkitError without one)."},
    {"most_similar", (PyCFunction)(void (*)(void))Vectors_most_similar, METH_VARARGS | METH_KEYWORDS,
     "most_similar(positive=(), negative=(), topn=10) -> [(word, cosine), ...]."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject VectorsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "lexkit._lexkit.Vectors",
    .tp_basicsize = sizeof(VectorsObject),
    .tp_dealloc = (destructor)Vectors_dealloc,
    .tp_as_buffer = &Vectors_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Low-level word vectors (use lexkit.Vectors).",
    .tp_methods = Vectors_methods,
};

/* ---- long calls that Ctrl-C can stop ------------------------------------------------ */
#define POLL_MICROSECONDS 50000 /* how often a waiting call checks for signals (0.05 s) */

typedef struct {
    void (*fn)(void *arg);
    void *arg;
    PyThread_type_lock done; /* held until fn returns */
} job;

static void *job_main(void *p)
{
    job *j = p;
    j->fn(j->arg);
    PyThread_release_lock(j->done);
    return NULL;
}

/* Run fn(arg) on a helper thread (signals blocked there and in the threads it starts, so
   they reach this one) while this thread, without the GIL, checks for signals every
   POLL_MICROSECONDS with the GIL taken briefly. When a handler raises (Ctrl-C's
   KeyboardInterrupt), *cancel is set, fn is waited for (it must stop soon after: lexkit's
   cancel flag), and -1 is returned with the handler's exception; else 0 once fn is done.
   Signals are handled on the main thread only: elsewhere this is a plain wait for fn. */
static int run_interruptible(void (*fn)(void *), void *arg, volatile sig_atomic_t *cancel)
{
    job j = {fn, arg, PyThread_allocate_lock()};
    if (!j.done) {
        PyErr_NoMemory();
        return -1;
    }
    PyThread_acquire_lock(j.done, WAIT_LOCK);
    sigset_t all, old;
    sigfillset(&all);
    pthread_t th;
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int rc = pthread_create(&th, NULL, job_main, &j);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        PyThread_release_lock(j.done);
        PyThread_free_lock(j.done);
        PyErr_SetString(PyExc_RuntimeError, "cannot start a thread");
        return -1;
    }
    int interrupted = 0;
    for (;;) {
        PyLockStatus got;
        Py_BEGIN_ALLOW_THREADS
        got = PyThread_acquire_lock_timed(j.done, POLL_MICROSECONDS, 0);
        Py_END_ALLOW_THREADS
        if (got == PY_LOCK_ACQUIRED) break;
        if (!interrupted && PyErr_CheckSignals() < 0) {
            interrupted = 1; /* the exception stays set while fn winds down */
            *cancel = 1;
        }
    }
    Py_BEGIN_ALLOW_THREADS
    pthread_join(th, NULL);
    Py_END_ALLOW_THREADS
    PyThread_release_lock(j.done);
    PyThread_free_lock(j.done);
    return interrupted ? -1 : 0;
}

typedef struct {
    const char *path;
    lexkit_embed_config c;
    lexkit_vectors *v;
    lexkit_error err;
    lexkit_status st;
} train_job;

static void train_run(void *p)
{
    train_job *t = p;
    t->st = lexkit_vectors_train(t->path, &t->c, &t->v, &t->err);
}

/* raise_err for a training error, a config field named by its Python (gensim) parameter:
   lexkit's "dim must be ..." is "vector_size must be ...", "threads" is "workers" (the
   other fields, window, negative, epochs, min_count, sample and alpha, have their names). */
static PyObject *train_err(lexkit_status st, const lexkit_error *err)
{
    static const char *const renamed[][2] = {{"dim ", "vector_size "}, {"threads ", "workers "}};
    const char *msg = err_text(st, err);
    if (st == LEXKIT_ERR_ARG) {
        for (size_t i = 0; i < sizeof renamed / sizeof *renamed; i++) {
            size_t n = strlen(renamed[i][0]);
            if (strncmp(msg, renamed[i][0], n) == 0) {
                char buf[sizeof err->msg + 32];
                snprintf(buf, sizeof buf, "%s%s", renamed[i][1], msg + n);
                return raise_msg(PyExc_ValueError, buf, NULL); /* no location */
            }
        }
    }
    return raise_err(st, err);
}

static PyObject *train_file(PyObject *mod, PyObject *args, PyObject *kw)
{
    (void)mod;
    static char *names[] = {"path", "sg", "hs", "vector_size", "window", "negative", "epochs",
                            "workers", "min_count", "sample", "alpha", "seed", "tokenize", NULL};
    PyObject *path_obj = NULL;
    lexkit_embed_config c = lexkit_embed_config_default();
    int sg = 1;
    long long min_count = c.min_count;
    unsigned long long seed = c.seed;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O&|ppiiiiiLddKp", names, PyUnicode_FSConverter,
                                     &path_obj, &sg, &c.hs, &c.dim, &c.window, &c.negative,
                                     &c.epochs, &c.threads, &min_count, &c.sample, &c.alpha,
                                     &seed, &c.tokenize))
        return NULL;
    c.cbow = !sg;
    c.min_count = min_count;
    c.seed = seed;
    volatile sig_atomic_t cancel = 0;
    c.cancel = &cancel;
    train_job t = {PyBytes_AS_STRING(path_obj), c, NULL, {.code = LEXKIT_OK}, LEXKIT_OK};
    int rc = run_interruptible(train_run, &t, &cancel);
    Py_DECREF(path_obj);
    if (rc < 0) {
        lexkit_vectors_free(t.v); /* NULL when training stopped */
        return NULL;
    }
    if (t.st != LEXKIT_OK) return train_err(t.st, &t.err);
    return vectors_wrap(t.v);
}

/* corpus_separators() -> the characters that separate a corpus's tokens (ASCII: no other
   byte separates, so no character beyond U+007F does) */
static PyObject *corpus_separators(PyObject *mod, PyObject *unused)
{
    (void)mod;
    (void)unused;
    char seps[128];
    size_t n = 0;
    for (int ch = 0; ch < 128; ch++)
        if (lexkit_embed_is_separator(ch)) seps[n++] = (char)ch;
    return PyUnicode_FromStringAndSize(seps, (Py_ssize_t)n);
}

static PyObject *index_exists(PyObject *mod, PyObject *arg)
{
    (void)mod;
    PyObject *path_obj = NULL;
    if (!PyUnicode_FSConverter(arg, &path_obj)) return NULL;
    int yes;
    const char *path = PyBytes_AS_STRING(path_obj);
    Py_BEGIN_ALLOW_THREADS
    yes = lexkit_index_exists(path);
    Py_END_ALLOW_THREADS
    Py_DECREF(path_obj);
    return PyBool_FromLong(yes);
}

static PyMethodDef module_methods[] = {
    {"index_exists", (PyCFunction)index_exists, METH_O,
     "index_exists(path) -> True if the directory holds a lexkit index (as the index builder "
     "decides what it may replace)."},
    {"vectors_load", (PyCFunction)(void (*)(void))vectors_load, METH_VARARGS | METH_KEYWORDS,
     "vectors_load(path, format='auto') -> Vectors."},
    {"vectors_load_bytes", (PyCFunction)(void (*)(void))vectors_load_bytes,
     METH_VARARGS | METH_KEYWORDS,
     "vectors_load_bytes(data, format='auto') -> Vectors, from a vectors file's bytes."},
    {"vectors_from_arrays", (PyCFunction)vectors_from_arrays, METH_VARARGS,
     "vectors_from_arrays(words, float32_bytes, dim) -> Vectors."},
    {"train_file", (PyCFunction)(void (*)(void))train_file, METH_VARARGS | METH_KEYWORDS,
     "train_file(path, ...) -> Vectors (word2vec)."},
    {"corpus_separators", corpus_separators, METH_NOARGS,
     "corpus_separators() -> the characters that separate tokens in a train_file corpus."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "lexkit._lexkit", "lexkit's C API for Python (see the lexkit package).", -1,
    module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__lexkit(void)
{
    PyTypeObject *types[] = {&BufferType, &VectorizerType, &IndexType, &AdderType, &TaggerType,
                             &VectorsType};
    const char *tnames[] = {"Buffer", "Vectorizer", "Index", "IndexAdder", "Tagger", "Vectors"};
    enum { N_TYPES = sizeof types / sizeof *types };
    for (size_t i = 0; i < N_TYPES; i++)
        if (PyType_Ready(types[i]) < 0) return NULL;
    if (!HitType.tp_name && PyStructSequence_InitType2(&HitType, &hit_desc) < 0) return NULL;
    PyObject *m = PyModule_Create(&module_def);
    if (!m) return NULL;
    LexkitError = PyErr_NewExceptionWithDoc("lexkit.LexkitError",
                                            "An error reported by lexkit (bad input, format, state).",
                                            PyExc_RuntimeError, NULL);
    if (!LexkitError || PyModule_AddObjectRef(m, "LexkitError", LexkitError) < 0) goto fail;
    PyObject *bases = PyTuple_Pack(2, LexkitError, PyExc_ValueError);
    QueryError = bases ? PyErr_NewExceptionWithDoc(
                             "lexkit.QueryError",
                             "A malformed search query (its message names the column); both a "
                             "LexkitError and a ValueError.", bases, NULL)
                       : NULL;
    Py_XDECREF(bases);
    if (!QueryError || PyModule_AddObjectRef(m, "QueryError", QueryError) < 0) goto fail;
    for (size_t i = 0; i < N_TYPES; i++)
        if (PyModule_AddObjectRef(m, tnames[i], (PyObject *)types[i]) < 0) goto fail;
    if (PyModule_AddObjectRef(m, "Hit", (PyObject *)&HitType) < 0) goto fail;
    if (PyModule_AddStringConstant(m, "version", lexkit_version()) < 0) goto fail;
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
