"""The HTML viewer in headless Chromium: the page's script runs and the nodes are drawn.

Skipped when Chromium is not installed (Debian: `apt-get install chromium`; `.ci/run`
installs it on CI). tests/symkeras/test_vis_utils.py reuses the helpers below.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from html import unescape

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
    """Undo the per-row PNG filters (None, Sub, Up, Average, Paeth)."""
    out = np.zeros((height, stride), np.int32)
    for y in range(height):
        start = y * (stride + 1) + 1
        kind = raw[start - 1]
        for i in range(stride):
            left = out[y, i - channels] if i >= channels else 0
            up = out[y - 1, i] if y > 0 else 0
            corner = out[y - 1, i - channels] if i >= channels and y > 0 else 0
            base = 0
            if kind == 1:
                base = left
            elif kind == 2:
                base = up
            elif kind == 3:
                base = (left + up) // 2
            elif kind == 4:
                guess = left + up - corner
                near_left, near_up = abs(guess - left), abs(guess - up)
                near_corner = abs(guess - corner)
                if near_left <= near_up and near_left <= near_corner:
                    base = left
                else:
                    base = up if near_up <= near_corner else corner
            out[y, i] = (raw[start + i] + base) & 255
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
    pixels = _unfilter(raw.astype(np.int32), height, width * channels, channels)
    return pixels.astype(np.uint8).reshape(height, width, channels)


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


INTERACTIONS = """<script>
(function () {
  var view = document.querySelector('.view:not([hidden])');
  var svg = view.querySelector('svg'), states = [svg.getAttribute('viewBox')];
  var node = view.querySelector('.node.fused') || view.querySelector('.node');
  node.dispatchEvent(new MouseEvent('click', {bubbles: true}));
  var info = document.getElementById('info').textContent;
  svg.dispatchEvent(new WheelEvent('wheel', {deltaY: -120, clientX: 300, clientY: 300,
                                             bubbles: true, cancelable: true}));
  states.push(svg.getAttribute('viewBox'));
  svg.dispatchEvent(new MouseEvent('mousedown', {clientX: 300, clientY: 300, bubbles: true}));
  window.dispatchEvent(new MouseEvent('mousemove', {clientX: 360, clientY: 330}));
  window.dispatchEvent(new MouseEvent('mouseup', {}));
  states.push(svg.getAttribute('viewBox'));
  document.querySelector('button[data-show="original"]').click();
  var shown = Array.prototype.filter.call(document.querySelectorAll('.view'),
      function (v) { return !v.hidden; }).map(function (v) { return v.dataset.view; });
  document.body.setAttribute('data-check', JSON.stringify(
      {states: states, info: info, shown: shown}));
})();
</script>
"""


@needs_chromium
def test_viewer_zooms_pans_shows_details_and_switches_views(train_step, tmp_path):
    page = tmp_path / 'interactions.html'
    html = inspect.to_html(train_step).replace('</body>', INTERACTIONS + '</body>')
    page.write_text(html, encoding='utf-8')
    match = re.search(r'data-check="([^"]*)"', dump_dom(tmp_path, page))
    assert match, 'the interaction script did not run'
    check = json.loads(unescape(match.group(1)))
    home, zoomed, panned = [[float(v) for v in s.split()] for s in check['states']]
    assert zoomed[2] < home[2] and zoomed[3] < home[3]           # wheel up zooms in
    assert panned[2:] == zoomed[2:] and panned[:2] != zoomed[:2]  # drag moves, keeps zoom
    # the first fused node: an elementwise fusion or a pattern fusion (Conv2DBiasAct...),
    # both list the ops they contain
    assert 'fused' in check['info']
    # the clicked node's shape (which fused node comes first depends on the rewrites)
    assert re.search(r'shape\((None|\d+)(, \d+)+\)', check['info'])
    assert check['shown'] == ['original']
