"""pytest suite of the lexkit Python package (run by `make test` through CTest)."""
import json
import os
import pickle
import re
import subprocess
import sys
import threading

import numpy as np
import pytest
import scipy.sparse as sp

import lexkit

SRC = os.environ.get("LK_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("LEXKIT")
ZH_MODEL = os.path.join(SRC, "corpora", "models", "zh-gsd-char.lkt")
EN_MODEL = os.path.join(SRC, "corpora", "models", "en-ewt.lkt")


def _jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="module")
def docs():
    feat = [d["text"] for d in _jsonl(os.path.join(SRC, "tests", "data", "feat_docs.jsonl"))]
    sample = [d["text"] for d in _jsonl(os.path.join(SRC, "corpora", "sample-docs.jsonl"))]
    return feat + sample[:150]


# ---- vectorizers ---------------------------------------------------------------------------
SETTINGS = [
    {},
    {"ngram_range": (1, 2)},
    {"analyzer": "char", "ngram_range": (1, 3)},
    {"analyzer": "char_wb", "ngram_range": (2, 4)},
    {"min_df": 2, "max_df": 0.5},
    {"max_features": 50},
    {"norm": "l1"},
    {"norm": None, "use_idf": False},
    {"smooth_idf": False, "sublinear_tf": True},
    {"binary": True},
    {"stop_words": "english"},
    {"lowercase": False},
]


@pytest.mark.parametrize("params", SETTINGS, ids=[str(s) for s in SETTINGS])
def test_tfidf_equals_sklearn(docs, params):
    from sklearn.feature_extraction.text import TfidfVectorizer
    ours = lexkit.TfidfVectorizer(**params)
    theirs = TfidfVectorizer(**params)
    a = ours.fit_transform(docs)
    b = theirs.fit_transform(docs)
    assert isinstance(a, sp.csr_matrix)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert ours.vocabulary_ == theirs.vocabulary_
    assert a.shape == b.shape
    assert abs(a - b).max() <= 1e-9
    # transform of other documents with the fitted vocabulary
    c = ours.transform(docs[:5] + ["unseen words only zzz"])
    d = theirs.transform(docs[:5] + ["unseen words only zzz"])
    assert abs(c - d).max() <= 1e-9
    if params.get("use_idf", True):
        assert np.max(np.abs(ours.idf_ - theirs.idf_)) <= 1e-12


def test_count_vectorizer_equals_sklearn(docs):
    from sklearn.feature_extraction.text import CountVectorizer
    a = lexkit.CountVectorizer(ngram_range=(1, 2), min_df=2).fit_transform(docs)
    b = CountVectorizer(ngram_range=(1, 2), min_df=2).fit_transform(docs)
    assert a.dtype == np.int64 and a.shape == b.shape
    assert (a != b).nnz == 0


def test_dtype_float32(docs):
    from sklearn.feature_extraction.text import TfidfVectorizer
    a = lexkit.TfidfVectorizer(dtype=np.float32).fit_transform(docs)
    b = TfidfVectorizer(dtype=np.float32).fit_transform(docs)
    assert a.dtype == np.float32 and b.dtype == np.float32
    assert abs(a - b).max() <= 1e-6
    c = lexkit.CountVectorizer(dtype=np.int32).fit_transform(docs)
    assert c.dtype == np.int32 and c.sum() == lexkit.CountVectorizer().fit_transform(docs).sum()


def _owner(a):
    """The object that owns an array's memory (through views)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matrix_arrays_not_copied(docs, dtype):
    """The matrix's three arrays are the C side's buffers (int32 indptr and the values in the
    requested dtype come from C: scipy has nothing to convert), and they are writable."""
    v = lexkit.TfidfVectorizer(dtype=dtype)
    for m in (v.fit_transform(docs), v.transform(docs[:7])):
        assert m.indptr.dtype == np.int32 and m.indices.dtype == np.int32 and m.dtype == dtype
        for a in (m.indptr, m.indices, m.data):
            assert type(_owner(a)).__name__ == "Buffer", "an array was copied"
            assert a.flags.writeable
        m.data *= 2  # as on scikit-learn's matrices
    c = lexkit.CountVectorizer().fit_transform(docs)
    assert c.dtype == np.int64 and type(_owner(c.data)).__name__ == "Buffer"


def test_import_does_not_load_sklearn():
    """`import lexkit` loads neither scikit-learn nor scipy (scipy.sparse comes with the
    first matrix): its cost is numpy's."""
    code = ("import sys, lexkit; v = lexkit.TfidfVectorizer(); v.get_params(); repr(v); "
            "print(sorted(m for m in ('sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=dict(os.environ), check=True).stdout
    assert out.strip() == "[]"


def test_params_and_pipeline(docs):
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.feature_extraction.text import TfidfVectorizer
    v = lexkit.TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    p = v.get_params()
    assert p["ngram_range"] == (1, 2) and p["sublinear_tf"] is True and p["norm"] == "l2"
    v.set_params(min_df=2)
    assert clone(v).get_params()["min_df"] == 2
    assert clone(v).get_params() == v.get_params()
    assert repr(v) == "TfidfVectorizer(min_df=2, ngram_range=(1, 2), sublinear_tf=True)"
    with pytest.raises(ValueError, match="Invalid parameter 'mindf'"):
        v.set_params(mindf=2)
    assert set(v.get_params()) <= set(TfidfVectorizer().get_params()) | {"n_jobs"}  # sklearn's names
    # label: does the document mention "data"
    y = np.array(["data" in d for d in docs])
    pipe = Pipeline([("tfidf", lexkit.TfidfVectorizer()), ("lr", LogisticRegression(C=10, max_iter=1000))])
    pipe.fit(docs, y)
    ref = Pipeline([("tfidf", TfidfVectorizer()), ("lr", LogisticRegression(C=10, max_iter=1000))])
    ref.fit(docs, y)
    assert pipe.score(docs, y) >= 0.95
    assert np.array_equal(pipe.predict(docs), ref.predict(docs))
    assert np.max(np.abs(pipe.predict_proba(docs) - ref.predict_proba(docs))) <= 1e-6


def test_pickle_round_trip(docs):
    v = lexkit.TfidfVectorizer(ngram_range=(1, 2), min_df=2)
    a = v.fit_transform(docs)
    w = pickle.loads(pickle.dumps(v))
    assert list(w.get_feature_names_out()) == list(v.get_feature_names_out())
    assert abs(w.transform(docs) - a).max() <= 1e-12
    assert w.vocabulary_ == v.vocabulary_
    u = pickle.loads(pickle.dumps(lexkit.CountVectorizer()))  # unfitted
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted
    check_is_fitted(w)
    with pytest.raises(NotFittedError):
        check_is_fitted(u)
    with pytest.raises(ValueError):
        u.transform(["x"])


# ---- stop_words as a list of words ---------------------------------------------------------
STOP_DOCS = [
    "The cat is on the mat; a cat IS happy.",
    "Is this the end of the world? It is, of course, a beginning.",
    "the the the a a of of Is is",
    "Of mice and men: the story of a ranch.",
    "STRASSE straße Straße — the école of the ÉCOLE",
    "A tale of two cities is a tale of the best of times",
    "",
    "data_science is the study of data; of the data, by the data",
    "Isn't it? Is it not? is-is the-the a-a of_of",
    "numbers 42 and 3.14 of the year 2024 is a number",
    "Ο ΚΌΣΜΟΣ of the Greeks is the κόσμος",
    "The END",
]
STOP_LIST = ["the", "a", "of", "Is"]


def _warned(fn):
    """fn()'s result and the messages of the warnings it gave."""
    import warnings
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        out = fn()
    return out, sorted(str(x.message) for x in w)


@pytest.mark.parametrize("tfidf", [False, True], ids=["count", "tfidf"])
@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2)])
@pytest.mark.parametrize("lowercase", [True, False])
def test_stop_words_list_equals_sklearn(tfidf, ngram_range, lowercase):
    """A list of stop words as sklearn applies it: tokens equal to a stop word are dropped
    after lowercasing and tokenizing, before n-grams; the list itself is not lowercased
    ('Is' drops 'Is' only with lowercase=False, and sklearn warns that its token 'is' is
    not a stop word): the same columns, matrices, idf and warnings."""
    from sklearn.feature_extraction import text
    name = "TfidfVectorizer" if tfidf else "CountVectorizer"
    params = dict(stop_words=list(STOP_LIST), ngram_range=ngram_range, lowercase=lowercase)
    ours, theirs = getattr(lexkit, name)(**params), getattr(text, name)(**params)
    a, ours_warned = _warned(lambda: ours.fit_transform(STOP_DOCS))
    b, theirs_warned = _warned(lambda: theirs.fit_transform(STOP_DOCS))
    assert ours_warned == theirs_warned
    assert bool(ours_warned) == lowercase  # 'Is' -> 'is'
    names = list(ours.get_feature_names_out())
    assert names == list(theirs.get_feature_names_out())
    for dropped in ("the", "of") + (() if lowercase else ("Is",)):
        assert not any(dropped in n.split(" ") for n in names)
    assert "is" in names  # 'Is' is not lowercased: with lowercase=True it matches nothing
    if not lowercase:  # the stop words match as given: 'Is' and 'the', not 'IS' or 'The'
        assert "Is" not in names and {"IS", "The"} <= set(names)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert abs(a - b).max() <= 1e-12
    unseen = ["of the cat", "Is the data the data of a world", "the a of"]
    assert abs(ours.transform(unseen) - theirs.transform(unseen)).max() <= 1e-12
    if tfidf:
        assert np.max(np.abs(ours.idf_ - theirs.idf_)) <= 1e-12
    # a list changes the matrix: without it, 'the' and 'of' are columns
    assert {"the", "of"} <= set(getattr(lexkit, name)(ngram_range=ngram_range).fit(
        STOP_DOCS).get_feature_names_out())


@pytest.mark.filterwarnings("ignore:Your stop_words may be inconsistent")
@pytest.mark.parametrize("stop", [frozenset(STOP_LIST), set(STOP_LIST), tuple(STOP_LIST),
                                  np.array(STOP_LIST), STOP_LIST * 2],
                         ids=["frozenset", "set", "tuple", "ndarray", "duplicates"])
def test_stop_words_collections(stop):
    """Any collection of str (sklearn takes a list; a set, frozenset or tuple too), as given
    to get_params, with the list's matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    ref = TfidfVectorizer(stop_words=list(STOP_LIST), ngram_range=(1, 2)).fit_transform(STOP_DOCS)
    v = lexkit.TfidfVectorizer(stop_words=stop, ngram_range=(1, 2))
    assert v.get_params()["stop_words"] is stop
    assert abs(v.fit_transform(STOP_DOCS) - ref).max() <= 1e-12


def test_stop_words_odd_words_as_sklearn():
    """Words no token equals (empty, one character, with a NUL, a space or punctuation, a
    lone surrogate) drop nothing; non-ASCII words match their tokens; sklearn's warning
    names the tokens of stop words that are not stop words."""
    from sklearn.feature_extraction.text import CountVectorizer
    stop = ["", "a", "th\0is", "the end", "cat;", "straße", "ÉCOLE", "κόσμος", "\ud800", "of"]
    for lowercase in (True, False):
        ours = lexkit.CountVectorizer(stop_words=stop, lowercase=lowercase)
        theirs = CountVectorizer(stop_words=stop, lowercase=lowercase)
        a, ours_warned = _warned(lambda: ours.fit_transform(STOP_DOCS))
        b, theirs_warned = _warned(lambda: theirs.fit_transform(STOP_DOCS))
        assert ours_warned == theirs_warned and ours_warned
        assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
        assert (a != b).nnz == 0


def test_stop_words_bad_values():
    docs = ["the cat sat", "a dog"]
    sk = ("The 'stop_words' parameter of CountVectorizer must be a str among {'english'}, an "
          "instance of 'list' or None. Got %r instead.")
    for bad in ("french", "English", "", b"the", 5):  # sklearn's ValueError and message
        with pytest.raises(ValueError) as e:
            lexkit.CountVectorizer(stop_words=bad).fit(docs)
        assert str(e.value) == sk % (bad,)
    with pytest.raises(TypeError, match=r"^stop_words\[1\]: expected str, got int$"):
        lexkit.CountVectorizer(stop_words=["the", 3]).fit(docs)
    with pytest.raises(TypeError, match=r"^stop_words\[0\]: expected str, got bytes$"):
        lexkit.TfidfVectorizer(stop_words=[b"the"]).fit(docs)
    with pytest.raises(TypeError, match="an iterator can be read only once"):
        lexkit.CountVectorizer(stop_words=iter(["the"])).fit(docs)
    # the low-level constructor checks its items too
    with pytest.raises(TypeError, match=r"stop_words\[0\]: expected str, got int"):
        lexkit._lexkit.Vectorizer(stop_words=[1])
    with pytest.raises(TypeError, match="single str"):
        lexkit._lexkit.Vectorizer(stop_words="the")
    with pytest.raises(ValueError, match="NUL"):
        lexkit._lexkit.Vectorizer(stop_words=["a\0b"])
    with pytest.raises(ValueError, match="not both"):
        lexkit._lexkit.Vectorizer(stop_words=["the"], stop_words_english=True)
    # an empty list drops nothing
    a = lexkit.CountVectorizer(stop_words=[]).fit_transform(STOP_DOCS)
    assert (a != lexkit.CountVectorizer().fit_transform(STOP_DOCS)).nnz == 0


@pytest.mark.parametrize("analyzer", ["char", "char_wb"])
def test_stop_words_char_analyzers_ignore_them(analyzer):
    """sklearn's char analyzers ignore stop_words, with a warning at fit."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    params = dict(analyzer=analyzer, ngram_range=(2, 3), stop_words=list(STOP_LIST))
    a, ours_warned = _warned(lambda: lexkit.TfidfVectorizer(**params).fit_transform(STOP_DOCS))
    b, theirs_warned = _warned(lambda: TfidfVectorizer(**params).fit_transform(STOP_DOCS))
    assert ours_warned == theirs_warned == [
        "The parameter 'stop_words' will not be used since 'analyzer' != 'word'"]
    assert abs(a - b).max() <= 1e-12
    plain = lexkit.TfidfVectorizer(analyzer=analyzer, ngram_range=(2, 3)).fit_transform(STOP_DOCS)
    assert abs(a - plain).max() == 0


@pytest.mark.parametrize("stop", [list(STOP_LIST), frozenset(STOP_LIST)], ids=["list", "frozenset"])
def test_stop_words_pickle_round_trip(stop):
    v = lexkit.TfidfVectorizer(stop_words=stop, ngram_range=(1, 2), lowercase=False)
    a = v.fit_transform(STOP_DOCS)
    w = pickle.loads(pickle.dumps(v))
    assert w.get_params()["stop_words"] == stop and type(w.get_params()["stop_words"]) is type(stop)
    assert list(w.get_feature_names_out()) == list(v.get_feature_names_out())
    more = STOP_DOCS + ["Is the end of a tale the end?"]
    b = w.transform(more)
    assert abs(b - v.transform(more)).max() <= 1e-12
    assert abs(b[:len(STOP_DOCS)] - a).max() <= 1e-12
    # the unpickled vectorizer still drops the stop words before the bigrams: "end world"
    # is a bigram of "the end of the world" only without 'of' and 'the'
    assert "end of" not in w.vocabulary_ and "Is" not in w.vocabulary_
    m = w.transform(["the end of the world"])
    assert m[0, w.vocabulary_["end world"]] > 0 and m.nnz == 3  # end, world, end world


