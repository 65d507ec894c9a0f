"""lexkit for Python: TF-IDF features, BM25 search, word vectors and Chinese tagging.

A thin layer over lexkit's C API (include/lexkit/): the work runs in C with the GIL
released, arrays are handed to numpy without copies, and lexkit's errors arrive as
exceptions (ValueError for bad arguments, OSError for I/O, BlockingIOError when another
process holds an index's write lock, QueryError (a LexkitError and a ValueError) for a
malformed search query, DocumentError (a LexkitError) for a document Index.add refuses,
LexkitError otherwise) carrying lexkit's message.
"""
from __future__ import annotations

# Helper modules under private names: dir(lexkit) and `from lexkit import *` show the API
# (__all__) only.
import bisect as _bisect
import math as _math
import numbers as _numbers
import os as _os
import re as _re
import tempfile as _tempfile
import unicodedata as _unicodedata
import warnings as _warnings
from collections.abc import Mapping as _Mapping
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import NamedTuple as _NamedTuple

import numpy as _np

if _TYPE_CHECKING:  # annotations only (they are not evaluated: `from __future__`)
    from typing import Iterable, List, Optional, Sequence, Tuple

from . import _lexkit
from ._lexkit import Hit, LexkitError, QueryError

__all__ = ["CountVectorizer", "TfidfVectorizer", "Index", "Tagger", "Vectors",
           "train_embeddings", "Hit", "BM25Params", "LexkitError", "QueryError",
           "DocumentError", "NotFittedError", "__version__"]
__version__ = _lexkit.version


class DocumentError(LexkitError, ValueError, TypeError):
    """A document Index.add refuses (not a dict, no 'id' or 'text', a value of the wrong
    type, NaN, a lone surrogate, an empty, duplicate or ill-formed id), its message naming
    it: "documents[I]: ..." or "documents[I]['key']: ...", I its 0-based place. A
    LexkitError; also a ValueError and a TypeError, the classes these refusals had before
    (a missing key was a KeyError)."""


_BOOLEAN = "an instance of 'bool', an instance of 'numpy.bool_' or an instance of 'int'"


def _is_boolean(v) -> bool:
    """sklearn 1.2's "boolean" parameter constraint."""
    return isinstance(v, (bool, _np.bool_, int))


def _is_df(v) -> bool:
    """sklearn 1.2's min_df/max_df constraint: a real in [0, 1] or an integer >= 1."""
    if isinstance(v, _numbers.Integral) and v >= 1:
        return True
    return isinstance(v, _numbers.Real) and 0 <= v <= 1


class NotFittedError(ValueError, AttributeError):
    """A vectorizer used before fit (as scikit-learn's NotFittedError, of the same bases)."""


class _Base:
    """scikit-learn's estimator protocol without importing scikit-learn (its import costs
    ~50 MB and a second of start-up): get_params/set_params over the __init__ keywords (what
    sklearn.base.clone, Pipeline and GridSearchCV use), a repr, and the estimator tags of
    sklearn 1.2 (_more_tags) and of sklearn >= 1.6 (__sklearn_tags__, built lazily)."""

    @classmethod
    def _get_param_names(cls):
        import inspect
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind != p.VAR_KEYWORD)

    def get_params(self, deep=True):
        """The constructor parameters as a dict (deep is accepted for sklearn)."""
        return {k: getattr(self, k) for k in self._get_param_names()}

    def set_params(self, **params):
        """Set constructor parameters; returns self."""
        names = self._get_param_names()
        for k, v in params.items():
            if k not in names:
                raise ValueError(f"Invalid parameter {k!r} for estimator {type(self).__name__}. "
                                 f"Valid parameters are: {names!r}.")
            setattr(self, k, v)
        return self

    def __repr__(self):
        defaults = type(self)().get_params()

        def same(a, b):
            try:
                return a is b or (type(a) is type(b) and bool(a == b))
            except Exception:
                return False
        changed = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items()
                            if not same(v, defaults.get(k)))
        return f"{type(self).__name__}({changed})"

    def _more_tags(self):
        return {"X_types": ["string"]}

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags
        return Tags(estimator_type=None, target_tags=TargetTags(required=False),
                    transformer_tags=TransformerTags(),
                    input_tags=InputTags(two_d_array=False, string=True))


def _docs(raw_documents) -> list:
    if isinstance(raw_documents, (str, bytes)):
        raise ValueError("Iterable over raw text documents expected, string object received.")
    return raw_documents if isinstance(raw_documents, list) else list(raw_documents)


# numpy dtypes the C side converts the values to in place (float64 is computed)
_VALUES = {_np.dtype(_np.float64): "d", _np.dtype(_np.float32): "f", _np.dtype(_np.int64): "q",
           _np.dtype(_np.int32): "i"}

# sklearn's FLOAT_DTYPES: TF-IDF values are these (another dtype warns and gives float64)
_FLOAT_DTYPES = (_np.float64, _np.float32, _np.float16)

_BATCH = 8192  # documents of an iterator handed to C at a time (fit without a full list)


def _threads(n_jobs) -> int:
    """The C vectorizer's thread count for n_jobs (None: 2 when there are 2 cores)."""
    if n_jobs is None:
        return 2 if (_os.cpu_count() or 1) >= 2 else 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (int, _np.integer)):
        raise TypeError(f"n_jobs: expected int or None, got {type(n_jobs).__name__}")
    n = int(n_jobs)
    if n == -1 or n >= 2:
        return 2
    if n == 1:
        return 1
    raise ValueError(f"n_jobs: expected None, -1 or a positive int, got {n}")


def _stop_list(stop_words):
    """sklearn's stop_words as (english, words): None, 'english', or an iterable of str that
    can be read again (a list as sklearn; a tuple, set or frozenset too; not an iterator),
    whose words are returned in a tuple. Another str is a ValueError (not a built-in stop
    list), a non-str item a TypeError."""
    if stop_words is None:
        return False, None
    if isinstance(stop_words, str):
        if stop_words == "english":
            return True, None
        raise ValueError(f"stop_words: not a built-in stop list: {stop_words!r} (expected "
                         "None, 'english' or a list of str)")
    if isinstance(stop_words, (bytes, bytearray)):
        raise TypeError("stop_words: expected None, 'english' or an iterable of str, got "
                        f"{type(stop_words).__name__}")
    try:
        once = iter(stop_words) is stop_words
    except TypeError:
        raise TypeError("stop_words: expected None, 'english' or an iterable of str, got "
                        f"{type(stop_words).__name__}") from None
    if once:  # each fit reads stop_words again, and clone/pickle copy it
        raise TypeError("stop_words: an iterator can be read only once; give a list, tuple "
                        "or set of str")
    words = tuple(stop_words)
    for i, w in enumerate(words):
        if not isinstance(w, str):
            raise TypeError(f"stop_words[{i}]: expected str, got {type(w).__name__}")
    return False, words


def _c_words(words):
    """The stop words the C side can hold: a word with a NUL or a lone surrogate (no UTF-8)
    is left out, as it never equals a token (a run of 2+ word characters of valid text)."""
    def ok(w):
        if "\0" in w:
            return False
        try:
            w.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    return tuple(w for w in words if ok(w))


def _df(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, float, _np.integer, _np.floating)):
        raise TypeError(f"{name}: expected int or float, got {type(v).__name__}")
    return int(v) if isinstance(v, (int, _np.integer)) else float(v)


_TOKEN_PATTERN = r"(?u)\b\w\w+\b"  # sklearn's default token_pattern, what the C side splits
_TOKEN = _re.compile(_TOKEN_PATTERN)
_WHITE_SPACES = _re.compile(r"\s\s+")  # runs that the char analyzers read as one space
_INPUTS = ("content", "filename", "file")
_DECODE_ERRORS = ("strict", "ignore", "replace")
_ANALYZERS = ("word", "char", "char_wb")


def _strip_accents_ascii(s: str) -> str:
    """sklearn's strip_accents_ascii: NFKD, then only the ASCII characters kept."""
    return _unicodedata.normalize("NFKD", s).encode("ASCII", "ignore").decode("ASCII")


def _strip_accents_unicode(s: str) -> str:
    """sklearn's strip_accents_unicode: NFKD without its combining characters (an ASCII
    string is returned as it is)."""
    if s.isascii():
        return s
    return "".join(c for c in _unicodedata.normalize("NFKD", s) if not _unicodedata.combining(c))


def _word_ngrams(tokens: list, lo: int, hi: int) -> list:
    """The n-grams of tokens, lo <= n <= hi, each joined by one space, in sklearn's order
    (all unigrams, then all bigrams, ...)."""
    if hi == 1:
        return tokens
    out = list(tokens) if lo == 1 else []
    n_tok = len(tokens)
    for n in range(max(lo, 2), min(hi, n_tok) + 1):
        out.extend(" ".join(tokens[i:i + n]) for i in range(n_tok - n + 1))
    return out


def _char_ngrams(text: str, lo: int, hi: int) -> list:
    """sklearn's 'char' analyzer: n-grams of the text with white space runs made one ' '."""
    text = _WHITE_SPACES.sub(" ", text)
    n_chars = len(text)
    out = list(text) if lo == 1 else []
    for n in range(max(lo, 2), min(hi, n_chars) + 1):
        out.extend(text[i:i + n] for i in range(n_chars - n + 1))
    return out


def _char_wb_ngrams(text: str, lo: int, hi: int) -> list:
    """sklearn's 'char_wb' analyzer: n-grams inside each word padded with a space on both
    sides; a padded word no longer than n gives itself once (then no longer n-grams)."""
    out = []
    for w in _WHITE_SPACES.sub(" ", text).split():
        w = " " + w + " "
        for n in range(lo, hi + 1):
            out.extend(w[i:i + n] for i in range(max(len(w) - n, 0) + 1))
            if len(w) <= n:
                break
    return out


def _check_vocabulary(vocabulary):
    """sklearn's checks of vocabulary= (a Mapping term -> index, or an iterable of terms; a
    set is taken sorted), with its messages. Returns (mapping, terms by column)."""
    if isinstance(vocabulary, set):
        vocabulary = sorted(vocabulary)
    if not isinstance(vocabulary, _Mapping):
        mapping = {}
        for i, t in enumerate(vocabulary):
            if mapping.setdefault(t, i) != i:
                raise ValueError("Duplicate term in vocabulary: %r" % t)
        terms = list(mapping)
    else:
        mapping = vocabulary
        if len(set(mapping.values())) != len(mapping):
            raise ValueError("Vocabulary contains repeated indices.")
        by_index = {i: t for t, i in mapping.items()}
        for i in range(len(mapping)):
            if i not in by_index:
                raise ValueError("Vocabulary of size %d doesn't contain index %d."
                                 % (len(mapping), i))
        terms = [by_index[i] for i in range(len(mapping))]
    if not mapping:
        raise ValueError("empty vocabulary passed to fit")
    return dict(mapping), terms


