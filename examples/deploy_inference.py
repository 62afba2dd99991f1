"""Ship a compiled inference function: export a trained model, load it without symkeras.

    python examples/deploy_inference.py

`model.export(path)` writes the optimized inference plan and the weights (a numpy .npz
container: JSON plan + arrays, nothing that runs code). `runtime.load(path)` returns a
callable that needs only numpy and numba; this script checks it in a child process that
cannot import `symkeras` or `compiler`, and that it matches `model.predict` exactly.
"""
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

from symkeras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from symkeras.models import Sequential

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    model = Sequential([Conv2D(8, (3, 3), activation='relu', input_shape=(28, 28, 1)),
                        MaxPooling2D((2, 2)), Flatten(), Dense(10, activation='softmax')])
    model.compile('adam', 'categorical_crossentropy')
    rng = np.random.RandomState(0)
    x = rng.rand(64, 28, 28, 1).astype('float32')
    model.fit(x, np.eye(10, dtype='float32')[rng.randint(0, 10, 64)], epochs=1, verbose=0)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, 'model.skinfer')
    model.export(path)
    np.save(os.path.join(folder, 'x.npy'), x)
    np.save(os.path.join(folder, 'expected.npy'), model.predict(x, batch_size=64))
    child = textwrap.dedent(f"""
        import sys
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split('.')[0] in ('symkeras', 'compiler'):
                    raise ImportError('not available in the deployment: ' + name)
        sys.meta_path.insert(0, Block())
        import numpy as np
        import runtime
        predict = runtime.load({path!r})
        y = predict(np.load({os.path.join(folder, 'x.npy')!r}))
        same = np.array_equal(y, np.load({os.path.join(folder, 'expected.npy')!r}))
        print('loaded without symkeras; outputs', y.shape, 'equal to model.predict:', same)
    """)
    env = dict(os.environ, PYTHONPATH=ROOT)
    result = subprocess.run([sys.executable, '-c', child], env=env, capture_output=True,
                            text=True, timeout=300)
    print(result.stdout.strip() or result.stderr)
    return result.returncode


if __name__ == '__main__':
    sys.exit(main())