@pytest.mark.filterwarnings("ignore:Your stop_words may be inconsistent")
def test_stop_words_clone_and_grid_search():
    """clone, set_params and GridSearchCV over stop_words lists, as with sklearn's."""
    from sklearn.base import clone
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    v = lexkit.TfidfVectorizer(stop_words=["the", "of"])
    c = clone(v)
    assert c.get_params()["stop_words"] == ["the", "of"]
    assert c.get_params()["stop_words"] is not v.get_params()["stop_words"]  # clone copies
    c.set_params(stop_words=frozenset(["a"]))
    assert c.get_params()["stop_words"] == frozenset(["a"])
    assert "stop_words=['the', 'of']" in repr(v)
    docs = STOP_DOCS * 4
    y = np.array(["the" in d.lower() for d in docs])
    grid = {"vec__stop_words": [None, ["the"], ["the", "of", "Is"]], "vec__lowercase": [True, False]}
    searches = []
    for vec in (lexkit.TfidfVectorizer(), TfidfVectorizer()):
        pipe = Pipeline([("vec", vec), ("lr", LogisticRegression(C=10, max_iter=1000))])
        gs = GridSearchCV(pipe, grid, cv=3).fit(docs, y)
        searches.append(gs)
    ours, theirs = searches
    assert ours.best_params_ == theirs.best_params_
    assert np.max(np.abs(ours.cv_results_["mean_test_score"] -
                         theirs.cv_results_["mean_test_score"])) <= 1e-9
    assert [p["vec__stop_words"] for p in ours.cv_results_["params"]] == \
        [p["vec__stop_words"] for p in theirs.cv_results_["params"]]


def test_vectorizer_bad_input():
    with pytest.raises(ValueError, match="string object received"):
        lexkit.TfidfVectorizer().fit_transform("a single string")
    with pytest.raises(TypeError, match=r"raw_documents\[1\]: expected str, got int"):
        lexkit.TfidfVectorizer().fit_transform(["ok", 3])
    with pytest.raises(ValueError, match="analyzer"):
        lexkit.TfidfVectorizer(analyzer="chars").fit_transform(["a b"])
    with pytest.raises(ValueError, match="empty vocabulary"):  # as sklearn
        lexkit.TfidfVectorizer().fit_transform(["a", "b"])  # no token of 2+ characters
    with pytest.raises(ValueError):
        lexkit.TfidfVectorizer().transform(["not fitted"])
    with pytest.raises(ValueError, match=r"^The 'min_df' parameter of TfidfVectorizer must be a "
                                         r"float in the range \[0, 1\] or an int in the range "
                                         r"\[1, inf\). Got '2' instead.$"):  # as sklearn
        lexkit.TfidfVectorizer(min_df="2").fit_transform(["aa bb"])


