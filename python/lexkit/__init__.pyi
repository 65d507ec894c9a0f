# Type stubs of the lexkit package (python/lexkit/__init__.py). python/tests checks that the
# names here (module level, classes and their public members) match the module's.
import os
from typing import (Any, Callable, Dict, FrozenSet, Iterable, List, Mapping, NamedTuple,
                    Optional, Sequence, Set, Tuple, Type, Union, overload)

import numpy as np
import scipy.sparse

from ._lexkit import Hit as Hit
from ._lexkit import LexkitError as LexkitError
from ._lexkit import QueryError as QueryError

__all__ = ["CountVectorizer", "TfidfVectorizer", "Index", "Tagger", "Vectors",
           "train_embeddings", "Hit", "BM25Params", "LexkitError", "QueryError",
           "DocumentError", "NotFittedError", "__version__"]
__version__: str

_Path = Union[str, bytes, "os.PathLike[str]", "os.PathLike[bytes]"]
_Df = Union[int, float]
_Fields = Union[None, bool, str, Sequence[str]]
# None, 'english' or a collection of str (a list, tuple, set or frozenset; not an iterator)
_StopWords = Union[None, str, Iterable[str]]
# None, a mapping term -> column, or an iterable of terms
_Vocabulary = Union[None, Mapping[str, int], Iterable[str]]
# Vectors.most_similar's positive/negative: one word or vector, or a list of words, vectors
# and (word or vector, weight) tuples
_Item = Union[str, np.ndarray, Tuple[Union[str, np.ndarray], float]]
_Items = Union[None, str, np.ndarray, Sequence[_Item]]

class NotFittedError(ValueError, AttributeError): ...

class DocumentError(LexkitError, ValueError, TypeError):
    """A document Index.add refuses; the message names it: documents[I]..."""

class CountVectorizer:
    input: str
    encoding: str
    decode_error: str
    strip_accents: Union[None, str, Callable[[str], str]]
    lowercase: bool
    preprocessor: Optional[Callable[[str], str]]
    tokenizer: Optional[Callable[[str], Iterable[str]]]
    stop_words: _StopWords
    token_pattern: Optional[str]
    ngram_range: Tuple[int, int]
    analyzer: Union[str, Callable[[Any], Iterable[str]]]
    max_df: _Df
    min_df: _Df
    max_features: Optional[int]
    vocabulary: _Vocabulary
    binary: bool
    dtype: Type[Any]
    n_jobs: Optional[int]
    fixed_vocabulary_: bool
    def __init__(self, *, input: str = ..., encoding: str = ..., decode_error: str = ...,
                 strip_accents: Union[None, str, Callable[[str], str]] = ...,
                 lowercase: bool = ..., preprocessor: Optional[Callable[[str], str]] = ...,
                 tokenizer: Optional[Callable[[str], Iterable[str]]] = ...,
                 stop_words: _StopWords = ..., token_pattern: Optional[str] = ...,
                 ngram_range: Tuple[int, int] = ...,
                 analyzer: Union[str, Callable[[Any], Iterable[str]]] = ...,
                 max_df: _Df = ..., min_df: _Df = ..., max_features: Optional[int] = ...,
                 vocabulary: _Vocabulary = ..., binary: bool = ..., dtype: Type[Any] = ...,
                 n_jobs: Optional[int] = ...) -> None: ...
    def fit(self, raw_documents: Iterable[Any], y: Any = ...) -> "CountVectorizer": ...
    def fit_transform(self, raw_documents: Iterable[Any], y: Any = ...) -> scipy.sparse.csr_matrix: ...
    def transform(self, raw_documents: Iterable[Any]) -> scipy.sparse.csr_matrix: ...
    def get_feature_names_out(self, input_features: Any = ...) -> np.ndarray: ...
    def decode(self, doc: Any) -> str: ...
    def build_preprocessor(self) -> Callable[[str], str]: ...
    def build_tokenizer(self) -> Callable[[str], Iterable[str]]: ...
    def build_analyzer(self) -> Callable[[Any], List[str]]: ...
    def get_stop_words(self) -> Optional[FrozenSet[str]]: ...
    @property
    def vocabulary_(self) -> Dict[str, int]: ...
    # the terms max_df/min_df/max_features left out (after a fit without vocabulary=);
    # settable and deletable, as sklearn's attribute
    stop_words_: Set[str]
    def get_params(self, deep: bool = ...) -> Dict[str, Any]: ...
    def set_params(self, **params: Any) -> "CountVectorizer": ...

class TfidfVectorizer(CountVectorizer):
    norm: Optional[str]
    use_idf: bool
    smooth_idf: bool
    sublinear_tf: bool
    def __init__(self, *, input: str = ..., encoding: str = ..., decode_error: str = ...,
                 strip_accents: Union[None, str, Callable[[str], str]] = ...,
                 lowercase: bool = ..., preprocessor: Optional[Callable[[str], str]] = ...,
                 tokenizer: Optional[Callable[[str], Iterable[str]]] = ...,
                 analyzer: Union[str, Callable[[Any], Iterable[str]]] = ...,
                 stop_words: _StopWords = ..., token_pattern: Optional[str] = ...,
                 ngram_range: Tuple[int, int] = ..., max_df: _Df = ..., min_df: _Df = ...,
                 max_features: Optional[int] = ..., vocabulary: _Vocabulary = ...,
                 binary: bool = ..., dtype: Type[Any] = ..., norm: Optional[str] = ...,
                 use_idf: bool = ..., smooth_idf: bool = ..., sublinear_tf: bool = ...,
                 n_jobs: Optional[int] = ...) -> None: ...
    @property
    def idf_(self) -> np.ndarray: ...

