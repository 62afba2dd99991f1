"""The HTML viewer in headless Chromium: the page's script runs and the nodes are drawn.

Skipped when Chromium is not installed (Debian: `apt-get install chromium`; `.ci/run`
installs it on CI). tests/symkeras/test_vis_utils.py reuses the helpers below.
"""
import os
import shutil
import struct
import subprocess
import zlib

import numpy as np
import pytest
from numba import njit

from compiler import autodiff, inspect
from compiler.function import function

ORIGINAL_PATH = os.environ.get('PATH', '')
CHROMIUM = next((path for path in (shutil.which('chromium'), '/usr/bin/chromium',
                                   shutil.which('chromium-browser'))
                 if path and os.access(path, os.X_OK)), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason='headless Chromium not installed (apt-get install chromium)')
FLAGS = ('--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--window-size=1200,800')
FILLS = {'input': (0xdb, 0xea, 0xfe), 'variable': (0xfe, 0xf3, 0xc7),
         'fused': (0xdc, 0xfc, 0xe7)}


def run_chromium(tmp_path, html_path, *args):
    """Run headless Chromium on a local file; returns its stdout (text)."""
    env = dict(os.environ, PATH=ORIGINAL_PATH, HOME=str(tmp_path))
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}", *args,
               html_path.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    return done.stdout


def screenshot(tmp_path, html_path):
    """The page rendered at 1200x800, as an (height, width, channels) uint8 array."""
    png = tmp_path / 'screenshot.png'
    run_chromium(tmp_path, html_path, f"--screenshot={png}")
    assert png.exists(), 'Chromium wrote no screenshot'
    return decode_png(png.read_bytes())


def dump_dom(tmp_path, html_path):
    """The DOM after the page's scripts ran, serialized by Chromium."""
    return run_chromium(tmp_path, html_path, '--dump-dom')


@njit(cache=True)
def _unfilter(raw, height, stride, channels):
    out = np.zeros((height, stride), np.uint8)
    previous = np.zeros(stride, np.int64)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        line = np.zeros(stride, np.int64)
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                base = left
            elif kind == 2:
                base = up
            elif kind == 3:
                base = (left + up) // 2
            elif kind == 4:
                guess = left + up - corner
                dl, du, dc = abs(guess - left), abs(guess - up), abs(guess - corner)
                base = left if dl <= du and dl <= dc else (up if du <= dc else corner)
            else:
                base = 0
            line[i] = (row[i] + base) & 255
        out[y] = line
        previous = line
    return out


def decode_png(data):
    """Pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG file'
    at, chunks, header = 8, [], None
    while at < len(data):
        length, kind = struct.unpack('>I4s', data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b'IHDR':
            header = struct.unpack('>IIBB', body[:10])
        elif kind == b'IDAT':
            chunks.append(body)
        at += 12 + length
    width, height, depth, color = header
    assert depth == 8 and color in (2, 6), f"unsupported PNG: depth {depth}, color {color}"
    channels = 3 if color == 2 else 4
    raw = np.frombuffer(zlib.decompress(b''.join(chunks)), np.uint8)
    pixels = _unfilter(raw, height, width * channels, channels)
    return pixels.reshape(height, width, channels)


def assert_drawn(pixels, kinds):
    """Some of the canvas is not white, and boxes filled with each kind's colour show."""
    canvas = pixels[60:, :800, :3]
    ink = np.any(canvas < 235, axis=-1).mean()
    assert ink > 0.005, f"page looks blank: {ink:.2%} of the graph area is not white"
    for kind in kinds:
        found = np.all(canvas == np.array(FILLS[kind], np.uint8), axis=-1).sum()
        assert found > 20, f"no {kind} box visible ({found} pixels of its colour)"


def _paeth(left, up, corner):
    guess = left + up - corner
    dl, du, dc = abs(guess - left), abs(guess - up), abs(guess - corner)
    return left if dl <= du and dl <= dc else (up if du <= dc else corner)


def _filtered(row, previous, kind, channels=3):
    """PNG filter `kind` applied to one row (the encoder side, for the decoder test)."""
    out = bytearray([kind])
    for i, value in enumerate(row):
        left = row[i - channels] if i >= channels else 0
        up, corner = previous[i], previous[i - channels] if i >= channels else 0
        base = [0, left, up, (left + up) // 2, _paeth(left, up, corner)][kind]
        out.append((int(value) - base) % 256)
    return bytes(out)


def test_png_decoder_reads_every_filter():
    rows = np.random.RandomState(0).randint(0, 256, (5, 4 * 3))
    previous, raw = [0] * 12, b''
    for kind, row in enumerate(rows):
        raw += _filtered([int(v) for v in row], previous, kind)
        previous = [int(v) for v in row]
    png = (b'\x89PNG\r\n\x1a\n' + _chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 5, 8, 2, 0, 0, 0))
           + _chunk(b'IDAT', zlib.compress(raw)) + _chunk(b'IEND', b''))
    assert (decode_png(png).reshape(5, 12) == rows).all()


def _chunk(kind, body):
    return struct.pack('>I', len(body)) + kind + body + struct.pack('>I', zlib.crc32(kind + body))


@pytest.fixture(scope='module')
def train_step():
    from test_cnn_passes import seed_cnn_loss
    x, y, params, loss = seed_cnn_loss(np.random.RandomState(0))
    grads = autodiff.gradients(loss, params)
    return function([x, y], [loss], updates=[(p, p - 0.1 * g) for p, g in zip(params, grads)],
                    name='train_step')


@needs_chromium
def test_training_graph_page_renders_in_chromium(train_step, tmp_path, monkeypatch):
    monkeypatch.setenv('PATH', str(tmp_path))     # no Graphviz: none is needed
    page = tmp_path / 'train_step.html'
    page.write_text(inspect.to_html(train_step), encoding='utf-8')
    dom = dump_dom(tmp_path, page)
    assert 'data-ready="1"' in dom, 'the page script did not finish'
    assert dom.count('class="node') >= train_step.to_networkx().number_of_nodes()
    assert_drawn(screenshot(tmp_path, page), ['input', 'variable'])