def test_readme_names_the_vectorizer_parameters():
    """README.md lists the scikit-learn parameters the vectorizers take: all of sklearn's
    (plus n_jobs); a list of stop words is taken, another str than 'english' is a
    ValueError."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    with open(os.path.join(SRC, "README.md"), encoding="utf-8") as f:
        text = f.read()
    para = text[text.index("`CountVectorizer`/`TfidfVectorizer` take all"):]
    para = para[:para.index("The matrices equal")]
    assert "Not supported" not in para
    names = {n for n in re.findall(r"`(\w+)`", para)} - {
        "CountVectorizer", "TfidfVectorizer", "None", "build_analyzer", "fixed_vocabulary_"}
    assert names == set(lexkit.TfidfVectorizer().get_params())
    assert names - {"n_jobs"} == set(lexkit.CountVectorizer().get_params()) - {"n_jobs"} | {
        "norm", "use_idf", "smooth_idf", "sublinear_tf"}
    assert names - {"n_jobs"} == set(TfidfVectorizer().get_params())
    assert list(lexkit.TfidfVectorizer(stop_words=["the", "a"]).fit(
        ["the cat sat", "a dog"]).get_feature_names_out()) == ["cat", "dog", "sat"]
    with pytest.raises(ValueError, match="The 'stop_words' parameter of TfidfVectorizer must "
                                         "be a str among {'english'}.* Got 'french' instead."):
        lexkit.TfidfVectorizer(stop_words="french").fit(["the cat sat", "a dog"])


def test_vectorizer_threads(docs):
    v = lexkit.TfidfVectorizer().fit(docs)
    want = v.transform(docs)
    errors = []

    def work():
        try:
            for _ in range(5):
                assert abs(v.transform(docs) - want).max() == 0
                lexkit.TfidfVectorizer().fit_transform(docs[:50])
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=work) for _ in range(4)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert not errors


# ---- Index ---------------------------------------------------------------------------------
def _cli_search(index_dir, queries_file, *opts):
    out = subprocess.run([CLI, "search", "--index", index_dir, "--queries", queries_file, "--k", "10",
                          "--output-format", "tsv", *opts], check=True, capture_output=True, text=True).stdout
    runs = {}
    for line in out.splitlines():
        qid, _rank, doc, score = line.split("\t")
        runs.setdefault(qid, []).append((doc, float(score)))
    return runs


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_zh_script_equals_cli(tmp_path):
    # traditional -> simplified mapping of Han text: Python's default is the CLI's for each
    # analyzer (english maps, plain does not), and zh_script= is --zh-script
    docs = [{"id": "s", "text": "南京长江大桥于1968年建成。"},
            {"id": "t", "text": "黃河與長江是中國的兩條大河。"}]
    path = tmp_path / "st.jsonl"
    path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    qfile = tmp_path / "q.tsv"
    qfile.write_text("q\t長江大橋\n", encoding="utf-8")
    cases = [({}, []), ({"analyzer": "plain"}, ["--analyzer", "plain"]),
             ({"analyzer": "plain", "zh_script": "auto"}, ["--analyzer", "plain", "--zh-script", "auto"]),
             ({"zh_script": "simplified"}, ["--zh-script", "simplified"]),
             ({"zh_script": "traditional"}, ["--zh-script", "traditional"])]
    runs = []
    for i, (kw, opts) in enumerate(cases):
        subprocess.run([CLI, "index", "--input", str(path), "--index", str(tmp_path / f"c{i}")] + opts,
                       check=True, capture_output=True)
        want = _cli_search(str(tmp_path / f"c{i}"), str(qfile))["q"]
        ix = lexkit.Index.create(tmp_path / f"p{i}", **kw)
        ix.add(docs)
        got = ix.search("長江大橋")
        assert [h.id for h in got] == [d for d, _ in want], kw
        assert all(abs(h.score - s) <= 1e-6 for h, (_, s) in zip(got, want)), kw
        runs.append([h.id for h in got])
        ix.close()
    assert runs[0] == ["s", "t"] and runs[1] == ["t", "s"]  # mapped vs not: the order differs
    with pytest.raises(ValueError, match="zh_script: expected None, 'auto', 'simplified' or "
                                         "'traditional', got 'tw'"):
        lexkit.Index.create(tmp_path / "bad", zh_script="tw")


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_zh_model_phrases(tmp_path):
    # with a Chinese model, phrases and title:/text: terms match the segmented words (the
    # bigrams added after a run's words are not part of the sequence), traditional too
    ix = lexkit.Index.create(tmp_path / "zh", zh_model=ZH_MODEL)
    ix.add([{"id": "t", "title": "深度學習簡介", "text": "深度學習使用神經網路。"},
            {"id": "s", "title": "深度学习简介", "text": "深度学习使用神经网络。"},
            {"id": "o", "title": "其他", "text": "其他文本内容"}])
    for q in ['"深度学习"', '"使用"', "title:深度学习", "text:深度学习", '"深度学习使用"']:
        assert sorted(h.id for h in ix.search(q)) == ["s", "t"], q
    assert ix.search("title:使用") == []
    # zh_model="zh": the shipped model by name, as Tagger.load("zh")
    one = [{"id": "s", "title": "深度学习简介", "text": "深度学习使用神经网络。"},
           {"id": "o", "title": "其他", "text": "其他文本内容"}]
    named = lexkit.Index.create(tmp_path / "zh-named", zh_model="zh")
    named.add(one)
    path = lexkit.Index.create(tmp_path / "zh-path", zh_model=ZH_MODEL)
    path.add(one)
    plain = lexkit.Index.create(tmp_path / "zh-none")
    plain.add(one)
    for q in ["深度学习", "神经网络使用", '"深度学习使用"']:
        assert named.search(q) == path.search(q), q
    assert named.search("神经网络使用") != plain.search("神经网络使用")  # segmented, not bigrams
    named.close(), path.close(), plain.close()
    ix.close()


def test_index_round_trip_equals_cli(tmp_path):
    docs = _jsonl(os.path.join(SRC, "corpora", "sample-docs.jsonl"))
    qfile = os.path.join(SRC, "corpora", "sample-queries.tsv")
    queries = [line.rstrip("\n").split("\t", 1) for line in open(qfile, encoding="utf-8")][:60]
    subprocess.run([CLI, "index", "--input", os.path.join(SRC, "corpora", "sample-docs.jsonl"),
                    "--index", str(tmp_path / "cli")], check=True, capture_output=True)
    # Python searches read the query syntax (the CLI's --queries do not unless told): some
    # sample questions hold phrases in typographic quotes (“...”)
    want = _cli_search(str(tmp_path / "cli"), qfile, "--syntax", "on")
    assert want != _cli_search(str(tmp_path / "cli"), qfile, "--syntax", "off")
    # the CLI's default analyzer (english) is the Python default too; plain matches plain
    subprocess.run([CLI, "index", "--analyzer", "plain", "--title-weight", "2", "--input",
                    os.path.join(SRC, "corpora", "sample-docs.jsonl"),
                    "--index", str(tmp_path / "cli-plain")], check=True, capture_output=True)
    want_plain = _cli_search(str(tmp_path / "cli-plain"), qfile, "--syntax", "on")
    assert want_plain != want
    px = lexkit.Index.create(tmp_path / "py-plain", analyzer="plain", title_weight=2)
    px.add(docs)
    for (qid, q), hits in zip(queries, px.search_many([q for _, q in queries], k=10)):
        w = want_plain.get(qid, [])
        assert [h[0] for h in hits] == [d for d, _ in w], qid
        assert all(abs(h[1] - s) <= 1e-6 * max(1.0, abs(s)) for h, (_, s) in zip(hits, w))
    with pytest.raises(ValueError, match="analyzer"):
        lexkit.Index.create(tmp_path / "bad", analyzer="french")
    with pytest.raises(ValueError, match="title_weight"):
        lexkit.Index.create(tmp_path / "bad", title_weight=0)
    with pytest.raises(ValueError, match="title_weight: 101 is not in 1..100"):
        lexkit.Index.create(tmp_path / "bad", title_weight=101)
    ix = lexkit.Index.create(tmp_path / "py")
    ix.add(docs[:500])
    ix.add(iter(docs[500:]))  # a second segment
    assert len(ix) == len(docs)
    got = ix.search_many([q for _, q in queries], k=10, threads=2)
    for (qid, q), hits in zip(queries, got):
        w = want.get(qid, [])
        assert [h[0] for h in hits] == [d for d, _ in w], qid
        assert all(abs(h[1] - s) <= 1e-6 * max(1.0, abs(s)) for h, (_, s) in zip(hits, w))
        assert ix.search(q, 10) == hits
    assert ix.search_many([q for _, q in queries], 10, 1) == got
    # search_many builds its lists with the cyclic GC off; the caller's setting comes back
    import gc
    assert gc.isenabled()
    ix.search_many([q for _, q in queries], 10, 2)
    assert gc.isenabled()
    gc.disable()
    try:
        assert ix.search_many([q for _, q in queries], 10, 2) == got
        assert not gc.isenabled()
    finally:
        gc.enable()
    # open again, delete, the deleted documents are gone
    ix.close()
    ix = lexkit.Index.open(tmp_path / "py")
    top = ix.search(queries[0][1], 3)
    ix.delete([top[0][0]])
    assert len(ix) == len(docs) - 1
    assert top[0][0] not in [h[0] for h in ix.search(queries[0][1], 10)]
    ix.close()


BM25_METHODS = ["lucene", "robertson", "atire", "bm25l", "bm25plus", "xapian"]


def _pairs(hits):
    return [(h.id, h.score) for h in hits]


def _same_run(hits, want, qid):
    assert [h[0] for h in hits] == [d for d, _ in want], qid
    assert all(abs(h[1] - s) <= 1e-6 * max(1.0, abs(s)) for h, (_, s) in zip(hits, want)), qid


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_bm25_variants_equal_cli(tmp_path):
    """Index.set_bm25 and the method/k1/b/delta keywords of open and create rank as `lexkit
    search --variant --k1 --b --delta` on the same index: every variant, two (k1, b) pairs
    and an explicit delta; search, search_many on 2 threads, and with snippets (their
    searchers)."""
    docs = _jsonl(os.path.join(SRC, "corpora", "sample-docs.jsonl"))
    qfile = os.path.join(SRC, "corpora", "sample-queries.tsv")
    queries = [line.rstrip("\n").split("\t", 1) for line in open(qfile, encoding="utf-8")][:60]
    qs = [q for _, q in queries]
    ix = lexkit.Index.create(tmp_path / "i")
    ix.add(docs[:500])
    ix.add(docs[500:])  # two segments
    path = str(tmp_path / "i")
    default = _cli_search(path, qfile, "--syntax", "on")
    assert ix.bm25 == ("lucene", 1.2, 0.75, None)
    for (qid, q), hits in zip(queries, ix.search_many(qs, threads=2)):
        _same_run(hits, default.get(qid, []), qid)
    runs = {}
    for method in BM25_METHODS:
        for k1, b, delta in [(1.5, 0.75, None), (0.9, 0.4, None), (2.0, 1.0, 0.3)]:
            if delta is not None and method not in ("bm25l", "bm25plus"):
                continue
            opts = ["--variant", method, "--k1", str(k1), "--b", str(b)]
            if delta is not None:
                opts += ["--delta", str(delta)]
            want = runs[(method, k1, b, delta)] = _cli_search(path, qfile, "--syntax", "on", *opts)
            assert want != default
            ix.set_bm25(method, k1=k1, b=b, delta=delta)
            assert ix.bm25.method == method and ix.bm25.k1 == k1 and ix.bm25.b == b
            many = ix.search_many(qs, threads=2)
            snip = ix.search_many(qs, threads=2, snippet=True)
            for i, (qid, q) in enumerate(queries):
                w = want.get(qid, [])
                _same_run(many[i], w, qid)
                assert _pairs(snip[i]) == _pairs(many[i])
                if i % 6 == 0:
                    assert ix.search(q) == many[i]
                    assert _pairs(ix.search(q, snippet=True)) == _pairs(many[i])
    # the delta reported: the variant's default unless given; none for the others
    ix.set_bm25("bm25l")
    assert ix.bm25 == lexkit.BM25Params("bm25l", 1.2, 0.75, 0.5)
    ix.set_bm25("bm25+", k1=1.5)  # bm25s's name of bm25plus
    assert ix.bm25 == ("bm25plus", 1.5, 0.75, 1.0)
    for (qid, q), hits in zip(queries, ix.search_many(qs)):
        _same_run(hits, runs[("bm25plus", 1.5, 0.75, None)].get(qid, []), qid)
    ix.set_bm25("bm25plus", 2, 1, delta=0.3)
    assert ix.bm25 == ("bm25plus", 2.0, 1.0, 0.3)
    ix.set_bm25()  # the default again
    assert ix.bm25 == ("lucene", 1.2, 0.75, None)
    for (qid, q), hits in zip(queries, ix.search_many(qs, threads=2)):
        _same_run(hits, default.get(qid, []), qid)
    ix.set_bm25("xapian", 0.9, 0.4)
    ix.add([{"id": "new", "text": "no query word"}])  # the setting stays across a rebuild
    assert ix.bm25 == ("xapian", 0.9, 0.4, None)
    ix.delete(["new"])
    for (qid, q), hits in zip(queries, ix.search_many(qs)):
        _same_run(hits, runs[("xapian", 0.9, 0.4, None)].get(qid, []), qid)
    ix.close()
    # open and create take the same keywords; any one given sets them all (the others
    # default); none keeps the default
    with lexkit.Index.open(path, method="robertson", k1=1.5) as ox:
        assert ox.bm25 == ("robertson", 1.5, 0.75, None)
        for (qid, q), hits in zip(queries, ox.search_many(qs, threads=2)):
            _same_run(hits, runs[("robertson", 1.5, 0.75, None)].get(qid, []), qid)
    with lexkit.Index.open(path, k1=0.9, b=0.4) as ox:
        assert ox.bm25 == ("lucene", 0.9, 0.4, None)
        for (qid, q), hits in zip(queries, ox.search_many(qs)):
            _same_run(hits, runs[("lucene", 0.9, 0.4, None)].get(qid, []), qid)
    with lexkit.Index(path, method="bm25l", k1=2.0, b=1.0, delta=0.3) as ox:
        assert ox.bm25 == ("bm25l", 2.0, 1.0, 0.3)
        for (qid, q), hits in zip(queries, ox.search_many(qs)):
            _same_run(hits, runs[("bm25l", 2.0, 1.0, 0.3)].get(qid, []), qid)
    with lexkit.Index.open(path) as ox:
        assert ox.bm25 == ("lucene", 1.2, 0.75, None)
        for (qid, q), hits in zip(queries, ox.search_many(qs)):
            _same_run(hits, default.get(qid, []), qid)
    cx = lexkit.Index.create(tmp_path / "c", method="atire", k1=0.9, b=0.4)
    assert cx.bm25 == ("atire", 0.9, 0.4, None)
    cx.add(docs[:500])
    cx.add(docs[500:])
    for (qid, q), hits in zip(queries, cx.search_many(qs, threads=2)):
        _same_run(hits, runs[("atire", 0.9, 0.4, None)].get(qid, []), qid)
    cx.close()


def test_index_bm25_bad_values(tmp_path):
    """A bad method or an out-of-range value: ValueError with the C API's message, the
    setting unchanged; open and create raise them too (a created index writes nothing)."""
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    ix.add([{"id": "a", "text": "river"}, {"id": "b", "text": "river bridge city stone"},
            {"id": "c", "text": "city"}, {"id": "d", "text": "stone"}])
    ix.set_bm25("atire", k1=0.9, b=0.4)
    want = ix.search("river")
    cases = [
        (dict(method="okapi"), r'^variant: unknown BM25 variant "okapi" \(lucene, robertson, '
                               r'atire, bm25l, bm25plus or xapian\)$'),
        (dict(method="Lucene"), r'unknown BM25 variant "Lucene"'),
        (dict(k1=-1), r"^k1 must be a finite number >= 0 \(got -1\)$"),
        (dict(k1=float("inf")), r"^k1 must be a finite number >= 0 \(got inf\)$"),
        (dict(k1=float("nan")), r"^k1 must be a finite number >= 0 \(got nan\)$"),
        (dict(b=1.5), r"^b must be in \[0, 1\] \(got 1.5\)$"),
        (dict(b=-0.1), r"^b must be in \[0, 1\] \(got -0.1\)$"),
        (dict(method="bm25plus", delta=float("nan")), r"^delta must be a finite number"),
        (dict(method="bm25plus", delta=-1), r"^delta: expected None or a number >= 0, got -1"),
    ]
    for kw, pat in cases:
        with pytest.raises(ValueError, match=pat):
            ix.set_bm25(**kw)
        assert ix.bm25 == ("atire", 0.9, 0.4, None)
        assert ix.search("river") == want
        with pytest.raises(ValueError, match=pat):
            lexkit.Index.open(tmp_path / "i", **kw)
        with pytest.raises(ValueError, match=pat):
            lexkit.Index.create(tmp_path / "new", **kw)
        assert not os.path.exists(tmp_path / "new")
    with pytest.raises(TypeError):
        ix.set_bm25(1)
    with pytest.raises(TypeError):
        ix.set_bm25(k1="1.2")
    with pytest.raises(AttributeError):
        ix.bm25 = ("lucene", 1.2, 0.75, None)
    assert ix.search("river") == want
    ix.close()
    with pytest.raises(ValueError, match="closed"):
        ix.set_bm25()


# Documents of my own with extra members: a number, a float, a string, and a list (not
# stored: only strings and numbers are, as `lexkit index` stores JSON members).
FIELD_DOCS = [
    {"id": "river", "title": "The river Thames", "text": "A river flows through London to the sea.",
     "year": 1998, "rating": 4.5, "author": "Ann Lee", "tags": ["geo", "uk"]},
    {"id": "sea", "title": "Seas of the world", "text": "The North Sea and the river Rhine meet near Rotterdam.",
     "year": 2005},
    {"id": "bread", "title": "Sourdough bread", "text": "Flour, water and salt; the dough rises overnight.",
     "author": "Bo Chen"},
    {"id": 7, "title": "Rivers and lakes", "text": "Lakes feed rivers; a river may end in a lake or the sea."},
    {"id": "none", "text": "No title here: only the river text, and a café."},
]


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_query_syntax_and_fields_equal_cli(tmp_path):
    """search() takes `lexkit search`'s query syntax (same hits and scores as the CLI on the
    same documents), and fields= returns what add() stored: every str/number member."""
    src = tmp_path / "docs.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for d in FIELD_DOCS:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    subprocess.run([CLI, "index", "--input", str(src), "--index", str(tmp_path / "cli")],
                   check=True, capture_output=True)
    queries = ["river", "river -sea", "+river +lake", '"river rhine"', "title:river", "riv*",
               "-bread river", "sea -title:seas", "CAFE", "lake*  +flows"]
    qfile = tmp_path / "q.tsv"
    qfile.write_text("".join(f"q{i}\t{q}\n" for i, q in enumerate(queries)), encoding="utf-8")
    want = _cli_search(str(tmp_path / "cli"), str(qfile), "--syntax", "on")
    assert want != _cli_search(str(tmp_path / "cli"), str(qfile), "--syntax", "off")
    ix = lexkit.Index.create(tmp_path / "py")
    ix.add(FIELD_DOCS)
    many = ix.search_many(queries, k=10, threads=2)
    for i, q in enumerate(queries):
        w = want.get(f"q{i}", [])
        got = ix.search(q, 10)
        assert [h.id for h in got] == [d for d, _ in w], q
        assert all(abs(h.score - s) <= 1e-6 for h, (_, s) in zip(got, w)), q
        assert many[i] == got
    assert [h.id for h in ix.search("river -sea")] == ["none"]  # the others say "sea"
    # syntax=False: every character is text, as `--syntax off` (the CLI's --queries default)
    plain = _cli_search(str(tmp_path / "cli"), str(qfile), "--syntax", "off")
    for i, q in enumerate(queries):
        got = ix.search(q, 10, syntax=False)
        w = plain.get(f"q{i}", [])
        assert [h.id for h in got] == [d for d, _ in w], q
        assert all(abs(h.score - s) <= 1e-6 for h, (_, s) in zip(got, w)), q
        assert ix.search_many([q], 10, 2, syntax=False)[0] == got
    assert [h.id for h in ix.search("river - sea", syntax=False)] == [h.id for h in ix.search("river sea")]
    assert ix.search("http://x.org/river", syntax=False)[0].id in ("river", "sea", "7", "none")
    assert [h.id for h in ix.search('"river rhine"')] == ["sea"]
    # snippets: the passage and highlights of `lexkit search --snippet` (JSON, code points)
    for q in ["river sea", "riv* -bread", '"river rhine"', "cafe", "lakes feed"]:
        out = subprocess.run([CLI, "search", "--index", str(tmp_path / "cli"), "--query", q,
                              "--format", "json", "--snippet"], check=True, capture_output=True,
                             text=True).stdout
        want_sn = [(h["id"], h["snippet"]) for h in json.loads(out)["hits"]]
        got = ix.search(q, 10, snippet=True)
        assert [h.id for h in got] == [i for i, _ in want_sn], q
        for h, (_, w) in zip(got, want_sn):
            assert h.snippet == dict(w, highlights=[tuple(x) for x in w["highlights"]]), (q, h.id)
            assert type(h.snippet["cut_start"]) is bool and type(h.snippet["cut_end"]) is bool
            assert h.fields is None
    # search_many(snippet=True): each query's hits as search(q, snippet=True) gives them
    sq = ["river sea", "riv* -bread", '"river rhine"', "cafe", "lakes feed", "nothing-here"]
    for th in (1, 2, 4):
        assert ix.search_many(sq, 10, th, snippet=True) == [ix.search(q, 10, snippet=True) for q in sq]
        many = ix.search_many(sq, 10, th, fields="title", snippet=True, syntax=False)
        assert many == [ix.search(q, 10, fields="title", snippet=True, syntax=False) for q in sq]
    assert all(h.snippet is not None for l in ix.search_many(sq, 10, snippet=True) for h in l)
    assert ix.search_many(sq, 10) == [[h[:2] for h in l] for l in ix.search_many(sq, 10, snippet=True)]
    with pytest.raises(lexkit.QueryError, match=r"^query 1: query column 3: '-' without a term"):
        ix.search_many(["river", "a - b"], snippet=True)
    for th in (0, 65):
        with pytest.raises(ValueError, match=r"^threads: must be in 1\.\.64, got -?\d+$"):
            ix.search_many(["river"], 10, threads=th, snippet=True)
    with pytest.raises(ValueError, match="^k: must be >= 0$"):  # the module's own check too
        ix._ix.search_many(["river"], -1, 1, None, True, True)
    marked = ix.search("flows", snippet=True)[0].snippet
    assert [marked["text"][a:b] for a, b in marked["highlights"]] == ["flows"]
    # a Hit is the tuple (id, score); fields only when asked for
    hid, score = ix.search("bread")[0]
    assert hid == "bread" and score > 0 and ix.search("bread")[0].fields is None
    top = ix.search("thames", fields=True)[0]
    assert top.fields == {"title": "The river Thames", "text": "A river flows through London to the sea.",
                          "year": 1998, "rating": 4.5, "author": "Ann Lee"}
    assert type(top.fields["year"]) is int and type(top.fields["rating"]) is float
    assert [h.fields for h in ix.search("sourdough", fields="title,year")] == [
        {"title": "Sourdough bread", "year": None}]
    assert [h.fields for h in ix.search("lakes", fields=["title"])] == [{"title": "Rivers and lakes"}]
    assert ix.search("lakes")[0].id == "7"  # a number id is its str, as before
    assert [[h.fields["title"] for h in l] for l in ix.search_many(["thames", "rhine"], 1, 2, fields=True)] == [
        ["The river Thames"], ["Seas of the world"]]
    # after a delete the doc numbers change: fields still belong to their hits
    ix.delete(["river"])
    for h in ix.search("river", fields=["title"]):
        assert h.fields["title"] == {d["id"] if isinstance(d["id"], str) else str(d["id"]): d.get("title")
                                     for d in FIELD_DOCS}[h.id]
    # malformed queries and fields arguments
    with pytest.raises(lexkit.LexkitError, match="column 1: unbalanced quote"):
        ix.search('"river sea')
    with pytest.raises(lexkit.LexkitError, match="column 7: '-' without a term"):
        ix.search("river -")
    with pytest.raises(TypeError, match="fields"):
        ix.search("river", fields=3)
    with pytest.raises(TypeError, match="fields"):
        ix.search("river", fields=["title", 3])
    # refused as the CLI's --fields and the server's fields= refuse them ("title, year" gave
    # {'title': ..., ' year': None}: the year silently lost)
    for bad, why in [("title, year", "cannot contain spaces"), ("title,,year", "empty field name"),
                     ("", "empty field name"), ("title,title", "listed twice"),
                     (["title", "title"], "listed twice"), ([""], "empty field name")]:
        with pytest.raises(ValueError, match=why):
            ix.search("river", fields=bad)
        with pytest.raises(ValueError, match=why):
            ix.search_many(["river"], fields=bad)
        if isinstance(bad, str) and bad:
            r = subprocess.run([CLI, "search", "--index", str(tmp_path / "cli"), "--query", "x",
                                "--format", "json", "--fields", bad], capture_output=True, text=True)
            assert r.returncode == 2 and "--fields: a comma-separated list of distinct" in r.stderr
    # bad documents: named by their place in the batch, nothing added
    n = len(ix)
    with pytest.raises(TypeError, match=r"^documents\[1\]\['when'\]: a value of type object cannot be stored"):
        ix.add([{"id": "x1", "text": "ok"}, {"id": "x2", "text": "t", "when": object()}])
    with pytest.raises(lexkit.LexkitError, match=r"^documents\[1\]: duplicate document id \"x3\""):
        ix.add([{"id": "x3", "text": "ok"}, {"id": "x3", "text": "again"}])
    with pytest.raises(ValueError, match=r"^documents\[0\]\['score'\]: NaN/inf cannot be stored$"):
        ix.add([{"id": "x4", "text": "nan", "score": float("nan")}])
    assert len(ix) == n
    ix.close()


_STREAM_WORDS = ("river bridge city stone rail tower harbour market winter garden north light "
                 "paper music glass field").split()


def _stream_doc(i):
    """Document i of a generated stream: distinct ids and texts (no shared str objects)."""
    return {"id": f"d{i}", "title": f"title {i}",
            "text": " ".join(_STREAM_WORDS[(i * 7 + j) % 16] for j in range(20)) + f" n{i}"}


def test_index_add_streams_in_bounded_memory(tmp_path):
    """add() reads a generator in batches: the Python memory it holds at its peak does not
    grow with the documents (40,000 here: about 3 MB at the peak; holding them all took
    29 MB), and every document is added."""
    import tracemalloc
    n = 40000
    ix = lexkit.Index.create(tmp_path / "i")
    tracemalloc.start()
    try:
        ix.add(_stream_doc(i) for i in range(n))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12e6, f"add() of {n} generated documents peaked at {peak / 1e6:.1f} MB"
    assert len(ix) == n
    assert [h.id for h in ix.search(f"n{n - 1}")] == [f"d{n - 1}"]
    assert [h.id for h in ix.search("n0", fields="title")] == ["d0"]
    assert sorted(os.listdir(tmp_path)) == ["i"]  # the staged documents are gone
    ix.close()


class _Stop(Exception):
    pass


def _failing_stream(tmp_path, fail_at, how):
    """Documents a0, a1, ...; at document fail_at (after several batches were staged: the
    test checks the staging file beside the index) it fails as `how` says."""
    import signal
    for i in range(10**9):
        if i == fail_at:
            staged = [f for f in os.listdir(tmp_path) if f.startswith("i.add")]
            assert len(staged) == 1 and os.path.getsize(tmp_path / staged[0]) > 0
            if how == "raise":
                raise _Stop("the source failed")
            if how == "bad":
                yield {"id": f"a{i}", "text": 42}
            if how == "raise_signal":
                signal.raise_signal(signal.SIGINT)
            if how == "kill":
                os.kill(os.getpid(), signal.SIGINT)
            if how == "dup":
                yield {"id": "a3", "text": "again"}
                return
            raise AssertionError("the interrupt did not stop the add")
        yield {"id": f"a{i}", "text": f"lake shore number{i}"}


@pytest.mark.parametrize("how,exc,pat", [
    ("raise", _Stop, "^the source failed$"),
    ("bad", TypeError, r"^documents\[250\]\['text'\]: expected str, got int$"),
    ("dup", lexkit.LexkitError,
     r'^documents\[250\]: duplicate document id "a3" \(first used at documents\[3\]\)$'),
    ("raise_signal", KeyboardInterrupt, ""),
    ("kill", KeyboardInterrupt, ""),
])
def test_index_add_all_or_nothing(tmp_path, monkeypatch, how, exc, pat):
    """An add that fails once batches were staged (the iterable raises, a bad document, a
    duplicate id found by the build, Ctrl-C as SIGINT from inside the iterable) raises and
    leaves the index as it was: none of the add's documents, no file left beside it."""
    monkeypatch.setattr(lexkit, "_ADD_BATCH_DOCS", 100)
    ix = lexkit.Index.create(tmp_path / "i")
    ix.add([{"id": "old1", "text": "lake house"}, {"id": "old2", "text": "sea shore"}])
    before = ix.search_many(["lake", "shore", "number3", "again"], 10)
    with pytest.raises(exc, match=pat):
        ix.add(_failing_stream(tmp_path, 250, how))
    assert len(ix) == 2
    assert ix.search_many(["lake", "shore", "number3", "again"], 10) == before
    assert sorted(os.listdir(tmp_path)) == ["i"]
    ix.add(_stream_doc(i) for i in range(250))  # the index works on
    assert len(ix) == 252
    reopened = lexkit.Index.open(tmp_path / "i")
    assert len(reopened) == 252 and reopened.search("lake", 10) == ix.search("lake", 10)
    ix.close()
    reopened.close()


