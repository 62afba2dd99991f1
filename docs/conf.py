"""Sphinx configuration of the symkeras documentation.

Build (from the repository root):

    python -m sphinx -W --keep-going -b html docs docs/_build/html
    python -m sphinx -b doctest docs docs/_build/doctest
"""
import os
import sys

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
sys.path.insert(0, ROOT)                       # symkeras, compiler, runtime from this checkout
sys.path.insert(0, os.path.join(DOCS, '_ext'))

project = 'symkeras'
author = 'the symkeras developers'
copyright = '2026, the symkeras developers'    # noqa: A001 - Sphinx's name
release = version = '0.1.0'

extensions = [
    'sphinx.ext.autodoc',      # the API reference, from the package's own docstrings
    'sphinx.ext.napoleon',     # ... written Google style (Args:, Returns:, Raises:)
    'sphinx.ext.doctest',      # runs every >>> example of the pages and docstrings
    'runblock',                # runs the guides' snippets at build time (docs/_ext)
]

exclude_patterns = ['_build', '_ext', 'Thumbs.db', '.DS_Store']
root_doc = 'index'
html_theme = 'alabaster'
html_static_path = []
html_theme_options = {'description': 'Keras 2 on a graph compiler with a Numba runtime',
                      'fixed_sidebar': True, 'page_width': '1180px'}
# Docstrings write code in single backquotes (`learning_rate=`): show it as code.
default_role = 'literal'

# Broken cross-references are warnings (and `-W` makes them errors). Napoleon turns the
# text in "name (text): ..." into a class reference; only dotted names there (and in the
# pages' :class: roles) are checked, so "(default 5)" or "('tanh')" stay prose.
nitpicky = True
nitpick_ignore_regex = [
    ('py:class', r'(?!\w+(\.\w+)+$).*'),
    ('py:class', r'(numpy|np|networkx|nx)\..*'),
]

autodoc_default_options = {'member-order': 'bysource'}
autodoc_typehints = 'none'
autoclass_content = 'class'
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False

import doctest  # noqa: E402

doctest_default_flags = (doctest.ELLIPSIS | doctest.IGNORE_EXCEPTION_DETAIL
                         | doctest.DONT_ACCEPT_TRUE_FOR_1 | doctest.NORMALIZE_WHITESPACE)

# Every doctest group starts from the same imports, a fresh Keras session, seeded numpy and
# a temporary working folder (examples that save files leave nothing behind).
doctest_global_setup = """
import os as _os
import tempfile as _tempfile
import numpy as np
import symkeras
from symkeras import backend as K
from symkeras.layers import *
from symkeras.models import Sequential, Model
K.clear_session()
np.random.seed(0)
_previous_folder = _os.getcwd()
_folder = _tempfile.TemporaryDirectory()
_os.chdir(_folder.name)
"""
doctest_global_cleanup = """
_os.chdir(_previous_folder)
_folder.cleanup()
"""
