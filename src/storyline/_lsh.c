/* The near-duplicate index in C: lsh.LshIndex (the Python reference), to the candidate.
 *
 * Why: on a headline stream the index's per-text Python (a dict look-up per band key, a set of candidates, two
 * sorts, the ring's bookkeeping) cost as much as the signatures; here a batch is found and added in one call.
 * It keeps what the reference keeps: a ring of `capacity` signatures, the ids of its slots, dicts id -> slot and
 * id -> the article it copies; one uint64 key per LSH band; the keys of the texts added since the last merge in a
 * chained hash table (the reference's dict), older ones in one sorted array, with a directory over their top bits
 * (a search reads a cache line or two, not ~20). Merges come when the reference's do and drop what its merges
 * drop, so stale entries propose the same candidates. A candidate is a copy when count / perms (a double) reaches
 * the floor; copies come most similar first, the oldest first among equals, each as its root, each root once;
 * `choose(position, matches)` is called where there are matches. Optional: dedup.py falls back to lsh.py.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define MIX 0x9E3779B97F4A7C15ULL
#define MIN_MERGE 1024

typedef struct {
    PyObject_HEAD
    Py_ssize_t perms, bands, rows, capacity;
    double threshold, short_threshold;
    uint32_t *sigs; /* sig_rows x perms, grown by doubling up to capacity */
    Py_ssize_t sig_rows;
    PyObject **ids; /* slot -> article id (strong references) */
    Py_ssize_t count, next; /* slots used; the slot written next once the ring is full */
    PyObject *slot_of, *root; /* dict id -> slot; dict id -> the article it copies */
    uint64_t *keys; /* sorted band keys of the merged slots */
    int32_t *key_slots;
    Py_ssize_t nkeys;
    Py_ssize_t *dir; /* dir[p] .. dir[p + 1]: the sorted keys whose top dir_bits bits are p */
    int dir_bits;
    uint64_t *rkeys; /* recent entries (key, slot), chained by bucket */
    int32_t *rslots, *rchain, *rheads;
    Py_ssize_t nrecent, rcap, recent_texts;
    int rbits; /* rheads has 2**rbits buckets, at least twice rcap */
    uint8_t *evicted; /* capacity flags: slots reused since the last merge (NULL before the first reuse) */
    Py_ssize_t merges;
    int32_t *cand; /* scratch: candidate slots */
    Py_ssize_t cand_cap;
    Py_ssize_t *hist; /* scratch: perms + 2 counters */
} Index;

/* *at = realloc(*at, bytes), or a MemoryError (and *at left as it was) */
static int resize(void *at, size_t bytes) {
    void *grown = PyMem_Realloc(*(void **)at, bytes ? bytes : 1);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *(void **)at = grown;
    return 0;
}

static inline Py_ssize_t bucket_of(uint64_t key, int bits) { return (Py_ssize_t)((key * MIX) >> (64 - bits)); }

static void band_keys(const Index *s, const uint32_t *sig, uint64_t *out) {
    for (Py_ssize_t band = 0; band < s->bands; band++) {
        uint64_t key = (uint64_t)(band + 1) * MIX;
        for (Py_ssize_t col = 0; col < s->rows; col++)
            key = (key ^ (uint64_t)sig[band * s->rows + col]) * MIX;
        out[band] = key;
    }
}

static int push_candidate(Index *s, Py_ssize_t *n, int32_t slot) {
    if (*n == s->cand_cap) {
        Py_ssize_t cap = s->cand_cap ? 2 * s->cand_cap : 256;
        if (resize(&s->cand, cap * sizeof(int32_t)) < 0)
            return -1;
        s->cand_cap = cap;
    }
    s->cand[(*n)++] = slot;
    return 0;
}

static int by_value(const void *x, const void *y) { return (*(const int32_t *)x > *(const int32_t *)y) -
                                                            (*(const int32_t *)x < *(const int32_t *)y); }