def test_index_add_batches_and_created_index(tmp_path, monkeypatch):
    """The batches end at _ADD_BATCH_DOCS documents or _ADD_BATCH_CHARS characters; the
    result is one add whatever the batching; a created index whose first adds are empty or
    fail holds nothing and stays a created index (no index written)."""
    docs = [_stream_doc(i) for i in range(300)] + [{"id": "big", "text": "lake " * 3000}]
    want = None
    for n_docs, n_chars in ((4096, 4 << 20), (7, 4 << 20), (4096, 1000), (1, 1)):
        monkeypatch.setattr(lexkit, "_ADD_BATCH_DOCS", n_docs)
        monkeypatch.setattr(lexkit, "_ADD_BATCH_CHARS", n_chars)
        ix = lexkit.Index.create(tmp_path / f"i{n_docs}-{n_chars}")
        ix.add(iter(docs))
        got = ix.search_many(["lake", "n17 river", "title 5"], 10, fields=True, snippet=True)
        assert want is None or got == want
        want = got
        ix.close()

    def one_then_fail():
        yield {"id": "x", "text": "lake"}
        raise _Stop()
    ix = lexkit.Index.create(tmp_path / "new")
    ix.add([])
    ix.add(iter(()))
    with pytest.raises(_Stop):
        ix.add(one_then_fail())
    assert len(ix) == 0 and ix.search("lake") == [] and not os.path.exists(tmp_path / "new")
    ix.add([{"id": "x", "text": "lake"}])
    assert [h.id for h in ix.search("lake")] == ["x"]
    ix.close()


def test_index_search_many_snippets_on_threads(tmp_path):
    """search_many(..., snippet=True) runs its queries on `threads` searchers at once, each
    making its hits' snippets: every query's hits, fields and snippets are search(q,
    snippet=True)'s, on 1, 2 and 4 threads, with and without fields and the query syntax;
    the first malformed query is reported whatever the threads."""
    ix = lexkit.Index.create(tmp_path / "i")
    docs = [_stream_doc(i) for i in range(3000)]
    for i in range(0, 3000, 7):  # longer texts: passages cut on either side
        docs[i]["text"] = " ".join([docs[i]["text"]] * 12)
    for i in range(0, 3000, 11):  # and empty texts, matched by their title
        docs[i]["text"] = ""
    docs[5]["year"] = 1990
    ix.add(docs)
    w = _STREAM_WORDS
    queries = [f"{w[i % 16]} {w[(i * 5) % 16]}" if i % 3 else f'"{w[i % 16]} {w[(i + 7) % 16]}" -{w[(i * 3) % 16]}'
               for i in range(120)] + ["n5 title", "title:title n17*", "nothing-here", "n2999"]
    for fields in (None, True, "title,year"):
        for syntax in (True, False):
            want = [ix.search(q, 12, fields=fields, syntax=syntax, snippet=True) for q in queries]
            assert sum(len(l) for l in want) > 900
            assert any(h.snippet["text"] == "" for l in want for h in l)
            assert any(h.snippet and h.snippet["cut_start"] for l in want for h in l)
            for th in (1, 2, 4):
                got = ix.search_many(queries, 12, th, fields=fields, syntax=syntax, snippet=True)
                assert got == want, (fields, syntax, th)
    bad = list(queries)
    bad[61], bad[102] = 'river "bridge', "rock - paper"
    for th in (1, 2, 4):
        with pytest.raises(lexkit.QueryError, match=r"^query 61: .*quote"):
            ix.search_many(bad, 10, th, snippet=True)
        assert ix.search_many(bad, 10, th, syntax=False, snippet=True)[102] == \
            ix.search("rock - paper", 10, syntax=False, snippet=True)
    assert ix.search_many(queries, 0, 2, snippet=True) == [[] for _ in queries]
    # the queries run on more threads than the caller's, without the GIL: a Python thread
    # watching /proc/self/task sees the searchers' threads (looked for until seen)
    if os.path.isdir("/proc/self/task"):
        base, most, done = len(os.listdir("/proc/self/task")), [0], threading.Event()

        def watch():
            while not done.is_set():
                most[0] = max(most[0], len(os.listdir("/proc/self/task")))
        t = threading.Thread(target=watch)
        t.start()
        try:
            for _ in range(200):
                ix.search_many(queries, 12, 4, snippet=True)
                if most[0] >= base + 2:  # the watcher and at least one searcher
                    break
        finally:
            done.set()
            t.join()
        assert most[0] >= base + 2
    ix.close()


def test_index_bad_input(tmp_path):
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    with pytest.raises(TypeError, match=r"documents\[0\]: expected dict"):
        ix.add(["not a dict"])
    with pytest.raises(lexkit.DocumentError, match=r"^documents\[0\]: missing 'text'"):
        ix.add([{"id": "1"}])
    ix.add([{"id": "a", "text": "cats and dogs"}, {"id": "b", "text": "dogs"}])
    with pytest.raises(lexkit.LexkitError, match="a"):
        ix.add([{"id": "a", "text": "duplicate id"}])
    assert len(ix) == 2
    with pytest.raises(TypeError):
        ix.search(3)
    with pytest.raises(ValueError, match="threads"):
        ix.search_many(["dogs"], 10, threads=0)
    # malformed queries among many: the first of them is reported, whatever the threads
    qs = ["cats", "dogs -cats", '"and dogs"'] * 70
    qs[91], qs[150] = 'dogs "cats', "rock - paper"
    for threads in (1, 2, 3, 8):
        with pytest.raises(lexkit.LexkitError, match=r"^query 91: .*quote"):
            ix.search_many(qs, 10, threads)
    assert ix.search_many(qs, 10, 3, syntax=False)[91] == ix.search('dogs "cats', 10, syntax=False)
    assert [h[0] for h in ix.search("dogs")] == ["b", "a"]
    ix.close()
    with pytest.raises(ValueError, match="closed"):
        ix.search("dogs")
    with pytest.raises(ValueError, match="closed"):
        ix.add([{"id": "c", "text": "x"}])
    with pytest.raises((OSError, lexkit.LexkitError)):
        lexkit.Index.open(tmp_path / "missing")


def test_index_add_bad_documents_are_document_errors(tmp_path):
    """Every document Index.add refuses raises DocumentError, a LexkitError as the index's
    own refusals (an empty or duplicate id) are, naming documents[I] and the problem: a
    document without 'id' raised a bare KeyError, a lone surrogate a UnicodeEncodeError at
    an offset of the staged JSON, a tuple key json's TypeError. DocumentError is also a
    ValueError and a TypeError, the classes these checks raised before."""
    assert issubclass(lexkit.DocumentError, lexkit.LexkitError)
    assert issubclass(lexkit.DocumentError, ValueError)
    assert issubclass(lexkit.DocumentError, TypeError)
    ix = lexkit.Index.create(tmp_path / "i")
    ix.add([{"id": "a", "text": "kept"}])
    cases = [
        ({"text": "x"}, r": missing 'id' \(a document needs 'id' and 'text'\)"),
        ({"id": "b"}, r": missing 'text' \(a document needs 'id' and 'text'\)"),
        ({"title": "t"}, r": missing 'id' \(a document needs 'id' and 'text'\)"),
        ({}, r": missing 'id' \(a document needs 'id' and 'text'\)"),
        ("a text", r": expected dict, got str"),
        (None, r": expected dict, got NoneType"),
        (("b", "x"), r": expected dict, got tuple"),
        ({"id": None, "text": "x"}, r"\['id'\]: expected str or a number, got NoneType"),
        ({"id": b"b", "text": "x"}, r"\['id'\]: expected str or a number, got bytes"),
        ({"id": ["b"], "text": "x"}, r"\['id'\]: expected str or a number, got list"),
        ({"id": "b", "text": None}, r"\['text'\]: expected str, got NoneType"),
        ({"id": "b", "text": b"x"}, r"\['text'\]: expected str, got bytes"),
        ({"id": "b", "text": "x", "title": ["t"]}, r"\['title'\]: expected str or None, got list"),
        ({"id": "b", "text": "x", "f": object()}, r"\['f'\]: a value of type object cannot be stored"),
        ({"id": "b", "text": "x", "f": float("inf")}, r"\['f'\]: NaN/inf cannot be stored"),
        ({"id": float("nan"), "text": "x"}, r"\['id'\]: NaN/inf cannot be stored"),
        ({"id": "b", "text": "x\ud800"}, r"\['text'\]: lone surrogate \\ud800 \(not valid UTF-8\)"),
        ({"id": "\udfff", "text": "x"}, r"\['id'\]: lone surrogate \\udfff \(not valid UTF-8\)"),
        ({"id": "b", "text": "x", "f": "\ud800y"}, r"\['f'\]: lone surrogate \\ud800"),
        ({"id": "b", "text": "x", "f\udc80": "y"}, r": the key 'f\\udc80' holds a lone surrogate \\udc80"),
        ({"id": "b", "text": "x", 1: "y"}, r": the key 1 is not a str \(int\)"),
        ({"id": "b", "text": "x", (1, 2): "y"}, r": the key \(1, 2\) is not a str \(tuple\)"),
        ({"id": "", "text": "x"}, r": empty document id$"),
        ({"id": "a", "text": "x"}, r': duplicate document id "a" \(already in the index\)$'),
    ]
    for d, msg in cases:
        for docs in ([{"id": "ok", "text": "ok"}, d], ({"id": "ok", "text": "ok"}, d)):
            with pytest.raises(lexkit.DocumentError, match=r"^documents\[1\]" + msg):
                ix.add(iter(docs))
    assert len(ix) == 1 and [h.id for h in ix.search("ok")] == []
    # what the CLI takes as ids (a number is stored as it is written), Python takes
    ix.add([{"id": 12, "text": "twelve"}, {"id": np.int64(-3), "text": "minus"},
            {"id": 0.5, "text": "half"}])
    assert [ix.search(q)[0].id for q in ("twelve", "minus", "half")] == ["12", "-3", "0.5"]
    # the argument itself, not a document: a TypeError naming it
    with pytest.raises(TypeError, match=r"^documents: expected an iterable of dicts, got int$"):
        ix.add(5)
    ix.close()


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_add_refuses_what_the_cli_refuses(tmp_path):
    """A JSON document `lexkit index` refuses (no id, no text, ill-typed id/text/title, a
    lone surrogate) is a DocumentError in Index.add, and one it takes Index.add takes."""
    refused = ['{"text": "x"}', '{"id": "b"}', '{"id": null, "text": "x"}',
               '{"id": true, "text": "x"}', '{"id": ["b"], "text": "x"}',
               '{"id": "b", "text": null}', '{"id": "b", "text": 5}',
               '{"id": "b", "text": "x", "title": 5}', '{"id": "b", "text": "x\\ud800"}',
               '{"id": "", "text": "x"}', '"x"', '[1]', 'null']
    taken = ['{"id": 5, "text": "x"}', '{"id": -2.5e3, "text": "x"}', '{"id": "b", "text": ""}',
             '{"id": "b", "text": "x", "title": null}', '{"id": "b", "text": "x", "": "e"}']
    ix = lexkit.Index.create(tmp_path / "py")
    for i, line in enumerate(refused + taken):
        src = tmp_path / f"d{i}.jsonl"
        src.write_text(line + "\n", encoding="utf-8")
        r = subprocess.run([CLI, "index", "--input", str(src), "--index", str(tmp_path / f"c{i}")],
                           capture_output=True, text=True)
        assert r.returncode == (1 if line in refused else 0), (line, r.stderr)
        if line in refused:
            with pytest.raises(lexkit.DocumentError, match=r"^documents\[0\]"):
                ix.add([json.loads(line)])
        else:
            ix.add([json.loads(line)])
            ix.delete([str(json.loads(line)["id"]) if line != taken[1] else "-2500.0"])
    assert len(ix) == 0
    ix.close()


