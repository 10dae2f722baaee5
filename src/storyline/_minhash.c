/* Near-duplicate signatures in C: dedup.py's MinHash of a text's shingles, to the bit.
 *
 * Why: on a headline stream the signature is most of dedup's cost, and most of that is per-gram Python
 * (a slice, a dict look-up or a hashlib call, a bytes join) and a few numpy calls on small arrays; here a
 * batch's texts are done in one call. What it computes is dedup.py's reference (the pure-Python path):
 * the shingles of `dedup._grams` (word n-grams of a text with `min_words` words or more, else character
 * 5-grams of its words joined by a space), each gram's UTF-8 bytes hashed by SHA-1, the digest's first 4
 * bytes read as a little-endian uint32 (datasketch's sha1_hash32), mixed by MurmurHash3's 32-bit finalizer,
 * then for each permutation (a, b) the minimum over grams of (a * h + b) mod 2**32 (the affine32 scheme).
 * Repeated grams change no minimum, so they need not be removed. The words are given (the regex stays in
 * Python). Character grams' hashes are remembered in a 4-way set-associative table (headlines share most
 * of theirs); a slot holds the gram's bytes, so a collision only costs a hash, never a wrong value.
 * SHA-1 runs on the processor's SHA extensions where it has them (x86-64, checked at import: ~4x faster than
 * the portable C here, which is used elsewhere; both are tested against hashlib).
 * Optional: setup.py builds it when a compiler is at hand; dedup.py falls back to its Python code.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define GRAM_CHARS 5
#define MAX_GRAM_BYTES (4 * GRAM_CHARS) /* 5 code points of up to 4 UTF-8 bytes */
#define CACHE_BITS 14 /* sets */
#define CACHE_WAYS 4 /* 2**14 x 4 slots of 28 bytes: 1.8 MB */

static inline uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const unsigned char *p) {
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], t;
    int i;
    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    /* the four rounds' kinds in four loops, without a branch per step */
#define STEP(f, k) t = rol(a, 5) + (f) + e + (k) + w[i]; e = d; d = c; c = rol(b, 30); b = a; a = t;
    for (i = 0; i < 20; i++) { STEP((b & c) | (~b & d), 0x5A827999U) }
    for (; i < 40; i++) { STEP(b ^ c ^ d, 0x6ED9EBA1U) }
    for (; i < 60; i++) { STEP((b & c) | (b & d) | (c & d), 0x8F1BBCDCU) }
    for (; i < 80; i++) { STEP(b ^ c ^ d, 0xCA62C1D6U) }
#undef STEP
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHA_NI 1
#include <cpuid.h>
#include <immintrin.h>

/* The same compression by the x86 SHA extensions (Intel's published sequence): 4 rounds an instruction.
 * GROUP(g, f) is rounds 4g .. 4g+3 with round function f; M[] holds the message schedule's last 16 words. */
#define GROUP(g, f)                                                                                   \
    if ((g) < 4)                                                                                      \
        M[(g) % 4] = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16 * (g))), order);     \
    if ((g) == 0)                                                                                     \
        E[0] = _mm_add_epi32(E[0], M[0]);                                                             \
    else                                                                                              \
        E[(g) % 2] = _mm_sha1nexte_epu32(E[(g) % 2], M[(g) % 4]);                                     \
    E[((g) + 1) % 2] = abcd;                                                                          \
    if ((g) >= 3 && (g) <= 18)                                                                        \
        M[((g) + 1) % 4] = _mm_sha1msg2_epu32(M[((g) + 1) % 4], M[(g) % 4]);                          \
    abcd = _mm_sha1rnds4_epu32(abcd, E[(g) % 2], f);                                                  \
    if ((g) >= 1 && (g) <= 16)                                                                        \
        M[((g) + 3) % 4] = _mm_sha1msg1_epu32(M[((g) + 3) % 4], M[(g) % 4]);                          \
    if ((g) >= 2 && (g) <= 17)                                                                        \
        M[((g) + 2) % 4] = _mm_xor_si128(M[((g) + 2) % 4], M[(g) % 4]);

