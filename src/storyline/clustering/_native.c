/* The clusterer's per-article key work in C: the functions of keywork_py.py, bit for bit.
 *
 * Why: story assignment spends about half its time in small Python loops over an article's ~85 keys
 * (IDF weights, overlaps with a few candidate stories, profile counts); here they run on the very same
 * dicts and str keys, without the interpreter per key. Same floats as the Python code: the same
 * operations in the same order (C `log` is what math.log calls; int operands become doubles as
 * CPython's float arithmetic converts them, with PyLong_AsDouble), and math.fsum's algorithm for the
 * exact sums (non-finite values are handed to math.fsum itself, so even its errors are the same).
 * Optional: setup.py builds it when a compiler is at hand; keywork.py falls back to the Python code.
 */
#include "_keysum.h"

/* The pseudo-count of a key ``prior`` does not hold yet, remembered there while it holds fewer than max_keys:
 * ``half`` for a common key (the key, or its part after the first ':', in ``common``), else 0.0
 * (keywork_py.prior_of). Returns -1.0 with an error set. */
static double prior_of(PyObject *prior, PyObject *key, PyObject *common, double half, Py_ssize_t max_keys) {
    int hit = PySet_Contains(common, key);
    if (hit < 0) return -1.0;
    if (!hit) {
        if (!PyUnicode_Check(key)) {
            PyErr_Format(PyExc_AttributeError, "'%.100s' object has no attribute 'partition'", Py_TYPE(key)->tp_name);
            return -1.0;
        }
        /* key.partition(":")[2]: after the first ':', or "" without one */
        Py_ssize_t n = PyUnicode_GET_LENGTH(key);
        Py_ssize_t at = PyUnicode_FindChar(key, ':', 0, n, 1);
        if (at == -2) return -1.0;
        PyObject *rest = at < 0 ? PyUnicode_New(0, 0) : PyUnicode_Substring(key, at + 1, n);
        if (rest == NULL) return -1.0;
        hit = PySet_Contains(common, rest);
        Py_DECREF(rest);
        if (hit < 0) return -1.0;
    }
    double p = hit ? half : 0.0;
    if (PyDict_GET_SIZE(prior) < max_keys) {
        PyObject *pf = PyFloat_FromDouble(p);
        if (pf == NULL || PyDict_SetItem(prior, key, pf) < 0) {
            Py_XDECREF(pf);
            return -1.0;
        }
        Py_DECREF(pf);
    }
    return p;
}

/* common_idf_weights(counts, prior, keys, total, common, half, max_keys) -> dict */
static PyObject *common_idf_weights(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 7) { PyErr_SetString(PyExc_TypeError, "common_idf_weights takes 7 arguments"); return NULL; }
    PyObject *counts = args[0], *prior = args[1], *keys = args[2], *common = args[4];
    if (check_dict(counts, "counts") || check_dict(prior, "prior")) return NULL;
    if (!PyAnySet_Check(common)) { PyErr_SetString(PyExc_TypeError, "common must be a set"); return NULL; }
    double total = PyFloat_AsDouble(args[3]);
    if (total == -1.0 && PyErr_Occurred()) return NULL;
    double half = PyFloat_AsDouble(args[5]);
    if (half == -1.0 && PyErr_Occurred()) return NULL;
    Py_ssize_t max_keys = PyLong_AsSsize_t(args[6]);
    if (max_keys == -1 && PyErr_Occurred()) return NULL;
    PyObject *out = PyDict_New(), *it = PyObject_GetIter(keys), *key;
    if (out == NULL || it == NULL) goto fail;
    while ((key = PyIter_Next(it)) != NULL) {
        /* the count first, as Python reads it before the prior */
        PyObject *c_obj = PyDict_GetItemWithError(counts, key); /* borrowed */
        double c = 0.0, p;
        if (c_obj != NULL) c = as_double(c_obj);
        if (PyErr_Occurred()) { Py_DECREF(key); goto fail; }
        PyObject *p_obj = PyDict_GetItemWithError(prior, key);
        if (p_obj == NULL) {
            if (PyErr_Occurred()) { Py_DECREF(key); goto fail; }
            p = prior_of(prior, key, common, half, max_keys);
        } else {
            p = as_double(p_obj);
        }
        if (p == -1.0 && PyErr_Occurred()) { Py_DECREF(key); goto fail; }
        /* Python: log(c + p + 1.0) if p else logs[c] if c < 4096 else log(c + 1.0); logs[c] is log(c + 1.0) */
        double x = p != 0.0 ? c + p + 1.0 : c + 1.0;
        if (isfinite(x) && !(x > 0.0)) { /* math.log's domain error */
            PyErr_SetString(PyExc_ValueError, "math domain error");
            Py_DECREF(key);
            goto fail;
        }
        double w = total - log(x);
        PyObject *wf = PyFloat_FromDouble(w);
        int bad = wf == NULL || PyDict_SetItem(out, key, wf) < 0;
        Py_XDECREF(wf);
        Py_DECREF(key);
        if (bad) goto fail;
    }
    if (PyErr_Occurred()) goto fail;
    Py_DECREF(it);
    return out;