def test_index_create_keeps_an_existing_index(tmp_path):
    """create() on a path holding an index raises FileExistsError unless overwrite=True (the
    old index then stays until the first add replaces it); a file or a non-empty directory
    that is not an index raises at once, whatever overwrite says."""
    p = tmp_path / "ix"
    ix = lexkit.Index.create(p)
    ix.add([{"id": "a", "text": "flour and water"}, {"id": "b", "text": "salt"}])
    ix.close()
    for path in (p, str(p), os.fsencode(p)):
        with pytest.raises(FileExistsError, match=r"^%s: holds a lexkit index; pass overwrite=True "
                           r"to replace it, or use Index.open to add to it$" % str(p)):
            lexkit.Index.create(path)
    with lexkit.Index.open(p) as ix:
        assert len(ix) == 2 and [h.id for h in ix.search("flour")] == ["a"]
        ix.add([{"id": "c", "text": "more flour"}])  # a second segment: segments.lkbm
    assert os.path.exists(p / "segments.lkbm")
    with pytest.raises(FileExistsError, match="holds a lexkit index"):
        lexkit.Index.create(p, analyzer="plain")
    # overwrite=True: today's behaviour, the old index replaced by the first add
    ix = lexkit.Index.create(p, overwrite=True, lang="en")
    assert len(ix) == 0 and ix.search("flour") == []
    with lexkit.Index.open(p) as old:
        assert len(old) == 3
    ix.add([{"id": "z", "text": "rye flour"}])
    with lexkit.Index.open(p) as new:
        assert len(new) == 1 and [h.id for h in new.search("flour")] == ["z"]
    ix.close()
    # not an index: never replaced
    other = tmp_path / "notes"
    other.mkdir()
    (other / "todo.txt").write_text("keep me")
    for overwrite in (False, True):
        with pytest.raises(FileExistsError, match=r"notes: exists, is not empty and is not a lexkit index"):
            lexkit.Index.create(other, overwrite=overwrite)
    assert (other / "todo.txt").read_text() == "keep me"
    with pytest.raises(NotADirectoryError, match=r"todo\.txt: exists and is not a directory"):
        lexkit.Index.create(other / "todo.txt", overwrite=True)
    # absent and empty directories are fine
    (tmp_path / "empty").mkdir()
    for q in (tmp_path / "empty", tmp_path / "absent"):
        ix = lexkit.Index.create(q)
        ix.add([{"id": "1", "text": "x"}])
        assert len(ix) == 1
        ix.close()


def test_index_delete_and_iterables_of_ids(tmp_path):
    """delete() refuses an id that is not in the index as `lexkit index --delete-id` does,
    naming its place in ids (not a temporary file), and deletes nothing; a str where an
    iterable of ids, queries or documents is expected is a TypeError."""
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    ix.add([{"id": "1", "text": "flour"}, {"id": "2", "text": "flour and salt"},
            {"id": "12", "text": "sugar"}])
    with pytest.raises(lexkit.LexkitError, match=r'^ids\[1\]: document id "nope" is not in the index$'):
        ix.delete(["1", "nope"])
    with pytest.raises(lexkit.LexkitError, match=r'^ids\[0\]: document id "nope" is not in the index$'):
        ix.delete(iter(["nope"]))
    assert len(ix) == 3
    if CLI:  # the CLI refuses the same delete
        r = subprocess.run([CLI, "index", "--delete-id", "nope", "--index", str(tmp_path / "i")],
                           capture_output=True, text=True)
        assert r.returncode == 1 and 'document id "nope" (to delete) is not in the index' in r.stderr
    for bad in ("12", b"12"):
        with pytest.raises(TypeError, match=r"^ids: expected an iterable of str, not (str|bytes)$"):
            ix.delete(bad)
    assert len(ix) == 3
    with pytest.raises(TypeError, match=r"^queries: expected an iterable of str, not str$"):
        ix.search_many("flour")
    with pytest.raises(TypeError, match=r"^documents: expected an iterable of dicts, not dict$"):
        ix.add({"id": "3", "text": "rye"})
    assert len(ix) == 3
    ix.delete([])
    ix.delete(("12", "1"))
    assert len(ix) == 1 and [h.id for h in ix.search("flour")] == ["2"]
    ix.close()


# One document in both JSON Lines (for the CLI) and Python values (for add): what the CLI
# stores of it, Python stores.
VALUE_FIELDS = ["title", "text", "flag", "off", "none", "list", "obj", "rate", "n", "f32", "i64"]


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_index_add_values_as_cli(tmp_path):
    docs_json = [{"id": "a", "title": None, "text": "flour and sugar", "flag": True, "off": False,
                  "none": None, "list": [1, 2], "obj": {"k": 1}, "rate": 2.5, "n": 7,
                  "f32": 1.5, "i64": 7},
                 {"id": 7, "text": "bread flour", "rate": -0.25},
                 {"id": 2.5, "title": "Rye", "text": "rye flour"}]
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in docs_json), encoding="utf-8")
    subprocess.run([CLI, "index", "--input", str(src), "--index", str(tmp_path / "cli")],
                   check=True, capture_output=True)
    out = subprocess.run([CLI, "search", "--index", str(tmp_path / "cli"), "--query", "flour",
                          "--output-format", "json", "--fields", ",".join(VALUE_FIELDS)],
                         check=True, capture_output=True, text=True).stdout
    want = {h["id"]: h["fields"] for h in json.loads(out)["hits"]}
    assert want["a"]["f32"] == 1.5 and want["a"]["flag"] is None and want["a"]["title"] is None
    py_docs = [dict(d) for d in docs_json]
    py_docs[0].update(f32=np.float32(1.5), i64=np.int64(7), list=(1, np.float32(2)),
                      obj={"nan": float("nan")})  # not stored, whatever they hold
    ix = lexkit.Index.create(tmp_path / "py")
    ix.add(py_docs)
    got = {h.id: h.fields for h in ix.search("flour", fields=VALUE_FIELDS)}
    assert got == want and set(got) == {"a", "7", "2.5"}
    assert type(got["a"]["i64"]) is int and type(got["a"]["f32"]) is float
    assert py_docs[0]["f32"].dtype == np.float32  # the caller's dict is left as it was
    # what the CLI refuses, Python refuses, naming the document and field
    refused = [({"id": None, "text": "x"}, lexkit.DocumentError, r"\['id'\]: expected str or a number, got NoneType"),
               ({"id": True, "text": "x"}, lexkit.DocumentError, r"\['id'\]: expected str or a number, got bool"),
               ({"id": "t", "text": 5}, lexkit.DocumentError, r"\['text'\]: expected str, got int"),
               ({"id": "t", "text": None}, lexkit.DocumentError, r"\['text'\]: expected str, got NoneType"),
               ({"id": "t", "title": 5, "text": "x"}, lexkit.DocumentError, r"\['title'\]: expected str or None, got int")]
    for i, (d, exc, msg) in enumerate(refused):
        bad = tmp_path / f"bad{i}.jsonl"
        bad.write_text(json.dumps(d) + "\n", encoding="utf-8")
        r = subprocess.run([CLI, "index", "--input", str(bad), "--index", str(tmp_path / f"bad{i}")],
                           capture_output=True, text=True)
        assert r.returncode == 1, d
        with pytest.raises(exc, match=r"^documents\[1\]" + msg + "$"):
            ix.add([{"id": "ok", "text": "ok"}, d])
    # NaN and infinities (JSON has none), numpy ones too, and values JSON cannot hold
    for v in (float("nan"), float("inf"), float("-inf"), np.float32("nan"), np.float64("inf")):
        with pytest.raises(ValueError, match=r"^documents\[0\]\['f'\]: NaN/inf cannot be stored$"):
            ix.add([{"id": "v", "text": "x", "f": v}])
    with pytest.raises(ValueError, match=r"^documents\[0\]\['id'\]: NaN/inf cannot be stored$"):
        ix.add([{"id": float("nan"), "text": "x"}])
    with pytest.raises(TypeError, match=r"^documents\[0\]\['arr'\]: a value of type ndarray cannot be stored"):
        ix.add([{"id": "v", "text": "x", "arr": np.zeros(2)}])
    assert len(ix) == 3
    ix.add([{"id": np.int64(9), "text": "oat flour", "n": np.int32(-3)}])
    assert ix.search("oat", fields=["n"])[0] == ("9", ix.search("oat")[0].score)
    assert ix.search("oat", fields=["n"])[0].fields == {"n": -3}
    ix.close()


def test_index_query_errors_are_query_errors(tmp_path):
    """Every malformed query raises QueryError, both a LexkitError and a ValueError."""
    assert issubclass(lexkit.QueryError, lexkit.LexkitError)
    assert issubclass(lexkit.QueryError, ValueError)
    ix = lexkit.Index.create(tmp_path / "i")
    ix.add([{"id": "a", "title": "X", "text": "x y"}])
    bad = {'title:"x" url:y': 'query column 11: unknown field "url"',
           'url:y': 'query column 1: unknown field "url"',
           '"x': "query column 1: unbalanced quote",
           '-': "query column 1: '-' without a term after it",
           '*': "query column 1: '*' without a word before it",
           'a"b': "query column 2: a quote inside a term"}
    for q, msg in bad.items():
        for catch in (lexkit.QueryError, ValueError, lexkit.LexkitError):
            with pytest.raises(catch, match="^" + re.escape(msg)):
                ix.search(q)
        with pytest.raises(lexkit.QueryError, match="^" + re.escape(msg)):
            ix.search(q, snippet=True)
        with pytest.raises(lexkit.QueryError, match=r"^query 1: " + re.escape(msg)):
            ix.search_many(["x", q], threads=2)
        assert ix.search(q, syntax=False) == ix.search_many([q], syntax=False)[0]
    ix.close()


def test_snippet_cut_flags(tmp_path):
    """A hit's snippet says whether text was left out before / after its passage (cut_start,
    cut_end: where an ellipsis goes), as the CLI's JSON does."""
    words = " ".join(f"w{i}" for i in range(120))
    ix = lexkit.Index.create(tmp_path / "i")
    ix.add([{"id": "short", "text": "a river flows"},
            {"id": "start", "text": "river " + words},
            {"id": "middle", "text": words + " lake " + words},
            {"id": "end", "text": words + " sea"}])
    cuts = {h.id: (h.snippet["cut_start"], h.snippet["cut_end"])
            for q in ("river", "lake", "sea") for h in ix.search(q, snippet=True)}
    assert cuts == {"short": (False, False), "start": (False, True), "middle": (True, True),
                    "end": (True, False)}, cuts
    ix.close()


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_snippet_equals_cli_json(tmp_path):
    """hit.snippet has the keys and values of `lexkit search --snippet --output-format json`
    (field, text, start, highlights, cut_start, cut_end, in that order; highlights as
    (a, b) tuples where JSON has [a, b] arrays), English and Chinese, on the same index and
    queries, with search and search_many; it lacked "field"."""
    words = " ".join(f"w{i}" for i in range(60))
    docs = [{"id": "en1", "title": "Rivers", "text": "A river flows through London to the sea. " + words},
            {"id": "en2", "text": words + " The North Sea and the river Rhine meet near Rotterdam."},
            {"id": "zh1", "title": "战国无双3", "text": "《战国无双3》是由光荣和ω-force开发的战国无双系列的正统第三作。" * 3},
            {"id": "zh2", "text": "南京长江大桥于1968年建成，是长江上第一座由中国自行设计和建造的桥。"},
            {"id": "mix", "text": "café 咖啡 and the river 长江 " + words},
            {"id": "none", "title": "river sea 长江", "text": ""}]
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    subprocess.run([CLI, "index", "--input", str(src), "--index", str(tmp_path / "ix")],
                   check=True, capture_output=True)
    queries = ["river sea", "rotterdam", "战国无双3", "长江大桥", "café river 长江", "w59 w0"]
    qfile = tmp_path / "q.tsv"
    qfile.write_text("".join(f"q{i}\t{q}\n" for i, q in enumerate(queries)), encoding="utf-8")
    out = subprocess.run([CLI, "search", "--index", str(tmp_path / "ix"), "--queries", str(qfile),
                          "--k", "10", "--output-format", "json", "--snippet"],
                         check=True, capture_output=True, text=True).stdout
    want = {r["qid"]: r["hits"] for r in map(json.loads, out.splitlines())}
    ix = lexkit.Index.open(tmp_path / "ix")
    many = ix.search_many(queries, k=10, threads=2, syntax=False, snippet=True)
    n = 0
    for i, q in enumerate(queries):
        for hits in (ix.search(q, k=10, syntax=False, snippet=True), many[i]):
            assert [h.id for h in hits] == [h["id"] for h in want[f"q{i}"]], q
            for h, w in zip(hits, want[f"q{i}"]):
                assert list(h.snippet) == list(w["snippet"]), (q, h.id)
                assert json.loads(json.dumps(h.snippet)) == w["snippet"], (q, h.id)
                assert all(type(p) is tuple for p in h.snippet["highlights"])
                n += 1
    assert n >= 20 and ix.search("sea", k=10, snippet=True)[-1].snippet["field"] == "text"
    ix.close()


def test_index_without_documents(tmp_path):
    """A created index before its first add: searches find nothing (malformed queries are
    still QueryErrors), delete([]) does nothing, an id to delete is not in it."""
    ix = lexkit.Index.create(tmp_path / "i")
    assert len(ix) == 0
    assert ix.search("x") == [] and ix.search("x", 5, fields=True, snippet=True) == []
    assert ix.search_many(["x", "y -z", "title:x"]) == [[], [], []]
    assert ix.search_many(["x"] * 9, threads=3) == [[]] * 9
    assert ix.search_many([]) == [] and ix.search_many(["x", "y"], snippet=True) == [[], []]
    with pytest.raises(lexkit.QueryError, match=r"^query column 1: unbalanced quote"):
        ix.search('"x')
    with pytest.raises(lexkit.QueryError, match=r"^query 1: query column 3: '-' without a term"):
        ix.search_many(["x", "a - b"], threads=2)
    assert ix.search('"x', syntax=False) == []
    ix.delete([])
    with pytest.raises(lexkit.LexkitError, match=r'^ids\[0\]: document id "x" is not in the index$'):
        ix.delete(["x"])
    assert not os.path.exists(tmp_path / "i")  # nothing written yet
    ix.add([{"id": "x", "text": "the x"}])
    assert [h.id for h in ix.search("x")] == ["x"]
    ix.delete(["x"])
    assert len(ix) == 0 and ix.search("x") == [] and ix.search_many(["x"]) == [[]]
    ix.close()


