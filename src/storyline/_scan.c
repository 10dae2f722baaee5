/* A record's hot regex passes in C: text normalising, word counts, an error title's words and the surrogate check --
 * each the result of its Python reference, to the character.
 *
 * Why: on a headline stream, extraction was ~24 us a headline spread over a dozen regex passes and small Python
 * loops over the same short strings (each pass ~1 us of call and setup on a headline). Here each is one call and
 * one walk over the code points. (The lead's keys are clustering/_keyscan.c.)
 *
 * The references (and what each function here must equal):
 *   normalise_text    extract.normalise_text_py   (\r\n and controls, space runs, spaces at line ends, blank runs)
 *   count_words       extract.count_words_py      (tokens holding a letter or digit; unspaced scripts 2 chars a word)
 *   error_rest        extract.error_rest_py       (an error page's title words once site names, numbers, filler go)
 *   surrogate_fields  sources.decode.surrogate_fields_py  (a record's fields holding a lone UTF-16 surrogate)
 * The character classes are the regex engine's own for str patterns: \s is Py_UNICODE_ISSPACE, \w is
 * Py_UNICODE_ISALNUM or "_". Optional: setup.py builds it when a compiler is at hand; storyline.compiled picks it,
 * else the Python code runs (same results, tested by hypothesis in tests/test_scan.py).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define IS_WORD(c) (Py_UNICODE_ISALNUM(c) || (c) == '_')
/* ---------------------------------------------------------------- normalise_text */

/* What extract._DROP does to a code point: -1 delete, '\n' a line break, else unchanged (0). */
static inline int dropped(Py_UCS4 c) {
    if (c < 0x20) {
        if (c == 9 || c == 10)
            return 0;
        if (c == 0x0B || c == 0x0C || c == 0x0D)
            return '\n';
        return -1;
    }
    if (c < 0x7F)
        return 0;
    if (c <= 0x9F)
        return c == 0x85 ? '\n' : -1;
    switch (c) {
    case 0x00AD: case 0x200B: case 0x200E: case 0x200F: case 0x202A: case 0x202B: case 0x202C: case 0x202D:
    case 0x202E: case 0x2060: case 0xFEFF:
        return -1;
    case 0x2028: case 0x2029:
        return '\n';
    default:
        return 0;
    }
}

static PyObject *normalise_text(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "normalise_text() takes a str");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, m = 0, k;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *buf = PyMem_Malloc((n + 1) * sizeof(Py_UCS4));
    if (buf == NULL)
        return PyErr_NoMemory();
    int changed = 0;
    /* \r\n -> \n, then the controls out (a lone \r, \v, \f, U+0085, U+2028/9 -> \n) */
    for (i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == '\r' && i + 1 < n && PyUnicode_READ(kind, data, i + 1) == '\n') {
            buf[m++] = '\n';
            i++;
            changed = 1;
            continue;
        }
        int d = dropped(c);
        if (d == 0)
            buf[m++] = c;
        else {
            changed = 1;
            if (d > 0)
                buf[m++] = (Py_UCS4)d;
        }
    }
    /* every run of white space but \n -> one space */
    for (i = 0, k = 0; i < m; i++) {
        Py_UCS4 c = buf[i];
        if (c != '\n' && Py_UNICODE_ISSPACE(c)) {
            Py_ssize_t j = i + 1;
            while (j < m && buf[j] != '\n' && Py_UNICODE_ISSPACE(buf[j]))
                j++;
            if (j - i > 1 || c != ' ')
                changed = 1;
            buf[k++] = ' ';
            i = j - 1;
        } else
            buf[k++] = c;
    }
    m = k;
    /* a space beside a line break out (spaces stand alone now) */
    for (i = 0, k = 0; i < m; i++) {
        if (buf[i] == ' ' && ((i > 0 && buf[i - 1] == '\n') || (i + 1 < m && buf[i + 1] == '\n'))) {
            changed = 1;
            continue;
        }
        buf[k++] = buf[i];
    }
    m = k;
    /* three or more line breaks -> two */
    for (i = 0, k = 0; i < m; i++) {
        if (buf[i] == '\n') {
            Py_ssize_t j = i;
            while (j < m && buf[j] == '\n')
                j++;
            if (j - i >= 3) {
                changed = 1;
                buf[k++] = '\n';
                buf[k++] = '\n';
                i = j - 1;
                continue;
            }
        }
        buf[k++] = buf[i];
    }
    m = k;
    /* str.strip() */
    Py_ssize_t start = 0, end = m;
    while (start < end && Py_UNICODE_ISSPACE(buf[start]))
        start++;
    while (end > start && Py_UNICODE_ISSPACE(buf[end - 1]))
        end--;
    PyObject *out;
    if (!changed && start == 0 && end == n) { /* as the Python passes give it: the very same string */
        Py_INCREF(text);
        out = text;
    } else
        out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf + start, end - start);
    PyMem_Free(buf);
    return out;
}