/* The copies of `sig` (keys: its band keys) as a new list of roots; NULL on error. */
static PyObject *find_matches(Index *s, const uint32_t *sig, const uint64_t *keys, int is_short) {
    PyObject *out = PyList_New(0);
    Py_ssize_t n = 0;
    if (out == NULL || s->count == 0)
        return out;
    for (Py_ssize_t band = 0; band < s->bands; band++) {
        uint64_t key = keys[band];
        for (int32_t e = s->rheads[bucket_of(key, s->rbits)]; e >= 0; e = s->rchain[e])
            if (s->rkeys[e] == key && push_candidate(s, &n, s->rslots[e]) < 0)
                goto fail;
        if (s->nkeys) {
            Py_ssize_t p = (Py_ssize_t)(key >> (64 - s->dir_bits)), lo = s->dir[p], hi = s->dir[p + 1];
            while (lo < hi) { /* the first key not below `key` */
                Py_ssize_t mid = lo + (hi - lo) / 2;
                if (s->keys[mid] < key)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < s->nkeys && s->keys[lo] == key; lo++)
                if (push_candidate(s, &n, s->key_slots[lo]) < 0)
                    goto fail;
        }
    }
    if (n == 0)
        return out;
    /* oldest first: by age (slot - next) mod count, unique per slot; repeats removed */
    for (Py_ssize_t i = 0; i < n; i++)
        s->cand[i] = (int32_t)(((Py_ssize_t)s->cand[i] - s->next + s->count) % s->count);
    qsort(s->cand, (size_t)n, sizeof(int32_t), by_value);
    Py_ssize_t unique = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (unique == 0 || s->cand[unique - 1] != s->cand[i])
            s->cand[unique++] = s->cand[i];
    /* the copies (share of equal values at the floor or above), age order kept, then stably by count, highest
     * first (the reference's stable sort by the same doubles: count / perms is increasing in count) */
    double floor = is_short ? s->short_threshold : s->threshold;
    if (s->cand_cap < 3 * n && resize(&s->cand, 3 * n * sizeof(int32_t)) < 0) /* room for counts and order */
        goto fail;
    s->cand_cap = s->cand_cap < 3 * n ? 3 * n : s->cand_cap;
    int32_t *counts = s->cand + n, *ordered = s->cand + 2 * n;
    Py_ssize_t kept = 0, *hist = s->hist;
    memset(hist, 0, (s->perms + 2) * sizeof(Py_ssize_t));
    for (Py_ssize_t i = 0; i < unique; i++) {
        Py_ssize_t slot = ((Py_ssize_t)s->cand[i] + s->next) % s->count;
        const uint32_t *row = s->sigs + slot * s->perms;
        int32_t equal = 0;
        for (Py_ssize_t j = 0; j < s->perms; j++)
            equal += row[j] == sig[j];
        if ((double)equal / (double)s->perms < floor)
            continue;
        s->cand[kept] = (int32_t)slot;
        counts[kept++] = equal;
        hist[s->perms - equal + 1]++; /* bucket perms - count: the highest count first */
    }
    if (kept == 0)
        return out;
    for (Py_ssize_t c = 1; c <= s->perms + 1; c++) /* hist[b]: where bucket b starts */
        hist[c] += hist[c - 1];
    for (Py_ssize_t i = 0; i < kept; i++)
        ordered[hist[s->perms - counts[i]]++] = s->cand[i];
    for (Py_ssize_t i = 0; i < kept; i++) {
        PyObject *id = s->ids[ordered[i]];
        PyObject *root = PyDict_GetItemWithError(s->root, id);
        if (root == NULL && PyErr_Occurred())
            goto fail;
        root = root == NULL ? id : root;
        int seen = PySequence_Contains(out, root);
        if (seen < 0 || (!seen && PyList_Append(out, root) < 0))
            goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static int recent_grow(Index *s) {
    Py_ssize_t cap = s->rcap ? 2 * s->rcap : 4096;
    int bits = s->rbits ? s->rbits : 13;
    while (((Py_ssize_t)1 << bits) < 2 * cap)
        bits++;
    if (resize(&s->rkeys, cap * sizeof(uint64_t)) < 0 || resize(&s->rslots, cap * sizeof(int32_t)) < 0 ||
        resize(&s->rchain, cap * sizeof(int32_t)) < 0 || resize(&s->rheads, ((size_t)1 << bits) * sizeof(int32_t)) < 0)
        return -1;
    int32_t *heads = s->rheads;
    s->rcap = cap;
    s->rbits = bits;
    memset(heads, 0xFF, ((size_t)1 << bits) * sizeof(int32_t));
    for (Py_ssize_t e = 0; e < s->nrecent; e++) {
        Py_ssize_t b = bucket_of(s->rkeys[e], bits);
        s->rchain[e] = heads[b];
        heads[b] = (int32_t)e;
    }
    return 0;
}

typedef struct { uint64_t key; int32_t slot; } Entry;

static int by_key(const void *x, const void *y) { return (((const Entry *)x)->key > ((const Entry *)y)->key) -
                                                          (((const Entry *)x)->key < ((const Entry *)y)->key); }

static int build_dir(Index *s) {
    int bits = 1;
    while (bits < 20 && ((Py_ssize_t)1 << (bits + 3)) < s->nkeys)
        bits++;
    if (resize(&s->dir, (((size_t)1 << bits) + 1) * sizeof(Py_ssize_t)) < 0)
        return -1;
    Py_ssize_t *dir = s->dir;
    s->dir_bits = bits;
    Py_ssize_t at = 0, top = (Py_ssize_t)1 << bits;
    for (Py_ssize_t p = 0; p <= top; p++) {
        while (at < s->nkeys && (Py_ssize_t)(s->keys[at] >> (64 - bits)) < p)
            at++;
        dir[p] = at;
    }
    dir[top] = s->nkeys;
    return 0;
}

/* The recent entries into the sorted array (old entries first among equal keys), after dropping the sorted
 * entries of reused slots when it holds any. */
static int merge_recent(Index *s) {
    Py_ssize_t kept = s->nkeys, total;
    Entry *fresh = PyMem_Malloc((s->nrecent ? s->nrecent : 1) * sizeof(Entry));
    if (fresh == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if (s->nkeys && s->evicted != NULL) {
        kept = 0;
        for (Py_ssize_t j = 0; j < s->nkeys; j++)
            if (!s->evicted[s->key_slots[j]]) {
                s->keys[kept] = s->keys[j];
                s->key_slots[kept++] = s->key_slots[j];
            }
        memset(s->evicted, 0, (size_t)s->capacity);
        s->nkeys = kept;
    }
    for (Py_ssize_t e = 0; e < s->nrecent; e++) {
        fresh[e].key = s->rkeys[e];
        fresh[e].slot = s->rslots[e];
    }
    qsort(fresh, (size_t)s->nrecent, sizeof(Entry), by_key);
    total = kept + s->nrecent;
    if (resize(&s->keys, total * sizeof(uint64_t)) < 0 || resize(&s->key_slots, total * sizeof(int32_t)) < 0) {
        PyMem_Free(fresh);
        return -1;
    }
    Py_ssize_t i = kept - 1, j = s->nrecent - 1, w = total - 1;
    while (j >= 0) { /* from the back: an old key equal to a new one stays in front of it */
        if (i >= 0 && s->keys[i] > fresh[j].key) {
            s->keys[w] = s->keys[i];
            s->key_slots[w--] = s->key_slots[i--];
        } else {
            s->keys[w] = fresh[j].key;
            s->key_slots[w--] = fresh[j--].slot;
        }
    }
    PyMem_Free(fresh);
    s->nkeys = total;
    s->nrecent = 0;
    s->recent_texts = 0;
    memset(s->rheads, 0xFF, ((size_t)1 << s->rbits) * sizeof(int32_t));
    s->merges++;
    return build_dir(s);
}

/* Index one article (nothing when its id is indexed already). */
static int add_one(Index *s, PyObject *id, const uint32_t *sig, PyObject *duplicate_of, const uint64_t *keys) {
    int present = PyDict_Contains(s->slot_of, id);
    Py_ssize_t slot;
    if (present != 0)
        return present < 0 ? -1 : 0;
    while (s->nrecent + s->bands > s->rcap)
        if (recent_grow(s) < 0)
            return -1;
    int full = s->count == s->capacity;
    slot = full ? s->next : s->count;
    if (!full && slot >= s->sig_rows) {
        Py_ssize_t grown = s->sig_rows ? 2 * s->sig_rows : 1024;
        grown = grown < s->capacity ? grown : s->capacity;
        if (resize(&s->sigs, (size_t)grown * s->perms * sizeof(uint32_t)) < 0)
            return -1;
        s->sig_rows = grown;
    }
    if (full && s->evicted == NULL && (s->evicted = PyMem_Calloc((size_t)s->capacity, 1)) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *number = PyLong_FromSsize_t(slot);
    if (number == NULL || PyDict_SetItem(s->slot_of, id, number) < 0) {
        Py_XDECREF(number);
        return -1;
    }
    Py_DECREF(number);
    if (full) { /* the oldest text goes: its id, what it copies, its slot (marked for the next merge) */
        PyObject *old = s->ids[slot];
        s->ids[slot] = Py_NewRef(id);
        s->next = (slot + 1) % s->capacity;
        s->evicted[slot] = 1;
        int failed = PyDict_DelItem(s->slot_of, old) < 0 || (PyDict_DelItem(s->root, old) < 0 &&
                                                              !PyErr_ExceptionMatches(PyExc_KeyError));
        Py_DECREF(old);
        if (failed)
            return -1;
        PyErr_Clear();
    } else {
        s->ids[s->count++] = Py_NewRef(id);
    }
    memcpy(s->sigs + slot * s->perms, sig, s->perms * sizeof(uint32_t));
    for (Py_ssize_t band = 0; band < s->bands; band++) {
        Py_ssize_t e = s->nrecent++, b = bucket_of(keys[band], s->rbits);
        s->rkeys[e] = keys[band];
        s->rslots[e] = (int32_t)slot;
        s->rchain[e] = s->rheads[b];
        s->rheads[b] = (int32_t)e;
    }
    s->recent_texts++;
    if (duplicate_of != Py_None && PyDict_SetItem(s->root, id, duplicate_of) < 0)
        return -1;
    Py_ssize_t every = s->count / 32 > MIN_MERGE ? s->count / 32 : MIN_MERGE;
    return s->recent_texts >= every ? merge_recent(s) : 0;
}

/* A buffer of `rows` signatures of s->perms uint32 (4-byte items, C order). */
static int get_signatures(Index *s, PyObject *obj, Py_buffer *view, Py_ssize_t rows) {
    if (PyObject_GetBuffer(obj, view, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0)
        return -1;
    if (view->itemsize != 4 || view->len != rows * s->perms * 4) {
        PyBuffer_Release(view);
        PyErr_Format(PyExc_ValueError, "signatures must be %zd x %zd uint32", rows, s->perms);
        return -1;
    }
    return 0;
}

static PyObject *Index_matches(Index *s, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer view;
    uint64_t keys[256];
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "matches(signature, short)");
        return NULL;
    }
    int is_short = PyObject_IsTrue(args[1]);
    if (is_short < 0 || get_signatures(s, args[0], &view, 1) < 0)
        return NULL;
    band_keys(s, view.buf, keys);
    PyObject *out = find_matches(s, view.buf, keys, is_short);
    PyBuffer_Release(&view);
    return out;
}

static PyObject *Index_add(Index *s, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer view;
    uint64_t keys[256];
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "add(article_id, signature, duplicate_of=None)");
        return NULL;
    } else if (get_signatures(s, args[1], &view, 1) < 0)
        return NULL;
    band_keys(s, view.buf, keys);
    int failed = add_one(s, args[0], view.buf, nargs == 3 ? args[2] : Py_None, keys);
    PyBuffer_Release(&view);
    return failed ? NULL : Py_NewRef(Py_None);
}

static PyObject *Index_find_and_add(Index *s, PyObject *const *args, Py_ssize_t nargs) {
    Py_buffer view;
    uint64_t keys[256];
    if (nargs != 5 || !PyList_Check(args[0]) || !PyList_Check(args[2]) || !PyList_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "find_and_add(ids: list, signatures, shorts: list, order: list, choose)");
        return NULL;
    }
    PyObject *ids = args[0], *shorts = args[2], *order = args[3], *choose = args[4];
    Py_ssize_t n = PyList_GET_SIZE(ids);
    if (PyList_GET_SIZE(shorts) != n) {
        PyErr_SetString(PyExc_ValueError, "as many shorts as ids");
        return NULL;
    }
    if (get_signatures(s, args[1], &view, n) < 0)
        return NULL;
    PyObject *originals = PyDict_New();
    if (originals == NULL)
        goto fail;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(order); k++) {
        /* the lists are checked again each time round: the chooser may have changed them */
        PyObject *position = Py_NewRef(PyList_GET_ITEM(order, k)), *found = NULL, *original = NULL, *id;
        Py_ssize_t i = PyLong_AsSsize_t(position);
        int is_short = -1, failed = 1;
        if (i == -1 && PyErr_Occurred())
            goto next;
        if (i < 0 || i >= n || i >= PyList_GET_SIZE(ids) || i >= PyList_GET_SIZE(shorts)) {
            PyErr_SetString(PyExc_IndexError, "position out of range");
            goto next;
        }
        const uint32_t *sig = (const uint32_t *)view.buf + i * s->perms;
        if ((is_short = PyObject_IsTrue(PyList_GET_ITEM(shorts, i))) < 0)
            goto next;
        band_keys(s, sig, keys);
        if ((found = find_matches(s, sig, keys, is_short)) == NULL)
            goto next;
        if (PyList_GET_SIZE(found) == 0 || choose == Py_None)
            original = Py_NewRef(PyList_GET_SIZE(found) ? PyList_GET_ITEM(found, 0) : Py_None);
        else if ((original = PyObject_CallFunctionObjArgs(choose, position, found, NULL)) == NULL)
            goto next;
        if (i >= PyList_GET_SIZE(ids)) {
            PyErr_SetString(PyExc_IndexError, "position out of range");
            goto next;
        }
        id = Py_NewRef(PyList_GET_ITEM(ids, i));
        failed = PyDict_SetItem(originals, position, original) < 0 || add_one(s, id, sig, original, keys) < 0;
        Py_DECREF(id);
    next:
        Py_DECREF(position);
        Py_XDECREF(found);
        Py_XDECREF(original);
        if (failed)
            goto fail;
    }
    PyBuffer_Release(&view);
    return originals;