fail:
    Py_XDECREF(it);
    Py_XDECREF(out);
    return NULL;
}

/* count_keys(counts, keys) -> None: counts[key] = counts.get(key, 0) + 1 for each key */
static PyObject *count_keys(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2) { PyErr_SetString(PyExc_TypeError, "count_keys takes 2 arguments"); return NULL; }
    PyObject *counts = args[0], *key, *one = NULL;
    if (check_dict(counts, "counts")) return NULL;
    PyObject *it = PyObject_GetIter(args[1]);
    if (it == NULL) return NULL;
    one = PyLong_FromLong(1);
    if (one == NULL) goto fail;
    while ((key = PyIter_Next(it)) != NULL) {
        PyObject *old = PyDict_GetItemWithError(counts, key), *new;
        if (old == NULL) {
            if (PyErr_Occurred()) { Py_DECREF(key); goto fail; }
            new = Py_NewRef(one);
        } else {
            new = PyNumber_Add(old, one);
        }
        int bad = new == NULL || PyDict_SetItem(counts, key, new) < 0;
        Py_XDECREF(new);
        Py_DECREF(key);
        if (bad) goto fail;
    }
    if (PyErr_Occurred()) goto fail;
    Py_DECREF(it);
    Py_DECREF(one);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(one);
    Py_DECREF(it);
    return NULL;
}


/* key_overlap(weights, counts, members, total) -> float */
static PyObject *key_overlap(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 4) { PyErr_SetString(PyExc_TypeError, "key_overlap takes 4 arguments"); return NULL; }
    if (check_dict(args[0], "weights") || check_dict(args[1], "counts")) return NULL;
    long long members = PyLong_AsLongLong(args[2]);
    if (members == -1 && PyErr_Occurred()) return NULL;
    double total = PyFloat_AsDouble(args[3]);
    if (total == -1.0 && PyErr_Occurred()) return NULL;
    if (total <= 0 || members <= 0) return PyFloat_FromDouble(0.0);
    double m = as_double(args[2]);
    if (m == -1.0 && PyErr_Occurred()) return NULL;
    Values vals;
    values_init(&vals);
    double hit;
    if (shared_values(args[0], args[1], 1, &vals) < 0 || fsum(&vals, &hit) < 0) { values_free(&vals); return NULL; }
    values_free(&vals);
    return PyFloat_FromDouble(hit / m / total);
}

/* missing_share(weights, total, article) -> float */
static PyObject *missing_share(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "missing_share takes 3 arguments"); return NULL; }
    if (check_dict(args[0], "weights") || check_dict(args[2], "article")) return NULL;
    double total = PyFloat_AsDouble(args[1]);
    if (total == -1.0 && PyErr_Occurred()) return NULL;
    if (total <= 0) return PyFloat_FromDouble(0.0);
    Values vals;
    values_init(&vals);
    double found;
    if (shared_values(args[0], args[2], 0, &vals) < 0 || fsum(&vals, &found) < 0) { values_free(&vals); return NULL; }
    values_free(&vals);
    double rest = total - found;
    return PyFloat_FromDouble((rest > 0.0 ? rest : 0.0) / total); /* max(0.0, rest): 0.0 unless rest > 0.0 */
}

