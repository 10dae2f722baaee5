/* The keys of an article's lead in C: its word stems and its name and number keys -- each the result of its Python
 * reference, to the key, and put in their sets in the order the Python code adds them (the same set, iterated
 * alike: later sums follow that order).
 *
 * Why: on a headline stream the lead's keys were ~10 us a headline of regex passes and small Python loops; here
 * each set is one call and one walk over the code points.
 *
 * The references (and what each function here must equal):
 *   word_keys   keys.lower_word_keys_py  (lower-cased word stems of 3+ characters; None: CJK, "İ" or "Σ")
 *   name_keys   keys.name_keys_py        (capitalised words not opening a sentence, numbers of 2+ digits)
 * The character classes are the regex engine's own for str patterns: \s is Py_UNICODE_ISSPACE, \w is
 * Py_UNICODE_ISALNUM or "_"; str.isupper/isdigit of one character are Py_UNICODE_ISUPPER/ISDIGIT. Lower-casing is
 * the str's own method (full case mapping). Optional: setup.py builds it when a compiler is at hand;
 * storyline.compiled picks it, else the Python code runs (same results, tested by hypothesis in tests/test_scan.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define IS_WORD(c) (Py_UNICODE_ISALNUM(c) || (c) == '_')
/* ---------------------------------------------------------------- keys */

/* prefix + s[0:n] as one str */
static PyObject *joined_key(PyObject *prefix, Py_UCS4 *scratch, const Py_UCS4 *s, Py_ssize_t n) {
    Py_ssize_t p = PyUnicode_GET_LENGTH(prefix);
    int kind = PyUnicode_KIND(prefix);
    const void *data = PyUnicode_DATA(prefix);
    for (Py_ssize_t i = 0; i < p; i++)
        scratch[i] = PyUnicode_READ(kind, data, i);
    memcpy(scratch + p, s, n * sizeof(Py_UCS4));
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, scratch, p + n);
}

static inline int cjk(Py_UCS4 c) { /* keys._CJK */
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) ||
           (c >= 0x0E00 && c <= 0x0E7F);
}

static int add_key(PyObject *set, PyObject *key) {
    if (key == NULL)
        return -1;
    int status = PySet_Add(set, key);
    Py_DECREF(key);
    return status;
}

/* word_keys(joined, prefix, stem): {prefix + w[:stem] for w in \w{3,} runs of joined.lower()}, or None when
 * joined holds a CJK character, "İ" or "Σ" (the Python code's other paths). */
static PyObject *word_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1]) || !PyLong_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "word_keys(joined, prefix, stem) takes two str and an int");
        return NULL;
    }
    PyObject *joined = args[0], *prefix = args[1];
    Py_ssize_t stem = PyLong_AsSsize_t(args[2]);
    if ((stem == -1 && PyErr_Occurred()) || PyUnicode_READY(joined) < 0 || PyUnicode_READY(prefix) < 0)
        return NULL;
    if (stem < 0) {
        PyErr_SetString(PyExc_ValueError, "stem must not be negative");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(joined), i;
    int kind = PyUnicode_KIND(joined);
    const void *data = PyUnicode_DATA(joined);
    if (kind != PyUnicode_1BYTE_KIND) {
        for (i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c == 0x0130 || c == 0x03A3 || cjk(c))
                Py_RETURN_NONE;
        }
    }
    PyObject *lowered = PyObject_CallMethod(joined, "lower", NULL);
    if (lowered == NULL)
        return NULL;
    if (PyUnicode_READY(lowered) < 0) {
        Py_DECREF(lowered);
        return NULL;
    }
    n = PyUnicode_GET_LENGTH(lowered);
    kind = PyUnicode_KIND(lowered);
    data = PyUnicode_DATA(lowered);
    Py_ssize_t p = PyUnicode_GET_LENGTH(prefix);
    Py_UCS4 *scratch = PyMem_Malloc((p + stem + 1) * sizeof(Py_UCS4)), *word = NULL;
    PyObject *keys = PySet_New(NULL);
    if (scratch == NULL || keys == NULL)
        goto fail;
    word = PyMem_Malloc((stem + 1) * sizeof(Py_UCS4));
    if (word == NULL)
        goto fail;
    i = 0;
    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!IS_WORD(c)) {
            i++;
            continue;
        }
        Py_ssize_t start = i, w = 0;
        for (; i < n; i++) {
            c = PyUnicode_READ(kind, data, i);
            if (!IS_WORD(c))
                break;
            if (w < stem)
                word[w++] = c;
        }
        if (i - start >= 3 && add_key(keys, joined_key(prefix, scratch, word, w)) < 0)
            goto fail;
    }
    PyMem_Free(scratch);
    PyMem_Free(word);
    Py_DECREF(lowered);
    return keys;
