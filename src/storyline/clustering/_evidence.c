/* The key evidence rows in C: evidence_py.rows, bit for bit, one call per article for all its candidates.
 *
 * Why: the clusterer built ~17 features per candidate story in Python (attribute reads, small calls, a tuple,
 * then np.array of the rows): about a third of a headline's assignment. Here the same features are written
 * straight into the evidence matrix, reading the very same objects (StoryState, its KeyProfile dicts, the
 * article's IDF dicts). Same floats as the Python code: the same operations in the same order (C `log` and
 * `log1p` are what math.log and math.log1p call; ints become doubles as CPython's arithmetic converts them;
 * math.fsum's algorithm for the exact sums, _keysum.h). The core-name IDF cache is read and refreshed on the
 * Python schedule (`refresh` is CoreIdf.refresh, called where the Python code would call it).
 * ROW_FEATURES and ROW_VERSION must match evidence_py's, or evidence.py does not use this module.
 */
#include "_keysum.h"

#define ROW_VERSION 1
#define NROW 17
static const char *const row_features[NROW] = {
    "words", "same_lang", "names", "log_gap", "time_unknown", "headline_only", "log_size", "unknown_lang",
    "cohesion", "headline_gap", "missing_core", "age_conflict", "missing_core_headline", "own_names",
    "identity_conflict", "followup_gap", "followup_cos",
};

static PyObject *s_langs, *s_event, *s_core_keys, *s_words, *s_names, *s_counts, *s_members, *s_size,
    *s_cohesion, *s_ages, *s_identity, *s_id, *s_row;

/* math.log of a positive double, or math.log's ValueError (-1 with an exception set; NaN passes as NaN). */
static int py_log(double x, double *out) {
    if (isfinite(x) && !(x > 0.0)) { PyErr_SetString(PyExc_ValueError, "math domain error"); return -1; }
    *out = log(x);
    return 0;
}

/* math.log1p (its argument here is never at or below -1, but NaN passes as NaN). */
static int py_log1p(double x, double *out) {
    if (isfinite(x) && !(x > -1.0)) { PyErr_SetString(PyExc_ValueError, "math domain error"); return -1; }
    *out = x == 0.0 ? x : log1p(x);
    return 0;
}

/* An attribute as a double (CPython's float view of an int or float). */
static int attr_double(PyObject *obj, PyObject *name, double *out) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (v == NULL) return -1;
    double d = as_double(v);
    Py_DECREF(v);
    if (d == -1.0 && PyErr_Occurred()) return -1;
    *out = d;
    return 0;
}

/* key_overlap(weights, counts, members, total) of keywork_py, on a members count already read. */
static int overlap(PyObject *weights, PyObject *counts, long long members, double total, double *out) {
    if (check_dict(weights, "weights") || check_dict(counts, "counts")) return -1;
    if (total <= 0 || members <= 0) { *out = 0.0; return 0; }
    Values vals;
    values_init(&vals);
    double hit;
    int bad = shared_values(weights, counts, 1, &vals) < 0 || fsum(&vals, &hit) < 0;
    values_free(&vals);
    if (bad) return -1;
    *out = hit / (double)members / total;
    return 0;
}

/* A KeyProfile's counts dict (new reference) and members count. */
static PyObject *profile(PyObject *story, PyObject *name, long long *members) {
    PyObject *p = PyObject_GetAttr(story, name);
    if (p == NULL) return NULL;
    PyObject *counts = PyObject_GetAttr(p, s_counts), *m = counts == NULL ? NULL : PyObject_GetAttr(p, s_members);
    Py_DECREF(p);
    if (m == NULL) { Py_XDECREF(counts); return NULL; }
    *members = PyLong_AsLongLong(m);
    Py_DECREF(m);
    if (*members == -1 && PyErr_Occurred()) { Py_DECREF(counts); return NULL; }
    return counts;
}

/* StoryState.uncomparable(lang, known): members in another language with either side outside `known`. */
static int uncomparable(PyObject *langs, PyObject *lang, PyObject *known, long long size, double *out) {
    int lang_known = PySet_Contains(known, lang);
    if (lang_known < 0) return -1;
    long long blind = 0;
    PyObject *other, *n;
    Py_ssize_t pos = 0;
    while (PyDict_Next(langs, &pos, &other, &n)) {
        int differs = PyObject_RichCompareBool(other, lang, Py_NE);
        if (differs < 0) return -1;
        if (!differs) continue;
        if (lang_known) {
            int other_known = PySet_Contains(known, other);
            if (other_known < 0) return -1;
            if (other_known) continue;
        }
        long long count = PyLong_AsLongLong(n);
        if (count == -1 && PyErr_Occurred()) return -1;
        blind += count;
    }
    if (size == 0) { PyErr_SetString(PyExc_ZeroDivisionError, "division by zero"); return -1; }
    *out = (double)blind / (double)size; /* int / int: correctly rounded, as CPython's true division */
    return 0;
}