/* count_own_names(identity, story, seen) -> int */
static PyObject *count_own_names(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 3) { PyErr_SetString(PyExc_TypeError, "count_own_names takes 3 arguments"); return NULL; }
    PyObject *story = args[1], *seen = args[2], *key;
    if (check_dict(story, "story") || check_dict(seen, "seen")) return NULL;
    PyObject *it = PyObject_GetIter(args[0]);
    if (it == NULL) return NULL;
    long own = 0;
    while ((key = PyIter_Next(it)) != NULL) {
        PyObject *mine = PyDict_GetItemWithError(story, key), *all = NULL;
        if (mine != NULL) all = PyDict_GetItemWithError(seen, key);
        Py_DECREF(key);
        if (PyErr_Occurred()) goto fail;
        if (mine == NULL) continue;
        long long c = PyLong_AsLongLong(mine), s = all == NULL ? 0 : PyLong_AsLongLong(all);
        if (PyErr_Occurred()) goto fail;
        if (s <= 2 * c + 1) own++;
    }
    if (PyErr_Occurred()) goto fail;
    Py_DECREF(it);
    return PyLong_FromLong(own);
fail:
    Py_DECREF(it);
    return NULL;
}

/* pick_pool(scores, events, stamp, reach, size, threshold) -> (count, rows, places): the nearest-story pool of
 * one article from a batch's scores (see keywork_py.pick_pool). Pure selection: a row is in the window unless
 * fabs(event - stamp) > reach (NaN events always are); the `size` best in-window scores (a heap of them and the
 * best one left out) are the pool when their gap (in double, as float(a) - float(b)) exceeds `threshold` and
 * no in-window score is NaN or infinite. */