/* ---------------------------------------------------------------- count_words */

static inline int unspaced(Py_UCS4 c) {
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1000 && c <= 0x109F) || (c >= 0x1780 && c <= 0x17FF) ||
           (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF);
}

static PyObject *count_words(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "count_words(text, limit) takes a str and an int or None");
        return NULL;
    }
    PyObject *text = args[0];
    int limited = args[1] != Py_None;
    Py_ssize_t limit = 0;
    if (limited) {
        int overflow;
        long long value = PyLong_AsLongLongAndOverflow(args[1], &overflow);
        if (value == -1 && PyErr_Occurred())
            return NULL;
        /* a count never passes the text's length: a limit past any length never stops, one below 0 stops at once */
        limit = overflow > 0 ? PY_SSIZE_T_MAX : overflow < 0 ? -1 : value > PY_SSIZE_T_MAX ? PY_SSIZE_T_MAX
                : value < -1 ? -1 : (Py_ssize_t)value;
    }
    if (PyUnicode_READY(text) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, total = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        if (i >= n)
            break;
        Py_ssize_t spaced = 0, alnum = 0;
        for (; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (Py_UNICODE_ISSPACE(c))
                break;
            if (unspaced(c))
                spaced++;
            else if (!alnum && Py_UNICODE_ISALNUM(c))
                alnum = 1;
        }
        total += spaced ? (spaced + 1) / 2 : alnum;
        if (limited && total >= limit)
            break;
    }
    return PyLong_FromSsize_t(total);
}

/* ---------------------------------------------------------------- error_rest */

static inline int all_digits(const Py_UCS4 *s, Py_ssize_t n) {
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISDIGIT(s[i]))
            return 0;
    return n > 0;
}

/* error_rest(folded, filler): the \w runs of the whitespace-separated words without a ".", less those all digits
 * or in filler, joined by one space. */
static PyObject *error_rest(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "error_rest(folded, filler) takes a str and a set");
        return NULL;
    }
    PyObject *text = args[0], *filler = args[1];
    if (PyUnicode_READY(text) < 0)
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, m = 0;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_UCS4 *buf = PyMem_Malloc((2 * n + 1) * sizeof(Py_UCS4)), *word = buf + n + 1;
    if (buf == NULL)
        return PyErr_NoMemory();
    while (i < n) {
        while (i < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)))
            i++;
        Py_ssize_t start = i;
        int dotted = 0;
        while (i < n) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (Py_UNICODE_ISSPACE(c))
                break;
            dotted |= c == '.';
            i++;
        }
        if (dotted)
            continue; /* a site name ("example.com") */
        Py_ssize_t j = start;
        while (j < i) {
            while (j < i && !IS_WORD(PyUnicode_READ(kind, data, j)))
                j++;
            Py_ssize_t w = 0;
            while (j < i) {
                Py_UCS4 c = PyUnicode_READ(kind, data, j);
                if (!IS_WORD(c))
                    break;
                word[w++] = c;
                j++;
            }
            if (w == 0 || all_digits(word, w))
                continue;
            PyObject *token = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, word, w);
            if (token == NULL) {
                PyMem_Free(buf);
                return NULL;
            }
            int known = PySet_Contains(filler, token);
            Py_DECREF(token);
            if (known < 0) {
                PyMem_Free(buf);
                return NULL;
            }
            if (known)
                continue;
            if (m > 0)
                buf[m++] = ' ';
            memcpy(buf + m, word, w * sizeof(Py_UCS4));
            m += w;
        }
    }
    PyObject *out = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, buf, m);
    PyMem_Free(buf);
    return out;
}

