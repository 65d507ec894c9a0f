"""The fitted attributes of CountVectorizer / TfidfVectorizer against scikit-learn's on the
same documents: stop_words_ (the terms max_df, min_df and max_features left out),
get_feature_names_out(), vocabulary_, idf_, and when each exists."""
import json
import os
import pickle

import numpy as np
import pytest

import lexkit

sk_text = pytest.importorskip("sklearn.feature_extraction.text")
from sklearn.exceptions import NotFittedError as SkNotFitted  # noqa: E402

SRC = os.environ.get("LK_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def docs():
    with open(os.path.join(SRC, "tests", "data", "feat_docs.jsonl"), encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f if line.strip()]


PAIRS = [(lexkit.CountVectorizer, sk_text.CountVectorizer),
         (lexkit.TfidfVectorizer, sk_text.TfidfVectorizer)]

PRUNING = [dict(), dict(min_df=2), dict(max_df=0.5), dict(max_df=3), dict(max_features=10),
           dict(min_df=2, max_df=3, ngram_range=(1, 2)), dict(min_df=0.1, max_features=15),
           dict(analyzer="char_wb", ngram_range=(2, 3), min_df=3),
           dict(analyzer="char", ngram_range=(1, 2), max_df=0.9),
           dict(token_pattern=r"\w+", min_df=2, max_features=20),  # analyzed in Python
           dict(stop_words="english", min_df=2), dict(stop_words=["the", "and"], max_df=0.4)]


@pytest.mark.parametrize("kw", PRUNING)
@pytest.mark.parametrize("ours,theirs", PAIRS)
def test_fitted_attributes_as_sklearn(docs, ours, theirs, kw):
    a, b = ours(**kw).fit(docs), theirs(**kw).fit(docs)
    assert isinstance(a.stop_words_, set) and a.stop_words_ == b.stop_words_
    assert not (a.stop_words_ & set(a.vocabulary_))
    names = a.get_feature_names_out()
    assert names.dtype == object and list(names) == list(b.get_feature_names_out())
    assert a.vocabulary_ == b.vocabulary_
    if theirs is sk_text.TfidfVectorizer:
        assert a.idf_.dtype == np.float64
        assert np.max(np.abs(a.idf_ - b.idf_)) <= 1e-12
    # fit_transform sets them too, and a refit replaces them
    c = ours(**kw)
    c.fit_transform(docs[:5])
    c.fit_transform(docs)
    assert c.stop_words_ == b.stop_words_


def test_stop_words_pickle_delete_and_set(docs):
    """A pickle holds stop_words_ (as sklearn's); sklearn's note: del or set to None drops
    it before pickling."""
    v = lexkit.TfidfVectorizer(min_df=2).fit(docs)
    want = sk_text.TfidfVectorizer(min_df=2).fit(docs).stop_words_
    assert want and pickle.loads(pickle.dumps(v)).stop_words_ == want
    del v.stop_words_
    assert not hasattr(v, "stop_words_")
    assert not hasattr(pickle.loads(pickle.dumps(v)), "stop_words_")
    with pytest.raises(AttributeError):
        del v.stop_words_
    v.stop_words_ = None
    assert v.stop_words_ is None and pickle.loads(pickle.dumps(v)).stop_words_ is None
    np.testing.assert_allclose(pickle.loads(pickle.dumps(v)).transform(docs[:3]).toarray(),
                               v.transform(docs[:3]).toarray())


@pytest.mark.parametrize("ours,theirs", PAIRS)
def test_when_attributes_exist_as_sklearn(docs, ours, theirs):
    """Before fit: no stop_words_, vocabulary_ or idf_; get_feature_names_out raises
    NotFittedError, or with vocabulary= gives it checked (sklearn allows that before fit).
    With vocabulary= nothing is pruned and stop_words_ does not exist (as sklearn)."""
    for est in (ours(), theirs()):
        for attr in ("stop_words_", "vocabulary_", "idf_"):
            assert not hasattr(est, attr), (type(est), attr)
    with pytest.raises(lexkit.NotFittedError):
        ours().get_feature_names_out()
    with pytest.raises(SkNotFitted):
        theirs().get_feature_names_out()
    voc = ["zebra", "apple", "the"]
    a, b = ours(vocabulary=voc), theirs(vocabulary=voc)
    assert list(a.get_feature_names_out()) == list(b.get_feature_names_out()) == voc
    for bad in ([], ["a", "a"]):
        with pytest.raises(ValueError):
            theirs(vocabulary=bad).get_feature_names_out()
        with pytest.raises(ValueError):
            ours(vocabulary=bad).get_feature_names_out()
    a.fit(docs)
    b.fit(docs)
    assert not hasattr(a, "stop_words_") and not hasattr(b, "stop_words_")
    assert a.vocabulary_ == b.vocabulary_
    if theirs is sk_text.TfidfVectorizer:
        assert np.max(np.abs(a.idf_ - b.idf_)) <= 1e-12
        a, b = ours(use_idf=False).fit(docs), theirs(use_idf=False).fit(docs)
        assert not hasattr(a, "idf_") and not hasattr(b, "idf_")
