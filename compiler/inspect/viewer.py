"""The CSS and JavaScript of the HTML viewer (inlined in every page: no network needed).

The script pans (drag) and zooms (wheel) each inline SVG by rewriting its viewBox, shows
a clicked node's details from the page's JSON, and switches between the drawn views.
When it has set up every view it marks `<body data-ready="1">`.
"""

CSS = """
html, body { margin: 0; height: 100%; overflow: hidden; font: 13px sans-serif;
  color: #111827; }
body { display: flex; flex-direction: column; }
header { display: flex; gap: 8px; align-items: center; padding: 6px 10px;
  border-bottom: 1px solid #d1d5db; background: #f9fafb; }
header h1 { font-size: 14px; margin: 0 12px 0 0; }
header button { font: inherit; padding: 2px 10px; border: 1px solid #9ca3af;
  border-radius: 4px; background: #ffffff; cursor: pointer; }
header button.active { background: #1f2937; color: #ffffff; }
header .hint { margin-left: auto; color: #6b7280; }
main { flex: 1; display: flex; min-height: 0; }
.views { flex: 1; position: relative; min-width: 0; }
.view { position: absolute; inset: 0; }
.view[hidden] { display: none; }
.view svg { width: 100%; height: 100%; cursor: grab; user-select: none; }
.view svg.dragging { cursor: grabbing; }
aside { width: 330px; overflow: auto; border-left: 1px solid #d1d5db; padding: 8px 10px;
  background: #f9fafb; }
aside table { border-collapse: collapse; width: 100%; }
aside th { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; color: #4b5563;
  white-space: nowrap; }
aside td { font-family: monospace; padding: 2px 0; word-break: break-word; }
"""

SCRIPT = r"""
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('graph-data').textContent);
  var info = document.getElementById('info');
  var MIN_SCALE = 0.35;
  var FIELDS = ['op', 'name', 'kind', 'shape', 'dtype', 'layer', 'source', 'rewrite',
                'fused', 'input', 'inputs', 'output', 'params', 'time'];

  function showNode(viewName, element) {
    var node = data.views[viewName].nodes[element.getAttribute('data-key')] || {};
    var previous = document.querySelectorAll('.node.selected');
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove('selected');
    element.classList.add('selected');
    var table = document.createElement('table');
    var extra = Object.keys(node).filter(function (k) { return FIELDS.indexOf(k) < 0; });
    FIELDS.concat(extra.sort()).forEach(function (field) {
      var value = node[field];
      if (value === undefined || value === null || value === '') return;
      if (Array.isArray(value)) value = value.join(', ');
      var row = table.insertRow();
      var head = document.createElement('th');
      head.textContent = field;
      row.appendChild(head);
      row.insertCell().textContent = String(value);
    });
    info.textContent = '';
    info.appendChild(table);
  }

  function setUp(view) {
    var svg = view.querySelector('svg');
    var base = svg.viewBox.baseVal;
    var home = [base.x, base.y, base.width, base.height];
    var box = home.slice();
    var drag = null;
    svg.removeAttribute('width');
    svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    function apply() { svg.setAttribute('viewBox', box.join(' ')); }
    function toGraph(event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX;
      point.y = event.clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }
    svg.addEventListener('wheel', function (event) {
      event.preventDefault();
      var at = toGraph(event);
      var factor = Math.exp(Math.max(-100, Math.min(100, event.deltaY)) * 0.002);
      box = [at.x - (at.x - box[0]) * factor, at.y - (at.y - box[1]) * factor,
             box[2] * factor, box[3] * factor];
      apply();
    }, {passive: false});
    svg.addEventListener('mousedown', function (event) {
      drag = {x: event.clientX, y: event.clientY, box: box.slice(),
              scale: svg.getScreenCTM().a, moved: false};
      svg.classList.add('dragging');
    });
    window.addEventListener('mousemove', function (event) {
      if (!drag) return;
      var dx = event.clientX - drag.x, dy = event.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) drag.moved = true;
      box = [drag.box[0] - dx / drag.scale, drag.box[1] - dy / drag.scale, box[2], box[3]];
      apply();
    });
    window.addEventListener('mouseup', function () {
      svg.classList.remove('dragging');
      if (drag) setTimeout(function () { drag = null; }, 0);
    });
    svg.addEventListener('click', function (event) {
      if (drag && drag.moved) return;
      var element = event.target.closest('.node');
      if (element) showNode(view.getAttribute('data-view'), element);
    });
    view.fit = function () { box = home.slice(); apply(); };
    startReadable(svg, home, function (start) { box = start; apply(); });
  }

  // A big graph fitted whole is unreadable: start at MIN_SCALE on its top-most node.
  function startReadable(svg, home, set) {
    var rect = svg.getBoundingClientRect();
    if (!rect.width || !rect.height) return;
    var scale = Math.min(rect.width / home[2], rect.height / home[3]);
    if (scale >= MIN_SCALE) return;
    var width = rect.width / MIN_SCALE, height = rect.height / MIN_SCALE;
    var top = null;
    Array.prototype.forEach.call(svg.querySelectorAll('.node rect'), function (r) {
      var y = r.y.baseVal.value;
      var x = r.x.baseVal.value + r.width.baseVal.value / 2;
      if (top === null || y < top.y) top = {y: y, x: x};
    });
    if (top) set([top.x - width / 2, Math.max(home[1], top.y - 40), width, height]);
  }

  var views = Array.prototype.slice.call(document.querySelectorAll('.view'));
  views.forEach(setUp);
  var buttons = Array.prototype.slice.call(document.querySelectorAll('button[data-show]'));
  buttons.forEach(function (button) {
    button.addEventListener('click', function () {
      views.forEach(function (view) {
        view.hidden = view.getAttribute('data-view') !== button.getAttribute('data-show');
      });
      buttons.forEach(function (b) { b.classList.toggle('active', b === button); });
      info.textContent = 'Click a node to see its details.';
    });
  });
  document.getElementById('fit').addEventListener('click', function () {
    views.forEach(function (view) { if (!view.hidden) view.fit(); });
  });
  document.body.setAttribute('data-ready', '1');
})();
"""