def test_index_locked_by_another_writer(tmp_path):
    """Another process holding the index's write lock: BlockingIOError (an OSError), no change."""
    import fcntl
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    ix.add([{"id": "a", "text": "cats and dogs"}])
    with open(tmp_path / "i" / "write.lock", "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        with pytest.raises(BlockingIOError, match="another lexkit process is updating this index"):
            ix.add([{"id": "b", "text": "dogs"}])
        fcntl.flock(f, fcntl.LOCK_UN)
    assert len(ix) == 1
    ix.add([{"id": "b", "text": "dogs"}])
    assert len(ix) == 2


def test_index_concurrent_threads(tmp_path):
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    ix.add([{"id": str(i), "text": f"word{i % 7} common text {i}"} for i in range(300)])
    want = ix.search("word3 common", 5)
    errors = []

    def reader():
        try:
            for _ in range(50):
                assert ix.search("word3 common", 5) == want
        except ValueError:  # closed under our feet: an exception, not a crash
            pass
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    stop = threading.Event()

    def fields_reader():  # stored fields read while a writer reopens the index
        try:
            while not stop.is_set():
                for h in ix.search("word3 common", 5, fields=["text"]):
                    assert h.fields["text"].endswith(" " + h.id), (h.id, h.fields)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    ts = [threading.Thread(target=reader) for _ in range(4)]
    fs = [threading.Thread(target=fields_reader) for _ in range(2)]
    for t in ts + fs:
        t.start()
    ix.search_many(["word1"] * 50, 5, threads=2)
    for t in ts:  # (their results change with the writes below)
        t.join()
    for b in range(3):  # each add and delete reopens the index under the fields readers
        ix.add([{"id": str(i), "text": f"word3 common text {i}"} for i in range(1000 + 10 * b, 1010 + 10 * b)])
        ix.delete([str(3 + 7 * b)])
    stop.set()
    for t in fs:
        t.join()
    ix.close()
    assert not errors


# ---- Tagger --------------------------------------------------------------------------------
def test_tagger_shipped_zh():
    t = lexkit.Tagger.load("zh")
    assert t.tag_text("他们在学校学习。") == [("他们", "PRON"), ("在", "VERB"), ("学校", "NOUN"),
                                             ("学习", "VERB"), ("。", "PUNCT")]
    assert t.segment("他们在学校学习。") == ["他们", "在", "学校", "学习", "。"]
    t2 = lexkit.Tagger.load(ZH_MODEL)
    assert t2.segment("我爱北京。") == t.segment("我爱北京。")
    with pytest.raises(ValueError, match="character model"):
        t.tag(["他们", "在"])
    # the Python method to use, not the C function behind it
    with pytest.raises(ValueError, match=r"^tag\(\): a character model segments raw text: use tag_text\(\)$"):
        t.tag(["他们", "在"])
    with pytest.raises(TypeError, match=r"^tokens: expected an iterable of str, not str$"):
        t.tag("他们")
    with pytest.raises(TypeError):
        t.tag_text(b"bytes")


ZH_LINES = ["外国人学习汉语。我們去圖書館借書。",
            "详情见https://example.com/zh-cn/index。请发邮件到zhang.san@example.com，谢谢。",
            "（北京）“你好”：他说；GDP增长5.2%，iPhone 15售价5999元。ＡＢＣ１２３"]


def test_tagger_text_options():
    """Raw text through Python gives the words of `lexkit tag`: URLs and e-mail addresses
    whole, traditional text converted for the model, --granularity coarse joins suffixes."""
    t = lexkit.Tagger.load("zh")
    words = t.segment(ZH_LINES[1])
    assert "https://example.com/zh-cn/index" in words and "zhang.san@example.com" in words
    assert "".join(words) == ZH_LINES[1]
    assert "https://example.com/zh-cn/index" not in t.segment(ZH_LINES[1], pretok=False)
    fine, coarse = t.segment(ZH_LINES[0]), t.segment(ZH_LINES[0], granularity="coarse")
    assert fine[:2] == ["外国", "人"] and "圖書" in fine and "館" in fine
    assert coarse[0] == "外国人" and "圖書館" in coarse and "汉语" in coarse
    assert dict(t.tag_text(ZH_LINES[0], granularity="coarse"))["圖書館"] == "NOUN"
    # the traditional line alone is converted (auto); without conversion the model reads it raw
    trad = "我們去圖書館借書。"
    assert t.segment(trad, script="auto") == t.segment(trad, script="traditional")
    with pytest.raises(ValueError, match="granularity"):
        t.segment("你好", granularity="medium")
    with pytest.raises(ValueError, match="script"):
        t.segment("你好", script="cantonese")


def test_tagger_user_dict(tmp_path):
    """Tagger.load(..., user_dict=FILE): listed words come out whole, with their tag; a bad
    line is an error naming file:line:col; a word model refuses a dictionary."""
    s = "我们明天去北京看长城。长江大桥很长。"
    t = lexkit.Tagger.load("zh")
    plain = t.segment(s)
    for w in ("天去北", "京看长城", "江大"):
        assert w not in plain  # the model alone splits them
    d = tmp_path / "my.dict"
    d.write_text("# test dictionary\n天去北\n京看长城 NOUN\n江大\n", encoding="utf-8")
    u = lexkit.Tagger.load("zh", user_dict=d)
    words = dict(u.tag_text(s))
    assert "天去北" in words and words["京看长城"] == "NOUN" and "江大" in words
    assert "".join(u.segment(s)) == s
    assert "京看长城" in u.segment(s, granularity="coarse")
    assert t.segment(s) == plain  # another tagger is not affected
    bad = tmp_path / "bad.dict"
    bad.write_text("长城\n长城 FOO\n", encoding="utf-8")
    with pytest.raises(lexkit.LexkitError, match=r"bad\.dict:2:4: tag FOO"):
        lexkit.Tagger.load("zh", user_dict=bad)
    with pytest.raises(OSError):
        lexkit.Tagger.load("zh", user_dict=tmp_path / "missing.dict")


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_tagger_text_same_as_cli(tmp_path):
    inp = tmp_path / "in.txt"
    inp.write_text("\n".join(ZH_LINES) + "\n", encoding="utf-8")
    t = lexkit.Tagger.load(ZH_MODEL)
    for g in ("fine", "coarse"):
        out = subprocess.run([CLI, "tag", "--model", ZH_MODEL, "--input", str(inp),
                              "--granularity", g], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        want = [" ".join(f"{w}/{tag}" for w, tag in t.tag_text(line, granularity=g))
                for line in ZH_LINES]
        assert out == want


# simplified and traditional lines mixed: `lexkit tag` (script auto) decides per line
MIXED_LINES = ["哈哈哈哈哈哈笑死我了", "颱風即將登陸，請民眾做好防颱準備。", "",
               "我们去图书馆借书。", "他們在學校學習，我們在家。", "外国人学习汉语。"]


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_tagger_multiline_text_same_as_cli(tmp_path):
    """A text of several lines (LF, CRLF and a lone CR) through tag_text/segment gives what `lexkit tag`
    gives for those lines: each line a sentence, traditional detected per line (script
    auto), not once for the whole text."""
    t = lexkit.Tagger.load("zh")
    text = ("\n".join(MIXED_LINES[:3]) + "\r\n" + MIXED_LINES[3] + "\r" +
            "\n".join(MIXED_LINES[4:]) + "\n")
    inp = tmp_path / "mixed.txt"
    inp.write_bytes(text.encode("utf-8"))
    for g in ("fine", "coarse"):
        out = subprocess.run([CLI, "tag", "--model", ZH_MODEL, "--input", str(inp),
                              "--granularity", g], capture_output=True, text=True,
                             check=True).stdout.split()
        got = t.tag_text(text, granularity=g)
        assert [f"{w}/{tag}" for w, tag in got] == out
        assert t.segment(text, granularity=g) == [w.rsplit("/", 1)[0] for w in out]
    # the whole text's words are its lines' words, in order, and no word spans a line break
    assert t.tag_text(text) == [p for line in MIXED_LINES for p in t.tag_text(line)]


EN_LINES = ["I don't think it's raining, is it?", "She'll email bob@example.com at 9:30 p.m.",
            "The U.S. economy grew 2.5% in Q3 -- didn't it?"]


@pytest.mark.skipif(not CLI, reason="LEXKIT (the CLI) not set")
def test_tagger_english_text_same_as_cli(tmp_path):
    """A word model reads raw text as `lexkit tag --input-format raw`: UD English tokens."""
    t = lexkit.Tagger.load(EN_MODEL)
    assert t.tag_text(EN_LINES[0])[:4] == [("I", "PRON"), ("do", "AUX"), ("n't", "PART"),
                                           ("think", "VERB")]
    inp = tmp_path / "en.txt"
    inp.write_text("\n".join(EN_LINES) + "\n", encoding="utf-8")
    out = subprocess.run([CLI, "tag", "--model", EN_MODEL, "--input", str(inp),
                          "--input-format", "raw"], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [" ".join(f"{w}/{tag}" for w, tag in t.tag_text(line)) for line in EN_LINES]
    # the lines as one text: each line a sentence, as the CLI reads them
    assert t.tag_text("\n".join(EN_LINES)) == [p for line in EN_LINES for p in t.tag_text(line)]


def test_tagger_shipped_en_and_word_model_options():
    """Tagger.load("en") loads the shipped English model as "zh" loads the Chinese one; a word
    model refuses the character-model options (the CLI exits 2 on them) instead of ignoring
    them, and takes their defaults."""
    t = lexkit.Tagger.load("en")
    assert t.tag_text("I don't know.") == lexkit.Tagger.load(EN_MODEL).tag_text("I don't know.")
    assert t.tag(["I", "know"]) == ["PRON", "VERB"]
    assert t.segment("I don't know.", granularity="fine", script="auto", pretok=True) == \
        ["I", "do", "n't", "know", "."]
    for kw, given in (({"script": "traditional"}, "script='traditional'"),
                      ({"granularity": "coarse"}, "granularity='coarse'"),
                      ({"pretok": False}, "pretok=False")):
        for f in (t.tag_text, t.segment):
            with pytest.raises(ValueError, match=rf"^{re.escape(given)} needs a character "
                               r"\(Chinese\) model; en-ewt\.lkt is a word model$"):
                f("I know.", **kw)


def test_tagger_wrong_kind(tmp_path):
    p = tmp_path / "v.vec"
    p.write_text("1 2\nx 1 2\n")
    with pytest.raises(lexkit.LexkitError):
        lexkit.Tagger.load(p)
    with pytest.raises(OSError):
        lexkit.Tagger.load(tmp_path / "missing.lkt")


# ---- Vectors -------------------------------------------------------------------------------
def test_vectors_round_trip_gensim(tmp_path):
    from gensim.models import KeyedVectors
    rng = np.random.default_rng(1)
    words = [f"w{i}" for i in range(30)]
    m = rng.standard_normal((30, 8)).astype(np.float32)
    v = lexkit.Vectors.from_arrays(words, m)
    assert np.array_equal(v.vectors, m)
    for fmt, binary in (("text", False), ("binary", True)):
        path = tmp_path / f"v.{fmt}"
        v.save(path, fmt)
        kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
        assert kv.index_to_key == words
        assert np.max(np.abs(kv.vectors - m)) <= 1e-6
        back = lexkit.Vectors.load(path)
        assert back.words == words and np.max(np.abs(back.vectors - m)) <= 1e-6
    kv = v.to_gensim()
    ours = v.most_similar(positive=["w1", "w2"], negative=["w3"], topn=5)
    theirs = kv.most_similar(positive=["w1", "w2"], negative=["w3"], topn=5)
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert max(abs(a - b) for (_, a), (_, b) in zip(ours, theirs)) <= 1e-5
    with pytest.raises(ValueError, match="not in vocabulary"):
        v.most_similar(["nope"])


def test_train_embeddings(tmp_path):
    corpus = os.path.join(SRC, "tests", "data", "emb_corpus.txt")
    v = lexkit.train_embeddings(corpus_file=corpus, vector_size=16, epochs=2, min_count=1)
    assert v.vectors.shape[1] == 16 and len(v) > 10
    sents = [line.split() for line in open(corpus, encoding="utf-8")]
    w = lexkit.train_embeddings(sents, vector_size=16, epochs=2, min_count=1)
    assert w.words == v.words  # same vocabulary (count order)
    with pytest.raises(ValueError, match="dim|vector_size|window"):
        lexkit.train_embeddings(corpus_file=corpus, vector_size=0)
    with pytest.raises(ValueError):
        lexkit.train_embeddings()


@pytest.mark.skipif(os.environ.get("LK_SANITIZE") != "ON", reason="only in the ASan build")
def test_runs_under_asan():
    # make test-asan: the extension is instrumented and the ASan runtime is in the process
    with open("/proc/self/maps") as f:
        maps = f.read()
    assert "libasan" in maps
    assert "__asan_init" in open(lexkit._lexkit.__file__, "rb").read().decode("latin-1")


# ---- two threads and batches: the same matrix bit for bit ------------------------------------
@pytest.fixture(scope="module")
def big_docs():
    return [d["text"] for d in _jsonl(os.path.join(SRC, "corpora", "sample-docs.jsonl"))]


THREAD_SETTINGS = [{}, {"ngram_range": (1, 2)}, {"analyzer": "char_wb", "ngram_range": (2, 4)},
                   {"analyzer": "char", "ngram_range": (1, 3), "max_features": 500},
                   {"min_df": 2, "max_df": 0.5, "stop_words": "english"}]


def _same(a, b):
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # bit-identical, not within a tolerance


@pytest.mark.parametrize("params", THREAD_SETTINGS, ids=[str(s) for s in THREAD_SETTINGS])
def test_tfidf_two_threads_and_batches_bit_identical(big_docs, params, monkeypatch):
    """n_jobs=2 splits each round of documents over two threads and merges the second
    thread's term table into the first; an iterator is fed in batches (here 60 documents,
    about 60 KB, so that many batches are split and merged, the term-id map reused)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    one = lexkit.TfidfVectorizer(n_jobs=1, **params)
    two = lexkit.TfidfVectorizer(n_jobs=2, **params)
    a = one.fit_transform(big_docs)
    b = two.fit_transform(big_docs)
    _same(a, b)
    # the arrays lexkit filled are the matrix's: numpy views of them, no copy
    assert not b.data.flags.owndata and not b.indices.flags.owndata
    assert list(one.get_feature_names_out()) == list(two.get_feature_names_out())
    monkeypatch.setattr(lexkit, "_BATCH", 60)
    it = lexkit.TfidfVectorizer(n_jobs=2, **params)
    c = it.fit_transform(d for d in big_docs)
    _same(a, c)
    assert list(it.get_feature_names_out()) == list(one.get_feature_names_out())
    assert np.array_equal(it.idf_, one.idf_)
    ref = TfidfVectorizer(**params).fit_transform(big_docs)
    assert abs(c - ref).max() <= 1e-9


def test_fit_batches_errors(big_docs):
    v = lexkit.TfidfVectorizer(n_jobs=2)
    with pytest.raises(TypeError, match=r"raw_documents\[1\]: expected str"):
        v.fit_transform(iter(["fine", 3]))
    with pytest.raises(ValueError, match="n_jobs"):
        lexkit.TfidfVectorizer(n_jobs=0).fit_transform(big_docs[:3])
    with pytest.raises(ValueError, match="empty vocabulary"):
        lexkit.TfidfVectorizer().fit_transform(iter(["a", "b"]))
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        lexkit.TfidfVectorizer().fit_transform("one string")
    raw = lexkit._lexkit.Vectorizer(tfidf=True, threads=2)
    with pytest.raises(lexkit.LexkitError, match="fit_begin"):
        raw.fit_add(["x y"])
    with pytest.raises(lexkit.LexkitError, match="fit_begin"):
        raw.fit_end()
    raw.fit_begin()
    raw.fit_add(big_docs[:500])
    with pytest.raises(UnicodeEncodeError):
        raw.fit_add(["ok words", "\udcff bad"])  # refused before C sees the batch
    raw.fit_add(big_docs[500:])
    indptr, indices, data, n_cols = raw.fit_end()
    # int32 row offsets when the entries fit (as scipy's): csr_matrix keeps them uncopied
    assert memoryview(indptr).format == "i"
    assert len(np.frombuffer(indptr, dtype=np.int32)) == len(big_docs) + 1
    with pytest.raises(lexkit.LexkitError, match="fit_begin"):
        raw.fit_end()  # the fit is over


# ---- dtype as sklearn's ------------------------------------------------------------------------
DOCS2 = ["hello world hello", "big world"]


@pytest.mark.parametrize("dtype", [np.int32, np.int64, int, np.uint8, bool, "int32"])
def test_tfidf_int_dtype_warns_and_gives_float64(dtype):
    """sklearn 1.2 warns (UserWarning, this text) and computes float64 for a dtype that is not
    a float one; lexkit cast the float64 values to ints: an all-zero matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    with pytest.warns(UserWarning) as ours_w:
        ours = lexkit.TfidfVectorizer(dtype=dtype)
        a = ours.fit_transform(DOCS2)
    with pytest.warns(UserWarning) as theirs_w:
        theirs = TfidfVectorizer(dtype=dtype)
        b = theirs.fit_transform(DOCS2)
    assert [str(w.message) for w in ours_w] == [str(w.message) for w in theirs_w]
    assert "will be converted to np.float64" in str(ours_w[0].message)
    assert a.dtype == b.dtype == np.float64
    assert abs(a - b).max() <= 1e-12 and a.nnz == b.nnz
    c, d = ours.transform(["hello big"]), theirs.transform(["hello big"])
    assert c.dtype == d.dtype == np.float64 and abs(c - d).max() <= 1e-12


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, object])
def test_tfidf_complex_or_object_dtype_refused_as_sklearn(dtype):
    """sklearn's TfidfVectorizer raises ValueError (after its dtype warning) for counts in a
    complex or object dtype; lexkit returned a float64 matrix."""
    import warnings
    from sklearn.feature_extraction.text import TfidfVectorizer
    msgs = []
    for make in (lexkit.TfidfVectorizer, TfidfVectorizer):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(ValueError) as e:
                make(dtype=dtype).fit_transform(DOCS2)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1].splitlines()[0]  # sklearn's goes on with the matrix's repr


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.dtype("float32")])
def test_tfidf_float_dtype_no_warning(dtype):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = lexkit.TfidfVectorizer(dtype=dtype).fit_transform(DOCS2)
    assert m.dtype == np.dtype(dtype)


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.float32, np.float64, bool, np.uint8,
                                   int, float])