def _c_vocabulary_ok(terms, analyzer: str) -> bool:
    """Whether the C analyzers can hold these vocabulary terms (str, non-empty, encodable;
    word n-grams without a stray space): others go through the Python analysis, where a
    term is whatever string the analyzer gives."""
    for t in terms:
        if not isinstance(t, str) or not t:
            return False
        if analyzer == "word" and ("" in t.split(" ")):
            return False
        try:
            t.encode("utf-8")
        except UnicodeEncodeError:
            return False
    return True


class CountVectorizer(_Base):
    """Token counts as scipy.sparse.csr_matrix, as scikit-learn's CountVectorizer, with
    sklearn 1.2's parameters, names, defaults and errors (plus lexkit's n_jobs).

    With the default analysis (analyzer 'word', 'char' or 'char_wb'; token_pattern sklearn's
    (?u)\\b\\w\\w+\\b; no tokenizer, preprocessor or strip_accents) lexkit's C analyzers read
    the text. Otherwise (a token_pattern of your own, capture group included, a tokenizer,
    preprocessor, strip_accents 'ascii'/'unicode'/callable, a callable analyzer) each
    document is analyzed in Python exactly as sklearn's build_analyzer (decode, preprocess:
    lowercase then strip accents, tokenize, drop stop words, n-grams) and its terms are
    counted, filtered (min_df, max_df, max_features) and weighted in C. Either way the
    matrix and vocabulary equal sklearn's.

    input: 'content' (documents are str, or bytes decoded with encoding and decode_error),
    'filename' (paths, read as bytes) or 'file' (objects with read()). vocabulary: a Mapping
    term -> column or an iterable of terms (a set sorted), checked as sklearn does; fit then
    learns only df (and idf) and fixed_vocabulary_ is True. Callables (tokenizer,
    preprocessor, analyzer, strip_accents) are kept as given: get_params, clone and pickle
    carry them (a lambda cannot be pickled: pickle's own error, as with sklearn).

    stop_words: None, 'english' (sklearn's ENGLISH_STOP_WORDS) or a list of str (any
    iterable of str that can be read again: a tuple, set or frozenset too, not an iterator;
    get_params returns it as given, and a pickle keeps it). As in sklearn, the word analyzer
    drops the tokens equal to a stop word after preprocessing and tokenization, before
    n-grams are formed; the stop words themselves are not lowercased (with lowercase=True,
    'Is' never matches), and sklearn's warning names the tokens of stop words that are not
    stop words themselves. The char analyzers ignore stop_words (with sklearn's warning).
    Another str ('french'), bytes or a non-iterable is sklearn's ValueError (its message), a
    non-str item a TypeError."""

    _tfidf = False
    _bool_params: Tuple[str, ...] = ()

    def __init__(self, *, input="content", encoding="utf-8", decode_error="strict",
                 strip_accents=None, lowercase=True, preprocessor=None, tokenizer=None,
                 stop_words=None, token_pattern=_TOKEN_PATTERN, ngram_range=(1, 1),
                 analyzer="word", max_df=1.0, min_df=1, max_features=None, vocabulary=None,
                 binary=False, dtype=_np.int64, n_jobs=None):
        self.input = input
        self.encoding = encoding
        self.decode_error = decode_error
        self.strip_accents = strip_accents
        self.preprocessor = preprocessor
        self.tokenizer = tokenizer
        self.token_pattern = token_pattern
        self.n_jobs = n_jobs
        self.lowercase = lowercase
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.analyzer = analyzer
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype

    # ---- sklearn's checks and warnings ----------------------------------------------

    def _invalid(self, name, expected):
        """sklearn's InvalidParameterError text (a ValueError, as its class is)."""
        return ValueError(f"The {name!r} parameter of {type(self).__name__} must be "
                          f"{expected}. Got {getattr(self, name)!r} instead.")

    def _check_params(self):
        """The constraints sklearn 1.2 checks at fit on the analysis parameters."""
        if self.input not in _INPUTS:
            raise self._invalid("input", "a str among {'content', 'file', 'filename'}")
        if not isinstance(self.encoding, str):
            raise self._invalid("encoding", "an instance of 'str'")
        if self.decode_error not in _DECODE_ERRORS:
            raise self._invalid("decode_error", "a str among {'ignore', 'replace', 'strict'}")
        sa = self.strip_accents
        if not (sa is None or callable(sa) or (isinstance(sa, str) and sa in ("ascii", "unicode"))):
            raise self._invalid("strip_accents", "a str among {'ascii', 'unicode'}, None or a "
                                "callable")
        for name in ("preprocessor", "tokenizer"):
            f = getattr(self, name)
            if f is not None and not callable(f):
                raise self._invalid(name, "a callable or None")
        if self.token_pattern is not None and not isinstance(self.token_pattern, str):
            raise self._invalid("token_pattern", "an instance of 'str' or None")
        a = self.analyzer
        if not (callable(a) or (isinstance(a, str) and a in _ANALYZERS)):
            raise self._invalid("analyzer", "a str among {'char', 'char_wb', 'word'} or a "
                                "callable")
        voc = self.vocabulary
        if not (voc is None or isinstance(voc, _Mapping) or hasattr(voc, "__iter__")):
            raise self._invalid("vocabulary", "an instance of 'collections.abc.Mapping', an "
                                "object implementing '__iter__' or None")
        for name in ("binary", "lowercase") + self._bool_params:
            if not _is_boolean(getattr(self, name)):
                raise self._invalid(name, _BOOLEAN)
        for name in ("max_df", "min_df"):
            if not _is_df(getattr(self, name)):
                raise self._invalid(name, "a float in the range [0, 1] or an int in the range "
                                    "[1, inf)")
        mf = self.max_features
        if not (mf is None or (isinstance(mf, _numbers.Integral) and mf >= 1)):
            raise self._invalid("max_features", "an int in the range [1, inf) or None")
        sw = self.stop_words
        if not (sw is None or (isinstance(sw, str) and sw == "english")
                or (not isinstance(sw, (str, bytes)) and hasattr(sw, "__iter__"))):  # sets too
            raise self._invalid("stop_words", "a str among {'english'}, an instance of 'list' "
                                "or None")
        if not isinstance(self.ngram_range, tuple):
            raise self._invalid("ngram_range", "an instance of 'tuple'")
        if getattr(self, "norm", None) not in (None, "l1", "l2"):
            raise self._invalid("norm", "a str among {'l2', 'l1'} or None")
        lo, hi = self.ngram_range
        if lo > hi:
            raise ValueError("Invalid value for ngram_range=%s lower boundary larger than the "
                             "upper boundary." % str(self.ngram_range))

    def _warn_for_unused_params(self):
        """sklearn's warnings (their text, quotes included) for parameters that the other
        parameters make unused."""
        word = not callable(self.analyzer) and self.analyzer == "word"
        if self.tokenizer is not None and self.token_pattern is not None:
            _warnings.warn("The parameter 'token_pattern' will not be used since 'tokenizer' "
                          "is not None'")
        if self.preprocessor is not None and callable(self.analyzer):
            _warnings.warn("The parameter 'preprocessor' will not be used since 'analyzer' is "
                          "callable'")
        if (self.ngram_range != (1, 1) and self.ngram_range is not None
                and callable(self.analyzer)):
            _warnings.warn("The parameter 'ngram_range' will not be used since 'analyzer' is "
                          "callable'")
        if not word:
            if self.stop_words is not None:
                _warnings.warn("The parameter 'stop_words' will not be used since 'analyzer' "
                              "!= 'word'")
            if self.token_pattern is not None and self.token_pattern != _TOKEN_PATTERN:
                _warnings.warn("The parameter 'token_pattern' will not be used since "
                              "'analyzer' != 'word'")
            if self.tokenizer is not None:
                _warnings.warn("The parameter 'tokenizer' will not be used since 'analyzer' "
                              "!= 'word'")

    def _validate_vocabulary(self):
        """sklearn's: fixed_vocabulary_, and the fixed vocabulary (mapping, terms) or None."""
        if self.vocabulary is None:
            self.fixed_vocabulary_ = False
            return None
        fixed = _check_vocabulary(self.vocabulary)
        self.fixed_vocabulary_ = True
        return fixed

    # ---- sklearn's analysis in Python ------------------------------------------------

    def decode(self, doc):
        """The document as str: read from a path or file object per input, bytes decoded
        with encoding and decode_error (sklearn's decode)."""
        if self.input == "filename":
            with open(doc, "rb") as fh:
                doc = fh.read()
        elif self.input == "file":
            doc = doc.read()
        if isinstance(doc, bytes):
            doc = doc.decode(self.encoding, self.decode_error)
        if doc is _np.nan:
            raise ValueError("np.nan is an invalid document, expected byte or unicode string.")
        return doc

    def build_preprocessor(self):
        """preprocessor, or lowercasing (if lowercase) then strip_accents, as sklearn's."""
        if self.preprocessor is not None:
            return self.preprocessor
        sa = self.strip_accents
        if not sa:
            strip = None
        elif callable(sa):
            strip = sa
        elif sa == "ascii":
            strip = _strip_accents_ascii
        elif sa == "unicode":
            strip = _strip_accents_unicode
        else:
            raise ValueError('Invalid value for "strip_accents": %s' % sa)
        lower = bool(self.lowercase)
        if strip is None:
            return str.lower if lower else (lambda doc: doc)
        if lower:
            return lambda doc: strip(doc.lower())
        return strip

    def build_tokenizer(self):
        """tokenizer, or token_pattern's findall (a pattern with one group yields the
        group, as _re.findall does; more than one is sklearn's ValueError)."""
        if self.tokenizer is not None:
            return self.tokenizer
        pattern = _re.compile(self.token_pattern)
        if pattern.groups > 1:
            raise ValueError("More than 1 capturing group in token pattern. Only a single "
                             "group should be captured.")
        return pattern.findall

    def get_stop_words(self):
        """The stop words as sklearn uses them: None or a frozenset."""
        english, words = _stop_list(self.stop_words)
        if english:
            return frozenset(_lexkit.Vectorizer.english_stop_words())
        return None if words is None else frozenset(words)

    def build_analyzer(self):
        """A callable giving a document's terms (tokens or n-grams), decoding included,
        exactly as sklearn's build_analyzer; the C analyzers give the same terms."""
        decode = self.decode
        if callable(self.analyzer):
            analyzer = self.analyzer
            return lambda doc: analyzer(decode(doc))
        preprocess = self.build_preprocessor()
        lo, hi = (int(n) for n in self.ngram_range)
        if self.analyzer == "char":
            return lambda doc: _char_ngrams(preprocess(decode(doc)), lo, hi)
        if self.analyzer == "char_wb":
            return lambda doc: _char_wb_ngrams(preprocess(decode(doc)), lo, hi)
        if self.analyzer != "word":
            raise ValueError("%s is not a valid tokenization scheme/analyzer" % self.analyzer)
        stop = self.get_stop_words()
        tokenize = self.build_tokenizer()
        self._check_stop_words(preprocess, tokenize)

        def analyze(doc):
            tokens = tokenize(preprocess(decode(doc)))
            if stop is not None:
                tokens = [t for t in tokens if t not in stop]
            elif hi != 1:
                tokens = list(tokens)
            return _word_ngrams(tokens, lo, hi)
        return analyze

    def _default_analysis(self) -> bool:
        """Whether lexkit's C analyzers give this vectorizer's terms (sklearn's default
        preprocessing and token_pattern)."""
        if callable(self.analyzer) or self.preprocessor is not None or self.strip_accents:
            return False
        return self.analyzer != "word" or (self.tokenizer is None
                                           and self.token_pattern == _TOKEN_PATTERN)

    def _check_stop_words(self, preprocess=None, tokenize=None):
        """sklearn's warning about stop_words (_check_stop_words_consistency: once per
        stop_words object, at fit or transform): the tokens of the preprocessed stop words
        that are not stop words. Skipped when preprocess or tokenize fails on them, as
        sklearn does."""
        if self.stop_words is None or id(self.stop_words) == getattr(self, "_stop_words_id", None):
            return
        english, words = _stop_list(self.stop_words)
        if callable(self.analyzer) or self.analyzer != "word":
            return
        if preprocess is None:  # the C analysis: sklearn's default, english is consistent
            if english:
                return
            lower = self.lowercase
            preprocess, tokenize = (str.lower if lower else (lambda w: w)), _TOKEN.findall
        stop = self.get_stop_words()
        try:
            inconsistent = {t for w in stop for t in tokenize(preprocess(w)) if t not in stop}
        except Exception:
            self._stop_words_id = id(self.stop_words)
            return
        self._stop_words_id = id(self.stop_words)
        if inconsistent:
            _warnings.warn("Your stop_words may be inconsistent with your preprocessing. "
                          "Tokenizing the stop words generated tokens %r not in stop_words."
                          % sorted(inconsistent))

    def _terms(self, analyze, docs):
        """(terms, doc_off) of documents for the C side: all their terms in one list and
        where each document's start (n_docs + 1 offsets)."""
        terms, offs = [], [0]
        for doc in docs:
            terms.extend(analyze(doc))
            offs.append(len(terms))
        return terms, offs

    def _count_terms(self, count, analyze, docs, first=0):
        """count(terms, doc_off) on the terms of docs (documents first, first + 1, ...). A
        term that is not a str (a callable analyzer may give tuples or numbers: scikit-learn
        counts any hashable) is a TypeError naming the document and the term."""
        terms, offs = self._terms(analyze, docs)
        try:
            return count(terms, offs)
        except TypeError:
            bad = next((i for i, t in enumerate(terms) if not isinstance(t, str)), None)
            if bad is None:
                raise
            doc = _bisect.bisect_right(offs, bad) - 1
            raise TypeError(
                "analyzer: document %d gave the term %.60r (%s): lexkit's vectorizers count "
                "str terms; return strings (e.g. ' '.join(term) for a tuple)"
                % (first + doc, terms[bad], type(terms[bad]).__name__)) from None

    def _decoded(self, docs) -> list:
        return [self.decode(d) for d in docs]

    # ---- the C vectorizer ---------------------------------------------------------------

    def _config(self, python=False, vocabulary=None) -> dict:
        """The C vectorizer's parameters. python: documents come as their terms (analyzed
        in Python). vocabulary: the fixed columns, or None."""
        english, words = _stop_list(self.stop_words)
        lo, hi = self.ngram_range
        analyzer = self.analyzer if not callable(self.analyzer) else "word"
        c = dict(analyzer=analyzer, ngram_min=int(lo), ngram_max=int(hi),
                 lowercase=bool(self.lowercase), stop_words_english=english,
                 min_df=_df(self.min_df, "min_df"), max_df=_df(self.max_df, "max_df"),
                 max_features=self._max_features(),
                 binary=bool(self.binary), tfidf=self._tfidf, threads=_threads(self.n_jobs),
                 values=self._values())
        if words is not None:
            c["stop_words"] = _c_words(words)
        if python:  # the n-grams are formed in Python: the C side counts terms
            c.update(analyzer="word", ngram_min=1, ngram_max=1, lowercase=False,
                     stop_words_english=False, terms_given=True)
            c.pop("stop_words", None)
        if vocabulary is not None:
            c["vocabulary"] = vocabulary
        return c

    def _max_features(self) -> int:
        """max_features for the C side (0: no limit); sklearn's check and message (its
        InvalidParameterError is a ValueError) for what is not None or an int >= 1."""
        m = self.max_features
        if m is None:
            return 0
        if isinstance(m, _numbers.Integral) and m >= 1:  # True is 1, as in sklearn
            return int(m)
        raise ValueError(f"The 'max_features' parameter of {type(self).__name__} must be an int "
                         f"in the range [1, inf) or None. Got {m!r} instead.")

    def _out_dtype(self) -> _np.dtype:
        """The matrix's dtype: self.dtype (counts may be ints, bool, floats, as sklearn's)."""
        return _np.dtype(self.dtype)

    def _values(self) -> str:
        """The C side's value format for the matrix's dtype ('d' for others: converted by
        astype)."""
        return _VALUES.get(self._out_dtype(), "d")

    def _matrix(self, parts):
        import scipy.sparse as sp
        indptr, indices, data, n_cols = parts
        # the C buffers as they are (int32 indptr when it fits, values already in self.dtype
        # when it is one of _VALUES): csr_matrix keeps them without a copy
        with memoryview(indptr) as a, memoryview(data) as b:
            fmts = a.format, b.format
        indptr = _np.frombuffer(indptr, dtype=fmts[0])
        values = _np.frombuffer(data, dtype=fmts[1])
        m = sp.csr_matrix((values, _np.frombuffer(indices, dtype=_np.int32), indptr),
                          shape=(len(indptr) - 1, n_cols), copy=False)
        if m.dtype != self._out_dtype():
            m = m.astype(self._out_dtype())
        return m

    def _add_text(self, v, batch):
        """Count a batch of str documents in C; other documents (bytes, or input 'file' /
        'filename') are decoded first."""
        if self.input != "content":
            batch = self._decoded(batch)
        try:
            v.fit_add(batch)
        except TypeError:  # not all str: bytes decoded (the batch was not counted)
            v.fit_add(self._decoded(batch))

    def fit_transform(self, raw_documents, y=None):
        """Learn the vocabulary and return the document-term matrix.

        raw_documents: a list of documents, or any iterable of them (a file object, a
        generator): an iterable that is not a list is read in batches, never held whole in
        memory. Documents are str, or per input bytes, paths or file objects."""
        if isinstance(raw_documents, (str, bytes)):
            _docs(raw_documents)  # raises
        self._v = None
        self._check_params()
        self._warn_for_unused_params()
        fixed = self._validate_vocabulary()
        if fixed is not None and self.lowercase:
            if any(any(map(str.isupper, t)) for t in fixed[0] if isinstance(t, str)):
                _warnings.warn("Upper case characters found in vocabulary while 'lowercase' is "
                              "True. These entries will not be matched with any documents")
        python = not self._default_analysis() or (
            fixed is not None and not _c_vocabulary_ok(fixed[1], self.analyzer))
        config = self._config(python, None if fixed is None else fixed[1])
        analyze = self.build_analyzer() if python else None
        if not python:
            self._check_stop_words()
        self._check_dtype()
        v = _lexkit.Vectorizer(**config)
        v.fit_begin()
        if isinstance(raw_documents, (list, tuple)):
            batches = (raw_documents[i:i + _BATCH] for i in range(0, len(raw_documents), _BATCH))
        else:
            it = iter(raw_documents)
            batches = iter(lambda: [d for _, d in zip(range(_BATCH), it)], [])
        first = 0
        for batch in batches:  # a batch's UTF-8 (or terms) at a time
            if python:
                self._count_terms(v.fit_add_terms, analyze, batch, first)
            else:
                self._add_text(v, batch)
            first += len(batch)
        parts = v.fit_end()
        self._v = v
        self._python = python
        self._fixed = fixed
        self.__dict__.pop("_stop", None)
        self._stop_lazy = fixed is None  # stop_words_: read from C on first use
        m = self._matrix(parts)
        self._after_fit()
        return m

    def _check_dtype(self):
        """sklearn's warning at fit about dtype (none for counts)."""

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary of raw_documents."""
        self.fit_transform(raw_documents)
        return self

    def _unfitted_vocabulary(self):
        """sklearn's CountVectorizer transforms with a given vocabulary before any fit: a C
        vectorizer holding it, or NotFittedError without one."""
        if self.vocabulary is None or self._tfidf:
            raise NotFittedError("this vectorizer is not fitted yet: call fit or fit_transform")
        self._check_params()
        fixed = self._validate_vocabulary()
        python = not self._default_analysis() or not _c_vocabulary_ok(fixed[1], self.analyzer)
        v = _lexkit.Vectorizer(**self._config(python))
        v.set_vocabulary(fixed[1], [0] * len(fixed[1]), 0)
        self._v, self._python, self._fixed = v, python, fixed
        self._after_fit()

    def transform(self, raw_documents):
        """Document-term matrix with the fitted vocabulary."""
        if getattr(self, "_v", None) is None:
            self._unfitted_vocabulary()
        docs = _docs(raw_documents)
        if getattr(self, "_python", False):
            return self._matrix(self._count_terms(self._v.transform_terms,
                                                  self.build_analyzer(), docs))
        self._check_stop_words()
        if self.input != "content":
            docs = self._decoded(docs)
        try:
            parts = self._v.transform(docs)
        except TypeError:  # not all str: bytes decoded
            parts = self._v.transform(self._decoded(docs))
        return self._matrix(parts)

    def _after_fit(self):
        self._vocabulary = None  # built on first use: most pipelines never read it

    @property
    def vocabulary_(self) -> dict:
        """A mapping of terms to column indices (as scikit-learn's; with vocabulary= given,
        that mapping)."""
        if getattr(self, "_v", None) is None:
            raise AttributeError("vocabulary_: the vectorizer is not fitted yet")
        if getattr(self, "_vocabulary", None) is None:
            fixed = getattr(self, "_fixed", None)
            self._vocabulary = (dict(fixed[0]) if fixed is not None else
                                {t: i for i, t in enumerate(self._v.vocabulary()[0])})
        return self._vocabulary

    def __sklearn_is_fitted__(self) -> bool:
        return getattr(self, "_v", None) is not None

    def get_feature_names_out(self, input_features=None):
        """The terms of the columns, as an object array (as sklearn's: before fit, the
        vocabulary= given, checked; without one NotFittedError)."""
        if getattr(self, "_v", None) is None:
            if self.vocabulary is None:
                raise NotFittedError("this vectorizer is not fitted yet")
            return _np.asarray(self._validate_vocabulary()[1], dtype=object)
        return _np.asarray(self._v.vocabulary()[0], dtype=object)

    @property
    def stop_words_(self) -> set:
        """The terms the fit left out because of max_df, min_df or max_features (a set,
        as sklearn's stop_words_; not the stop_words parameter's words, which are never
        counted). Only after a fit without vocabulary= (else AttributeError, as sklearn).
        Built from lexkit's fit on first use; a pickle holds it, and as sklearn's note says
        it can be large: `del v.stop_words_` or `v.stop_words_ = None` drops it."""
        if "_stop" in self.__dict__:
            return self._stop
        if getattr(self, "_stop_lazy", False) and getattr(self, "_v", None) is not None:
            self._stop = set(self._v.pruned())
            return self._stop
        raise AttributeError(f"{type(self).__name__!r} object has no attribute 'stop_words_'")

    @stop_words_.setter
    def stop_words_(self, value):
        self._stop = value
        self._stop_lazy = False

    @stop_words_.deleter
    def stop_words_(self):
        if "_stop" not in self.__dict__ and not getattr(self, "_stop_lazy", False):
            raise AttributeError("stop_words_")
        self.__dict__.pop("_stop", None)
        self._stop_lazy = False

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in ("_v", "_vocabulary")}
        if getattr(self, "_v", None) is not None:
            state["_fitted"] = self._v.vocabulary()
            if state.get("_stop_lazy"):  # stop_words_ goes with it, as sklearn pickles it
                state["_stop"], state["_stop_lazy"] = set(self._v.pruned()), False
        return state

    def __setstate__(self, state):
        fitted = state.pop("_fitted", None)
        for k, d in _ANALYSIS_DEFAULTS.items():  # a pickle of a lexkit before them
            state.setdefault(k, d)
        self.__dict__.update(state)
        self._v = None
        if fitted is not None:
            self._v = _lexkit.Vectorizer(**self._config(getattr(self, "_python", False)))
            self._v.set_vocabulary(*fitted)


_ANALYSIS_DEFAULTS = dict(input="content", encoding="utf-8", decode_error="strict",
                          strip_accents=None, preprocessor=None, tokenizer=None,
                          token_pattern=_TOKEN_PATTERN, vocabulary=None)


class TfidfVectorizer(CountVectorizer):
    """TF-IDF matrix as scikit-learn's TfidfVectorizer: CountVectorizer's parameters plus
    norm, use_idf, smooth_idf and sublinear_tf, of sklearn's names, values and defaults.
    With vocabulary= given, fit learns the idf of those terms. dtype: as sklearn, a float
    dtype (float64, float32) gives that matrix; another one (an int, bool) warns at fit with
    sklearn's UserWarning and gives float64 (bool: of counts 0/1, as sklearn counts in dtype
    before weighting)."""

    _tfidf = True
    _bool_params = ("smooth_idf", "sublinear_tf", "use_idf")

    def __init__(self, *, input="content", encoding="utf-8", decode_error="strict",
                 strip_accents=None, lowercase=True, preprocessor=None, tokenizer=None,
                 analyzer="word", stop_words=None, token_pattern=_TOKEN_PATTERN,
                 ngram_range=(1, 1), max_df=1.0, min_df=1, max_features=None, vocabulary=None,
                 binary=False, dtype=_np.float64, norm="l2", use_idf=True, smooth_idf=True,
                 sublinear_tf=False, n_jobs=None):
        super().__init__(input=input, encoding=encoding, decode_error=decode_error,
                         strip_accents=strip_accents, lowercase=lowercase,
                         preprocessor=preprocessor, tokenizer=tokenizer,
                         stop_words=stop_words, token_pattern=token_pattern,
                         ngram_range=ngram_range, analyzer=analyzer, max_df=max_df,
                         min_df=min_df, max_features=max_features, vocabulary=vocabulary,
                         binary=binary, dtype=dtype, n_jobs=n_jobs)
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf

    def _config(self, python=False, vocabulary=None) -> dict:
        c = super()._config(python, vocabulary)
        # sklearn counts in self.dtype before weighting: bool counts are 0/1 (binary)
        c.update(binary=c["binary"] or _np.dtype(self.dtype) == _np.bool_)
        c.update(norm="none" if self.norm is None else self.norm, use_idf=bool(self.use_idf),
                 smooth_idf=bool(self.smooth_idf), sublinear_tf=bool(self.sublinear_tf))
        return c

    def fit(self, raw_documents, y=None):
        """Learn the vocabulary and idf of raw_documents."""
        self._check_params()
        self._warn_for_unused_params()  # sklearn's fit warns here and in fit_transform
        self.fit_transform(raw_documents)
        return self

    def _out_dtype(self) -> _np.dtype:
        """sklearn's TF-IDF dtype: self.dtype when it is a float one, else float64."""
        d = _np.dtype(self.dtype)
        return d if d in _FLOAT_DTYPES else _np.dtype(_np.float64)

    def _check_dtype(self):
        """sklearn's UserWarning (its text, TfidfVectorizer._check_params) for a dtype that
        is not one of its float types (as sklearn tests it: 'float32', a str, is warned
        about too, though the matrix is float32 as sklearn's)."""
        if self.dtype not in _FLOAT_DTYPES:
            _warnings.warn(f"Only {_FLOAT_DTYPES} 'dtype' should be used. {self.dtype} 'dtype' "
                          "will be converted to np.float64.", UserWarning)
        # counts in a complex or object dtype are refused by sklearn's TF-IDF step (its
        # check_array), with these messages; raised before the counting here
        kind = _np.dtype(self.dtype).kind
        if kind == "c":
            raise ValueError("Complex data not supported")
        if kind == "O":
            raise ValueError("unsupported data types in input")

    @property
    def idf_(self):
        """idf of each column (float64). Before fit NotFittedError (an AttributeError, as
        sklearn's); with use_idf=False AttributeError, as sklearn."""
        if getattr(self, "_v", None) is None:
            raise NotFittedError("idf vector is not fitted")
        b = self._v.idf()
        if b is None:
            raise AttributeError("idf_ needs a fitted vectorizer with use_idf=True")
        return _np.frombuffer(b, dtype=_np.float64)