__attribute__((target("sha,sse4.1,ssse3"))) static void sha1_block_ni(uint32_t h[5], const unsigned char *p) {
    const __m128i order = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
    __m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1B);
    __m128i E[2] = {_mm_set_epi32((int)h[4], 0, 0, 0), _mm_setzero_si128()}, M[4];
    const __m128i abcd_in = abcd, e_in = E[0];
    GROUP(0, 0) GROUP(1, 0) GROUP(2, 0) GROUP(3, 0) GROUP(4, 0)
    GROUP(5, 1) GROUP(6, 1) GROUP(7, 1) GROUP(8, 1) GROUP(9, 1)
    GROUP(10, 2) GROUP(11, 2) GROUP(12, 2) GROUP(13, 2) GROUP(14, 2)
    GROUP(15, 3) GROUP(16, 3) GROUP(17, 3) GROUP(18, 3) GROUP(19, 3)
    E[0] = _mm_sha1nexte_epu32(E[0], e_in);
    abcd = _mm_shuffle_epi32(_mm_add_epi32(abcd, abcd_in), 0x1B);
    _mm_storeu_si128((__m128i *)h, abcd);
    h[4] = (uint32_t)_mm_extract_epi32(E[0], 3);
}
#undef GROUP

static int sha_ni_present(void) {
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) || !(c & bit_SSSE3))
        return 0;
    return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

/* sha1_block or, where the processor has the SHA extensions, sha1_block_ni (chosen at import) */
static void (*compress)(uint32_t h[5], const unsigned char *p) = sha1_block;

/* The first 4 bytes of SHA-1(msg) as a little-endian uint32, then MurmurHash3's finalizer. */
static uint32_t gram_hash(const unsigned char *msg, size_t len) {
    uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    unsigned char last[128];
    size_t full = len & ~(size_t)63, rest = len - full, padded, i;
    uint64_t bits = (uint64_t)len * 8;
    for (i = 0; i < full; i += 64)
        compress(h, msg + i);
    memcpy(last, msg + full, rest);
    last[rest] = 0x80;
    padded = rest + 1 + 8 <= 64 ? 64 : 128;
    memset(last + rest + 1, 0, padded - rest - 1 - 8);
    for (i = 0; i < 8; i++)
        last[padded - 1 - i] = (unsigned char)(bits >> (8 * i));
    compress(h, last);
    if (padded == 128)
        compress(h, last + 64);
    uint32_t x = h[0];
    x = (x >> 24) | ((x >> 8) & 0xFF00) | ((x << 8) & 0xFF0000) | (x << 24); /* the digest's bytes, read LE */
    x ^= x >> 16;
    x *= 0x85EBCA6BU;
    x ^= x >> 13;
    x *= 0xC2B2AE35U;
    x ^= x >> 16;
    return x;
}

typedef struct {
    uint32_t hash;
    uint8_t len; /* 0: empty (a gram has at least one byte) */
    unsigned char bytes[MAX_GRAM_BYTES];
} Slot;

static Slot *cache = NULL; /* CACHE_SETS sets of CACHE_WAYS slots, the most recently hashed first */

static uint32_t cached_gram_hash(const unsigned char *gram, size_t len) {
    uint64_t x[3] = {0, 0, 0};
    memcpy(x, gram, len);
    uint64_t mix = (x[0] * 0x9E3779B97F4A7C15ULL) ^ (x[1] * 0xC2B2AE3D27D4EB4FULL) ^ (x[2] * 0x165667B19E3779F9ULL);
    mix ^= len;
    mix *= 0xFF51AFD7ED558CCDULL;
    Slot *set = &cache[(mix >> (64 - CACHE_BITS)) * CACHE_WAYS];
    for (int way = 0; way < CACHE_WAYS; way++)
        if (set[way].len == len && memcmp(set[way].bytes, gram, len) == 0)
            return set[way].hash;
    memmove(set + 1, set, (CACHE_WAYS - 1) * sizeof(Slot)); /* the oldest slot of the set goes */
    set[0].hash = gram_hash(gram, len);
    set[0].len = (uint8_t)len;
    memcpy(set[0].bytes, gram, len);
    return set[0].hash;
}

static inline void permute_min(uint32_t *mins, const uint32_t *a, const uint32_t *b, Py_ssize_t perms, uint32_t h) {
    for (Py_ssize_t j = 0; j < perms; j++) {
        uint32_t v = a[j] * h + b[j];
        mins[j] = v < mins[j] ? v : mins[j];
    }
}

/* A growable byte buffer, on the stack while small. */
typedef struct {
    unsigned char *v;
    Py_ssize_t n, cap;
    unsigned char small[1024];
} Bytes;