def test_count_dtype_equals_sklearn(dtype):
    from sklearn.feature_extraction.text import CountVectorizer
    a = lexkit.CountVectorizer(dtype=dtype).fit_transform(DOCS2)
    b = CountVectorizer(dtype=dtype).fit_transform(DOCS2)
    assert a.dtype == b.dtype
    assert np.array_equal(a.toarray(), b.toarray())


@pytest.mark.parametrize("cls", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize("bad", [0, -1, 1.5, False, np.int64(0)])
def test_max_features_below_one_refused_as_sklearn(cls, bad):
    """max_features=0 kept every term (0 was the C side's 'no limit'); sklearn refuses it at
    fit with an InvalidParameterError (a ValueError) of this text."""
    import sklearn.feature_extraction.text as skt
    with pytest.raises(ValueError) as theirs:
        getattr(skt, cls)(max_features=bad).fit(DOCS2)
    with pytest.raises(ValueError) as ours:
        getattr(lexkit, cls)(max_features=bad).fit(DOCS2)
    assert str(ours.value) == str(theirs.value)


def test_binary_vectors_read_as_text_error_has_message(tmp_path):
    """A word2vec binary file read with format='text' raised LexkitError() with no message:
    lexkit's message quoted the file's raw bytes, which are no UTF-8. Now the bytes are
    \\xNN, and every message reaches Python (undecodable bytes as backslash escapes)."""
    v = lexkit.Vectors.from_arrays(["a", "b"], np.array([[0.5, -1.25], [3.0, 7.0]]))
    path = tmp_path / "sg.bin"
    v.save(path, "binary")
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit.Vectors.load(path, format="text")
    msg = str(e.value)
    assert msg.startswith(f"{path}:2:") and "bad number '" in msg and "\\x" in msg


# ---- Ctrl-C stops training -------------------------------------------------------------------
INTERRUPT_CHILD = r"""
import os, sys, threading, time
import lexkit
tasks = len(os.listdir("/proc/self/task"))
print("start", flush=True)
t = time.monotonic()
try:
    lexkit.train_embeddings(corpus_file=sys.argv[1], epochs=2000, min_count=1, sample=0,
                            workers=int(sys.argv[2]))
except KeyboardInterrupt:
    # no thread left behind: the helper and the training threads are joined
    print("interrupted", time.monotonic() - t, len(os.listdir("/proc/self/task")) - tasks,
          threading.active_count(), flush=True)
    raise
print("finished", time.monotonic() - t, flush=True)
"""


@pytest.mark.parametrize("workers", [1, 2])
def test_train_embeddings_ctrl_c(tmp_path, workers):
    """Ctrl-C during train_embeddings did nothing until training ended (a minute here); now
    the call checks for signals every 0.05 s and stops training through lexkit's cancel
    flag: KeyboardInterrupt within a fraction of a second on an idle machine, no thread
    left. The bounds (20 s) are far below the training's own length (2,000 epochs: about
    20 minutes in a release build), so they hold on a slow or loaded machine (under ASan at
    load 17 on 2 cores the interruption took 3.7-6.5 s) and still fail if Ctrl-C waits for
    training to end."""
    import random
    import signal
    import time
    r = random.Random(1)
    corpus = tmp_path / "big.txt"
    with open(corpus, "w") as f:
        for _ in range(5000):
            f.write(" ".join(f"w{r.randrange(2000)}" for _ in range(20)) + "\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(lexkit.__file__)))
    p = subprocess.Popen([sys.executable, "-c", INTERRUPT_CHILD, str(corpus), str(workers)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert p.stdout.readline() == "start\n"
        time.sleep(1.0)
        p.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = p.communicate(timeout=60)
        waited = time.monotonic() - sent
    finally:
        if p.poll() is None:
            p.kill()
            p.communicate()
    assert p.returncode != 0 and "KeyboardInterrupt" in err, (out, err)
    assert out.startswith("interrupted"), (out, err)
    _, elapsed, extra_tasks, py_threads = out.split()
    assert float(elapsed) < 20.0 and waited < 20.0
    assert int(extra_tasks) <= 0 and int(py_threads) == 1


# ---- train_embeddings on sentences -------------------------------------------------------------
@pytest.mark.parametrize("token", ["hello world", "a\tb", "x\ny", ""])
def test_train_embeddings_token_with_whitespace_refused(token):
    """A token holding whitespace was split into several words (["hello world", "x"] trained
    'hello', 'world', 'x'): the corpus file is whitespace-separated. Now a ValueError names
    the sentence and token; an empty token (dropped) too."""
    sents = [["fine", "words"]] * 3 + [["x", token, "y"]] + [["more"]] * 2
    with pytest.raises(ValueError, match=r"sentences\[3\]\[1\]: (empty token|token .* contains "
                                         r"whitespace)"):
        lexkit.train_embeddings(sents, min_count=1, vector_size=8, epochs=1)
    with pytest.raises(TypeError, match=r"sentences\[1\]\[0\]: expected str, got int"):
        lexkit.train_embeddings([["a"], [3]], min_count=1)
    # a token with another Unicode space stays one word, as lexkit reads the file
    v = lexkit.train_embeddings([["nbsp\u00a0word", "x"]] * 6, min_count=1, vector_size=8, epochs=1)
    assert sorted(v.words) == ["nbsp\u00a0word", "x"]


def test_train_embeddings_errors_name_sentences_not_temp_file():
    """train_embeddings([]) said '/tmp/tmpXXXX.txt: the corpus has no words'."""
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit.train_embeddings([])
    assert str(e.value) == "sentences: the corpus has no words"
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit.train_embeddings([["a", "b"]], min_count=5)
    assert str(e.value).startswith("sentences: 0 words occur at least 5 times")
    assert "tmp" not in str(e.value)
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit.train_embeddings(["fine words", "bad\0word"], min_count=1)
    assert str(e.value) == "sentences[1]: NUL byte in the corpus (expected UTF-8 text)"
    with pytest.raises(TypeError, match="sentences: expected an iterable"):
        lexkit.train_embeddings("one string")


# ---- what Vectors saves, it loads ----------------------------------------------------------------
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, 1e39])
def test_vectors_non_finite_refused(tmp_path, bad):
    """from_arrays took NaN (and float32 overflow) and save wrote 'nan', which load then
    refused: now from_arrays raises ValueError naming the word."""
    with pytest.raises(ValueError, match=r"vectors\[1\] \(word 'b'\): value 0 is .*not a "
                                         r"finite number"):
        lexkit.Vectors.from_arrays(["a", "b"], [[0.0, 1.0], [bad, 0.0]])
    assert not os.listdir(tmp_path)


@pytest.mark.parametrize("fmt,binary", [("text", False), ("binary", True)])
def test_vectors_empty_table_round_trip(tmp_path, fmt, binary):
    """An empty table saved as '0 3' and load refused it; gensim writes and reads '0 3'."""
    from gensim.models import KeyedVectors
    v = lexkit.Vectors.from_arrays([], np.zeros((0, 3), dtype=np.float32))
    path = tmp_path / "e.vec"
    v.save(path, fmt)
    assert path.read_bytes() == b"0 3\n"
    back = lexkit.Vectors.load(path)
    assert len(back) == 0 and back.vectors.shape == (0, 3)
    kv = KeyedVectors.load_word2vec_format(str(path), binary=binary)
    assert len(kv) == 0 and kv.vector_size == 3
    theirs = tmp_path / "g.vec"
    KeyedVectors(vector_size=3).save_word2vec_format(str(theirs), binary=binary)
    assert len(lexkit.Vectors.load(theirs, format=fmt)) == 0
    with pytest.raises(lexkit.LexkitError, match="0 words of dim at most 100000"):
        path.write_text("0 100001\n")
        lexkit.Vectors.load(path)


# ---- subword models: unseen words composed, as the CLI and gensim's FastTextKeyedVectors -----
@pytest.fixture(scope="module")
def subword_models(tmp_path_factory):
    """A fastText .bin (English, n-grams 3..5) and an LKEM (Chinese characters, 1..2) made by
    `lexkit embed`, as a user makes them."""
    if not CLI:
        pytest.skip("LEXKIT (the CLI) not set")
    d = tmp_path_factory.mktemp("subword")
    data = os.path.join(SRC, "tests", "data")
    ft, zh = str(d / "ft.bin"), str(d / "zh.lkem")
    common = ["--dim", "8", "--min-count", "1", "--quiet"]
    subprocess.run([CLI, "embed", "--input", os.path.join(data, "emb_corpus.txt"), "--output", ft,
                    "--output-format", "fasttext", "--subwords", "3:5"] + common, check=True)
    subprocess.run([CLI, "embed", "--input", os.path.join(data, "emb_zh.txt"), "--output", zh,
                    "--output-format", "lkem", "--subwords", "1:2"] + common, check=True)
    return {"ft": (ft, "unseenwordxyz"), "zh": (zh, "王国家")}


def _cli_neighbors(path, word, k):
    out = subprocess.run([CLI, "neighbors", "--vectors", path, "--word", word, "--k", str(k)],
                         check=True, capture_output=True, text=True).stdout
    return [(w, float(s)) for w, s in (line.split("\t") for line in out.splitlines())]


@pytest.mark.parametrize("kind", ["ft", "zh"])
def test_subword_vectors_compose_unseen_words(subword_models, kind):
    """Vectors of a subword model raised 'not in vocabulary' for an unseen word, which
    `lexkit neighbors` composes from its n-grams: now most_similar, v[w] and `in` compose it."""
    path, unseen = subword_models[kind]
    v = lexkit.Vectors.load(path)
    assert unseen not in v.words and unseen in v
    ours = v.most_similar(unseen, topn=5)
    cli = _cli_neighbors(path, unseen, 5)
    assert [w for w, _ in ours] == [w for w, _ in cli]
    assert max(abs(a - b) for (_, a), (_, b) in zip(ours, cli)) <= 1e-5
    assert v[unseen].shape == (8,) and np.any(v[unseen] != 0)
    word = v.words[3]
    assert np.array_equal(v[word], v.vectors[3]) and v[[word, unseen]].shape == (2, 8)


@pytest.mark.parametrize("kind", ["ft", "zh"])
def test_subword_to_gensim_fasttext_keyed_vectors(subword_models, kind):
    """to_gensim() of a subword model gave a plain KeyedVectors (kv['unseen'] a KeyError);
    now a FastTextKeyedVectors with the n-gram rows: gensim composes unseen words as lexkit."""
    from gensim.models.fasttext import FastTextKeyedVectors
    path, unseen = subword_models[kind]
    v = lexkit.Vectors.load(path)
    kv = v.to_gensim()
    assert isinstance(kv, FastTextKeyedVectors) and kv.index_to_key == v.words
    assert np.max(np.abs(kv.vectors - v.vectors)) <= 1e-6
    for w in (unseen, unseen[:2] + "q", v.words[0]):
        assert np.max(np.abs(kv[w] - v[w])) <= 1e-6
    theirs = kv.most_similar(unseen, topn=5)
    assert [w for w, _ in theirs] == [w for w, _ in v.most_similar(unseen, topn=5)]
    kv.adjust_vectors()  # gensim's own composition of the vocabulary from the rows
    assert np.max(np.abs(kv.vectors - v.vectors)) <= 1e-6


def test_vectors_no_lowercase_fallback():
    """As gensim's KeyedVectors (the CLI's neighbors lowercases a word missing as given;
    the Python API does not, as documented): 'King' is not 'king'."""
    v = lexkit.Vectors.from_arrays(["king", "queen"], [[1.0, 0.0], [0.0, 1.0]])
    assert "king" in v and "King" not in v and 3 not in v
    with pytest.raises(KeyError, match="King"):
        v["King"]
    with pytest.raises(ValueError, match="'King' not in vocabulary"):
        v.most_similar("King")


@pytest.mark.parametrize("kind", ["ft", "zh"])
def test_subword_vectors_pickle(subword_models, kind, tmp_path):
    path, unseen = subword_models[kind]
    v = lexkit.Vectors.load(path)
    back = pickle.loads(pickle.dumps(v))
    assert back.words == v.words and np.array_equal(back.vectors, v.vectors)
    assert np.array_equal(back[unseen], v[unseen])
    v.save(tmp_path / "plain.vec")  # the words' vectors only: no n-grams, no composition
    plain = lexkit.Vectors.load(tmp_path / "plain.vec")
    assert unseen not in plain and plain.to_gensim().__class__.__name__ == "KeyedVectors"


@pytest.mark.parametrize("kind", ["ft", "zh"])
def test_subword_vectors_pickle_without_temp_files(subword_models, kind, monkeypatch):
    """Pickling a subword Vectors saved its model to a temporary file and read it back (and
    unpickling the reverse): now the LKEM bytes come from memory and load from memory, the
    same bytes save_model writes."""
    import tempfile
    path, unseen = subword_models[kind]
    v = lexkit.Vectors.load(path)

    def no_temp(*a, **k):
        raise AssertionError("a temporary file was made")
    monkeypatch.setattr(tempfile, "TemporaryDirectory", no_temp)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp)
    data = pickle.dumps(v)
    back = pickle.loads(data)
    assert back.words == v.words and np.array_equal(back.vectors, v.vectors)
    assert np.array_equal(back[unseen], v[unseen])
    assert pickle.dumps(back) == data
    monkeypatch.undo()
    model = v._v.model_bytes()
    assert model[:4] == b"LKEM" and model in data
    assert lexkit.Vectors.from_arrays(["a"], [[1.0]])._v.model_bytes() is None


def test_vectors_load_bytes_refuses_bad_model():
    """A truncated or corrupted LKEM image is a LexkitError naming '<memory>', not a crash."""
    v = lexkit.train_embeddings([["aaa", "bbb", "abab"]] * 5, min_count=1, vector_size=4,
                                epochs=1)
    assert v._v.model_bytes() is None
    good = lexkit._lexkit.vectors_load_bytes(b"2 2\ncat 1 0.5\ndog -2 0.25\n")
    assert good.words() == ["cat", "dog"]
    header = b"LKEM" + (1).to_bytes(4, "little") + bytes(4) + (100).to_bytes(8, "little")
    with pytest.raises(lexkit.LexkitError, match=r"^<memory>: truncated file \(payload says "
                                                 r"100 bytes, 6 present\)$"):
        lexkit._lexkit.vectors_load_bytes(header + bytes(10))
    with pytest.raises(lexkit.LexkitError, match=r"^<memory>: truncated file \(23 bytes\)"):
        lexkit._lexkit.vectors_load_bytes(b"LKEM\x01\0\0\0" + bytes(15))


def test_train_errors_carry_their_location(tmp_path):
    """The binding names the sentences from lexkit's location fields (line, col, the
    message after 'path:line:col: '), not by parsing the message."""
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(b"fine words\nbad\0word\n")
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit._lexkit.train_file(str(corpus), min_count=1)
    assert str(e.value) == f"{corpus}:2:4: NUL byte in the corpus (expected UTF-8 text)"
    assert e.value._lexkit_where == (2, 4, "NUL byte in the corpus (expected UTF-8 text)")
    corpus.write_bytes(b"\n")
    with pytest.raises(lexkit.LexkitError) as e:
        lexkit._lexkit.train_file(str(corpus), min_count=1)
    assert e.value._lexkit_where == (0, 0, "the corpus has no words")
    with pytest.raises(ValueError) as e:
        lexkit._lexkit.train_file(str(corpus), vector_size=0)
    assert e.value._lexkit_where is None
    # the separators _sentence_line refuses inside a token are the C reader's
    assert lexkit._lexkit.corpus_separators() == "\t\n\v\f\r "
    with pytest.raises(ValueError, match=r"sentences\[0\]\[1\]: token 'a\\x0bb' contains"):
        lexkit.train_embeddings([["x", "a\vb"]], min_count=1)


def test_vectors_bin_format_getitem_contains_pickle(tmp_path):
    """save(format='bin') (the CLI's name) was rejected; Vectors had no v['word'], no
    'word' in v and no pickle support: they are gensim KeyedVectors' and round-trip exactly."""
    from gensim.models import KeyedVectors
    rng = np.random.default_rng(3)
    words = ["alpha", "beta", "γάμμα", "δ"]
    m = rng.standard_normal((4, 5)).astype(np.float32)
    v = lexkit.Vectors.from_arrays(words, m)
    v.save(tmp_path / "v.bin", format="bin")
    kv = KeyedVectors.load_word2vec_format(str(tmp_path / "v.bin"), binary=True)
    assert kv.index_to_key == words and np.array_equal(kv.vectors, m)
    assert lexkit.Vectors.load(tmp_path / "v.bin", format="bin").words == words
    with pytest.raises(ValueError, match="format"):
        v.save(tmp_path / "v.x", format="word2vec")
    assert np.array_equal(v["γάμμα"], m[2]) and np.array_equal(v["γάμμα"], kv["γάμμα"])
    assert np.array_equal(v[["δ", "alpha"]], kv[["δ", "alpha"]])
    assert "beta" in v and "gamma" not in v and None not in v
    with pytest.raises(KeyError):
        v["gamma"]
    back = pickle.loads(pickle.dumps(v))
    assert back.words == words and back.vectors.tobytes() == v.vectors.tobytes()
    assert back.most_similar("alpha") == v.most_similar("alpha")
    empty = pickle.loads(pickle.dumps(lexkit.Vectors.from_arrays([], np.zeros((0, 7)))))
    assert len(empty) == 0 and empty.vectors.shape == (0, 7)


def test_index_errors_name_documents_and_arguments(tmp_path):
    """k is checked as `lexkit search --k` (0..100000000, its wording), a query that is not a
    str is a TypeError naming it, and every document error is documents[I], 0-based (the
    checks of Index.add and those of the index alike)."""
    ix = lexkit.Index.create(tmp_path / "i", lang="en")
    ix.add([{"id": "a", "text": "coffee beans"}, {"id": "b", "text": "tea"}])
    for k in (10**9, 100000001, -1, 2**64):
        with pytest.raises(ValueError, match=r"^k: -?\d+ is not an integer in \[0, 100000000\]$"):
            ix.search("coffee", k=k)
        with pytest.raises(ValueError, match=r"^k: .* is not an integer in \[0, 100000000\]$"):
            ix.search_many(["coffee"], k=k)
    assert [h.id for h in ix.search("coffee", k=100000000)] == ["a"]
    assert ix.search("coffee", k=np.int64(1))[0].id == "a"
    with pytest.raises(TypeError, match=r"^k: expected int, got float$"):
        ix.search("coffee", k=2.0)
    for q, t in ((None, "NoneType"), (5, "int"), (b"coffee", "bytes")):
        with pytest.raises(TypeError, match=rf"^query: expected str, got {t}$"):
            ix.search(q)
    with pytest.raises(TypeError, match=r"^queries\[1\]: expected str, got NoneType$"):
        ix.search_many(["coffee", None])
    cases = [
        ([{"id": "x", "text": "1"}, {"id": "x", "text": "2"}],
         r'^documents\[1\]: duplicate document id "x" \(first used at documents\[0\]\)$'),
        ([{"id": "y", "text": "1"}, {"id": "a", "text": "2"}],
         r'^documents\[1\]: duplicate document id "a" \(already in the index\)$'),
        ([{"id": "z", "text": "1"}, {"id": "b c", "text": "2"}],
         r'^documents\[1\]: document id "b c" contains whitespace'),
        ([{"id": "", "text": "1"}], r"^documents\[0\]: empty document id$"),
        ([{"id": "w", "text": 5}], r"^documents\[0\]\['text'\]: expected str, got int$"),
    ]
    for docs, pat in cases:
        with pytest.raises((lexkit.LexkitError, ValueError, TypeError), match=pat):
            ix.add(docs)
    assert len(ix) == 2
    ix.close()


# ---- NUL characters, messages naming the item ---------------------------------------------
def test_from_arrays_names_the_refused_word(tmp_path):
    """from_arrays took words with a NUL and kept them cut at it (['ab\\0x', 'ab\\0y'] gave
    .words == ['ab', 'ab'], a file the reader refused, a pickle that raised), and a refused
    word was 'duplicate, empty or contains whitespace' without saying which: now each
    reason names the word and its place."""
    m = np.ones((2, 3))
    for words, msg in [(["ab\0x", "ab\0y"], r"words\[0\] 'ab\\x00x' contains a NUL character"),
                       (["ok", "a b"], r"words\[1\] 'a b' contains whitespace"),
                       (["a\tb", "c"], r"words\[0\] 'a\\tb' contains whitespace"),
                       (["x", "x"], r"words\[1\] 'x' duplicates words\[0\]"),
                       (["", "x"], r"words\[0\] is empty")]:
        with pytest.raises(ValueError, match=msg):
            lexkit.Vectors.from_arrays(words, m)
    words = ["a", "b", "c", "d", "e", "x"]
    with pytest.raises(ValueError, match=r"^words\[5\] 'x' duplicates words\[1\]$"):
        lexkit.Vectors.from_arrays(["a", "x", "c", "d", "e", "x"], np.ones((6, 2)))
    v = lexkit.Vectors.from_arrays(words, np.eye(6))
    v.save(tmp_path / "v.txt")
    assert lexkit.Vectors.load(tmp_path / "v.txt").words == words
    assert pickle.loads(pickle.dumps(v)).words == words
    # a query word with a NUL was looked up cut at it ('a\0x' found 'a')
    assert "a\0x" not in v
    for kw, name in [({"positive": ["a\0x"]}, "positive"), ({"positive": ["a"],
                                                             "negative": ["b\0"]}, "negative")]:
        with pytest.raises(ValueError, match=rf"{name}\[0\] .* contains a NUL character"):
            v.most_similar(**kw)


def test_index_ids_with_nul_exact(tmp_path):
    """Document ids are compared whole: delete(['a\\0b']) said 'document id "a" is not in
    the index' (the message cut at the NUL), delete(['a ']) deleted 'a' (the ids went
    through a line file that trims trailing blanks). Ids holding a NUL or a control
    character are refused, quoted as given."""
    ix = lexkit.Index.create(tmp_path / "ix")
    with pytest.raises(lexkit.LexkitError, match=r'ids\[0\]: document id "a\\x00b" is not in'):
        ix.delete(["a\0b"])
    ix.add([{"id": "a", "text": "hello world"}, {"id": "b", "text": "more words"}])
    with pytest.raises(lexkit.LexkitError,
                       match=r'documents\[0\]: document id "a\\x00b" contains whitespace or a '
                             r'control character'):
        ix.add([{"id": "a\0b", "text": "hello"}])
    for ids, i, shown in [(["a\0b"], 0, r"a\\x00b"), (["b", "a "], 1, "a "),
                          (["a\t"], 0, r"a\\x09"), (["a\n"], 0, r"a\\x0A")]:
        with pytest.raises(lexkit.LexkitError, match=rf'ids\[{i}\]: document id "{shown}" is '
                                                     'not in the index'):
            ix.delete(ids)
        assert len(ix) == 2
    # a NUL in text, a field name or a value is kept exactly (text: a separator)
    ix.add([{"id": "c", "text": "zeta\0omega", "f\0g": "v\0w"}])
    hit, = ix.search("omega", fields=True)
    assert hit.id == "c" and hit.fields == {"text": "zeta\0omega", "f\0g": "v\0w"}
    ix.delete(["a"])
    assert len(ix) == 2


def test_train_embeddings_messages_use_python_names():
    """train_embeddings([['a'], 5]) raised "'int' object is not iterable", and vector_size=0
    "dim must be ..." (lexkit's C field name)."""
    with pytest.raises(TypeError, match=r"^sentences\[1\]: expected an iterable of str, got int$"):
        lexkit.train_embeddings([["a"], 5])
    with pytest.raises(TypeError, match=r"^sentences: expected an iterable .*got int$"):
        lexkit.train_embeddings(5)
    sents = [["a", "b"]] * 3
    with pytest.raises(ValueError, match=r"^vector_size must be in \[1, \d+\] \(got 0\)$"):
        lexkit.train_embeddings(sents, vector_size=0, min_count=1)
    with pytest.raises(ValueError, match=r"^workers must be in \[1, \d+\] \(got 0\)$"):
        lexkit.train_embeddings(sents, workers=0, min_count=1)
    for name in ("window", "epochs", "min_count"):
        with pytest.raises(ValueError, match=rf"^{name} must be"):
            lexkit.train_embeddings(sents, **{name: 0})


def test_index_create_checks_zh_model(tmp_path):
    """Index.create(p, zh_model='nonexist.lkt') succeeded and the first add() raised; a file
    that is no Chinese model (word vectors, a word tagger) fails at create too."""
    with pytest.raises(OSError, match=r"^zh_model: nonexist\.lkt: No such file"):
        lexkit.Index.create(tmp_path / "a", zh_model="nonexist.lkt")
    vec = tmp_path / "v.vec"
    vec.write_text("2 3\na 1 2 3\nb 1 2 3\n")
    with pytest.raises(lexkit.LexkitError, match=r"^zh_model: .*v\.vec: not a lexkit LKTG file"):
        lexkit.Index.create(tmp_path / "b", zh_model=vec)
    with pytest.raises(ValueError, match=r"^zh_model: .*en-ewt\.lkt: a word tagger"):
        lexkit.Index.create(tmp_path / "c", zh_model=EN_MODEL)
    assert not os.path.exists(tmp_path / "a") and not os.path.exists(tmp_path / "b")
    ix = lexkit.Index.create(tmp_path / "d", zh_model=ZH_MODEL)
    ix.add([{"id": "1", "text": "我爱北京天安门"}])
    assert [h.id for h in ix.search("北京")] == ["1"]


def _docstrings():
    """(name, docstring) of lexkit's public classes, functions, methods and properties, and
    of the extension module's."""
    import inspect
    seen, out = set(), []

    def walk(obj, name):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        doc = getattr(obj, "__doc__", None)
        if isinstance(doc, str):
            out.append((name, doc))
        for k, v in (vars(obj).items() if inspect.ismodule(obj) or inspect.isclass(obj) else ()):
            if k.startswith("__") and k != "__init__":
                continue
            if isinstance(v, (classmethod, staticmethod)):
                v = v.__func__
            if (inspect.isclass(v) or inspect.isfunction(v) or inspect.isbuiltin(v)
                    or inspect.ismethoddescriptor(v) or isinstance(v, property)):
                if (getattr(v, "__module__", None) or "lexkit").startswith("lexkit"):
                    walk(v, f"{name}.{k}")
    walk(lexkit, "lexkit")
    walk(lexkit._lexkit, "lexkit._lexkit")
    return out


def test_docstrings_have_no_stray_control_characters():
    """help(lexkit.Tagger.tag_text) printed broken lines: its docstring wrote "\\n", "\\r\\n"
    and "\\r" unescaped, so the text held a line break inside quotes and a carriage
    return."""
    docs = _docstrings()
    assert any(name == "lexkit.Tagger.tag_text" for name, _ in docs)
    for name, doc in docs:
        assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f]", doc), name
        assert '"\n"' not in doc and "'\n'" not in doc, name
    tag_text = lexkit.Tagger.tag_text.__doc__
    assert '("\\n", "\\r\\n" or a lone "\\r")' in tag_text
