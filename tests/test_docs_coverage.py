"""Every public name of the main user modules has a docstring and an API reference entry.

Public names of a module: its `__all__` when it has one; otherwise every attribute not
starting with '_' that is a class or function defined in the module or one of its
submodules (so `symkeras.backend` counts the functions of `symkeras.backend.math_ops`, and
helpers imported from elsewhere do not count). Only modules, classes and functions are
checked (constants such as `__version__` have no docstring to check).

A name counts as documented when
- it has a docstring of its own (a class does not inherit its base class's), and
- some file docs/**/*.rst documents the same object (compared by identity, so a
  re-export such as `symkeras.Sequential` is covered by `symkeras.models.Sequential`):
  `.. autoclass::`, `.. autofunction::`, `.. autoexception::` or `.. autodata::` naming
  it (a dotted name is absolute; an undotted one is looked up in the module set by the
  last `automodule`, `currentmodule` or `module` directive above it), `.. automodule::`
  naming it (for modules), or `.. automodule:: M` with a `:members:` option that lists
  it, or an empty `:members:` (all of M's public names, as defined above).

Also: every member listed in the `:members:` option of an `autoclass` entry exists and has
a docstring (its own or inherited), since Sphinx silently skips undocumented members.
"""
import importlib
import inspect
import pathlib
import re
import types

import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / 'docs'
MODULES = {   # module -> the reference page that should document it
    'symkeras': 'docs/api/index.rst',
    'symkeras.layers': 'docs/api/layers.rst',
    'symkeras.optimizers': 'docs/api/optimizers.rst',
    'symkeras.losses': 'docs/api/losses.rst',
    'symkeras.callbacks': 'docs/api/callbacks.rst',
    'symkeras.backend': 'docs/api/backend.rst',
    'symkeras.datasets': 'docs/api/datasets.rst',
    'symkeras.preprocessing.sequence': 'docs/api/preprocessing.rst',
    'symkeras.preprocessing.text': 'docs/api/preprocessing.rst',
    'symkeras.preprocessing.image': 'docs/api/preprocessing.rst',
}
OBJECT_DIRECTIVES = ('autoclass', 'autofunction', 'autoexception', 'autodata')
DIRECTIVE = re.compile(r'^\s*\.\.\s+([\w:-]+)::\s*(\S*)\s*$')
OPTION = re.compile(r'^\s+:([\w-]+):\s*(.*)$')


def _is_api_object(value):
    return isinstance(value, types.ModuleType) or inspect.isclass(value) or \
        inspect.isfunction(value)


def public_names(module):
    """{name: object} of the public names of `module` (see the module docstring)."""
    if hasattr(module, '__all__'):
        names = list(module.__all__)
        return {name: getattr(module, name) for name in names
                if _is_api_object(getattr(module, name))}
    prefix = module.__name__
    result = {}
    for name, value in vars(module).items():
        if name.startswith('_') or not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        owner = getattr(value, '__module__', '') or ''
        if owner == prefix or owner.startswith(prefix + '.'):
            result[name] = value
    return result


def resolve(dotted):
    """The object named by a dotted path (module part imported), or None."""
    parts = dotted.split('.')
    for cut in range(len(parts), 0, -1):
        try:
            value = importlib.import_module('.'.join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            value = getattr(value, attribute, None)
        return value
    return None


def _directives(text):
    """(directive, argument, {option: value}) of every directive in an rst text."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = DIRECTIVE.match(line)
        if not match:
            continue
        options, follow = {}, index + 1
        while follow < len(lines):
            option = OPTION.match(lines[follow])
            if option:
                options[option.group(1)] = option.group(2).strip()
            elif lines[follow].strip() and lines[follow].startswith(' ' * 6) and options:
                last = list(options)[-1]   # a continued option value (long member lists)
                options[last] = (options[last] + ' ' + lines[follow].strip()).strip()
            else:
                break
            follow += 1
        yield match.group(1), match.group(2), options


def _members(value):
    return [name.strip() for name in value.split(',') if name.strip()]


def reference_entries():
    """(ids of documented objects, [(class path, member)] listed in autoclass :members:)."""
    documented, class_members = set(), []
    for path in sorted(DOCS.rglob('*.rst')):
        if '_build' in path.parts:
            continue
        current = None
        for directive, argument, options in _directives(path.read_text(encoding='utf-8')):
            if directive in ('automodule', 'currentmodule', 'module', 'py:module',
                             'py:currentmodule'):
                current = argument
            if directive == 'automodule':
                module = resolve(argument)
                documented.add(id(module))
                if 'members' in options:
                    listed = _members(options['members'])
                    names = listed or list(public_names(module))
                    documented.update(id(getattr(module, name, None)) for name in names)
            elif directive in OBJECT_DIRECTIVES:
                dotted = argument if '.' in argument or not current else \
                    current + '.' + argument
                documented.add(id(resolve(dotted)))
                if directive == 'autoclass' and options.get('members'):
                    class_members += [(dotted, m) for m in _members(options['members'])]
    documented.discard(id(None))
    return documented, class_members


def _own_docstring(value):
    if inspect.isclass(value):
        doc = value.__dict__.get('__doc__')
    else:
        doc = getattr(value, '__doc__', None)
    return bool(doc and doc.strip())


def test_every_public_name_has_a_docstring():
    missing = [f"{module}.{name}"
               for module in MODULES
               for name, value in public_names(importlib.import_module(module)).items()
               if not _own_docstring(value)]
    assert not missing, ("public names without a docstring of their own (write one with "
                         "Args/Returns and a short example): " + ', '.join(missing))


def test_every_public_name_has_an_api_reference_entry():
    documented, _ = reference_entries()
    missing = []
    for module, page in MODULES.items():
        for name, value in public_names(importlib.import_module(module)).items():
            if id(value) not in documented:
                kind = 'automodule' if isinstance(value, types.ModuleType) else \
                    'autoclass' if inspect.isclass(value) else 'autofunction'
                missing.append(f"{module}.{name} (add `.. {kind}:: {name}` to {page})")
    assert not missing, "public names missing from the API reference: " + '; '.join(missing)


def test_members_listed_in_the_reference_exist_and_have_docstrings():
    _, class_members = reference_entries()
    assert class_members, "no autoclass entry lists :members: (did the parser break?)"
    bad = []
    for class_path, member in class_members:
        cls = resolve(class_path)
        value = getattr(cls, member, None) if cls is not None else None
        if value is None and not hasattr(cls, member):
            bad.append(f"{class_path}.{member} does not exist")
            continue
        static = inspect.getattr_static(cls, member)
        doc = static.__doc__ if isinstance(static, property) else inspect.getdoc(value)
        if not (doc and doc.strip()):
            bad.append(f"{class_path}.{member} has no docstring")
    assert not bad, '; '.join(bad)


@pytest.mark.parametrize('text,expected', [
    ('.. autoclass:: Dense\n', {('autoclass', 'Dense')}),
    ('.. automodule:: symkeras.losses\n   :members: mse, mae\n',
     {('automodule', 'symkeras.losses')}),
])
def test_directive_parser(text, expected):
    assert {(d, a) for d, a, _ in _directives(text)} == expected
    options = [o for _, _, o in _directives(text)]
    if 'members' in text:
        assert _members(options[0]['members']) == ['mse', 'mae']