# Index.bm25: method "lucene", "robertson", "atire", "bm25l", "bm25plus" or "xapian"; delta
# the one bm25l/bm25plus use (None for the others unless given)
class BM25Params(NamedTuple):
    method: str
    k1: float
    b: float
    delta: Optional[float]

class Index:
    path: str
    def __init__(self, path: _Path, *, method: Optional[str] = ..., k1: Optional[float] = ...,
                 b: Optional[float] = ..., delta: Optional[float] = ...,
                 **config: Any) -> None: ...
    @classmethod
    def create(cls, path: _Path, *, analyzer: str = ..., lang: str = ..., stem: bool = ...,
               lower: bool = ..., zh_model: Optional[str] = ...,
               title_weight: int = ..., zh_script: Optional[str] = ...,
               overwrite: bool = ..., method: Optional[str] = ..., k1: Optional[float] = ...,
               b: Optional[float] = ..., delta: Optional[float] = ...) -> "Index": ...
    @classmethod
    def open(cls, path: _Path, *, method: Optional[str] = ..., k1: Optional[float] = ...,
             b: Optional[float] = ..., delta: Optional[float] = ...) -> "Index": ...
    # method "lucene", "robertson", "atire", "bm25l", "bm25plus" ("bm25+") or "xapian"
    def set_bm25(self, method: str = ..., k1: float = ..., b: float = ...,
                 delta: Optional[float] = ...) -> None: ...
    @property
    def bm25(self) -> BM25Params: ...
    # any iterable, read in batches (one in memory); all the documents are added or none
    def add(self, documents: Iterable[Mapping[str, Any]]) -> None: ...
    def delete(self, ids: Iterable[str]) -> None: ...
    # snippet=True: each hit.snippet a dict with the keys and values of the CLI's JSON
    # snippet ("field", "text", "start", "highlights", "cut_start", "cut_end"), or None
    def search(self, query: str, k: int = ..., fields: _Fields = ..., syntax: bool = ...,
               snippet: bool = ...) -> List[Hit]: ...
    def search_many(self, queries: Sequence[str], k: int = ..., threads: int = ...,
                    fields: _Fields = ..., syntax: bool = ...,
                    snippet: bool = ...) -> List[List[Hit]]: ...
    def __len__(self) -> int: ...
    def close(self) -> None: ...
    def __enter__(self) -> "Index": ...
    def __exit__(self, *exc: Any) -> None: ...

class Tagger:
    def __init__(self, t: Any, name: str = ...) -> None: ...
    @classmethod
    def load(cls, path: _Path, user_dict: Optional[_Path] = ...) -> "Tagger": ...
    def tag(self, tokens: Sequence[str]) -> List[str]: ...
    def tag_text(self, text: str, granularity: str = ..., script: str = ...,
                 pretok: bool = ...) -> List[Tuple[str, str]]: ...
    def segment(self, text: str, granularity: str = ..., script: str = ...,
                pretok: bool = ...) -> List[str]: ...

class Vectors:
    def __init__(self, v: Any) -> None: ...
    @classmethod
    def load(cls, path: _Path, format: str = ...) -> "Vectors": ...
    @classmethod
    def from_arrays(cls, words: Sequence[str], vectors: Any) -> "Vectors": ...
    def save(self, path: _Path, format: str = ...) -> None: ...
    @property
    def words(self) -> List[str]: ...
    @property
    def vectors(self) -> np.ndarray: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: str) -> np.ndarray: ...
    @overload
    def __getitem__(self, key: Iterable[str]) -> np.ndarray: ...
    def __contains__(self, word: object) -> bool: ...
    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]: ...
    # most_similar's items: a word, a vector, or a (word or vector, weight) tuple
    @overload
    def most_similar(self, positive: _Items = ..., negative: _Items = ...,
                     topn: int = ..., restrict_vocab: Optional[int] = ...) -> List[Tuple[str, float]]: ...
    @overload
    def most_similar(self, positive: _Items = ..., negative: _Items = ..., *,
                     topn: None, restrict_vocab: Optional[int] = ...) -> np.ndarray: ...
    def similar_by_word(self, word: str, topn: Optional[int] = ...,
                        restrict_vocab: Optional[int] = ...) -> Any: ...
    def similar_by_key(self, key: str, topn: Optional[int] = ...,
                       restrict_vocab: Optional[int] = ...) -> Any: ...
    def similar_by_vector(self, vector: Any, topn: Optional[int] = ...,
                          restrict_vocab: Optional[int] = ...) -> Any: ...
    def similarity(self, w1: str, w2: str) -> float: ...
    def distance(self, w1: str, w2: str) -> float: ...
    def n_similarity(self, ws1: Sequence[str], ws2: Sequence[str]) -> float: ...
    def distances(self, word_or_vector: Union[str, np.ndarray],
                  other_words: Sequence[str] = ...) -> np.ndarray: ...
    def closer_than(self, w1: str, w2: str) -> List[str]: ...
    def rank(self, w1: str, w2: str) -> int: ...
    def doesnt_match(self, words: Sequence[str]) -> str: ...
    def most_similar_cosmul(self, positive: _Items = ..., negative: _Items = ...,
                            topn: Optional[int] = ...,
                            restrict_vocab: Optional[int] = ...) -> Any: ...
    def to_gensim(self) -> Any: ...

def train_embeddings(sentences: Optional[Iterable[Union[str, Sequence[str]]]] = ..., *,
                     corpus_file: Optional[_Path] = ..., sg: bool = ..., hs: bool = ...,
                     vector_size: int = ..., window: int = ..., negative: int = ...,
                     epochs: int = ..., workers: int = ..., min_count: int = ...,
                     sample: float = ..., alpha: float = ..., seed: int = ...,
                     tokenize: bool = ...) -> Vectors: ...
