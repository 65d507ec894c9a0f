"""scikit-learn 1.2's analysis parameters of CountVectorizer / TfidfVectorizer (input,
encoding, decode_error, strip_accents, preprocessor, tokenizer, token_pattern, a callable
analyzer, vocabulary): the matrices, vocabularies, warnings and errors equal sklearn's."""
import io
import json
import os
import pickle
import re
import warnings

import numpy as np
import pytest

import lexkit

sk_text = pytest.importorskip("sklearn.feature_extraction.text")

SRC = os.environ.get("LK_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))

# varied text: accents (composed and combining), other scripts, digits, punctuation, white
# space runs, apostrophes, an empty document, upper case
SMALL = [
    "Café déjà vu: naïve résumé, 42 times!",
    "The QUICK brown fox — the lazy dog; 3.14 π and 2nd place",
    "Ünïcödé straße ÆØÅ 東京タワー and Ελληνικά κείμενα",
    "hello  world\t\ttabs new\nline   e\u0301te\u0301",
    "e-mail me@example.org #tag @user don't stop-words isn't",
    "",
    "a b c d e f g_h i9 x",
    "Crème brûlée, façade, coöperate, NAÏVE résumé",
]
NEW = ["the fox and café unseen zzyzx words", "", "Déjà 42 ÆØÅ new  york"]


def _jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


@pytest.fixture(scope="module")
def sample():
    return (_jsonl(os.path.join(SRC, "tests", "data", "feat_docs.jsonl"))
            + _jsonl(os.path.join(SRC, "corpora", "sample-docs.jsonl"))[:150])


def _both(cls, params, docs, quiet=True):
    """(lexkit's, sklearn's) vectorizers fitted on docs, and their matrices."""
    with warnings.catch_warnings():
        if quiet:
            warnings.simplefilter("ignore")
        ours, theirs = getattr(lexkit, cls)(**params), getattr(sk_text, cls)(**params)
        return ours, theirs, ours.fit_transform(docs), theirs.fit_transform(docs)


def _same_matrix(a, b, cls):
    assert a.shape == b.shape
    if cls == "CountVectorizer":
        assert a.dtype == b.dtype
        assert (a != b).nnz == 0
    else:
        assert abs(a - b).max() <= 1e-12 if a.nnz or b.nnz else True


def _check(cls, params, docs, new=NEW):
    ours, theirs, a, b = _both(cls, params, docs)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert ours.vocabulary_ == theirs.vocabulary_
    _same_matrix(a, b, cls)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _same_matrix(ours.transform(new), theirs.transform(new), cls)
    if cls == "TfidfVectorizer" and params.get("use_idf", True):
        assert np.abs(ours.idf_ - theirs.idf_).max() <= 1e-12
    return ours


def _first_letter(s):
    return s[:1]


def _words_upper(doc):
    return doc.upper().split()


PARAMS = [
    {"token_pattern": r"\S+"},
    {"token_pattern": r"(?u)\b\w+\b"},
    {"token_pattern": r"(\w)\w*"},                 # one group: the group is the token
    {"token_pattern": r"[a-z]+(?:'[a-z]+)?", "lowercase": False},
    {"token_pattern": r"\w+ \w+"},                 # tokens holding a space
    {"tokenizer": str.split},
    {"tokenizer": str.split, "token_pattern": None},
    {"tokenizer": lambda d: re.findall(r"\d+|[^\W\d]+", d)},
    {"preprocessor": str.upper, "lowercase": False},
    {"preprocessor": lambda d: d.replace("é", "E")},
    {"strip_accents": "ascii"},
    {"strip_accents": "unicode"},
    {"strip_accents": str.swapcase},
    {"strip_accents": "unicode", "lowercase": False},
    {"analyzer": str.split},
    {"analyzer": _words_upper, "ngram_range": (1, 3), "preprocessor": str.lower},
    {"analyzer": lambda d: [d[:3], d[-3:], ""]},   # an empty term is a term
    {"analyzer": "char", "strip_accents": "ascii", "ngram_range": (1, 3)},
    {"analyzer": "char_wb", "strip_accents": "unicode", "ngram_range": (2, 5)},
    {"analyzer": "char", "preprocessor": lambda d: d[::-1], "ngram_range": (3, 3)},
    {"analyzer": "char", "token_pattern": r"\S+", "tokenizer": str.split},  # both unused
    # with n-grams, stop words and the document-frequency limits
    {"token_pattern": r"\S+", "ngram_range": (1, 3)},
    {"token_pattern": r"\w+", "ngram_range": (2, 3), "stop_words": "english"},
    {"tokenizer": str.split, "stop_words": ["the", "and", "a"], "ngram_range": (1, 2)},
    {"strip_accents": "ascii", "stop_words": "english", "min_df": 2},
    {"token_pattern": r"(?u)\b\w+\b", "max_df": 0.5, "min_df": 1, "max_features": 20},
    {"token_pattern": r"\w+", "max_features": 7, "binary": True},
    {"strip_accents": "unicode", "binary": True, "lowercase": False, "max_df": 3},
]
IDS = [re.sub(r" at 0x\w+", "", str(p)) for p in PARAMS]


@pytest.mark.parametrize("cls", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize("params", PARAMS, ids=IDS)
def test_small_corpus_equals_sklearn(cls, params):
    try:
        _check(cls, params, SMALL)
    except ValueError as e:  # a setting that prunes everything: the same error as sklearn
        with pytest.raises(ValueError, match=re.escape(str(e))):
            _both(cls, params, SMALL)
        with pytest.raises(ValueError) as theirs:
            getattr(sk_text, cls)(**params).fit(SMALL)
        assert str(theirs.value) == str(e)


@pytest.mark.parametrize("cls", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize("params", PARAMS, ids=IDS)
def test_sample_corpus_equals_sklearn(cls, params, sample):
    _check(cls, params, sample, new=SMALL)


def test_tfidf_options_with_python_analysis(sample):
    for extra in ({"norm": "l1"}, {"norm": None, "use_idf": False},
                  {"smooth_idf": False, "sublinear_tf": True}, {"dtype": np.float32}):
        ours, theirs, a, b = _both("TfidfVectorizer", dict(token_pattern=r"\S+", **extra), sample)
        assert a.dtype == b.dtype
        assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
        assert abs(a - b).max() <= (1e-6 if extra.get("dtype") else 1e-12)


def test_build_analyzer_equals_sklearn(sample):
    for params in PARAMS + [{}, {"analyzer": "char_wb", "ngram_range": (1, 4)},
                            {"ngram_range": (1, 3), "stop_words": ["the", "of"]}]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = lexkit.CountVectorizer(**params).build_analyzer()
            theirs = sk_text.CountVectorizer(**params).build_analyzer()
            for d in SMALL + sample[:40]:
                assert list(ours(d)) == list(theirs(d)), (params, d)


def test_input_filename_file_and_bytes(tmp_path):
    paths = []
    for i, d in enumerate(SMALL):
        p = tmp_path / f"d{i}.txt"
        p.write_bytes(d.encode("latin-1", "replace"))
        paths.append(str(p))
    for cls in ("CountVectorizer", "TfidfVectorizer"):
        for params in ({}, {"token_pattern": r"\S+"}, {"analyzer": "char", "ngram_range": (2, 2)}):
            # latin-1 bytes read as latin-1, and as utf-8 with replace / ignore
            for enc, err in (("latin-1", "strict"), ("utf-8", "replace"), ("utf-8", "ignore")):
                kw = dict(params, input="filename", encoding=enc, decode_error=err)
                ours = _check(cls, kw, paths, new=paths[:2])
                assert ours.transform(paths).shape[0] == len(paths)
                kw["input"] = "file"  # each vectorizer reads its own file objects
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ours, theirs = getattr(lexkit, cls)(**kw), getattr(sk_text, cls)(**kw)
                    a = ours.fit_transform([io.BytesIO(open(p, "rb").read()) for p in paths])
                    b = theirs.fit_transform([io.BytesIO(open(p, "rb").read()) for p in paths])
                _same_matrix(a, b, cls)
                assert ours.vocabulary_ == theirs.vocabulary_
                kw["input"] = "content"  # bytes documents, a str among them
                docs = [open(p, "rb").read() for p in paths] + ["plain str déjà"]
                _check(cls, kw, docs, new=[b"caf\xe9 new", "str"])
    with pytest.raises(UnicodeDecodeError):
        lexkit.CountVectorizer().fit([b"caf\xe9"])
    with pytest.raises(UnicodeDecodeError):
        sk_text.CountVectorizer().fit([b"caf\xe9"])
    with pytest.raises(ValueError, match="np.nan is an invalid document"):
        lexkit.CountVectorizer(token_pattern=r"\S+").fit(["a b", np.nan])


VOCABS = [
    ["fox", "the", "café", "42", "zzyzx"],
    {"the": 1, "fox": 0, "lazy dog": 2},
    {"dog", "the", "quick brown", "résumé"},
    ("new  york", "", "a b", "the"),          # terms no analyzer of text gives
    ["THE", "fox"],                           # upper case: never matched when lowercasing
    ["ca", "afé", " ca", "é "],               # char n-grams
]


@pytest.mark.parametrize("cls", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize("vocab", VOCABS, ids=[str(v) for v in VOCABS])
@pytest.mark.parametrize("params", [{}, {"ngram_range": (1, 2), "min_df": 3, "max_features": 1},
                                    {"token_pattern": r"\S+", "binary": True},
                                    {"analyzer": "char_wb", "ngram_range": (2, 3)},
                                    {"strip_accents": "ascii", "lowercase": False}],
                         ids=["default", "ngrams-limits-ignored", "pattern", "char_wb", "ascii"])
def test_vocabulary_equals_sklearn(cls, vocab, params, sample):
    kw = dict(params, vocabulary=vocab)
    for docs in (SMALL, sample):
        ours = _check(cls, kw, docs)
        assert ours.fixed_vocabulary_ is True
        assert len(ours.get_feature_names_out()) == len(vocab)


def test_vocabulary_transform_without_fit_and_flags():
    for vocab in (["the", "fox", "lazy dog"], {"fox": 1, "the": 0}):
        ours = lexkit.CountVectorizer(vocabulary=vocab, ngram_range=(1, 2))
        theirs = sk_text.CountVectorizer(vocabulary=vocab, ngram_range=(1, 2))
        _same_matrix(ours.transform(SMALL), theirs.transform(SMALL), "CountVectorizer")
        assert ours.vocabulary_ == theirs.vocabulary_
    with pytest.raises(lexkit.NotFittedError):
        lexkit.TfidfVectorizer(vocabulary=["the"]).transform(SMALL)
    v = lexkit.CountVectorizer().fit(SMALL)
    assert v.fixed_vocabulary_ is False
    # a refit with vocabulary set through set_params keeps those columns
    v.set_params(vocabulary=["fox", "the"]).fit(SMALL)
    assert list(v.get_feature_names_out()) == ["fox", "the"] and v.fixed_vocabulary_


BAD_VOCABS = [["a", "b", "a"], {"a": 0, "b": 0}, {"a": 0, "b": 2}, {"a": 1}, [], {}, set(),
              iter([])]


@pytest.mark.parametrize("cls", ["CountVectorizer", "TfidfVectorizer"])
@pytest.mark.parametrize("vocab", BAD_VOCABS, ids=[str(v) for v in BAD_VOCABS])
def test_bad_vocabulary_errors_equal_sklearn(cls, vocab):
    with pytest.raises(ValueError) as theirs:
        getattr(sk_text, cls)(vocabulary=vocab).fit(SMALL)
    with pytest.raises(ValueError) as ours:
        getattr(lexkit, cls)(vocabulary=vocab).fit(SMALL)
    assert str(ours.value) == str(theirs.value)


def _messages(make, docs=SMALL):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        make().fit(docs)
    return sorted(str(x.message) for x in w)


@pytest.mark.parametrize("params", [
    {"tokenizer": str.split},
    {"tokenizer": str.split, "token_pattern": None},
    {"analyzer": str.split, "preprocessor": str.lower, "ngram_range": (1, 2)},
    {"analyzer": "char", "stop_words": ["a"], "token_pattern": r"\S+", "tokenizer": str.split},
    {"analyzer": "char_wb", "token_pattern": r"(?u)\b\w\w+\b"},
    {"vocabulary": ["The", "fox"]},
    {"vocabulary": ["The", "fox"], "lowercase": False},
    {"token_pattern": r"\S+", "stop_words": ["don't", "x-ray"]},
    {"strip_accents": "ascii", "stop_words": ["déjà"]},
    {"tokenizer": lambda d: 1 / 0 if d == "boom" else d.split(), "stop_words": ["boom"]},
], ids=lambda p: re.sub(r" at 0x\w+", "", str(p)))
def test_warnings_equal_sklearn(params):
    for cls in ("CountVectorizer", "TfidfVectorizer"):
        theirs = _messages(lambda: getattr(sk_text, cls)(**params))
        assert _messages(lambda: getattr(lexkit, cls)(**params)) == theirs


def _sorted_sets(msg):
    return re.sub(r"\{([^{}]*)\}", lambda m: "{%s}" % ", ".join(sorted(m.group(1).split(", "))), msg)


def test_parameter_errors_as_sklearn():
    with pytest.raises(ValueError) as theirs:
        sk_text.CountVectorizer(token_pattern=r"(a)(b)").fit(SMALL)
    with pytest.raises(ValueError) as ours:
        lexkit.CountVectorizer(token_pattern=r"(a)(b)").fit(SMALL)
    assert str(ours.value) == str(theirs.value)
    for kw in ({"input": "files"}, {"encoding": 8}, {"decode_error": "skip"},
               {"strip_accents": "latin"}, {"preprocessor": 3}, {"tokenizer": "split"},
               {"token_pattern": 3}, {"analyzer": "words"}, {"vocabulary": 3}):
        name = next(iter(kw))
        for mod in (lexkit, sk_text):  # sklearn's InvalidParameterError is a ValueError
            with pytest.raises(ValueError, match=f"The '{name}' parameter of TfidfVectorizer "
                                                 "must be"):
                mod.TfidfVectorizer(**kw).fit(SMALL)
    # the counting and weighting parameters: sklearn 1.2's whole message (they were lexkit's
    # own: "min_df: an int must be >= 0")
    for kw in ({"min_df": -1}, {"min_df": 1.5}, {"min_df": "x"}, {"max_df": 2.0},
               {"max_df": -1}, {"max_features": 0}, {"max_features": 1.5},
               {"stop_words": "french"}, {"stop_words": 5}, {"ngram_range": [1, 2]},
               {"ngram_range": "ab"}, {"lowercase": "yes"}, {"binary": None}, {"norm": "l3"},
               {"use_idf": "no"}, {"smooth_idf": "a"}, {"sublinear_tf": None}):
        for cls in ("CountVectorizer", "TfidfVectorizer"):
            if cls == "CountVectorizer" and next(iter(kw)) in (
                    "norm", "use_idf", "smooth_idf", "sublinear_tf"):
                continue
            with pytest.raises(ValueError) as theirs:
                getattr(sk_text, cls)(**kw).fit(SMALL)
            with pytest.raises(ValueError) as ours:
                getattr(lexkit, cls)(**kw).fit(SMALL)
            # sklearn lists a set of options in its hash order, which changes per process
            assert _sorted_sets(str(ours.value)) == _sorted_sets(str(theirs.value)), kw
    # values sklearn accepts stay accepted: 0 and 1.0 as fractions, 1 as a count, True
    for kw in ({"min_df": 0}, {"max_df": 1.0}, {"max_df": 50}, {"max_features": True},
               {"lowercase": 0}, {"stop_words": ("the",)}):
        lexkit.CountVectorizer(**kw).fit(SMALL)
    with pytest.raises(ValueError, match="lower boundary larger than the upper boundary"):
        lexkit.CountVectorizer(token_pattern=r"\S+", ngram_range=(2, 1)).fit(SMALL)


def test_params_clone_pickle():
    from sklearn.base import clone
    for cls in ("CountVectorizer", "TfidfVectorizer"):
        assert set(getattr(lexkit, cls)().get_params()) == (
            set(getattr(sk_text, cls)().get_params()) | {"n_jobs"})
        assert {k: v for k, v in getattr(lexkit, cls)().get_params().items() if k != "n_jobs"} \
            == getattr(sk_text, cls)().get_params()
        params = dict(input="content", encoding="latin-1", decode_error="replace",
                      strip_accents=_first_letter, preprocessor=str.lower, tokenizer=str.split,
                      token_pattern=None, vocabulary={"fox": 0, "the": 1}, analyzer="word")
        v = getattr(lexkit, cls)(**params)
        c = clone(v)
        for k, val in params.items():
            assert c.get_params()[k] is val or c.get_params()[k] == val
        v.set_params(tokenizer=None, token_pattern=r"\S+", vocabulary=None)
        assert v.tokenizer is None and v.token_pattern == r"\S+"
        # a fitted vectorizer with Python analysis round-trips through pickle
        fitted = getattr(lexkit, cls)(token_pattern=r"(?u)\b\w+\b", strip_accents="unicode",
                                      ngram_range=(1, 2)).fit(SMALL)
        back = pickle.loads(pickle.dumps(fitted))
        assert back.get_params() == fitted.get_params()
        _same_matrix(back.transform(NEW), fitted.transform(NEW), cls)
        with pytest.warns(UserWarning, match="'token_pattern' will not be used"):
            fixed = getattr(lexkit, cls)(vocabulary=["", "new  york", "the"],
                                         tokenizer=str.split).fit(SMALL)
        back = pickle.loads(pickle.dumps(fixed))
        assert back.vocabulary_ == fixed.vocabulary_ and back.fixed_vocabulary_
        _same_matrix(back.transform(NEW), fixed.transform(NEW), cls)
        # a lambda cannot be pickled: pickle's own error, as with sklearn
        with pytest.raises(Exception) as theirs:
            pickle.dumps(getattr(sk_text, cls)(tokenizer=lambda d: d.split()))
        with pytest.raises(type(theirs.value)):
            pickle.dumps(getattr(lexkit, cls)(tokenizer=lambda d: d.split()))


def test_unpickle_state_without_the_new_parameters():
    """A vectorizer pickled before these parameters existed loads with their defaults."""
    v = lexkit.TfidfVectorizer().fit(SMALL)
    state = v.__getstate__()
    for k in ("input", "encoding", "decode_error", "strip_accents", "preprocessor",
              "tokenizer", "token_pattern", "vocabulary"):
        del state[k]
    state.pop("_python", None)
    state.pop("_fixed", None)
    back = lexkit.TfidfVectorizer.__new__(lexkit.TfidfVectorizer)
    back.__setstate__(state)
    assert back.get_params() == lexkit.TfidfVectorizer().get_params()
    _same_matrix(back.transform(NEW), v.transform(NEW), "TfidfVectorizer")


def test_pipeline_grid_search_over_token_pattern(sample):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline
    docs = sample[:120]
    y = np.array([("the" in d.lower().split()) for d in docs], dtype=int)
    grid = {"vec__token_pattern": [r"(?u)\b\w\w+\b", r"\S+", r"(\w)\w+"],
            "vec__strip_accents": [None, "ascii"]}
    results = []
    for mod in (lexkit, sk_text):
        pipe = Pipeline([("vec", mod.TfidfVectorizer()),
                         ("clf", LogisticRegression(max_iter=200))])
        search = GridSearchCV(pipe, grid, cv=3).fit(docs, y)
        results.append((search.best_params_, search.cv_results_["mean_test_score"]))
    assert results[0][0] == results[1][0]
    assert np.allclose(results[0][1], results[1][1], atol=1e-9)


def test_default_analysis_stays_in_c():
    """sklearn's default analysis (and its default token_pattern given explicitly) is
    lexkit's C path; other settings analyze in Python."""
    assert not lexkit.TfidfVectorizer().fit(SMALL)._python
    assert not lexkit.TfidfVectorizer(token_pattern=r"(?u)\b\w\w+\b").fit(SMALL)._python
    assert not lexkit.TfidfVectorizer(vocabulary=["fox"]).fit(SMALL)._python
    assert not lexkit.CountVectorizer(input="file").fit([io.BytesIO(b"a bb")])._python
    assert lexkit.TfidfVectorizer(token_pattern=r"\S+").fit(SMALL)._python
    assert lexkit.TfidfVectorizer(vocabulary=["new  york"]).fit(SMALL)._python


@pytest.mark.parametrize("cls", [lexkit.CountVectorizer, lexkit.TfidfVectorizer])
def test_callable_analyzer_non_str_terms(cls):
    """sklearn counts any hashable a callable analyzer gives; lexkit counts str terms and
    says which document gave which term (also past the first batch of an iterator, and in
    transform); str terms from the same analyzer work."""
    docs = ["a b", "b c"] * 6000  # more than one batch of 8192 documents
    bad = 9001

    def analyzer(doc, seen=[0]):
        i = seen[0]
        seen[0] += 1
        return doc.split() + ([(doc, i)] if i == bad else [])
    with pytest.raises(TypeError, match=r"^analyzer: document 9001 gave the term \('b c', 9001\) "
                       r"\(tuple\): lexkit's vectorizers count str terms"):
        cls(analyzer=analyzer).fit_transform(iter(docs))
    v = cls(analyzer=lambda d: d.split()).fit(docs)
    v.analyzer = lambda d: d.split() + ([len(d)] if d == "b c" else [])
    with pytest.raises(TypeError, match=r"^analyzer: document 1 gave the term 3 \(int\)"):
        v.transform(docs[:4])
    m = cls(analyzer=lambda d: d.split()).fit_transform(docs[:4])
    ref = getattr(sk_text, cls.__name__)(analyzer=lambda d: d.split()).fit_transform(docs[:4])
    assert abs(m - ref).max() <= 1e-12 and m.shape == ref.shape