/* keywork_py.missing_share, with the core's cached IDF (refreshed on CoreIdf.missing's schedule). */
static int missing_core(PyObject *story, PyObject *names, PyObject *cache, long long docs, PyObject *refresh,
                        double *out) {
    PyObject *id = PyObject_GetAttr(story, s_id);
    if (id == NULL) return -1;
    PyObject *entry = PyDict_GetItemWithError(cache, id); /* borrowed */
    Py_DECREF(id);
    if (entry == NULL && PyErr_Occurred()) return -1;
    Py_XINCREF(entry);
    if (entry != NULL) {
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3) {
            Py_DECREF(entry);
            PyErr_SetString(PyExc_TypeError, "core cache entries are (docs, weights, total)");
            return -1;
        }
        long long then = PyLong_AsLongLong(PyTuple_GET_ITEM(entry, 0));
        if (then == -1 && PyErr_Occurred()) { Py_DECREF(entry); return -1; }
        if (docs > 2 * then + 100) Py_CLEAR(entry);
    }
    if (entry == NULL) {
        entry = PyObject_CallOneArg(refresh, story);
        if (entry == NULL) return -1;
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 3) {
            Py_DECREF(entry);
            PyErr_SetString(PyExc_TypeError, "refresh must give (docs, weights, total)");
            return -1;
        }
    }
    PyObject *weights = PyTuple_GET_ITEM(entry, 1);
    double total = as_double(PyTuple_GET_ITEM(entry, 2)), found;
    int bad = (total == -1.0 && PyErr_Occurred()) || check_dict(weights, "weights") || check_dict(names, "names");
    if (!bad && total <= 0) { Py_DECREF(entry); *out = 0.0; return 0; }
    Values vals;
    values_init(&vals);
    bad = bad || shared_values(weights, names, 0, &vals) < 0 || fsum(&vals, &found) < 0;
    values_free(&vals);
    Py_DECREF(entry);
    if (bad) return -1;
    double rest = total - found;
    *out = (rest > 0.0 ? rest : 0.0) / total; /* max(0.0, rest): 0.0 unless rest > 0.0 */
    return 0;
}