def _not_one(obj, what: str, items: str) -> None:
    """TypeError for a single str/bytes (or dict) given where an iterable of items is expected
    (iterating it would take its characters, or keys, as the items)."""
    if isinstance(obj, (str, bytes, _Mapping)):
        raise TypeError(f"{what}: expected an iterable of {items}, not {type(obj).__name__}")


def _check_new_index(path: str, overwrite: bool) -> None:
    """Index.create's check of path: absent, an empty directory, or (overwrite) an index."""
    if not _os.path.lexists(path):
        return
    if not _os.path.isdir(path):
        raise NotADirectoryError(f"{path}: exists and is not a directory (an index is one)")
    if _lexkit.index_exists(path):  # the C index builder's rule
        if not overwrite:
            raise FileExistsError(f"{path}: holds a lexkit index; pass overwrite=True to replace "
                                  "it, or use Index.open to add to it")
    elif _os.listdir(path):
        raise FileExistsError(f"{path}: exists, is not empty and is not a lexkit index; "
                              "not replacing it")


def _number(v):
    """A number JSON can hold as int or float (numpy scalars included), or None if v is no
    number. NaN and infinities raise ValueError (the caller names the field)."""
    if isinstance(v, bool) or not isinstance(v, _numbers.Real):
        return None
    if isinstance(v, _numbers.Integral):
        return int(v)
    f = float(v)
    if not _math.isfinite(f):
        raise ValueError("NaN/inf cannot be stored")
    return f