static PyObject *pick_pool(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6) { PyErr_SetString(PyExc_TypeError, "pick_pool takes 6 arguments"); return NULL; }
    Py_buffer sb, eb;
    if (PyObject_GetBuffer(args[0], &sb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return NULL;
    if (PyObject_GetBuffer(args[1], &eb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) { PyBuffer_Release(&sb); return NULL; }
    PyObject *out = NULL, *rows = NULL, *places = NULL;
    Py_ssize_t active = sb.len / (Py_ssize_t)sizeof(float), size = PyLong_AsSsize_t(args[4]);
    int dated = args[2] != Py_None;
    double stamp = dated ? PyFloat_AsDouble(args[2]) : 0.0, reach = PyFloat_AsDouble(args[3]);
    double threshold = PyFloat_AsDouble(args[5]);
    Py_ssize_t *best_row = NULL, *best_place = NULL;
    float *best = NULL;
    if (PyErr_Occurred()) goto done;
    if (sb.format == NULL || strcmp(sb.format, "f") != 0 || eb.format == NULL || strcmp(eb.format, "d") != 0
        || (dated && eb.len / (Py_ssize_t)sizeof(double) < active) || size < 1) {
        PyErr_SetString(PyExc_ValueError, "pick_pool: float32 scores, float64 events (as many), size >= 1");
        goto done;
    }
    const float *score = (const float *)sb.buf;
    const double *event = (const double *)eb.buf;
    best = PyMem_Malloc((size + 1) * sizeof(float));
    best_row = PyMem_Malloc((size + 1) * sizeof(Py_ssize_t));
    best_place = PyMem_Malloc((size + 1) * sizeof(Py_ssize_t));
    if (best == NULL || best_row == NULL || best_place == NULL) { PyErr_NoMemory(); goto done; }
    Py_ssize_t count = 0, kept = 0, cap = size + 1;
    int finite = 1;
    /* the `size` + 1 best in-window scores in a min-heap (the root: the worst of them), so a long run of rising
       scores costs log(size) a row, not size */
    for (Py_ssize_t r = 0; r < active; r++) {
        if (dated && fabs(event[r] - stamp) > reach) continue;
        float v = score[r];
        count++;
        if (!isfinite(v)) { finite = 0; continue; }
        Py_ssize_t i;
        if (kept < cap) { /* sift the new leaf up */
            i = kept++;
            while (i > 0 && best[(i - 1) / 2] > v) {
                Py_ssize_t up = (i - 1) / 2;
                best[i] = best[up]; best_row[i] = best_row[up]; best_place[i] = best_place[up];
                i = up;
            }
        } else if (v > best[0]) { /* replace the root, sift it down */
            i = 0;
            for (;;) {
                Py_ssize_t c = 2 * i + 1;
                if (c >= cap) break;
                if (c + 1 < cap && best[c + 1] < best[c]) c++;
                if (!(best[c] < v)) break;
                best[i] = best[c]; best_row[i] = best_row[c]; best_place[i] = best_place[c];
                i = c;
            }
        } else {
            continue;
        }
        best[i] = v; best_row[i] = r; best_place[i] = count - 1;
    }
    /* the best left out is the root; the worst of the pool the smaller of its children */
    double gap = 0.0;
    if (finite && count > size) {
        float worst = best[1];
        if (cap > 2 && best[2] < worst) worst = best[2];
        gap = (double)worst - (double)best[0];
    }
    int decided = finite && count > size && gap > threshold;
    if (decided) {
        /* the pool (all but the root) in row order: rows and places rise together */
        for (Py_ssize_t a = 1; a < cap; a++) { best_row[a - 1] = best_row[a]; best_place[a - 1] = best_place[a]; }
        for (Py_ssize_t a = 1; a < size; a++)
            for (Py_ssize_t b = a; b > 0 && best_row[b - 1] > best_row[b]; b--) {
                Py_ssize_t t = best_row[b]; best_row[b] = best_row[b - 1]; best_row[b - 1] = t;
                t = best_place[b]; best_place[b] = best_place[b - 1]; best_place[b - 1] = t;
            }
        rows = PyList_New(size);
        places = PyList_New(size);
        if (rows == NULL || places == NULL) goto done;
        for (Py_ssize_t a = 0; a < size; a++) {
            PyObject *row = PyLong_FromSsize_t(best_row[a]), *place = PyLong_FromSsize_t(best_place[a]);
            if (row == NULL || place == NULL) { Py_XDECREF(row); Py_XDECREF(place); goto done; }
            PyList_SET_ITEM(rows, a, row);
            PyList_SET_ITEM(places, a, place);
        }
        out = Py_BuildValue("(nOO)", count, rows, places);
    } else {
        out = Py_BuildValue("(nOO)", count, Py_None, Py_None);
    }
done:
    Py_XDECREF(rows);
    Py_XDECREF(places);
    PyMem_Free(best);
    PyMem_Free(best_row);
    PyMem_Free(best_place);
    PyBuffer_Release(&sb);
    PyBuffer_Release(&eb);
    return out;
}

static PyMethodDef methods[] = {
    {"common_idf_weights", (PyCFunction)(void (*)(void))common_idf_weights, METH_FASTCALL,
     "common_idf_weights(counts, prior, keys, total, common, half, max_keys): IDF of each key (see keywork_py)."},
    {"count_keys", (PyCFunction)(void (*)(void))count_keys, METH_FASTCALL,
     "count_keys(counts, keys): add one to the count of each key."},
    {"key_overlap", (PyCFunction)(void (*)(void))key_overlap, METH_FASTCALL,
     "key_overlap(weights, counts, members, total): IDF-weighted share of the keys a story carries."},
    {"missing_share", (PyCFunction)(void (*)(void))missing_share, METH_FASTCALL,
     "missing_share(weights, total, article): IDF-weighted share of the core's keys the article lacks."},
    {"count_own_names", (PyCFunction)(void (*)(void))count_own_names, METH_FASTCALL,
     "count_own_names(identity, story, seen): how many rare names are the story's own."},
    {"pick_pool", (PyCFunction)(void (*)(void))pick_pool, METH_FASTCALL,
     "pick_pool(scores, events, stamp, reach, size, threshold): an article's pool from a batch's scores."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_native", "The clusterer's per-article key work in C (see keywork_py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__native(void) {
    if (keysum_init() < 0) return NULL;
    return PyModule_Create(&module);
}