/* conflict.age_conflict: 1 when both give ages and none of the article's is one the story gives. */
static int age_conflict(PyObject *ages, PyObject *story_ages, double *out) {
    if (check_dict(story_ages, "story ages")) return -1;
    *out = 0.0;
    if (PySet_GET_SIZE(ages) == 0 || PyDict_GET_SIZE(story_ages) == 0) return 0;
    PyObject *it = PyObject_GetIter(ages), *age;
    if (it == NULL) return -1;
    int any = 0;
    while (!any && (age = PyIter_Next(it)) != NULL) {
        any = PyDict_Contains(story_ages, age);
        Py_DECREF(age);
        if (any < 0) { Py_DECREF(it); return -1; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    *out = any ? 0.0 : 1.0;
    return 0;
}

/* keywork_py.count_own_names: the article's rare names the story carries, by at least about half the
 * stream's articles naming them. */
static int own_names(PyObject *rare, PyObject *counts, PyObject *seen, long *out) {
    if (check_dict(seen, "seen")) return -1;
    PyObject *it = PyObject_GetIter(rare), *key;
    if (it == NULL) return -1;
    long own = 0;
    while ((key = PyIter_Next(it)) != NULL) {
        PyObject *mine = PyDict_GetItemWithError(counts, key), *all = NULL;
        if (mine != NULL) all = PyDict_GetItemWithError(seen, key);
        Py_DECREF(key);
        if (PyErr_Occurred()) { Py_DECREF(it); return -1; }
        if (mine == NULL) continue;
        long long c = PyLong_AsLongLong(mine), s = all == NULL ? 0 : PyLong_AsLongLong(all);
        if (PyErr_Occurred()) { Py_DECREF(it); return -1; }
        if (s <= 2 * c + 1) own++;
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    *out = own;
    return 0;
}

/* conflict.identity_conflict: both name two or more rare names and share none. */
static int identity_conflict(PyObject *rare, PyObject *identity, double *out) {
    if (!PyAnySet_Check(identity)) { PyErr_SetString(PyExc_TypeError, "identity must be a set"); return -1; }
    *out = 0.0;
    if (PySet_GET_SIZE(rare) < 2 || PySet_GET_SIZE(identity) < 2) return 0;
    PyObject *walked = PySet_GET_SIZE(rare) <= PySet_GET_SIZE(identity) ? rare : identity;
    PyObject *probed = walked == rare ? identity : rare, *key, *it = PyObject_GetIter(walked);
    if (it == NULL) return -1;
    int shared = 0;
    while (!shared && (key = PyIter_Next(it)) != NULL) {
        shared = PySet_Contains(probed, key);
        Py_DECREF(key);
        if (shared < 0) { Py_DECREF(it); return -1; }
    }
    Py_DECREF(it);
    if (PyErr_Occurred()) return -1;
    *out = shared ? 0.0 : 1.0;
    return 0;
}

/* What every row reads of the article (an ArticleRow) and of the settings (a RowSettings), read once. */
typedef struct {
    PyObject *lang, *words, *names, *ages, *rare, *seen, *stamp, *known, *cache, *refresh;
    double words_total, names_total, headline, window, unknown_gap, no_core;
    int may_conflict;
    long long docs;
} Article;

/* The row of one story into x (columns[f] < 0: not kept); *followup: 1 for a follow-up beyond the window.
 * Returns 0, or -1 with an exception set. */
static int story_row(double *x, const Py_ssize_t *columns, PyObject *story, const Article *art, int *followup) {
    PyObject *lang = art->lang, *words = art->words, *names = art->names, *ages = art->ages, *rare = art->rare;
    PyObject *seen = art->seen, *known = art->known, *cache = art->cache, *refresh = art->refresh;
    double words_total = art->words_total, names_total = art->names_total, headline = art->headline;
    double window = art->window, unknown_gap = art->unknown_gap, no_core = art->no_core;
    int may_conflict = art->may_conflict;
    long long docs = art->docs;
    double v[NROW];
    PyObject *langs = NULL, *event = NULL, *core_keys = NULL, *wcounts = NULL, *ncounts = NULL, *story_ages = NULL,
             *identity = NULL;
    int ok = 0;
    langs = PyObject_GetAttr(story, s_langs);
    if (langs == NULL || check_dict(langs, "langs")) goto done;
    PyObject *same_obj = PyDict_GetItemWithError(langs, lang);
    if (same_obj == NULL && PyErr_Occurred()) goto done;
    long long same = same_obj == NULL ? 0 : PyLong_AsLongLong(same_obj);
    if (same == -1 && PyErr_Occurred()) goto done;
    event = PyObject_GetAttr(story, s_event);
    if (event == NULL) goto done;
    double gap, unknown, beyond;
    if (art->stamp == Py_None || event == Py_None) {
        gap = unknown_gap, unknown = 1.0, beyond = 0.0;
    } else {
        double stamp = as_double(art->stamp), when = as_double(event);
        if (PyErr_Occurred()) goto done;
        double days = fabs(stamp - when) / 86400.0, past = days - window;
        gap = window < days ? window : days; /* min(days, window) */
        unknown = 0.0;
        beyond = past > 0.0 ? past : 0.0; /* max(0.0, past) */
    }
    double log_gap;
    if (py_log1p(gap, &log_gap) < 0) goto done;
    long long members, size;
    wcounts = profile(story, s_words, &members);
    if (wcounts == NULL) goto done;
    v[0] = 0.0;
    if (same && overlap(words, wcounts, same, words_total, &v[0]) < 0) goto done;
    v[1] = same ? 1.0 : 0.0;
    ncounts = profile(story, s_names, &members);
    if (ncounts == NULL || overlap(names, ncounts, members, names_total, &v[2]) < 0) goto done;
    v[3] = log_gap;
    v[4] = unknown;
    v[5] = headline;
    PyObject *size_obj = PyObject_GetAttr(story, s_size);
    if (size_obj == NULL) goto done;
    size = PyLong_AsLongLong(size_obj);
    double size_d = as_double(size_obj);
    Py_DECREF(size_obj);
    if (PyErr_Occurred() || py_log1p(size_d, &v[6]) < 0) goto done;
    v[7] = 0.0;
    if (!(PyDict_GET_SIZE(langs) == 1 && same) && uncomparable(langs, lang, known, size, &v[7]) < 0) goto done;
    if (attr_double(story, s_cohesion, &v[8]) < 0) goto done;
    v[9] = log_gap * headline;
    core_keys = PyObject_GetAttr(story, s_core_keys);
    if (core_keys == NULL) goto done;
    int has_core = PyObject_IsTrue(core_keys);
    if (has_core < 0) goto done;
    if (has_core) {
        double share, lg;
        if (missing_core(story, names, cache, docs, refresh, &share) < 0 || py_log(1.02 - share, &lg) < 0) goto done;
        v[10] = -lg;
    } else {
        v[10] = no_core;
    }
    v[11] = 0.0;
    if (PySet_GET_SIZE(ages) > 0) {
        story_ages = PyObject_GetAttr(story, s_ages);
        if (story_ages == NULL || age_conflict(ages, story_ages, &v[11]) < 0) goto done;
    }
    v[12] = v[10] * headline;
    v[13] = 0.0;
    if (PySet_GET_SIZE(rare) > 0) {
        long own;
        if (own_names(rare, ncounts, seen, &own) < 0 || py_log1p((double)own, &v[13]) < 0) goto done;
    }
    v[14] = 0.0;
    if (may_conflict) {
        identity = PyObject_GetAttr(story, s_identity);
        if (identity == NULL || identity_conflict(rare, identity, &v[14]) < 0) goto done;
    }
    if (py_log1p(beyond, &v[15]) < 0) goto done;
    v[16] = beyond > 0 ? 1.0 : 0.0;
    *followup = beyond > 0;
    for (int f = 0; f < NROW; f++)
        if (columns[f] >= 0) x[columns[f]] = v[f];
    ok = 1;
done:
    Py_XDECREF(langs);
    Py_XDECREF(event);
    Py_XDECREF(core_keys);
    Py_XDECREF(wcounts);
    Py_XDECREF(ncounts);
    Py_XDECREF(story_ages);
    Py_XDECREF(identity);
    return ok ? 0 : -1;
}

/* rows(x, columns, stories, article, settings, cache, docs, refresh) -> (follow-ups, members, starts, rows): story
 * i's row into x[i]; how many stories are follow-ups beyond the window; what the vector columns read of the
 * stories: their member matrices, where each one's members start among all of them, and their rows. */
static PyObject *rows(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 8) { PyErr_SetString(PyExc_TypeError, "rows takes 8 arguments"); return NULL; }
    PyObject *columns = args[1], *stories = args[2], *article = args[3], *settings = args[4], *cache = args[5];
    if (!PyTuple_Check(columns) || PyTuple_GET_SIZE(columns) != NROW || !PyList_Check(stories)
        || !PyTuple_Check(article) || PyTuple_GET_SIZE(article) != 11 || !PyTuple_Check(settings)
        || PyTuple_GET_SIZE(settings) != 4 || check_dict(cache, "cache")) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "rows(x, columns: 17 ints, stories: list, article: ArticleRow, "
                                             "settings: RowSettings, cache: dict, docs, refresh)");
        return NULL;
    }
    long long docs = PyLong_AsLongLong(args[6]);
    if (docs == -1 && PyErr_Occurred()) return NULL;
    Py_buffer xb;
    if (PyObject_GetBuffer(args[0], &xb, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT | PyBUF_WRITABLE) < 0) return NULL;
    PyObject *out = NULL, *members = NULL, *starts = NULL, *at = NULL;
    Py_ssize_t n = PyList_GET_SIZE(stories), width = xb.ndim == 2 ? xb.shape[1] : 0, cols[NROW];
    if (xb.format == NULL || strcmp(xb.format, "d") != 0 || xb.ndim != 2 || xb.shape[0] != n) {
        PyErr_SetString(PyExc_ValueError, "rows: x must be a float64 matrix with one row per story");
        goto done;
    }
    for (int f = 0; f < NROW; f++) {
        cols[f] = PyLong_AsSsize_t(PyTuple_GET_ITEM(columns, f));
        if (cols[f] == -1 && PyErr_Occurred()) goto done;
        if (cols[f] >= width) { PyErr_SetString(PyExc_ValueError, "rows: a column past x's width"); goto done; }
    }
    PyObject *const *a = &PyTuple_GET_ITEM(article, 0), *const *s = &PyTuple_GET_ITEM(settings, 0);
    Article art = {
        .lang = a[0], .words = a[1], .names = a[2], .ages = a[3], .rare = a[4], .seen = a[7], .stamp = a[8],
        .known = s[2], .cache = cache, .refresh = args[7], .words_total = PyFloat_AsDouble(a[5]),
        .names_total = PyFloat_AsDouble(a[6]), .headline = as_double(a[9]), .window = as_double(s[0]),
        .unknown_gap = as_double(s[1]), .no_core = as_double(s[3]), .may_conflict = PyObject_IsTrue(a[10]),
        .docs = docs,
    };
    if (PyErr_Occurred() || art.may_conflict < 0) goto done;
    if (!PyAnySet_Check(art.ages) || !PyAnySet_Check(art.rare) || !PyAnySet_Check(art.known)) {
        PyErr_SetString(PyExc_TypeError, "ages, rare names and encoder languages must be sets");
        goto done;
    }
    if (check_dict(art.words, "words") || check_dict(art.names, "names") || check_dict(art.seen, "seen")) goto done;
    members = PyList_New(n);
    starts = PyList_New(n);
    at = PyList_New(n);
    if (members == NULL || starts == NULL || at == NULL) goto done;
    Py_ssize_t start = 0;
    long followups = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *story = PyList_GET_ITEM(stories, i), *start_obj = PyLong_FromSsize_t(start);
        if (start_obj == NULL) goto done;
        PyList_SET_ITEM(starts, i, start_obj);
        Py_INCREF(story); /* refresh runs Python code */
        int followup = 0, bad = story_row((double *)xb.buf + i * width, cols, story, &art, &followup) < 0;
        PyObject *kept = bad ? NULL : PyObject_GetAttr(story, s_members);
        PyObject *row = kept == NULL ? NULL : PyObject_GetAttr(story, s_row);
        Py_DECREF(story);
        if (row == NULL) { Py_XDECREF(kept); goto done; }
        PyList_SET_ITEM(members, i, kept);
        PyList_SET_ITEM(at, i, row);
        Py_ssize_t count = PyObject_Size(kept);
        if (count < 0) goto done;
        start += count;
        followups += followup;
    }
    out = Py_BuildValue("(lOOO)", followups, members, starts, at);