fail:
    Py_XDECREF(originals);
    PyBuffer_Release(&view);
    return NULL;
}

static int Index_init(Index *s, PyObject *args, PyObject *kwargs) {
    static char *names[] = {"num_perm", "bands", "rows", "capacity", "threshold", "short_threshold", NULL};
    Py_ssize_t perms, bands, rows, capacity;
    double threshold, short_threshold;
    if (s->slot_of != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "an Index is initialised once");
        return -1;
    }
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nnnndd", names, &perms, &bands, &rows, &capacity,
                                     &threshold, &short_threshold))
        return -1;
    if (capacity < 1 || capacity > INT32_MAX || bands < 1 || bands > 256 || rows < 1 || bands * rows > perms) {
        PyErr_SetString(PyExc_ValueError, "capacity, bands and rows must be positive, bands x rows at most num_perm");
        return -1;
    }
    s->perms = perms, s->bands = bands, s->rows = rows, s->capacity = capacity;
    s->threshold = threshold, s->short_threshold = short_threshold;
    if ((s->ids = PyMem_Calloc((size_t)capacity, sizeof(PyObject *))) == NULL ||
        (s->hist = PyMem_Calloc((size_t)perms + 2, sizeof(Py_ssize_t))) == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    if ((s->slot_of = PyDict_New()) == NULL || (s->root = PyDict_New()) == NULL)
        return -1;
    return recent_grow(s) < 0 || build_dir(s) < 0 ? -1 : 0;
}