def _document(d, i: int):
    """Document i of Index.add checked as `lexkit index` reads a JSON document: 'id' a str
    or a number, 'text' a str, 'title' a str or None; other values str, numbers (stored),
    bool, None, lists or dicts (not stored). numpy scalars become int/float. Returns d, or
    a converted copy, and the characters of its str values (its share of a batch)."""
    if not isinstance(d, _Mapping):
        raise DocumentError(f"documents[{i}]: expected dict, got {type(d).__name__}")
    if not isinstance(d, dict):
        d = dict(d)
    for k in ("id", "text"):
        if k not in d:
            raise DocumentError(f"documents[{i}]: missing {k!r} (a document needs 'id' and "
                                "'text')")
    out = None
    chars = 0
    for k, v in d.items():
        if not isinstance(k, str):  # a JSON key is a str (json.dumps would make 1 "1")
            raise DocumentError(f"documents[{i}]: the key {k!r} is not a str "
                                f"({type(k).__name__})")
        if isinstance(v, str):
            chars += len(v)
            continue
        where, t = f"documents[{i}][{k!r}]", type(v).__name__
        if k == "text" or (k == "title" and v is not None):
            raise DocumentError(f"{where}: expected str{' or None' if k == 'title' else ''}, "
                                f"got {t}")
        if k == "title" or (k != "id" and isinstance(v, (bool, type(None)))):
            continue  # not stored
        if k != "id" and isinstance(v, (list, tuple, dict)):
            out = dict(d) if out is None else out  # not stored: left out whatever it holds
            del out[k]
            continue
        try:
            n = _number(v)
        except ValueError as e:
            raise DocumentError(f"{where}: {e}") from None
        if n is None and k == "id":
            raise DocumentError(f"{where}: expected str or a number, got {t}")
        if n is None:
            raise DocumentError(f"{where}: a value of type {t} cannot be stored (str, int, "
                                "float; bool, None, list and dict are accepted, not stored)")
        if type(v) is not type(n):
            if out is None:
                out = dict(d)
            out[k] = n
    return (d if out is None else out), chars


def _lone_surrogate(s: str) -> Optional[str]:
    """The first lone surrogate of s written as \\udXXX (UTF-8 cannot hold it), or None."""
    if s.isascii():
        return None
    try:
        s.encode("utf-8")
    except UnicodeEncodeError as e:
        return f"\\u{ord(s[e.start]):04x}"
    return None


def _stage(adder, batch: list, start: int) -> None:
    """adder.add(batch, start); a str that UTF-8 cannot hold (a lone surrogate, which the
    staging finds in the batch's JSON) is a DocumentError naming its document and key."""
    try:
        adder.add(batch, start)
    except UnicodeEncodeError:
        for j, d in enumerate(batch):
            for k, v in d.items():
                u = _lone_surrogate(k)
                if u:
                    raise DocumentError(f"documents[{start + j}]: the key {k!r} holds a lone "
                                        f"surrogate {u} (not valid UTF-8)") from None
                u = _lone_surrogate(v) if isinstance(v, str) else None
                if u:
                    raise DocumentError(f"documents[{start + j}][{k!r}]: lone surrogate {u} "
                                        "(not valid UTF-8)") from None
        raise