static void bytes_init(Bytes *s) { s->v = s->small; s->n = 0; s->cap = sizeof(s->small); }
static void bytes_free(Bytes *s) { if (s->v != s->small) PyMem_Free(s->v); }

static int bytes_push(Bytes *s, const char *data, Py_ssize_t len) {
    if (s->n + len > s->cap) {
        Py_ssize_t cap = s->cap;
        while (s->n + len > cap)
            cap *= 2;
        unsigned char *v = PyMem_Malloc(cap);
        if (v == NULL) { PyErr_NoMemory(); return -1; }
        memcpy(v, s->v, s->n);
        bytes_free(s);
        s->v = v;
        s->cap = cap;
    }
    memcpy(s->v + s->n, data, len);
    s->n += len;
    return 0;
}

/* The UTF-8 bytes of words[at .. at + count) joined by a space into `out` (emptied first). */
static int join_words(PyObject *words, Py_ssize_t at, Py_ssize_t count, Bytes *out) {
    out->n = 0;
    for (Py_ssize_t i = at; i < at + count; i++) {
        PyObject *word = PyList_GET_ITEM(words, i);
        Py_ssize_t len;
        const char *data;
        if (!PyUnicode_Check(word)) {
            PyErr_SetString(PyExc_TypeError, "words must be str");
            return -1;
        }
        data = PyUnicode_AsUTF8AndSize(word, &len);
        if (data == NULL || (i > at && bytes_push(out, " ", 1) < 0) || bytes_push(out, data, len) < 0)
            return -1;
    }
    return 0;
}

/* The signature of one text's words into mins[0 .. perms). */
static int text_signature(PyObject *words, Py_ssize_t ngram, Py_ssize_t min_words, const uint32_t *a,
                          const uint32_t *b, Py_ssize_t perms, uint32_t *mins, Bytes *buf) {
    Py_ssize_t n = PyList_GET_SIZE(words);
    if (n >= min_words) { /* word n-grams, hashed without the table (they seldom repeat) */
        for (Py_ssize_t i = 0; ngram > 0 && i + ngram <= n; i++) {
            if (join_words(words, i, ngram, buf) < 0)
                return -1;
            permute_min(mins, a, b, perms, gram_hash(buf->v, (size_t)buf->n));
        }
        return 0;
    }
    if (join_words(words, 0, n, buf) < 0)
        return -1;
    /* where each code point starts (UTF-8: every byte that is not a continuation byte) */
    Py_ssize_t starts_small[512], *starts = starts_small, chars = 0;
    if (buf->n + 1 > 512 && (starts = PyMem_Malloc((buf->n + 1) * sizeof(Py_ssize_t))) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < buf->n; i++)
        if ((buf->v[i] & 0xC0) != 0x80)
            starts[chars++] = i;
    starts[chars] = buf->n;
    if (chars > 0 && chars < GRAM_CHARS)
        permute_min(mins, a, b, perms, gram_hash(buf->v, (size_t)buf->n));
    for (Py_ssize_t i = 0; i + GRAM_CHARS <= chars; i++)
        permute_min(mins, a, b, perms,
                    cached_gram_hash(buf->v + starts[i], (size_t)(starts[i + GRAM_CHARS] - starts[i])));
    if (starts != starts_small)
        PyMem_Free(starts);
    return 0;
}

static PyObject *signatures_into(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer out, pa, pb;
    Py_ssize_t ngram, min_words, perms, rows;
    PyObject *texts;
    if (nargs != 6) {
        PyErr_SetString(PyExc_TypeError, "signatures_into(out, word_lists, ngram, min_words, a, b)");
        return NULL;
    }
    texts = args[1];
    if (!PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "word_lists must be a list of lists of str");
        return NULL;
    }
    if ((ngram = PyLong_AsSsize_t(args[2])) == -1 && PyErr_Occurred())
        return NULL;
    if ((min_words = PyLong_AsSsize_t(args[3])) == -1 && PyErr_Occurred())
        return NULL;
    if (PyObject_GetBuffer(args[0], &out, PyBUF_WRITABLE | PyBUF_C_CONTIGUOUS) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[4], &pa, PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&out);
        return NULL;
    }
    if (PyObject_GetBuffer(args[5], &pb, PyBUF_C_CONTIGUOUS) < 0) {
        PyBuffer_Release(&out);
        PyBuffer_Release(&pa);
        return NULL;
    }
    perms = pa.len / 4;
    rows = PyList_GET_SIZE(texts);
    PyObject *result = NULL;
    Bytes buf;
    bytes_init(&buf);
    if (pb.len != pa.len || out.len != rows * perms * 4) {
        PyErr_SetString(PyExc_ValueError, "out must hold len(word_lists) x len(a) uint32, a and b as many");
        goto done;
    }
    if (cache == NULL && (cache = PyMem_Calloc((size_t)CACHE_WAYS << CACHE_BITS, sizeof(Slot))) == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t r = 0; r < rows; r++) {
        PyObject *words = PyList_GET_ITEM(texts, r);
        uint32_t *mins = (uint32_t *)out.buf + r * perms;
        if (!PyList_Check(words)) {
            PyErr_SetString(PyExc_TypeError, "word_lists must be a list of lists of str");
            goto done;
        }
        for (Py_ssize_t j = 0; j < perms; j++)
            mins[j] = 0xFFFFFFFFU;
        if (text_signature(words, ngram, min_words, pa.buf, pb.buf, perms, mins, &buf) < 0)
            goto done;
    }
    result = Py_NewRef(Py_None);
