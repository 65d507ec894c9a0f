"""The shipped type stubs (lexkit/__init__.pyi, lexkit/_lexkit.pyi) name what the modules
define: every public name and class member on both sides, and the parameter names of the
Python-level functions."""
import ast
import inspect
import os

import pytest

import lexkit
from lexkit import _lexkit

PKG = os.path.dirname(lexkit.__file__)
DUNDERS = {"__init__", "__len__", "__enter__", "__exit__"}


def _stub(name):
    path = os.path.join(PKG, name)
    assert os.path.exists(path), f"{name} is not installed next to the package"
    with open(path, encoding="utf-8") as f:
        return ast.parse(f.read(), name)


def _top(tree):
    """Public top-level names of a stub: defs, classes, annotated names, `import x as x`."""
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.asname == a.name:  # explicit re-export
                    names[a.name] = node
    return {k: v for k, v in names.items() if not k.startswith("_") or k == "__version__"}


def _members(cls_node):
    out = {}
    for node in cls_node.body:
        if isinstance(node, ast.FunctionDef):
            out[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out[node.target.id] = node
    return {k: v for k, v in out.items() if not k.startswith("_") or k in DUNDERS}


def _runtime_members(cls):
    """Public members a class defines itself (not inherited from object or sklearn)."""
    own = {}
    for k, v in vars(cls).items():
        if k.startswith("_") and k not in DUNDERS:
            continue
        if callable(v) or isinstance(v, (property, classmethod, staticmethod)) or \
                type(v).__name__ in ("method_descriptor", "getset_descriptor"):
            own[k] = v
    return own


def _runtime_params(fn):
    """Parameter names of fn, without private ones (a leading underscore is not API)."""
    return [p for p in inspect.signature(fn).parameters if not p.startswith("_")]


def _params(fn_node):
    a = fn_node.args
    return [p.arg for p in a.posonlyargs + a.args + a.kwonlyargs] + \
        ([a.vararg.arg] if a.vararg else []) + ([a.kwarg.arg] if a.kwarg else [])


@pytest.mark.parametrize("module,stub", [(lexkit, "__init__.pyi"), (_lexkit, "_lexkit.pyi")])
def test_stub_names_match_module(module, stub):
    top = _top(_stub(stub))
    public = set(getattr(module, "__all__", None) or
                 [n for n in dir(module) if not n.startswith("_")])
    assert public - set(top) == set(), f"{stub}: missing names"
    for name in top:
        assert hasattr(module, name), f"{stub}: {name} is not in {module.__name__}"
    stub_classes = {n: node for n, node in top.items() if isinstance(node, ast.ClassDef)}
    for name, node in stub_classes.items():
        cls = getattr(module, name)
        if issubclass(cls, BaseException):
            continue
        stub_members = dict(_members(node))
        for base in node.bases:  # members declared on a stub base class
            if isinstance(base, ast.Name) and base.id in stub_classes:
                stub_members = {**_members(stub_classes[base.id]), **stub_members}
        for m in stub_members:
            assert hasattr(cls, m) or m in getattr(cls, "__annotations__", {}) or \
                isinstance(stub_members[m], ast.AnnAssign), f"{stub}: {name}.{m} does not exist"
        missing = set(_runtime_members(cls)) - set(stub_members)
        assert not missing, f"{stub}: {name} lacks {sorted(missing)}"
        # parameter names of Python-level methods
        for m, fn_node in stub_members.items():
            obj = vars(cls).get(m)
            fn = obj.__func__ if isinstance(obj, (classmethod, staticmethod)) else obj
            if isinstance(fn_node, ast.FunctionDef) and inspect.isfunction(fn):
                assert _params(fn_node) == _runtime_params(fn), f"{name}.{m}"
    for name, node in top.items():
        fn = getattr(module, name)
        if isinstance(node, ast.FunctionDef) and inspect.isfunction(fn):
            assert _params(node) == _runtime_params(fn), name


def test_instance_attributes_in_stub():
    """The estimator parameters (set in __init__) are declared as attributes in the stub."""
    top = _top(_stub("__init__.pyi"))
    for cls in (lexkit.CountVectorizer, lexkit.TfidfVectorizer):
        declared = set(_members(top[cls.__name__]))
        for base in top[cls.__name__].bases:
            if isinstance(base, ast.Name) and base.id in top:
                declared |= set(_members(top[base.id]))
        assert set(cls().get_params()) <= declared, cls.__name__


def test_public_names_are_the_api():
    """dir(lexkit) shows the API, not the helpers it imports (np, os, re, List, bisect were
    public names), and `from lexkit import *` gives __all__, the names of the stub."""
    import types
    public = {n for n in dir(lexkit) if not n.startswith("_")}
    modules = {n for n in public if isinstance(getattr(lexkit, n), types.ModuleType)}
    assert modules == set(), f"modules in dir(lexkit): {sorted(modules)}"
    assert public == set(lexkit.__all__) - {"__version__"}
    ns = {}
    exec("from lexkit import *", ns)
    assert set(ns) - {"__builtins__"} == set(lexkit.__all__)
    assert set(_top(_stub("__init__.pyi"))) == set(lexkit.__all__)