fail:
    PyMem_Free(scratch);
    PyMem_Free(word);
    Py_DECREF(lowered);
    Py_XDECREF(keys);
    return PyErr_Occurred() ? NULL : PyErr_NoMemory();
}

/* Whether the token at start opens a sentence in part: start is the part's first word character, or the (up to)
 * three characters before it end in one of ".!?:;\n" and white space only (keys._SENTENCE_END). */
static int opens_sentence(int kind, const void *data, Py_ssize_t start, Py_ssize_t opening) {
    if (start == opening)
        return 1;
    Py_ssize_t lo = start - 3 < 0 ? 0 : start - 3;
    for (Py_ssize_t q = start - 1; q >= lo; q--) {
        Py_UCS4 c = PyUnicode_READ(kind, data, q);
        if (c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n')
            return 1;
        if (!Py_UNICODE_ISSPACE(c))
            return 0;
    }
    return 0;
}

/* The name and number keys of one part (keys._name_candidates' tokens: an upper-case character and 2+ word
 * characters, or 2+ digits not followed by a word character, neither after a word character). */
static int part_name_keys(PyObject *keys, PyObject *part, int is_title, PyObject *name_key, PyObject *hash) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(part), i = 0, opening = -1;
    int kind = PyUnicode_KIND(part);
    const void *data = PyUnicode_DATA(part);
    if (!is_title)
        for (Py_ssize_t q = 0; q < n; q++)
            if (IS_WORD(PyUnicode_READ(kind, data, q))) {
                opening = q;
                break;
            }
    while (i < n) {
        if (i > 0 && IS_WORD(PyUnicode_READ(kind, data, i - 1))) {
            i++;
            continue;
        }
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        Py_ssize_t end = i + 1;
        int upper = Py_UNICODE_ISUPPER(c);
        if (upper) {
            while (end < n && IS_WORD(PyUnicode_READ(kind, data, end)))
                end++;
            if (end - i < 3)
                upper = 0;
        }
        if (upper) {
            if (is_title || !opens_sentence(kind, data, i, opening)) {
                PyObject *token = PyUnicode_Substring(part, i, end);
                if (token == NULL)
                    return -1;
                PyObject *key = PyObject_CallOneArg(name_key, token);
                Py_DECREF(token);
                if (add_key(keys, key) < 0)
                    return -1;
            }
            i = end;
            continue;
        }
        if (Py_UNICODE_ISDIGIT(c)) {
            end = i + 1;
            while (end < n && Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, end)))
                end++;
            if (end - i >= 2 && (end == n || !IS_WORD(PyUnicode_READ(kind, data, end)))) {
                PyObject *token = PyUnicode_Substring(part, i, end);
                if (token == NULL)
                    return -1;
                PyObject *key = PyUnicode_Concat(hash, token);
                Py_DECREF(token);
                if (add_key(keys, key) < 0)
                    return -1;
                i = end;
                continue;
            }
        }
        i++;
    }
    return 0;
}

/* name_keys(title, lead, name_key): keys.name_keys_py's set; name_key(token) gives a capitalised word's key. */
static PyObject *name_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3 || !PyUnicode_Check(args[0]) || !PyUnicode_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "name_keys(title, lead, name_key) takes two str and a callable");
        return NULL;
    }
    PyObject *title = args[0], *lead = args[1], *name_key = args[2];
    if (PyUnicode_READY(title) < 0 || PyUnicode_READY(lead) < 0)
        return NULL;
    PyObject *keys = PySet_New(NULL), *hash = PyUnicode_FromString("#");
    if (keys == NULL || hash == NULL)
        goto fail;
    if (part_name_keys(keys, title, 1, name_key, hash) < 0)
        goto fail;
    /* the lead that is the very title string is read as the title (the Python code asks `part is title`) */
    if (part_name_keys(keys, lead, lead == title, name_key, hash) < 0)
        goto fail;
    Py_DECREF(hash);
    return keys;
fail:
    Py_XDECREF(keys);
    Py_XDECREF(hash);
    return NULL;
}

static PyMethodDef methods[] = {
    {"word_keys", (PyCFunction)(void (*)(void))word_keys, METH_FASTCALL,
     "word_keys(joined, prefix, stem): keys.lower_word_keys_py's set, or None."},
    {"name_keys", (PyCFunction)(void (*)(void))name_keys, METH_FASTCALL,
     "name_keys(title, lead, name_key): keys.name_keys_py's set."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_keyscan", "The keys of an article's lead in C (see clustering/keys.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__keyscan(void) { return PyModule_Create(&module); }
