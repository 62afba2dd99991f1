"""Exported inference artifacts: round trip, standalone loading, damaged files."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import runtime
from compiler import builders as B, ir
from compiler.export import export_function
from compiler.function import function

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def small_function():
    rng = np.random.RandomState(0)
    x = ir.placeholder((None, 4, 4, 1), name='image')
    w = ir.Variable(rng.randn(3, 3, 1, 2).astype('float32'))
    d = ir.Variable(rng.randn(8, 3).astype('float32'))
    h = B.maxpool2d(B.relu(B.conv2d(x, w, padding='same')), (2, 2), (2, 2), 'valid')
    return function([x], [B.softmax(B.dot(B.reshape(h, (-1, 8)), d))])


def test_round_trip_matches_the_compiled_function(tmp_path):
    f = small_function()
    path = str(tmp_path / 'model.skm')
    export_function(f, path)
    x = np.random.RandomState(1).rand(5, 4, 4, 1).astype('float32')
    loaded = runtime.load(path)
    np.testing.assert_array_equal(loaded(x), f([x])[0])
    with pytest.raises(ValueError, match=r"'image' expected shape \(None, 4, 4, 1\)"):
        loaded(np.zeros((5, 4, 4)))


def test_loads_in_a_process_without_symkeras_or_compiler(tmp_path):
    f = small_function()
    path = str(tmp_path / 'model.skm')
    export_function(f, path)
    x = np.random.RandomState(2).rand(3, 4, 4, 1).astype('float32')
    np.save(tmp_path / 'x.npy', x)
    np.save(tmp_path / 'expected.npy', f([x])[0])
    script = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('symkeras', 'compiler'):
                    raise ImportError('blocked: ' + name)
        sys.meta_path.insert(0, Block())
        import numpy as np, runtime
        f = runtime.load({path!r})
        out = f(np.load({str(tmp_path / 'x.npy')!r}))
        assert np.array_equal(out, np.load({str(tmp_path / 'expected.npy')!r}))
        assert not any(m.split('.')[0] in ('symkeras', 'compiler') for m in sys.modules)
        print('ok')
    """)
    result = subprocess.run([sys.executable, '-c', script], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.stdout.strip() == 'ok', result.stderr


@pytest.mark.parametrize('content', [b'', b'<html>not a model</html>', os.urandom(200)])
def test_foreign_files_raise_a_clear_error(tmp_path, content):
    path = tmp_path / 'bad.skm'
    path.write_bytes(content)
    with pytest.raises(runtime.ArtifactError, match='not a symkeras inference artifact'):
        runtime.load(str(path))


def test_truncated_file_raises_and_a_failed_export_keeps_the_old_file(tmp_path):
    f = small_function()
    path = tmp_path / 'model.skm'
    export_function(f, str(path))
    good = path.read_bytes()
    (tmp_path / 'cut.skm').write_bytes(good[:len(good) // 2])
    with pytest.raises(runtime.ArtifactError):
        runtime.load(str(tmp_path / 'cut.skm'))
    x = ir.placeholder((2,))
    v = ir.Variable(np.zeros(2, 'float32'))
    with pytest.raises(ValueError):
        export_function(function([x], [x], updates=[(v, v + 1.0)]), str(path))
    assert path.read_bytes() == good
