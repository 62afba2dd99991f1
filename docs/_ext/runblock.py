"""The `runblock` directive: run a Python snippet while the docs build, show its output.

    .. runblock::

       x = K.placeholder(shape=(None, 3))
       print(K.int_shape(x))

renders the code, then what it printed, both as literal blocks. The snippets of one page
share a namespace (like doctests of one page), start from a fresh Keras session and run
in a temporary folder. A snippet that raises is a build warning, so `sphinx -W` fails: the
pages never show output that the code does not produce today.

Options: `:hide-code:` shows only the output; `:hide-output:` runs the code, shows it and
not its output.
"""
import contextlib
import io
import os
import tempfile
import traceback

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

LOGGER = logging.getLogger(__name__)
SETUP = """\
import numpy as np
from symkeras import backend as K
K.clear_session()
np.random.seed(0)
"""


class RunBlock(SphinxDirective):
    """Run the content as Python at build time; show the code and its printed output."""

    has_content = True
    option_spec = {'hide-code': directives.flag, 'hide-output': directives.flag}

    def run(self):
        self._remember_page()
        code = '\n'.join(self.content)
        output = self._execute(code)
        shown = []
        if 'hide-code' not in self.options:
            shown.append(self._literal(code, 'python'))
        if output and 'hide-output' not in self.options:
            shown.append(self._literal(output.rstrip('\n'), 'text'))
        return shown

    def _remember_page(self):
        """Pages with snippets are read again at every build (see `setup`)."""
        if not hasattr(self.env, 'runblock_pages'):
            self.env.runblock_pages = set()
        self.env.runblock_pages.add(self.env.docname)

    def _namespace(self):
        """The page's namespace, created (and set up) at its first snippet."""
        spaces = self.env.temp_data.setdefault('runblock_namespaces', {})
        if self.env.docname not in spaces:
            namespace = {'__name__': 'runblock'}
            exec(compile(SETUP, 'setup', 'exec'), namespace)
            spaces[self.env.docname] = namespace
        return spaces[self.env.docname]

    def _execute(self, code):
        """Run `code` in the page's namespace; returns what it printed."""
        namespace = self._namespace()
        filename = 'snippet'
        buffer = io.StringIO()
        previous = os.getcwd()
        with tempfile.TemporaryDirectory() as folder:
            os.chdir(folder)
            try:
                with contextlib.redirect_stdout(buffer):
                    exec(compile(code, filename, 'exec'), namespace)
            except Exception:  # noqa: BLE001 - any failure becomes a build warning
                LOGGER.warning('runblock failed:\n%s', traceback.format_exc(),
                               location=self.get_location())
            finally:
                os.chdir(previous)
        return buffer.getvalue()

    @staticmethod
    def _literal(text, language):
        block = nodes.literal_block(text, text)
        block['language'] = language
        return block


def _always_outdated(app, env, added, changed, removed):
    """Snippet outputs depend on the whole package, not only on the page: rerun them."""
    return sorted(getattr(env, 'runblock_pages', set()) - set(removed))


def _purge(app, env, docname):
    getattr(env, 'runblock_pages', set()).discard(docname)


def _merge(app, env, docnames, other):
    env.runblock_pages = getattr(env, 'runblock_pages', set()) | \
        (getattr(other, 'runblock_pages', set()) & set(docnames))


def setup(app):
    """Register the directive and keep pages with snippets always out of date."""
    app.add_directive('runblock', RunBlock)
    app.connect('env-get-outdated', _always_outdated)
    app.connect('env-purge-doc', _purge)
    app.connect('env-merge-info', _merge)
    return {'version': '2', 'parallel_read_safe': True, 'parallel_write_safe': True}
