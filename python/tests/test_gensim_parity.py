"""Vectors' similarity queries against gensim 4's KeyedVectors: the same word2vec file loaded
in both, the same calls, the same words in the same order and scores to 1e-6."""
import os
import subprocess
import warnings

import numpy as np
import pytest

import lexkit

gensim_models = pytest.importorskip("gensim.models")

SRC = os.environ.get("LK_SRC", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("LEXKIT")
TOL = 1e-6


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    """(lexkit Vectors, gensim KeyedVectors) of one file: vectors trained on the test corpus,
    so the rows are sorted by frequency as restrict_vocab expects."""
    corpus = os.path.join(SRC, "tests", "data", "emb_corpus.txt")
    path = str(tmp_path_factory.mktemp("vec") / "v.vec")
    lexkit.train_embeddings(corpus_file=corpus, vector_size=16, epochs=2, min_count=1).save(path)
    ours = lexkit.Vectors.load(path)
    theirs = gensim_models.KeyedVectors.load_word2vec_format(path)
    assert ours.words == theirs.index_to_key and len(ours) > 40
    return ours, theirs


def _same(ours, theirs):
    """Two most_similar results: lists of (word, score) or arrays of scores."""
    if isinstance(theirs, np.ndarray):
        assert isinstance(ours, np.ndarray) and ours.dtype == theirs.dtype
        assert ours.shape == theirs.shape
        assert np.max(np.abs(ours - theirs)) <= TOL
        return
    assert [w for w, _ in ours] == [w for w, _ in theirs]
    assert all(isinstance(s, float) for _, s in ours)
    assert max((abs(a - b) for (_, a), (_, b) in zip(ours, theirs)), default=0) <= TOL


def _queries(v):
    """most_similar arguments covering gensim's item kinds: words, (word, weight) tuples
    (in negative the weight is used as given), raw vectors (not normalized), (vector,
    weight), a 2-D array's rows, one word or one vector alone; topn, restrict_vocab."""
    w = v.words
    rng = np.random.default_rng(7)
    vec = rng.standard_normal(v.vectors.shape[1])  # float64, as a user's array may be
    vec32 = (rng.standard_normal(v.vectors.shape[1]) * 3).astype(np.float32)
    return [
        dict(positive=[w[3], w[8]], negative=[w[5]]),
        dict(positive=w[10]),
        dict(positive=[(w[3], 2.0), w[8]], negative=[(w[5], 0.5)]),
        dict(positive=[w[3]], negative=[(w[5], 1.5)]),
        dict(positive=[vec, w[4]]),
        dict(positive=vec),
        dict(positive=vec32, negative=[w[2]]),
        dict(positive=[(vec, 3.0)], negative=[w[6]]),
        dict(positive=v.vectors[:3] * 2),
        dict(positive=[w[1]], restrict_vocab=20),
        dict(positive=[w[1], w[9]], negative=[w[2]], restrict_vocab=30, topn=40),
        dict(positive=[w[30]], restrict_vocab=10),  # the query word beyond the rows looked at
        dict(positive=[w[7]], topn=len(w) + 5),
        dict(positive=[w[7]], topn=1),
    ]


def test_most_similar_items_as_gensim(pair):
    v, kv = pair
    for q in _queries(v):
        _same(v.most_similar(**q), kv.most_similar(**q))


def test_most_similar_topn_none_all_scores(pair):
    """topn=None: every row's cosine in vocabulary order (input words included), float32,
    restrict_vocab rows only."""
    v, kv = pair
    for q in _queries(v):
        q = dict(q, topn=None)
        ours = v.most_similar(**q)
        _same(ours, kv.most_similar(**q))
        assert len(ours) == q.get("restrict_vocab", len(v))
    w = v.words
    scores = v.most_similar([w[3], w[8]], [w[5]], topn=None)
    top = v.most_similar([w[3], w[8]], [w[5]], topn=5)
    # the list is the array's best rows without the given words
    order = [i for i in np.argsort(-scores, kind="stable") if i not in (3, 8, 5)][:5]
    assert [w[i] for i in order] == [x for x, _ in top]


def test_most_similar_topn_below_one_and_errors(pair):
    v, kv = pair
    for topn in (0, -3):
        assert v.most_similar(v.words[1], topn=topn) == kv.most_similar(v.words[1], topn=topn) == []
    assert v.most_similar("no-such-word", topn=0) == []  # as gensim: before any lookup
    with pytest.raises(ValueError, match="'no-such-word' not in vocabulary"):
        v.most_similar([("no-such-word", 1.0)])
    with pytest.raises(ValueError, match=r"positive\[0\]: expected a vector of 16 values"):
        v.most_similar([np.ones(3)])
    with pytest.raises(TypeError, match=r"negative\[0\]: expected a word, a vector or a"):
        v.most_similar(["the"], [3])
    with pytest.raises(TypeError, match="topn"):
        v.most_similar("the", topn=2.5)
    with pytest.raises(ValueError, match="restrict_vocab"):
        v.most_similar("the", restrict_vocab=-1)
    with pytest.raises(ValueError, match="no positive or negative"):
        v.most_similar([], restrict_vocab=5)


def test_words_in_c_and_weighted_in_numpy_agree(pair):
    """Words alone run in C (lexkit_vectors_most_similar), the rest in numpy: the same
    neighbours and scores."""
    v, _ = pair
    w = v.words
    _same(v.most_similar([w[3], w[8]], [w[5]], topn=20),
          v.most_similar([(w[3], 1.0), w[8]], [w[5]], topn=20))


def test_similar_by_as_gensim(pair):
    v, kv = pair
    vec = np.random.default_rng(3).standard_normal(v.vectors.shape[1]).astype(np.float32)
    _same(v.similar_by_vector(vec), kv.similar_by_vector(vec))
    _same(v.similar_by_vector(vec, topn=5, restrict_vocab=25),
          kv.similar_by_vector(vec, topn=5, restrict_vocab=25))
    _same(v.similar_by_vector(vec, topn=None), kv.similar_by_vector(vec, topn=None))
    w = v.words[12]
    _same(v.similar_by_word(w, topn=7), kv.similar_by_word(w, topn=7))
    _same(v.similar_by_key(w, restrict_vocab=15), kv.similar_by_key(w, restrict_vocab=15))


def test_pairwise_queries_as_gensim(pair):
    v, kv = pair
    w = v.words
    for a, b in [(w[1], w[2]), (w[5], w[40]), (w[3], w[3])]:
        assert abs(v.similarity(a, b) - kv.similarity(a, b)) <= TOL
        assert abs(v.distance(a, b) - kv.distance(a, b)) <= TOL
    for ws1, ws2 in [([w[1]], [w[2]]), ([w[1], w[5]], [w[2], w[3], w[4]]), (w[:20], w[20:40])]:
        assert abs(v.n_similarity(ws1, ws2) - kv.n_similarity(ws1, ws2)) <= TOL
    with pytest.raises(ZeroDivisionError):
        v.n_similarity([], [w[1]])
    with pytest.raises(KeyError):
        v.similarity(w[1], "no-such-word")
    with pytest.raises(KeyError):
        v.n_similarity([w[1], "no-such-word"], [w[2]])


def test_distances_rank_closer_than_as_gensim(pair):
    v, kv = pair
    w = v.words
    vec = np.random.default_rng(5).standard_normal(v.vectors.shape[1])
    for args in [(w[4],), (w[4], [w[1], w[30], w[4]]), (vec,), (vec, w[:10])]:
        ours, theirs = v.distances(*args), kv.distances(*args)
        assert ours.shape == theirs.shape and np.max(np.abs(ours - theirs)) <= TOL
    for a, b in [(w[1], w[2]), (w[1], w[-1]), (w[10], w[3]), (w[2], w[2])]:
        assert v.rank(a, b) == kv.rank(a, b)
        assert v.closer_than(a, b) == kv.closer_than(a, b)
    with pytest.raises(KeyError):
        v.rank(w[1], "no-such-word")


def test_doesnt_match_as_gensim(pair):
    v, kv = pair
    w = v.words
    for words in [w[:4], w[10:40], [w[3], w[42], w[7]]]:
        assert v.doesnt_match(words) == kv.doesnt_match(words)
    with pytest.warns(UserWarning, match="not present"):
        assert v.doesnt_match(w[:4] + ["no-such-word"]) == kv.doesnt_match(w[:4])
    with pytest.raises(ValueError, match="empty list"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v.doesnt_match(["no-such-word"])


def test_most_similar_cosmul_as_gensim(pair):
    v, kv = pair
    w = v.words
    vec = np.random.default_rng(9).standard_normal(v.vectors.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # gensim's init_sims deprecation
        for q in [dict(positive=[w[3], w[8]], negative=[w[5]]), dict(positive=w[3]),
                  dict(positive=[vec, w[2]], negative=[w[6]]), dict(positive=[w[1]], topn=3),
                  dict(positive=[w[3], w[8]], negative=[w[5]], topn=None)]:
            _same(v.most_similar_cosmul(**q), kv.most_similar_cosmul(**q))
    assert v.most_similar_cosmul(w[1], topn=0) == []
    full = v.most_similar_cosmul([w[3]], [w[5]], topn=None)
    assert np.max(np.abs(v.most_similar_cosmul([w[3]], [w[5]], topn=None, restrict_vocab=12)
                         - full[:12])) == 0
    with pytest.raises(ValueError, match="no input"):
        v.most_similar_cosmul(negative=[w[1]])


@pytest.fixture(scope="module")
def subword(tmp_path_factory):
    if not CLI:
        pytest.skip("LEXKIT (the CLI) not set")
    path = str(tmp_path_factory.mktemp("sw") / "ft.bin")
    subprocess.run([CLI, "embed", "--input", os.path.join(SRC, "tests", "data", "emb_corpus.txt"),
                    "--output", path, "--output-format", "fasttext", "--subwords", "3:5",
                    "--dim", "8", "--min-count", "1", "--quiet"], check=True)
    v = lexkit.Vectors.load(path)
    return v, v.to_gensim()


def test_subword_queries_as_gensim_fasttext(subword):
    """An unseen word is composed from its n-grams (gensim's FastTextKeyedVectors) in the
    numpy queries too, and is not left out of the results (it has no row)."""
    v, kv = subword
    unseen, w = "unseenwordxyz", v.words
    for q in [dict(positive=[(unseen, 2.0), w[3]], negative=[w[4]]),
              dict(positive=[unseen], restrict_vocab=30), dict(positive=[unseen], topn=None)]:
        _same(v.most_similar(**q), kv.most_similar(**q))
    assert abs(v.similarity(unseen, w[2]) - kv.similarity(unseen, w[2])) <= TOL
    assert v.doesnt_match([unseen, w[1], w[2]]) == kv.doesnt_match([unseen, w[1], w[2]])