# Index.add reads its documents in batches of at most this many documents, or of str values
# holding this many characters (the batch that reaches it ends there): one batch is in memory.
_ADD_BATCH_DOCS = 4096
_ADD_BATCH_CHARS = 4 << 20

_K_MAX = 100000000  # the largest k of `lexkit search --k`


def _search_fields(fields):
    """fields of Index.search/search_many: None/False, True, or names: a str is checked as
    `lexkit search --fields` checks it (comma-separated, non-empty, no white space, each
    once), a sequence of str as non-empty distinct names (ValueError otherwise)."""
    if fields is None or isinstance(fields, bool):
        return fields
    if isinstance(fields, str):
        names = fields.split(",")
        if any(not n for n in names):
            raise ValueError(f"fields: {fields!r} has an empty field name (expected "
                             "'name1,name2')")
        if any(any(c <= " " for c in n) for n in names):
            raise ValueError(f"fields: {fields!r}: field names cannot contain spaces or "
                             "control characters (expected 'name1,name2')")
    else:
        try:
            names = list(fields)
        except TypeError:
            raise TypeError("fields: expected None, True, or field names") from None
        if not all(isinstance(n, str) for n in names):
            raise TypeError("fields: names must be str")
        if any(not n for n in names):
            raise ValueError("fields: an empty field name")
    if len(set(names)) != len(names):
        raise ValueError(f"fields: a field is listed twice in {fields!r}")
    return tuple(names)


def _search_k(k) -> int:
    """k of Index.search/search_many, checked as `lexkit search --k` checks it."""
    try:
        n = k.__index__()
    except (AttributeError, TypeError):
        raise TypeError(f"k: expected int, got {type(k).__name__}") from None
    if not 0 <= n <= _K_MAX:
        raise ValueError(f"k: {n} is not an integer in [0, {_K_MAX}]")
    return n


def _query_str(q, where: str = "query") -> str:
    if not isinstance(q, str):
        raise TypeError(f"{where}: expected str, got {type(q).__name__}")
    return q


_DOC_LINE = _re.compile(r"documents:(\d+)(?::\d+)?: (.*)", _re.S)


def _doc_error(e: BaseException) -> Optional[BaseException]:
    """A "documents:LINE[:COL]: ..." error of the C reader (1-based lines of the JSON it was
    given) as a DocumentError "documents[I]: ...", I the 0-based place in the list, as
    Index.add's own checks name documents (an OSError stays one); None when e names no
    document."""
    m = _DOC_LINE.fullmatch(str(e))
    if not m:
        return None
    msg = _re.sub(r"\(first used at line (\d+)\)",
                 lambda g: f"(first used at documents[{int(g[1]) - 1}])", m[2])
    cls = type(e) if isinstance(e, OSError) else DocumentError
    return cls(f"documents[{int(m[1]) - 1}]: {msg}")


class BM25Params(_NamedTuple):
    """The BM25 formula and parameters an Index ranks with (Index.bm25), as `lexkit search
    --variant --k1 --b --delta`: delta is the one bm25l and bm25plus use (their default 0.5
    and 1.0 unless given), None for the other methods unless given."""
    method: str
    k1: float
    b: float
    delta: Optional[float]


# bm25s's name of a method -> lexkit's, and the delta bm25l/bm25plus use by default
# (features/bm25.c: BM25L_DEFAULT_DELTA, BM25PLUS_DEFAULT_DELTA)
_BM25_ALIASES = {"bm25+": "bm25plus"}
_BM25_DEFAULT_DELTA = {"bm25l": 0.5, "bm25plus": 1.0}
_BM25_DEFAULT = BM25Params("lucene", 1.2, 0.75, None)


class Index:
    """An on-disk BM25 index (a directory). Index(path) opens one; Index.create(path)
    makes a new one that the first add() writes. Searches may run from several threads.
    method, k1, b, delta: the BM25 ranking, as set_bm25 (None, the default: lucene, k1 1.2,
    b 0.75)."""

    def __init__(self, path, *, method: Optional[str] = None, k1: Optional[float] = None,
                 b: Optional[float] = None, delta: Optional[float] = None, _create=False,
                 **config):
        self._ix = _lexkit.Index(_os.fspath(path), _create, **config)
        self.path = _os.fspath(path)
        self._bm25 = _BM25_DEFAULT
        if (method, k1, b, delta) != (None, None, None, None):
            d = _BM25_DEFAULT
            try:
                self.set_bm25(d.method if method is None else method, d.k1 if k1 is None else k1,
                              d.b if b is None else b, delta)
            except BaseException:
                self._ix.close()
                raise

    @classmethod
    def create(cls, path, *, analyzer: str = "english", lang: str = "auto", stem: bool = False,
               lower: bool = True, zh_model: Optional[str] = None,
               title_weight: int = 1, zh_script: Optional[str] = None,
               overwrite: bool = False, method: Optional[str] = None,
               k1: Optional[float] = None, b: Optional[float] = None,
               delta: Optional[float] = None) -> "Index":
        """A new index in directory path, analyzed as `lexkit index` does by default.

        path must be absent or an empty directory: a path holding a lexkit index raises
        FileExistsError unless overwrite=True (then the old index stays until the first
        add() replaces it; until then len() is 0 and searches find nothing); a file raises
        NotADirectoryError, another non-empty directory FileExistsError (never replaced).
        analyzer: "english" (Lucene's EnglishAnalyzer: hyphens split, accents folded,
        possessives dropped, Lucene's stop list, Snowball stemming) or "plain" (lowercasing
        if lower, Snowball stemming if stem). lang: 'auto'/'zh' (Han text as character
        unigrams + bigrams) or 'en'. zh_model: a Chinese tagger model segmenting Han text
        (a file, or "zh": the shipped one, as Tagger.load("zh")), loaded here: a missing
        or bad model file raises now (OSError, LexkitError), not at the first add().
        title_weight: a title word counts this many times (BM25F, 1..100).
        zh_script: traditional Han text mapped to simplified (OpenCC t2s) in documents and
        queries, so 長江大橋 finds 长江大桥, as `lexkit index --zh-script`: 'auto' (without
        zh_model every Han character is mapped; with it each text is detected),
        'simplified' (nothing mapped) or 'traditional'; None: the CLI's default ('auto' for
        the english analyzer or with zh_model, 'simplified' for plain).
        method, k1, b, delta: the BM25 ranking of searches, as set_bm25 (any one given sets
        them all, the others at their defaults; none: lucene, k1 1.2, b 0.75). They are not
        stored in the index: they hold for this handle only, as `lexkit search --variant`
        for one search."""
        _check_new_index(_os.fsdecode(_os.fspath(path)), overwrite)
        if zh_model is not None:
            zh_model = _os.fsdecode(zh_model)  # a path-like object, as path
        if zh_model == "zh" and not _os.path.exists(zh_model):  # the shipped model, by name
            zh_model = _shipped_model("zh")
            if zh_model is None:
                raise FileNotFoundError("the shipped model 'zh' (zh-gsd-char.lkt) is not installed")
        return cls(path, _create=True, lang=lang, stem=stem, lower=lower, zh_model=zh_model,
                   analyzer=analyzer, title_weight=title_weight, zh_script=zh_script,
                   method=method, k1=k1, b=b, delta=delta)

    @classmethod
    def open(cls, path, *, method: Optional[str] = None, k1: Optional[float] = None,
             b: Optional[float] = None, delta: Optional[float] = None) -> "Index":
        """Open an existing index directory. method, k1, b, delta: the BM25 ranking of
        searches, as set_bm25 (any one given sets them all, the others at their defaults;
        none: lucene, k1 1.2, b 0.75, the ranking of `lexkit search` by default)."""
        return cls(path, method=method, k1=k1, b=b, delta=delta)

    def set_bm25(self, method: str = "lucene", k1: float = 1.2, b: float = 0.75,
                 delta: Optional[float] = None) -> None:
        """Rank later searches (search, search_many) with this BM25 formula and these
        parameters, as `lexkit search --variant METHOD --k1 K1 --b B [--delta DELTA]`
        (docs/search.md, "Scoring: the variants"): method "lucene" (the default),
        "robertson", "atire", "bm25l", "bm25plus" (or bm25s's "bm25+") or "xapian"; k1 >= 0
        (bm25s and rank_bm25 default to 1.5, Xapian's BM25Weight() is k1 1, b 0.5); b in
        [0, 1]; delta (bm25l and bm25plus only) >= 0, None for the method's default (0.5,
        1.0). Every argument not given is reset to its default. A bad name or value raises
        ValueError naming it ('b must be in [0, 1] (got 1.5)') and changes nothing; a
        method that is not a str, or a k1, b or delta that is not a number, TypeError. The
        setting is this handle's (not stored in the index); it holds across add and
        delete. Safe while other threads search: a search already running ends with the
        setting it started with."""
        if not isinstance(method, str):
            raise TypeError(f"method: expected str, got {type(method).__name__}")
        if delta is not None and delta < 0:
            raise ValueError(f"delta: expected None or a number >= 0, got {delta!r}")
        self._ix.set_bm25(method, k1, b, -1.0 if delta is None else delta)
        name = _BM25_ALIASES.get(method, method)
        self._bm25 = BM25Params(name, float(k1), float(b),
                                _BM25_DEFAULT_DELTA.get(name) if delta is None else float(delta))

    @property
    def bm25(self) -> BM25Params:
        """The BM25 ranking of searches: BM25Params(method, k1, b, delta), read-only (set
        it with set_bm25)."""
        return self._bm25

    def add(self, documents: Iterable[dict]) -> None:
        """Add dicts with 'id' and 'text' (and optional 'title'), all or none, checked as
        `lexkit index` reads JSON documents: 'id' a str or a number (stored as its str),
        'text' a str, 'title' a str or None. Every other str or number value (numpy
        scalars included) is stored with the document (search(..., fields=) returns it);
        bool, None, list and dict values are not stored, as the CLI skips JSON true/false,
        null, arrays and objects. A document the CLI would refuse raises DocumentError (a
        LexkitError, also a ValueError and a TypeError) naming it, 0-based, and the
        problem: not a dict, a missing 'id' or 'text', a value of another type, NaN or an
        infinity, a key that is not a str, a str with a lone surrogate
        ("documents[0]['f']: ..."), and what the index finds (a duplicate, empty or
        ill-formed id): 'documents[1]: duplicate document id "a" (first used at
        documents[0])'.

        documents may be any iterable, a generator of millions included: it is read in
        batches of _ADD_BATCH_DOCS (4096) documents or _ADD_BATCH_CHARS (4 Mi) characters
        of str values, whichever comes first, each checked and staged (as JSON, with the
        GIL released) in a temporary file beside the index, so only one batch is held in
        memory; the index build then reads that file (in bounded memory too). Ctrl-C
        (KeyboardInterrupt) is taken between batches. All or nothing: an exception while
        the documents are read (from the iterable, a bad document, KeyboardInterrupt)
        leaves the index exactly as it was, staged documents discarded, and so does an
        error of the build (a duplicate id); only the final build, one atomic change,
        makes them visible. The build itself is not interrupted: a Ctrl-C during it is
        raised after it, the documents then all added (len() tells)."""
        _not_one(documents, "documents", "dicts")
        try:
            documents = iter(documents)
        except TypeError:
            raise TypeError("documents: expected an iterable of dicts, got "
                            f"{type(documents).__name__}") from None
        self._ix.n_docs()  # a closed index raises ValueError, whatever documents holds
        adder = None  # made by the first batch: add([]) stages nothing
        try:
            batch: list = []
            start = chars = 0
            for i, d in enumerate(documents):
                d, n = _document(d, i)
                batch.append(d)
                chars += n
                if len(batch) >= _ADD_BATCH_DOCS or chars >= _ADD_BATCH_CHARS:
                    adder = adder or self._ix.adder()
                    _stage(adder, batch, start)
                    start, batch, chars = i + 1, [], 0
            if batch:
                adder = adder or self._ix.adder()
                _stage(adder, batch, start)
            del batch
            if adder is not None:
                adder.commit()
        except (LexkitError, ValueError, OSError) as e:
            named = _doc_error(e)
            if named is None:
                raise
            raise named from None
        finally:
            if adder is not None:
                adder.discard()

    def delete(self, ids: Iterable[str]) -> None:
        """Delete documents by id, atomically: all or none. An id that is not in the index
        raises LexkitError 'ids[I]: document id "ID" is not in the index' (I its place in
        ids) and nothing is deleted, as `lexkit index --delete-id` refuses it; delete([])
        does nothing. ids is an iterable of str (a single str raises TypeError)."""
        _not_one(ids, "ids", "str")
        self._ix.delete(list(ids))

    def search(self, query: str, k: int = 10, fields=None, syntax: bool = True,
               snippet: bool = False) -> List[Hit]:
        """Top-k hits, best first: each a Hit, an (id, score) tuple.

        The query syntax is `lexkit search`'s: +required, -excluded, "a phrase",
        title:word, prefix*; plain words rank as plain BM25. A malformed query (or a field
        the index does not have) raises QueryError, both a LexkitError and a ValueError,
        naming its column; syntax=False takes the query as plain text (a pasted URL, "rock
        - paper"), as `lexkit search --syntax off`. An index without documents (created,
        before its first add) finds nothing: []. fields: None (the default:
        hit.fields is None), True (every stored field), or names ("title,year" or
        ["title", "year"]; distinct, non-empty, and in a str without spaces, as `lexkit
        search --fields`: ValueError otherwise): hit.fields is then a dict (None for a
        name the document lacks).
        snippet=True: hit.snippet is the best passage of the stored text (at most 160
        characters) with the query's words located, {"field": "text", "text", "start",
        "highlights": [(a, b), ...], "cut_start", "cut_end"}, offsets in code points: the
        keys and values of `lexkit search --snippet --output-format json` (its [a, b]
        arrays as tuples), or None for a document without stored text. query must be a str (TypeError otherwise); k an
        int from 0 to 100000000, as `lexkit search --k` (ValueError otherwise)."""
        return self._ix.search(_query_str(query), _search_k(k), _search_fields(fields), syntax,
                               snippet)

    def search_many(self, queries: Sequence[str], k: int = 10, threads: int = 1,
                    fields=None, syntax: bool = True, snippet: bool = False) -> List[List[Hit]]:
        """search() for each query, on `threads` threads (1..64; the GIL released while
        they run); results do not depend on threads. The first malformed query raises
        QueryError ("query Q: ...", Q its 0-based place). snippet=True gives each hit its
        snippet, as search(..., snippet=True): each thread's searcher makes the snippets of
        the queries it ran, on the same threads."""
        _not_one(queries, "queries", "str")
        return self._ix.search_many(list(queries), _search_k(k), threads, _search_fields(fields),
                                    syntax, snippet)

    def __len__(self) -> int:
        return self._ix.n_docs()

    def close(self) -> None:
        """Release the index; later calls raise ValueError."""
        self._ix.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# The models shipped with lexkit, loadable by name: Tagger.load("zh"), Tagger.load("en").