done:
    Py_XDECREF(members);
    Py_XDECREF(starts);
    Py_XDECREF(at);
    PyBuffer_Release(&xb);
    return out;
}

static PyMethodDef methods[] = {
    {"rows", (PyCFunction)(void (*)(void))rows, METH_FASTCALL,
     "rows(x, columns, stories, article, settings, cache, docs, refresh): each story's key evidence row into x "
     "(see evidence_py.rows); (follow-ups, member matrices, their starts, story rows)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_evidence", "The key evidence rows in C (see evidence_py).", -1, methods,
    NULL, NULL, NULL, NULL,
};

static PyObject *intern(const char *name) { return PyUnicode_InternFromString(name); }

PyMODINIT_FUNC PyInit__evidence(void) {
    if (keysum_init() < 0) return NULL;
    if ((s_langs = intern("langs")) == NULL || (s_event = intern("event")) == NULL
        || (s_core_keys = intern("core_keys")) == NULL || (s_words = intern("words")) == NULL
        || (s_names = intern("names")) == NULL || (s_counts = intern("counts")) == NULL
        || (s_members = intern("members")) == NULL || (s_size = intern("size")) == NULL
        || (s_cohesion = intern("cohesion")) == NULL || (s_ages = intern("ages")) == NULL
        || (s_identity = intern("identity")) == NULL || (s_id = intern("id")) == NULL
        || (s_row = intern("row")) == NULL)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    PyObject *names = PyTuple_New(NROW);
    if (names == NULL) { Py_DECREF(m); return NULL; }
    for (int f = 0; f < NROW; f++) {
        PyObject *name = PyUnicode_FromString(row_features[f]);
        if (name == NULL) { Py_DECREF(names); Py_DECREF(m); return NULL; }
        PyTuple_SET_ITEM(names, f, name);
    }
    if (PyModule_AddObject(m, "ROW_FEATURES", names) < 0) { Py_DECREF(names); Py_DECREF(m); return NULL; }
    if (PyModule_AddIntConstant(m, "ROW_VERSION", ROW_VERSION) < 0) { Py_DECREF(m); return NULL; }
    return m;
}