done:
    bytes_free(&buf);
    PyBuffer_Release(&out);
    PyBuffer_Release(&pa);
    PyBuffer_Release(&pb);
    return result;
}

/* equal_counts(rows, slots, signature): for each slot, how many values of rows[slot] equal signature's (uint32). */
static PyObject *equal_counts(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer rows, sig;
    PyObject *slots, *result = NULL;
    if (nargs != 3 || !PyList_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "equal_counts(rows, slots: list[int], signature)");
        return NULL;
    }
    slots = args[1];
    if (PyObject_GetBuffer(args[0], &rows, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return NULL;
    if (PyObject_GetBuffer(args[2], &sig, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&rows);
        return NULL;
    }
    Py_ssize_t width = sig.len / 4, count = width ? rows.len / 4 / width : 0, n = PyList_GET_SIZE(slots);
    if (rows.itemsize != 4 || sig.itemsize != 4 || width == 0 || rows.len != count * width * 4) {
        PyErr_SetString(PyExc_ValueError, "rows (n x w) and signature (w) must be uint32");
        goto done;
    }
    if ((result = PyList_New(n)) == NULL)
        goto done;
    const uint32_t *values = sig.buf;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t slot = PyLong_AsSsize_t(PyList_GET_ITEM(slots, i));
        if (slot == -1 && PyErr_Occurred())
            goto fail;
        if (slot < 0 || slot >= count) {
            PyErr_SetString(PyExc_IndexError, "slot out of range");
            goto fail;
        }
        const uint32_t *row = (const uint32_t *)rows.buf + slot * width;
        long equal = 0;
        for (Py_ssize_t j = 0; j < width; j++)
            equal += row[j] == values[j];
        PyObject *item = PyLong_FromLong(equal);
        if (item == NULL)
            goto fail;
        PyList_SET_ITEM(result, i, item);
    }
    goto done;
fail:
    Py_CLEAR(result);
done:
    PyBuffer_Release(&rows);
    PyBuffer_Release(&sig);
    return result;
}

static PyObject *use_sha_extensions(PyObject *self, PyObject *arg) {
    int wanted = PyObject_IsTrue(arg);
    if (wanted < 0)
        return NULL;
    compress = sha1_block;
#ifdef HAVE_SHA_NI
    if (wanted && sha_ni_present())
        compress = sha1_block_ni;
#endif
    return PyBool_FromLong(compress != sha1_block);
}

static PyMethodDef methods[] = {
    {"equal_counts", (PyCFunction)(void (*)(void))equal_counts, METH_FASTCALL,
     "equal_counts(rows, slots, signature): how many values of each rows[slot] equal the signature's (uint32)."},
    {"use_sha_extensions", use_sha_extensions, METH_O,
     "use_sha_extensions(flag): hash by the processor's SHA extensions when it has them and flag is true (the "
     "default), else by portable C; returns whether they are used. Both give the same hashes (tested)."},
    {"signatures_into", (PyCFunction)(void (*)(void))signatures_into, METH_FASTCALL,
     "signatures_into(out, word_lists, ngram, min_words, a, b): each text's MinHash signature into a row of out."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_minhash", "Near-duplicate signatures in C (see dedup.py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__minhash(void) {
#ifdef HAVE_SHA_NI
    if (sha_ni_present())
        compress = sha1_block_ni;
#endif
    return PyModule_Create(&module);
}