_SHIPPED = {"zh": "zh-gsd-char.lkt", "en": "en-ewt.lkt"}


def _shipped_model(name: str) -> Optional[str]:
    here = _os.path.dirname(_os.path.abspath(__file__))
    for d in (_os.path.join(here, "models"), _os.environ.get("LEXKIT_MODELS", ""),
              _os.path.join(here, "..", "..", "corpora", "models")):
        p = _os.path.join(d, _SHIPPED[name])
        if d and _os.path.exists(p):
            return p
    return None


class Tagger:
    """A lexkit part-of-speech tagger (.lkt). Tagger.load("zh") loads the shipped Chinese
    model (segmentation + UPOS), Tagger.load("en") the shipped English one (UD English EWT,
    UPOS); thread-safe."""

    def __init__(self, t, name: str = "the model"):
        self._t = t
        self._name = name

    @classmethod
    def load(cls, path, user_dict=None) -> "Tagger":
        """Load a model file, or a shipped model by name: "zh" (Chinese, zh-gsd-char.lkt) or
        "en" (English, en-ewt.lkt), found in the package's models/ directory, then
        $LEXKIT_MODELS, then the source tree's corpora/models. user_dict: a file of `word` or
        `word TAG` lines (as `lexkit tag --user-dict`): each listed word comes out whole in
        raw text (character models), with TAG if given."""
        if isinstance(path, str) and path in _SHIPPED:
            p = _shipped_model(path)
            if p is None:
                raise FileNotFoundError(f"the shipped model {path!r} ({_SHIPPED[path]}) is not installed")
            path = p
        name = _os.path.basename(_os.fspath(path))
        if user_dict is None:
            return cls(_lexkit.Tagger(_os.fspath(path)), name)
        return cls(_lexkit.Tagger(_os.fspath(path), _os.fspath(user_dict)), name)

    def tag(self, tokens: Sequence[str]) -> List[str]:
        """Tags of one sentence's tokens (word models; a character model, which segments
        raw text, raises ValueError: use tag_text())."""
        _not_one(tokens, "tokens", "str")
        if self._t.segments():
            raise ValueError("tag(): a character model segments raw text: use tag_text()")
        return self._t.tag(list(tokens))

    _SCRIPTS = ("auto", "simplified", "traditional")
    _GRANULARITIES = ("fine", "coarse")

    def tag_text(self, text: str, granularity: str = "fine", script: str = "auto",
                 pretok: bool = True) -> List[Tuple[str, str]]:
        """(word, tag) pairs of raw text: character models segment it, as `lexkit tag` does.
        Each line of the text ("\\n", "\\r\\n" or a lone "\\r") is a sentence, as `lexkit tag`
        reads a file's lines (script "auto" decides per line): tag_text(open(f).read()) gives
        the CLI's words.

        granularity: "fine" (the model's words, UD GSD: 图书 馆) or "coarse" (words of the
        model's dictionary: a one-character suffix tagged PART joins the word before it when
        the dictionary has the two, 图书馆, and words that make a dictionary word together are
        joined where nothing marks a boundary, 高血压). script: "auto" (traditional text is converted to simplified for the model; the
        words keep the input's characters), "simplified" or "traditional". pretok: URLs,
        e-mail addresses, Latin words, numbers and emoji one word each, every punctuation
        mark its own (False: the model alone). Word models read the text as `lexkit tag
        --input-format raw` does (UD English EWT tokens: do n't, it 's); they refuse these
        options with other values than the defaults (ValueError), as the CLI refuses them
        with a word model, rather than ignoring them."""
        if granularity not in self._GRANULARITIES:
            raise ValueError(f"granularity must be one of {self._GRANULARITIES}, got {granularity!r}")
        if script not in self._SCRIPTS:
            raise ValueError(f"script must be one of {self._SCRIPTS}, got {script!r}")
        if not self._t.segments():
            given = [f"{k}={v!r}" for k, v, d in (("granularity", granularity, "fine"),
                                                   ("script", script, "auto"),
                                                   ("pretok", pretok, True)) if v != d]
            if given:
                raise ValueError(f"{given[0]} needs a character (Chinese) model; {self._name} "
                                 "is a word model")
        return self._t.tag_text(text, self._SCRIPTS.index(script), granularity == "coarse",
                                not pretok)

    def segment(self, text: str, granularity: str = "fine", script: str = "auto",
                pretok: bool = True) -> List[str]:
        """The words of raw text (options as tag_text)."""
        return [w for w, _ in self.tag_text(text, granularity, script, pretok)]


_VEC_FORMATS = {"bin": "binary"}  # the CLI's name of word2vec binary


def _vectors_from_table(words, data, dim):
    """Unpickle a Vectors without subwords: the words and the float32 bytes as they were."""
    return Vectors(_lexkit.vectors_from_arrays(list(words), data, dim))


def _vectors_from_model(model: bytes):
    """Unpickle a Vectors of a subword model from its LKEM bytes."""
    return Vectors(_lexkit.vectors_load_bytes(model))


def _query_items(value) -> list:
    """most_similar's positive/negative as a list, as gensim's _ensure_list: None is empty,
    a word or a 1-D array one item, a 2-D array its rows, another iterable its items."""
    if value is None:
        return []
    if isinstance(value, str) or (isinstance(value, _np.ndarray) and value.ndim == 1):
        return [value]
    if isinstance(value, (bytes, _Mapping)):
        raise TypeError(f"expected words, vectors or (word, weight) tuples, got "
                        f"{type(value).__name__}")
    return list(value)


def _topn_ok(topn):
    """gensim's topn: None (all) or an int; False when it asks for no result (< 1)."""
    if topn is None:
        return True
    if isinstance(topn, bool) or not isinstance(topn, _numbers.Integral):
        raise TypeError(f"topn: expected int or None, got {type(topn).__name__}")
    return topn >= 1


def _weighted(item, sign: float, where: str):
    """(key, weight) of a most_similar item: a word or a vector weighs sign, a (key, weight)
    tuple its weight (as gensim: the tuple's weight replaces the sign)."""
    if isinstance(item, (str, _np.ndarray)):
        return item, sign
    try:
        key, weight = item[0], item[1]
    except (TypeError, IndexError, KeyError):
        raise TypeError(f"{where}: expected a word, a vector or a (word, weight) tuple, got "
                        f"{type(item).__name__}") from None
    if not isinstance(key, (str, _np.ndarray)):
        raise TypeError(f"{where}: expected a word or a vector first, got {type(key).__name__}")
    if isinstance(weight, bool) or not isinstance(weight, _numbers.Real):
        raise TypeError(f"{where}: expected a number as the weight, got {type(weight).__name__}")
    return key, float(weight)


