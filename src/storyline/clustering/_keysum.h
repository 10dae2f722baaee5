/* Exact sums and dict walks shared by the compiled key work (_native.c) and evidence rows (_evidence.c).
 *
 * math.fsum's algorithm (Shewchuk's partials, as CPython computes it; non-finite values are handed to math.fsum
 * itself), CPython's float view of an int or float, and the products of the keys two dicts share. Each
 * extension includes this once and calls keysum_init() when its module is created.
 */
#ifndef STORYLINE_KEYSUM_H
#define STORYLINE_KEYSUM_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define NUM_PARTIALS 32
#define LOG_TABLE 4096

static PyObject *math_fsum = NULL; /* math.fsum, for sums with a non-finite value */

/* Growable array of doubles, on the stack while small. */
typedef struct {
    double *v;
    Py_ssize_t n, cap;
    double small[64];
} Values;

static inline void values_init(Values *a) { a->v = a->small; a->n = 0; a->cap = 64; }
static inline void values_free(Values *a) { if (a->v != a->small) PyMem_Free(a->v); }

static inline int values_push(Values *a, double x) {
    if (a->n == a->cap) {
        Py_ssize_t cap = a->cap * 2;
        double *v = PyMem_Malloc(cap * sizeof(double));
        if (v == NULL) { PyErr_NoMemory(); return -1; }
        memcpy(v, a->v, a->n * sizeof(double));
        values_free(a);
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return 0;
}

/* math.fsum of the values, as CPython computes it (Shewchuk's partials, half-even fix-up at the end).
 * Returns 0 and sets *out, or -1 with an exception set. */
static inline int fsum(const Values *a, double *out) {
    double ps[NUM_PARTIALS], *p = ps, x, y, t, hi, lo = 0.0, yr;
    Py_ssize_t i, j, k, n = 0, m = NUM_PARTIALS;
    int special = 0;

    for (k = 0; k < a->n; k++) {
        x = a->v[k];
        if (!isfinite(x)) { special = 1; break; }
        for (i = j = 0; j < n; j++) {
            y = p[j];
            if (fabs(x) < fabs(y)) { t = x; x = y; y = t; }
            hi = x + y;
            lo = y - (hi - x);
            if (lo != 0.0)
                p[i++] = lo;
            x = hi;
        }
        n = i;
        if (x != 0.0) {
            if (!isfinite(x)) { special = 1; break; } /* intermediate overflow: math.fsum raises */
            if (n >= m) {
                double *grown = PyMem_Malloc(2 * m * sizeof(double));
                if (grown == NULL) { if (p != ps) PyMem_Free(p); PyErr_NoMemory(); return -1; }
                memcpy(grown, p, n * sizeof(double));
                if (p != ps) PyMem_Free(p);
                p = grown;
                m *= 2;
            }
            p[n++] = x;
        }
    }
    if (special) { /* inf, nan or overflow: math.fsum's own result or error */
        if (p != ps) PyMem_Free(p);
        PyObject *list = PyList_New(a->n);
        if (list == NULL) return -1;
        for (k = 0; k < a->n; k++) {
            PyObject *f = PyFloat_FromDouble(a->v[k]);
            if (f == NULL) { Py_DECREF(list); return -1; }
            PyList_SET_ITEM(list, k, f);
        }
        PyObject *r = PyObject_CallOneArg(math_fsum, list);
        Py_DECREF(list);
        if (r == NULL) return -1;
        *out = PyFloat_AsDouble(r);
        Py_DECREF(r);
        return 0;
    }
    hi = 0.0;
    if (n > 0) {
        hi = p[--n];
        while (n > 0) { /* sum the partials from the top, stop when the sum becomes inexact */
            x = hi;
            y = p[--n];
            hi = x + y;
            yr = hi - x;
            lo = y - yr;
            if (lo != 0.0)
                break;
        }
        if (n > 0 && ((lo < 0.0 && p[n - 1] < 0.0) || (lo > 0.0 && p[n - 1] > 0.0))) {
            y = lo * 2.0; /* half-even rounding across partials */
            x = hi + y;
            yr = x - hi;
            if (y == yr)
                hi = x;
        }
    }
    if (p != ps) PyMem_Free(p);
    *out = hi;
    return 0;
}

/* A float or int value as CPython's float arithmetic sees it (-1.0 with an exception on failure). */
static inline double as_double(PyObject *o) {
    if (PyFloat_CheckExact(o)) return PyFloat_AS_DOUBLE(o);
    if (PyLong_Check(o)) return PyLong_AsDouble(o);
    return PyFloat_AsDouble(o);
}

static inline int check_dict(PyObject *o, const char *what) {
    if (PyDict_Check(o)) return 0;
    PyErr_Format(PyExc_TypeError, "%s must be a dict, not %.100s", what, Py_TYPE(o)->tp_name);
    return -1;
}


/* The products weights[k] * counts[k] (or weights[k] alone when counts_too is 0) over the keys both
 * dicts hold, into vals; the smaller dict is walked. */
static inline int shared_values(PyObject *weights, PyObject *other, int counts_too, Values *vals) {
    int walk_weights = PyDict_GET_SIZE(weights) <= PyDict_GET_SIZE(other);
    PyObject *walked = walk_weights ? weights : other, *probed = walk_weights ? other : weights;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(walked, &pos, &key, &value)) {
        PyObject *found = PyDict_GetItemWithError(probed, key);
        if (found == NULL) {
            if (PyErr_Occurred()) return -1;
            continue;
        }
        PyObject *w_obj = walk_weights ? value : found, *c_obj = walk_weights ? found : value;
        double w = as_double(w_obj);
        if (w == -1.0 && PyErr_Occurred()) return -1;
        if (counts_too) {
            double c = as_double(c_obj);
            if (c == -1.0 && PyErr_Occurred()) return -1;
            w = w * c;
        }
        if (values_push(vals, w) < 0) return -1;
    }
    return 0;
}

/* Look up math.fsum (for sums with a non-finite value): 0, or -1 with an exception set. */
static inline int keysum_init(void) {
    PyObject *math = PyImport_ImportModule("math");
    if (math == NULL) return -1;
    math_fsum = PyObject_GetAttrString(math, "fsum");
    Py_DECREF(math);
    return math_fsum == NULL ? -1 : 0;
}
#endif