/* ---------------------------------------------------------------- surrogate_fields */

/* decode._has_surrogate: a lone UTF-16 surrogate in a str, or in a dict's keys and values or a list's or tuple's
 * items, at any depth (1), or none (0); -1 on an error. */
static int has_surrogate(PyObject *value) {
    if (value == Py_None)
        return 0;
    if (PyUnicode_Check(value)) {
        if (PyUnicode_READY(value) < 0)
            return -1;
        int kind = PyUnicode_KIND(value);
        if (kind == PyUnicode_1BYTE_KIND)
            return 0;
        Py_ssize_t n = PyUnicode_GET_LENGTH(value);
        const void *data = PyUnicode_DATA(value);
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if (c >= 0xD800 && c <= 0xDFFF)
                return 1;
        }
        return 0;
    }
    int found = 0;
    if (PyDict_CheckExact(value)) {
        if (Py_EnterRecursiveCall(" in surrogate_fields"))
            return -1;
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        while (!found && PyDict_Next(value, &pos, &key, &item)) {
            Py_INCREF(key);
            Py_INCREF(item);
            found = has_surrogate(key);
            if (found == 0)
                found = has_surrogate(item);
            Py_DECREF(key);
            Py_DECREF(item);
        }
        Py_LeaveRecursiveCall();
        return found;
    }
    PyObject *items;
    if (PyDict_Check(value))
        items = PyObject_CallMethod(value, "items", NULL); /* a subclass: its own items(), as the Python code */
    else if (PyList_Check(value) || PyTuple_Check(value)) {
        Py_INCREF(value);
        items = value;
    } else
        return 0;
    if (items == NULL)
        return -1;
    PyObject *iterator = PyObject_GetIter(items);
    Py_DECREF(items);
    if (iterator == NULL)
        return -1;
    if (Py_EnterRecursiveCall(" in surrogate_fields")) {
        Py_DECREF(iterator);
        return -1;
    }
    int pairs = PyDict_Check(value);
    PyObject *item;
    while (!found && (item = PyIter_Next(iterator)) != NULL) {
        if (pairs) {
            PyObject *key = PySequence_GetItem(item, 0), *val = key ? PySequence_GetItem(item, 1) : NULL;
            found = val == NULL ? -1 : has_surrogate(key);
            if (found == 0)
                found = has_surrogate(val);
            Py_XDECREF(key);
            Py_XDECREF(val);
        } else
            found = has_surrogate(item);
        Py_DECREF(item);
    }
    Py_LeaveRecursiveCall();
    Py_DECREF(iterator);
    if (found == 0 && PyErr_Occurred())
        return -1;
    return found;
}

/* surrogate_fields(record, names): the names of the record's attributes that hold a lone surrogate. */
static PyObject *surrogate_fields(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "surrogate_fields(record, names) takes an object and a tuple of str");
        return NULL;
    }
    PyObject *record = args[0], *names = args[1], *out = PyList_New(0);
    if (out == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i), *value = PyObject_GetAttr(record, name);
        if (value == NULL)
            goto fail;
        int found = has_surrogate(value);
        Py_DECREF(value);
        if (found < 0 || (found && PyList_Append(out, name) < 0))
            goto fail;
    }
    return out;
fail:
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef methods[] = {
    {"normalise_text", normalise_text, METH_O, "normalise_text(text): extract.normalise_text_py's result."},
    {"count_words", (PyCFunction)(void (*)(void))count_words, METH_FASTCALL,
     "count_words(text, limit): extract.count_words_py's count (limit an int or None)."},
    {"error_rest", (PyCFunction)(void (*)(void))error_rest, METH_FASTCALL,
     "error_rest(folded, filler): extract.error_rest_py's words."},
    {"surrogate_fields", (PyCFunction)(void (*)(void))surrogate_fields, METH_FASTCALL,
     "surrogate_fields(record, names): the fields sources.decode.surrogate_fields_py names."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "A record's hot regex passes in C (see extract.py, sources/decode.py).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__scan(void) { return PyModule_Create(&module); }