class Vectors:
    """Word vectors (word2vec text/binary files, lexkit and fastText models).

    As gensim's KeyedVectors: v["word"] is the word's vector (a numpy row; a list of words
    gives a 2-D array), "word" in v, pickling, and its queries with gensim 4's semantics:
    most_similar (words, (word, weight) tuples, vectors; topn=None, restrict_vocab),
    similar_by_word/similar_by_key/similar_by_vector, similarity, distance, n_similarity,
    distances, closer_than, rank, doesnt_match, most_similar_cosmul. Vectors of a model with subword
    n-grams (an LKEM or fastText .bin model loaded with format='auto', as `lexkit neighbors`
    reads them) compose an unseen word from its n-grams, as gensim's FastTextKeyedVectors:
    v["unseen"], "unseen" in v (True when it has an n-gram) and most_similar("unseen") work.
    Words are looked up as given: no lowercase fallback (gensim has none; the CLI's
    neighbors/analogy commands lowercase a word missing as given, docs/embeddings.md)."""

    def __init__(self, v):
        self._v = v

    @classmethod
    def load(cls, path, format: str = "auto") -> "Vectors":
        """Read word2vec text or binary ('auto' detects; 'bin' is 'binary', as the CLI names
        it), or a .lkem / fastText .bin model (format='auto'; with subwords it composes
        unseen words)."""
        return cls(_lexkit.vectors_load(_os.fspath(path), _VEC_FORMATS.get(format, format)))

    @classmethod
    def from_arrays(cls, words: Sequence[str], vectors) -> "Vectors":
        """A table from words and a (len(words), dim) array (stored as float32). A NaN or
        infinite value (after the conversion to float32) is a ValueError naming the word:
        lexkit's readers, like the CLI, refuse such a file."""
        a = _np.ascontiguousarray(vectors, dtype=_np.float32)
        if a.ndim != 2 or a.shape[0] != len(words):
            raise ValueError("vectors: expected shape (len(words), dim)")
        bad = _np.argwhere(~_np.isfinite(a))
        if len(bad):
            i, j = (int(x) for x in bad[0])
            raise ValueError(f"vectors[{i}] (word {words[i]!r}): value {j} is {a[i, j]}, not a "
                             "finite number (lexkit's readers refuse it)")
        return cls(_lexkit.vectors_from_arrays(list(words), a.tobytes(), a.shape[1]))

    def save(self, path, format: str = "text") -> None:
        """Write word2vec 'text' or 'binary' ('bin', the CLI's name, is 'binary'),
        atomically (the words' vectors only: a subword model's n-grams are not in these
        formats). An empty table is the header
        '0 DIM' alone, which load reads back (as gensim writes and reads it)."""
        self._v.save(_os.fspath(path), _VEC_FORMATS.get(format, format))

    @property
    def words(self) -> List[str]:
        return self._v.words()

    @property
    def vectors(self) -> _np.ndarray:
        """(n_words, dim) float32 view of lexkit's memory (read-only, no copy)."""
        dim = self._v.dim()
        return _np.frombuffer(self._v, dtype=_np.float32).reshape(-1, dim)

    def __len__(self) -> int:
        return len(self._v.words())

    def _vector(self, word) -> _np.ndarray:
        if not isinstance(word, str):
            raise TypeError(f"expected a word (str), got {type(word).__name__}")
        i = self._v.find(word)
        if i >= 0:
            return self.vectors[i]
        try:
            return _np.frombuffer(self._v.word_vector(word), dtype=_np.float32)
        except ValueError:
            raise KeyError(f"Key '{word}' not present") from None

    def __getitem__(self, key):
        """The vector of a word (a read-only float32 row of self.vectors; an unseen word of
        a subword model composed from its n-grams), or a 2-D array for a list of words, as
        gensim's KeyedVectors.__getitem__. An unknown word is a KeyError."""
        if isinstance(key, str):
            return self._vector(key)
        return _np.vstack([self._vector(k) for k in key])

    def __contains__(self, word) -> bool:
        """A vocabulary word, or (subword models, as gensim's FastTextKeyedVectors) an unseen
        word with an n-gram to compose it from."""
        if not isinstance(word, str):
            return False
        if self._v.find(word) >= 0:
            return True
        try:
            self._v.word_vector(word)
        except (ValueError, UnicodeEncodeError):
            return False
        return True

    def __reduce__(self):
        """Pickles round-trip exactly: the words and float32 bytes, or a subword model's
        LKEM bytes (composition of unseen words included)."""
        model = self._v.model_bytes()
        if model is not None:
            return (_vectors_from_model, (model,))
        return (_vectors_from_table, (self.words, self.vectors.tobytes(), self._v.dim()))

    # ---- gensim's similarity queries --------------------------------------------------
    # most_similar with words only runs in C (lexkit_vectors_most_similar, as `lexkit
    # neighbors`); vectors, weights, topn=None and restrict_vocab, and the other queries, run
    # in numpy over self.vectors the way gensim 4's KeyedVectors computes them (float32).

    def _norms(self) -> _np.ndarray:
        """The rows' L2 norms (float32, computed once: the table never changes)."""
        n = self.__dict__.get("_norm_cache")
        if n is None:
            n = self.__dict__["_norm_cache"] = _np.linalg.norm(self.vectors, axis=1)
        return n

    def _word_at(self) -> List[str]:
        """self.words, built once (the words() call copies them all)."""
        w = self.__dict__.get("_word_cache")
        if w is None:
            w = self.__dict__["_word_cache"] = self._v.words()
        return w

    def _unit(self, word: str):
        """(unit vector of word, its row or -1): a vocabulary row over its norm, or an unseen
        word of a subword model composed; another word is lexkit's ValueError."""
        i = self._v.find(word)
        if i >= 0:
            return self.vectors[i] / self._norms()[i], i
        try:
            vec = _np.frombuffer(self._v.word_vector(word), dtype=_np.float32)
        except (ValueError, UnicodeEncodeError):
            raise ValueError(f"word '{word}' not in vocabulary") from None
        return vec / _np.linalg.norm(vec), -1

    def _raw(self, vec, where: str) -> _np.ndarray:
        """A query vector given as an array: 1-D of dim values (used as it is, as gensim)."""
        a = _np.asarray(vec)
        if a.shape != (self._v.dim(),):
            raise ValueError(f"{where}: expected a vector of {self._v.dim()} values, got an "
                             f"array of shape {a.shape}")
        return a

    def _limit(self, restrict_vocab) -> int:
        """How many rows a query looks at: restrict_vocab (None or 0: all), as gensim."""
        n = len(self._word_at())
        if not restrict_vocab:
            return n
        if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, _numbers.Integral):
            raise TypeError(f"restrict_vocab: expected int or None, got "
                            f"{type(restrict_vocab).__name__}")
        if restrict_vocab < 0:
            raise ValueError(f"restrict_vocab: must be >= 0, got {restrict_vocab}")
        return min(int(restrict_vocab), n)

    def _best(self, dists, topn: int, exclude) -> List[Tuple[str, float]]:
        """The topn (word, score) of dists (rows 0..len(dists)), best first (ties: the
        earlier row), rows in exclude left out."""
        k = min(topn + len(exclude), len(dists))
        if k <= 0:
            return []
        neg = -dists
        idx = _np.argpartition(neg, k - 1)[:k] if k < len(dists) else _np.arange(len(dists))
        idx = idx[_np.lexsort((idx, neg[idx]))]
        words = self._word_at()
        return [(words[i], float(dists[i])) for i in idx.tolist() if i not in exclude][:topn]

    def most_similar(self, positive=(), negative=(), topn: Optional[int] = 10,
                     restrict_vocab: Optional[int] = None):
        """gensim's KeyedVectors.most_similar: the topn words nearest (cosine) to the weighted
        mean of the positive and negative items, best first, the given vocabulary words left
        out. Returns a list of (word, cosine).

        An item is a word (weight +1 in positive, -1 in negative), a (word, weight) tuple (the
        weight is used as given, in negative too, as gensim does), a numpy vector of dim
        values (used as it is, not normalized, as gensim 4 does; a (vector, weight) tuple too),
        and positive/negative may be one word, one vector or a 2-D array of vectors. Each
        word's vector is normalized, the query is the weighted sum over the total absolute
        weight, normalized. An unseen word of a subword model is composed from its n-grams
        (as gensim's FastTextKeyedVectors), another word is a ValueError ('word ... not in
        vocabulary'; gensim: KeyError). topn=None returns the cosines of all the rows
        considered as a float32 array in vocabulary order (the given words included);
        topn < 1 returns []. restrict_vocab=N considers the first N rows only (a file's most
        frequent words when it is sorted by frequency). Words only, with a topn and no
        restrict_vocab, run in C (as `lexkit neighbors`); the rest in numpy as gensim."""
        if not _topn_ok(topn):
            return []
        positive, negative = _query_items(positive), _query_items(negative)
        if topn is not None and restrict_vocab is None and \
                all(isinstance(k, str) for k in positive + negative):
            return self._v.most_similar(positive, negative, int(topn))
        n = self._limit(restrict_vocab)
        mean = _np.zeros(self._v.dim(), _np.float32)
        total = 0.0
        exclude = set()
        for name, items, sign in (("positive", positive, 1.0), ("negative", negative, -1.0)):
            for j, item in enumerate(items):
                key, weight = _weighted(item, sign, f"{name}[{j}]")
                vec = self._item_vector(key, f"{name}[{j}]", exclude)
                mean += weight * vec
                total += abs(weight)
        if not positive and not negative:
            raise ValueError("no positive or negative words")
        if total > 0:
            mean = mean / total
        length = _np.linalg.norm(mean)
        if length > 0:
            mean = (mean / length).astype(_np.float32)
        dists = self.vectors[:n] @ mean / self._norms()[:n]
        if topn is None:
            return dists
        return self._best(dists, int(topn), exclude)

    def similar_by_word(self, word: str, topn: Optional[int] = 10,
                        restrict_vocab: Optional[int] = None):
        """most_similar(positive=[word], ...), as gensim's similar_by_word."""
        return self.most_similar([word], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_key(self, key: str, topn: Optional[int] = 10,
                       restrict_vocab: Optional[int] = None):
        """most_similar(positive=[key], ...), as gensim 4's similar_by_key."""
        return self.most_similar([key], topn=topn, restrict_vocab=restrict_vocab)

    def similar_by_vector(self, vector, topn: Optional[int] = 10,
                          restrict_vocab: Optional[int] = None):
        """The words nearest (cosine) to a vector of dim values, as gensim's
        similar_by_vector (most_similar(positive=[vector], ...); no word is left out)."""
        return self.most_similar([_np.asarray(vector)], topn=topn, restrict_vocab=restrict_vocab)

    def similarity(self, w1: str, w2: str) -> float:
        """Cosine similarity of two words (unseen words of a subword model composed; another
        unknown word is a KeyError), as gensim's similarity."""
        a, b = self[w1], self[w2]
        return float(_np.dot(a / _np.linalg.norm(a), b / _np.linalg.norm(b)))

    def distance(self, w1: str, w2: str) -> float:
        """1 - similarity(w1, w2), as gensim's distance."""
        return 1 - self.similarity(w1, w2)

    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float:
        """Cosine similarity of the means of two lists of words' vectors (not normalized
        first), as gensim's n_similarity; an empty list is gensim's ZeroDivisionError. An
        unknown word is a KeyError (gensim 4.2 leaves it out silently)."""
        _not_one(ws1, "ws1", "words")
        _not_one(ws2, "ws2", "words")
        if not (len(ws1) and len(ws2)):
            raise ZeroDivisionError("At least one of the passed list is empty.")
        m1, m2 = self[list(ws1)].mean(axis=0), self[list(ws2)].mean(axis=0)
        return float(_np.dot(m1 / _np.linalg.norm(m1), m2 / _np.linalg.norm(m2)))

    def distances(self, word_or_vector, other_words: Sequence[str] = ()) -> _np.ndarray:
        """1 - cosine between a word (or a vector) and every word, in vocabulary order, or
        the words of other_words in their order (a float32 array), as gensim's distances."""
        if isinstance(word_or_vector, str):
            vec = self[word_or_vector]
        else:
            vec = self._raw(word_or_vector, "word_or_vector")
        if len(other_words):
            _not_one(other_words, "other_words", "words")
            others = self[list(other_words)]
            norms = _np.linalg.norm(others, axis=1)
        else:
            others, norms = self.vectors, self._norms()
        return 1 - (others @ vec) / (_np.linalg.norm(vec) * norms)

    def closer_than(self, w1: str, w2: str) -> List[str]:
        """The vocabulary words (w1 left out) nearer to w1 than w2 is, in vocabulary order, as
        gensim's closer_than; both must be vocabulary words (else KeyError)."""
        i1, i2 = self._v.find(w1), self._v.find(w2)
        for w, i in ((w1, i1), (w2, i2)):
            if i < 0:
                raise KeyError(f"Key '{w}' not present")
        d = self.distances(w1)
        words = self._word_at()
        return [words[i] for i in _np.flatnonzero(d < d[i2]).tolist() if i != i1]

    def rank(self, w1: str, w2: str) -> int:
        """The rank of w2 among w1's neighbours (1 = nearest), as gensim's rank:
        len(closer_than(w1, w2)) + 1."""
        return len(self.closer_than(w1, w2)) + 1

    def doesnt_match(self, words: Sequence[str]) -> str:
        """The word furthest from the mean of the words' unit vectors, as gensim's
        doesnt_match; words not in the table are left out with a warning (as gensim, which
        logs it), none left is a ValueError."""
        _not_one(words, "words", "words")
        words = list(words)
        used = [w for w in words if w in self]
        if len(used) != len(words):
            _warnings.warn(f"vectors for words {set(words) - set(used)} are not present in the "
                          "model, ignoring these words")
        if not used:
            raise ValueError("cannot select a word from an empty list")
        unit = _np.vstack([self._unit(w)[0] for w in used]).astype(_np.float32)
        mean = unit.mean(axis=0)
        mean = (mean / _np.linalg.norm(mean)).astype(_np.float32)
        return sorted(zip((unit @ mean).tolist(), used), reverse=True)[-1][1]

    def _item_vector(self, key, where, exclude):
        """A query item's vector: a word's unit vector (its row added to exclude) or a raw
        vector as given (where names it in errors)."""
        if isinstance(key, str):
            vec, row = self._unit(key)
            if row >= 0:
                exclude.add(row)
            return vec
        return self._raw(key, where)

    def most_similar_cosmul(self, positive=(), negative=(), topn: Optional[int] = 10,
                            restrict_vocab: Optional[int] = None):
        """gensim's most_similar_cosmul (Levy and Goldberg's 3CosMul): each word scored by
        prod((1 + cos(w, p)) / 2 for p in positive) / (prod((1 + cos(w, n)) / 2 for n in
        negative) + 1e-6), the given vocabulary words left out. Items are words (normalized)
        or numpy vectors (used as they are); topn as most_similar. restrict_vocab=N scores
        the first N rows only (gensim 4.2 accepts it and ignores it)."""
        if not _topn_ok(topn):
            return []
        n = self._limit(restrict_vocab)
        exclude = set()
        terms = {}
        for name, items in (("positive", _query_items(positive)),
                            ("negative", _query_items(negative))):
            terms[name] = []
            for j, key in enumerate(items):
                terms[name].append(self._item_vector(key, f"{name}[{j}]", exclude))
        if not terms["positive"]:
            raise ValueError("cannot compute similarity with no input")
        rows, norms = self.vectors[:n], self._norms()[:n]
        pos = [(1 + rows @ t / norms) / 2 for t in terms["positive"]]
        neg = [(1 + rows @ t / norms) / 2 for t in terms["negative"]]
        dists = _np.prod(pos, axis=0) / (_np.prod(neg, axis=0) + 0.000001)
        if topn is None:
            return dists
        return self._best(dists, int(topn), exclude)

    def to_gensim(self):
        """A gensim KeyedVectors with the same words and vectors; for a subword model a
        gensim FastTextKeyedVectors with its n-gram rows (min_n, max_n, bucket, vectors_vocab,
        vectors_ngrams), so that kv["unseen"] composes the word as lexkit does."""
        dim = self._v.dim()
        sw = self._v.subwords()
        if sw is None:
            from gensim.models import KeyedVectors
            kv = KeyedVectors(vector_size=dim)
            kv.add_vectors(self.words, _np.array(self.vectors))
            return kv
        from gensim.models.fasttext import FastTextKeyedVectors
        minn, maxn, buckets, word_rows, ngram_rows = sw
        kv = FastTextKeyedVectors(dim, minn, maxn, buckets)
        # not add_vectors: with n-grams every word is "in" kv, so it would add none
        kv.index_to_key = self.words
        kv.key_to_index = {w: i for i, w in enumerate(kv.index_to_key)}
        kv.vectors = _np.array(self.vectors)  # lexkit's (fastText's) word vectors
        kv.allocate_vecattrs()
        kv.vectors_vocab = _np.frombuffer(word_rows, dtype=_np.float32).reshape(-1, dim)
        kv.vectors_ngrams = _np.frombuffer(ngram_rows, dtype=_np.float32).reshape(-1, dim)
        kv.recalc_char_ngram_buckets()
        return kv


def train_embeddings(sentences=None, *, corpus_file=None, sg: bool = True, hs: bool = False,
                     vector_size: int = 100, window: int = 5, negative: int = 5, epochs: int = 5,
                     workers: int = 1, min_count: int = 5, sample: float = 1e-3,
                     alpha: float = 0.0, seed: int = 1, tokenize: bool = False) -> Vectors:
    """Train word2vec (skip-gram by default) on corpus_file (one sentence per line) or an
    iterable of sentences (each a str, split at whitespace, or a list of str tokens: a token
    that is empty or holds whitespace is a ValueError naming it, as the corpus is written
    whitespace-separated); gensim's parameter names. Errors name the sentence
    ("sentences[3]: ...", "sentences: the corpus has no words").
    Ctrl-C (or any signal handler that raises) stops training within a fraction of a second:
    KeyboardInterrupt, no vectors, no thread left running."""
    if (sentences is None) == (corpus_file is None):
        raise ValueError("give exactly one of sentences or corpus_file")
    kw = dict(sg=sg, hs=hs, vector_size=vector_size, window=window, negative=negative,
              epochs=epochs, workers=workers, min_count=min_count, sample=sample, alpha=alpha,
              seed=seed, tokenize=tokenize)
    if corpus_file is not None:
        return Vectors(_lexkit.train_file(_os.fspath(corpus_file), **kw))
    _not_one(sentences, "sentences", "sentences (str or lists of str)")
    try:
        sentences = iter(sentences)
    except TypeError:
        raise TypeError("sentences: expected an iterable of sentences (str or lists of str), "
                        f"got {type(sentences).__name__}") from None
    with _tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        tmp = f.name
        try:
            for i, s in enumerate(sentences):
                f.write(_sentence_line(s, i))
        except BaseException:
            f.close()
            _os.unlink(tmp)
            raise
    try:
        return Vectors(_lexkit.train_file(tmp, **kw))
    except (ValueError, LexkitError, OSError) as e:
        raise _renamed(e) from None
    finally:
        _os.unlink(tmp)


_SEPARATORS = _lexkit.corpus_separators()  # what the C corpus reader splits tokens on


def _sentence_line(s, i: int) -> str:
    """Sentence i as a corpus line: a str as it is (its line breaks as spaces), a list of
    tokens joined by spaces; a token that the reader would split (whitespace) or drop
    (empty) is a ValueError naming it, one that is no str a TypeError."""
    if isinstance(s, str):
        return s.replace("\n", " ") + "\n"
    if isinstance(s, (bytes, bytearray, _Mapping)):
        raise TypeError(f"sentences[{i}]: expected str or a list of str, got {type(s).__name__}")
    try:
        tokens = list(s)
    except TypeError:
        raise TypeError(f"sentences[{i}]: expected an iterable of str, got "
                        f"{type(s).__name__}") from None
    for j, t in enumerate(tokens):
        where = f"sentences[{i}][{j}]"
        if not isinstance(t, str):
            raise TypeError(f"{where}: expected str, got {type(t).__name__}")
        if not t:
            raise ValueError(f"{where}: empty token")
        if any(c in _SEPARATORS for c in t):
            raise ValueError(f"{where}: token {t!r} contains whitespace (the corpus is "
                             "whitespace-separated: it would become several tokens)")
    return " ".join(tokens) + "\n"


def _renamed(e: BaseException) -> BaseException:
    """e (raised while training on the temporary corpus file) naming the sentences instead:
    lexkit's location of the error (its _lexkit_where: line, col and the message after the
    location) gives 'sentences[line - 1]: message' or, without a line, 'sentences: message'."""
    where = getattr(e, "_lexkit_where", None)
    if where is None:
        return e
    line, _col, body = where
    out = type(e)(f"sentences[{line - 1}]: {body}" if line > 0 else f"sentences: {body}")
    out._lexkit_where = None
    return out


del annotations  # the __future__ feature object, not API