static void Index_dealloc(Index *s) {
    if (s->ids != NULL)
        for (Py_ssize_t i = 0; i < s->count; i++)
            Py_XDECREF(s->ids[i]);
    Py_XDECREF(s->slot_of);
    Py_XDECREF(s->root);
    void *blocks[] = {s->ids, s->sigs, s->keys, s->key_slots, s->dir, s->rkeys, s->rslots, s->rchain, s->rheads,
                      s->evicted, s->cand, s->hist};
    for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
        PyMem_Free(blocks[i]);
    Py_TYPE(s)->tp_free((PyObject *)s);
}

static Py_ssize_t Index_len(Index *s) { return s->slot_of == NULL ? 0 : PyDict_Size(s->slot_of); }

static PyObject *Index_merges(Index *s, void *closure) { return PyLong_FromSsize_t(s->merges); }
static PyObject *Index_key_count(Index *s, void *closure) { return PyLong_FromSsize_t(s->nkeys); }

static PyMethodDef Index_methods[] = {
    {"matches", (PyCFunction)(void (*)(void))Index_matches, METH_FASTCALL,
     "matches(signature, short): the roots of the indexed copies, most similar first, the oldest first among equals."},
    {"add", (PyCFunction)(void (*)(void))Index_add, METH_FASTCALL,
     "add(article_id, signature, duplicate_of=None): index one article (an indexed id is left as it is)."},
    {"find_and_add", (PyCFunction)(void (*)(void))Index_find_and_add, METH_FASTCALL,
     "find_and_add(ids, signatures, shorts, order, choose): for each position in order, its copy (choose(position, "
     "matches) where there are matches, else the first or None), then the article added; {position: copy}."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef Index_getset[] = {
    {"merges", (getter)Index_merges, NULL, "how many times the recent keys were merged", NULL},
    {"key_count", (getter)Index_key_count, NULL, "how many band keys the sorted array holds (stale ones too)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods Index_sequence = {.sq_length = (lenfunc)Index_len};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storyline._lsh.Index",
    .tp_basicsize = sizeof(Index),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Index(num_perm, bands, rows, capacity, threshold, short_threshold): lsh.LshIndex in C.",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Index_init,
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_methods = Index_methods,
    .tp_getset = Index_getset,
    .tp_as_sequence = &Index_sequence,
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_lsh", "The near-duplicate index in C (see lsh.py).", -1, NULL, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__lsh(void) {
    if (PyType_Ready(&IndexType) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddObjectRef(m, "Index", (PyObject *)&IndexType) < 0)
        Py_CLEAR(m);
    return m;
}
