// The kg graph viewer: reads the graph embedded in the page and draws it with Cytoscape.js.
//
// Every piece of graph text (names, aliases, sentences, document and rule names) reaches the
// page through textContent or a text node, never as markup, and the only link built from
// data is a Wikidata URL from an id checked against /^Q[1-9][0-9]*$/.
(function () {
  'use strict';
  const started = performance.now();
  const DATA = JSON.parse(document.getElementById('kg-data').textContent);
  const G = DATA.graph;
  const POS = DATA.positions;
  const STYLE = DATA.style;
  const parsed = performance.now();
  const $ = (id) => document.getElementById(id);

  // --- small DOM helpers (text only) ---------------------------------------------------
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function button(cls, text, onClick, title) {
    const b = el('button', cls, text);
    b.type = 'button';
    if (title) b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }
  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs) {
    const e = document.createElementNS(SVG, tag);
    for (const k of Object.keys(attrs)) e.setAttribute(k, String(attrs[k]));
    return e;
  }

  // --- the model ---------------------------------------------------------------------------
  const nodes = G.nodes;
  const byId = new Map();
  nodes.forEach((n, i) => byId.set(n.id, i));
  const conflictOf = new Map();
  const key = (s, r, t) => s + '\u0000' + r + '\u0000' + t;
  for (const c of G.conflicts || []) {
    for (const r of c.relations) {
      conflictOf.set(key(c.subject, r, c.object), c);
      conflictOf.set(key(c.object, r, c.subject), c);
    }
  }
  // How an evidence item was reached: stated outright, through coreference, or inferred by
  // a rule over other edges (rules named infer.*).
  function evidenceKind(ev) {
    if (ev.tier !== 'implied') return 'stated';
    return String(ev.rule).startsWith('infer.') ? 'inferred' : 'coreference';
  }
  // An edge is as direct as its most direct evidence.
  function edgeKind(e) {
    const kinds = e.evidence.map(evidenceKind);
    if (kinds.includes('stated')) return 'stated';
    if (kinds.includes('coreference')) return 'coreference';
    return kinds.length ? 'inferred' : 'stated';
  }
  function year(s) {
    const m = /^(-?\d{1,4})/.exec(String(s || ''));
    return m ? parseInt(m[1], 10) : null;
  }
  // The years an evidence item holds: [from, to], open ends as ±Infinity; null if undated.
  function span(ev) {
    const w = ev.when;
    if (!w) return null;
    const p = year(w.point), s = year(w.start), e = year(w.end);
    if (p !== null) return [p, p];
    if (s === null && e === null) return null;
    return [s === null ? -Infinity : s, e === null ? Infinity : e];
  }
  const edges = G.edges.map((e, i) => {
    const s = byId.get(e.source), t = byId.get(e.target);
    const spans = e.evidence.map(span).filter((x) => x);
    return {
      i, s, t, rel: e.relation, confidence: e.confidence, evidence: e.evidence,
      kind: edgeKind(e), conflict: conflictOf.get(key(e.source, e.relation, e.target)) || null,
      spans,
    };
  });
  const incident = nodes.map(() => []);
  for (const e of edges) {
    incident[e.s].push(e.i);
    if (e.t !== e.s) incident[e.t].push(e.i);
  }
  const degree = incident.map((l) => l.length);
  const typeStyle = (t) => STYLE.types[t] || { fill: '#ddd', border: '#888', shape: 'ellipse' };
  const relStyle = (r) => STYLE.relations[r] || { color: '#888', symmetric: false };

  // --- drawing -------------------------------------------------------------------------------
  const big = edges.length > 3000 || nodes.length > 3000;
  const elements = [];
  nodes.forEach((n, i) => {
    const ts = typeStyle(n.type);
    const p = POS[i] || [0, 0];
    elements.push({
      group: 'nodes',
      data: {
        id: 'n' + i, idx: i, label: n.label, fill: ts.fill, border: ts.border, shape: ts.shape,
        size: Math.min(60, 16 + 7 * Math.log2(1 + degree[i])),
      },
      position: { x: p[0], y: p[1] },
    });
  });
  for (const e of edges) {
    const rs = relStyle(e.rel);
    elements.push({
      group: 'edges',
      data: {
        id: 'e' + e.i, idx: e.i, source: 'n' + e.s, target: 'n' + e.t, relation: e.rel,
        color: rs.color, arrow: rs.symmetric ? 'none' : 'triangle',
        width: 1 + 2.5 * Math.max(0, Math.min(1, e.confidence)),
      },
      classes: [e.kind, e.conflict ? 'conflict' : ''].filter(Boolean),
    });
  }
  const cy = cytoscape({
    container: $('cy'),
    elements,
    layout: { name: 'preset', fit: true, padding: 30 },
    minZoom: 0.02,
    maxZoom: 5,
    boxSelectionEnabled: false,
    selectionType: 'single',
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    pixelRatio: big ? 1 : 'auto',
    style: [
      { selector: 'node', style: {
        'background-color': 'data(fill)', 'border-color': 'data(border)', 'border-width': 1.5,
        shape: 'data(shape)', width: 'data(size)', height: 'data(size)', label: 'data(label)',
        'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3, color: '#222',
        'text-wrap': 'ellipsis', 'text-max-width': 150, 'min-zoomed-font-size': 7,
        'text-outline-color': '#fff', 'text-outline-width': 2,
      } },
      { selector: 'edge', style: {
        width: 'data(width)', 'line-color': 'data(color)', 'target-arrow-color': 'data(color)',
        'target-arrow-shape': 'data(arrow)', 'arrow-scale': 0.8,
        'curve-style': big ? 'straight' : 'bezier', opacity: 0.8,
      } },
      { selector: 'edge.coreference', style: { 'line-style': 'dashed', 'line-dash-pattern': [7, 4] } },
      { selector: 'edge.inferred', style: { 'line-style': 'dashed', 'line-dash-pattern': [1.5, 4] } },
      { selector: 'edge.conflict', style: {
        'underlay-color': '#d62728', 'underlay-opacity': 0.35, 'underlay-padding': 3,
        label: '!', 'font-size': 12, 'font-weight': 'bold', color: '#d62728',
        'text-background-color': '#fff', 'text-background-opacity': 1,
        'text-background-shape': 'round-rectangle', 'text-background-padding': 1,
      } },
      { selector: '.match', style: { 'underlay-color': '#ffc400', 'underlay-opacity': 0.7, 'underlay-padding': 7 } },
      { selector: 'node:selected', style: {
        'border-width': 4, 'border-color': '#111', 'underlay-color': '#1f77b4',
        'underlay-opacity': 0.35, 'underlay-padding': 8, 'font-weight': 'bold', 'z-index': 20,
      } },
      { selector: 'edge:selected', style: {
        width: 5, opacity: 1, label: 'data(relation)', 'font-size': 10,
        'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.9,
      } },
      { selector: '.faded', style: { opacity: 0.1, 'underlay-opacity': 0, label: '' } },
      { selector: 'node.path', style: {
        'border-width': 4, 'border-color': '#d62728', 'underlay-color': '#d62728',
        'underlay-opacity': 0.25, 'underlay-padding': 7, 'font-weight': 'bold', 'z-index': 15, opacity: 1,
      } },
      { selector: 'edge.path', style: {
        width: 6, 'line-color': '#d62728', 'target-arrow-color': '#d62728', opacity: 1,
        label: 'data(relation)', 'font-size': 10, 'text-rotation': 'autorotate', 'z-index': 15,
        'text-background-color': '#fff', 'text-background-opacity': 0.9,
      } },
      { selector: '.hidden', style: { display: 'none' } },
    ],
  });
  const drawn = performance.now();
  const nodeEl = (i) => cy.getElementById('n' + i);
  const edgeEl = (i) => cy.getElementById('e' + i);

  // --- header --------------------------------------------------------------------------------
  const docs = (G.meta && G.meta.documents) || [];
  $('title').textContent = DATA.title;
  $('title').title = (G.meta && G.meta.generator ? G.meta.generator + ' · ' : '') +
    docs.length + ' document' + (docs.length === 1 ? '' : 's');
  $('fit').addEventListener('click', () => cy.animate({ fit: { padding: 30 } }, { duration: 300 }));

  // --- legend and filters --------------------------------------------------------------------
  const state = {
    types: new Set(), relations: new Set(), kinds: new Set(['stated', 'coreference', 'inferred']),
    minConfidence: 0, from: null, to: null, undated: true,
  };
  function countBy(list, f) {
    const m = new Map();
    for (const x of list) m.set(f(x), (m.get(f(x)) || 0) + 1);
    return m;
  }
  function shapeSwatch(shape, fill, border) {
    const s = svg('svg', { width: 16, height: 16, viewBox: '0 0 16 16', 'aria-hidden': 'true' });
    const paint = { fill, stroke: border, 'stroke-width': 1.5 };
    const poly = (pts) => svg('polygon', Object.assign({ points: pts }, paint));
    let shapeEl;
    switch (shape) {
      case 'ellipse': shapeEl = svg('ellipse', Object.assign({ cx: 8, cy: 8, rx: 6.5, ry: 6.5 }, paint)); break;
      case 'round-rectangle': shapeEl = svg('rect', Object.assign({ x: 1.5, y: 2.5, width: 13, height: 11, rx: 3 }, paint)); break;
      case 'round-diamond': case 'diamond': shapeEl = poly('8,1 15,8 8,15 1,8'); break;
      case 'hexagon': shapeEl = poly('4,1.5 12,1.5 15,8 12,14.5 4,14.5 1,8'); break;
      case 'round-triangle': case 'triangle': shapeEl = poly('8,1.5 15,14.5 1,14.5'); break;
      case 'octagon': shapeEl = poly('5,1 11,1 15,5 15,11 11,15 5,15 1,11 1,5'); break;
      default: shapeEl = svg('rect', Object.assign({ x: 2, y: 2, width: 12, height: 12 }, paint));
    }
    s.append(shapeEl);
    return s;
  }
  function lineSwatch(color, dash, width) {
    const s = svg('svg', { width: 26, height: 10, viewBox: '0 0 26 10', 'aria-hidden': 'true' });
    const attrs = { x1: 1, y1: 5, x2: 25, y2: 5, stroke: color, 'stroke-width': width || 2.5 };
    if (dash) attrs['stroke-dasharray'] = dash;
    s.append(svg('line', attrs));
    return s;
  }
  function legendRow(list, swatch, name, count, checked, onChange, title) {
    const li = el('li');
    const label = el('label');
    const box = el('input');
    box.type = 'checkbox';
    box.checked = checked;
    box.dataset.value = name;
    box.addEventListener('change', () => onChange(box.checked));
    label.append(box, swatch, el('span', 'name', name), el('span', 'count', count));
    if (title) label.title = title;
    li.append(label);
    list.append(li);
    return box;
  }
  const typeCounts = countBy(nodes, (n) => n.type);
  const typeOrder = Object.keys(STYLE.types).filter((t) => typeCounts.has(t))
    .concat([...typeCounts.keys()].filter((t) => !(t in STYLE.types)).sort());
  for (const t of typeOrder) {
    state.types.add(t);
    const ts = typeStyle(t);
    legendRow($('legend-types'), shapeSwatch(ts.shape, ts.fill, ts.border), t, typeCounts.get(t), true,
      (on) => { if (on) state.types.add(t); else state.types.delete(t); applyFilters(); });
  }
  const relCounts = countBy(edges, (e) => e.rel);
  const relOrder = Object.keys(STYLE.relations).filter((r) => relCounts.has(r))
    .concat([...relCounts.keys()].filter((r) => !(r in STYLE.relations)).sort());
  for (const r of relOrder) {
    state.relations.add(r);
    legendRow($('legend-relations'), lineSwatch(relStyle(r).color), r, relCounts.get(r), true,
      (on) => { if (on) state.relations.add(r); else state.relations.delete(r); applyFilters(); },
      relStyle(r).symmetric ? 'symmetric: drawn without an arrow' : undefined);
  }
  const kindCounts = countBy(edges, (e) => e.kind);
  const kindRows = [
    ['stated', null, 'a sentence states it and names both'],
    ['coreference', '7,4', 'needs coreference ("the organization", "he"): dashed'],
    ['inferred', '1.5,4', 'inferred by a rule from other edges: dotted'],
  ];
  for (const [k, dash, title] of kindRows) {
    legendRow($('legend-tiers'), lineSwatch('#555', dash), k, kindCounts.get(k) || 0, true,
      (on) => { if (on) state.kinds.add(k); else state.kinds.delete(k); applyFilters(); }, title);
  }
  {
    const li = el('li');
    const label = el('label');
    label.title = 'two edges that cannot both hold: drawn with a red halo and "!"';
    const pad = el('span');
    pad.style.width = '13px';
    label.append(pad, lineSwatch('#d62728', null, 5), el('span', 'name', 'conflict'),
      el('span', 'count', edges.filter((e) => e.conflict).length));
    li.append(label);
    $('legend-tiers').append(li);
  }
  const conf = $('min-confidence');
  conf.addEventListener('input', () => {
    state.minConfidence = parseFloat(conf.value) || 0;
    $('min-confidence-value').textContent = state.minConfidence.toFixed(2);
    applyFilters();
  });
  let minYear = Infinity, maxYear = -Infinity;
  for (const e of edges) {
    for (const [a, b] of e.spans) {
      for (const y of [a, b]) if (isFinite(y)) { minYear = Math.min(minYear, y); maxYear = Math.max(maxYear, y); }
    }
  }
  const dated = edges.filter((e) => e.spans.length).length;
  if (isFinite(minYear)) {
    for (const id of ['date-from', 'date-to']) { $(id).min = minYear - 50; $(id).max = maxYear + 50; }
    $('date-from').placeholder = String(minYear);
    $('date-to').placeholder = String(maxYear);
    $('date-note').textContent = dated + ' of ' + edges.length + ' edges carry a date (' + minYear + '–' + maxYear + ').';
  } else {
    $('date-note').textContent = 'No edge carries a date.';
  }
  const readYear = (id) => { const v = $(id).value.trim(); return v === '' ? null : parseInt(v, 10); };
  for (const id of ['date-from', 'date-to', 'date-undated']) {
    $(id).addEventListener('input', () => {
      state.from = readYear('date-from');
      state.to = readYear('date-to');
      state.undated = $('date-undated').checked;
      applyFilters();
    });
  }

  const nodeShown = new Array(nodes.length).fill(true);
  const edgeShown = new Array(edges.length).fill(true);
  function edgePasses(e) {
    if (!state.relations.has(e.rel) || !state.kinds.has(e.kind)) return false;
    if (e.confidence + 1e-9 < state.minConfidence) return false;
    if (!nodeShown[e.s] || !nodeShown[e.t]) return false;
    if (state.from === null && state.to === null) return true;
    if (!e.spans.length) return state.undated;
    const lo = state.from === null ? -Infinity : state.from;
    const hi = state.to === null ? Infinity : state.to;
    return e.spans.some(([a, b]) => a <= hi && b >= lo);
  }
  function applyFilters() {
    cy.batch(() => {
      nodes.forEach((n, i) => {
        const show = state.types.has(n.type);
        if (show !== nodeShown[i]) { nodeShown[i] = show; nodeEl(i).toggleClass('hidden', !show); }
      });
      for (const e of edges) {
        const show = edgePasses(e);
        if (show !== edgeShown[e.i]) { edgeShown[e.i] = show; edgeEl(e.i).toggleClass('hidden', !show); }
      }
    });
    updateStats();
  }
  function updateStats() {
    const vn = nodeShown.filter(Boolean).length, ve = edgeShown.filter(Boolean).length;
    const s = $('stats');
    s.textContent = (vn === nodes.length ? nodes.length : vn + ' of ' + nodes.length) + ' entities · ' +
      (ve === edges.length ? edges.length : ve + ' of ' + edges.length) + ' relations';
    s.dataset.nodes = String(vn);
    s.dataset.edges = String(ve);
  }

  // --- conflicts list ------------------------------------------------------------------------
  for (const c of G.conflicts || []) {
    const li = el('li');
    const label = (id) => (byId.has(id) ? nodes[byId.get(id)].label : id);
    const first = edges.find((e) => e.conflict === c);
    li.append(button('linklike', label(c.subject) + ': ' + c.relations.join(' vs ') + ' ' + label(c.object),
      () => { if (first) selectEdge(first.i, true); }), el('div', 'meta reason', c.reason));
    $('conflicts').append(li);
  }
  if (!(G.conflicts || []).length) $('conflicts').append(el('li', 'hint', 'none'));

  // --- mentions in a sentence ----------------------------------------------------------------
  // Lower-cases a string one character at a time, keeping characters whose lower case has
  // another length, so offsets in the result are offsets in the original.
  function lowerSameLength(s) {
    let out = '';
    for (const ch of s) {
      const l = ch.toLowerCase();
      out += l.length === ch.length ? l : ch;
    }
    return out;
  }
  const wordChar = (c) => c !== undefined && /[0-9A-Za-z\u00C0-\u024F\u0400-\u04FF]/.test(c);
  function findAll(hay, needle, role, out) {
    if (!needle) return;
    let from = 0;
    for (;;) {
      const at = hay.indexOf(needle, from);
      if (at < 0) return;
      const end = at + needle.length;
      const left = !wordChar(needle[0]) || !wordChar(hay[at - 1]);
      const right = !wordChar(needle[needle.length - 1]) || !wordChar(hay[end]);
      if (left && right) out.push({ start: at, end, role });
      from = at + 1;
    }
  }
  function namesOf(i) {
    const n = nodes[i];
    return [n.label].concat(n.aliases || []).filter((x) => x && String(x).trim());
  }
  // The mentions of an edge's two entities in a sentence: their labels and aliases (and, for
  // a person named nowhere else, a word of the name: "Dr. Chen"), longest first, no overlaps.
  function mentions(sentence, e) {
    const hay = lowerSameLength(sentence);
    const found = [];
    for (const [i, role] of [[e.s, 'source'], [e.t, 'target']]) {
      const before = found.length;
      for (const name of namesOf(i)) findAll(hay, lowerSameLength(String(name)), role, found);
      if (found.length === before && nodes[i].type === 'person') {
        for (const w of String(nodes[i].label).split(/[\s\-]+/)) {
          if (w.length >= 3) findAll(hay, lowerSameLength(w), role, found);
        }
      }
    }
    found.sort((a, b) => a.start - b.start || (b.end - b.start) - (a.end - a.start));
    const keep = [];
    let upTo = 0;
    for (const m of found) if (m.start >= upTo) { keep.push(m); upTo = m.end; }
    return keep;
  }
  function sentenceEl(sentence, e) {
    const p = el('p', 'sentence');
    const text = String(sentence);
    let at = 0;
    for (const m of mentions(text, e)) {
      if (m.start > at) p.append(document.createTextNode(text.slice(at, m.start)));
      p.append(el('mark', 'm-' + m.role, text.slice(m.start, m.end)));
      at = m.end;
    }
    if (at < text.length) p.append(document.createTextNode(text.slice(at)));
    return p;
  }
  function whenText(w) {
    if (!w) return '';
    if (w.point) return 'at ' + w.point;
    return (w.start ? 'from ' + w.start : '') + (w.start && w.end ? ' ' : '') + (w.end ? 'until ' + w.end : '');
  }
  function evidenceItem(e, ev) {
    const li = el('li', evidenceKind(ev));
    li.append(sentenceEl(ev.sentence, e));
    const bits = [ev.document, 'rule ' + ev.rule, evidenceKind(ev), 'confidence ' + Number(ev.confidence).toFixed(2)];
    const w = whenText(ev.when);
    if (w) bits.push(w);
    li.append(el('div', 'meta', bits.join(' · ')));
    return li;
  }
  // A list of evidence items, the first `limit` shown and the rest behind "and N more".
  function evidenceList(e, limit) {
    const ol = el('ol', 'evidence');
    const items = e.evidence.slice().sort((a, b) => b.confidence - a.confidence);
    items.slice(0, limit).forEach((ev) => ol.append(evidenceItem(e, ev)));
    if (items.length > limit) {
      const li = el('li', 'more');
      li.append(button('linklike', 'and ' + (items.length - limit) + ' more', () => {
        li.remove();
        items.slice(limit).forEach((ev) => ol.append(evidenceItem(e, ev)));
      }));
      ol.append(li);
    }
    return ol;
  }
  function edgeTags(e) {
    const tags = [];
    if (e.kind !== 'stated') tags.push(el('span', 'tag ' + e.kind, e.kind));
    if (e.conflict) tags.push(el('span', 'tag conflict', 'conflict'));
    return tags;
  }

  // --- cards ---------------------------------------------------------------------------------
  const card = $('card');
  function nodeLink(i) {
    return button('linklike', nodes[i].label, () => selectNode(i, true), nodes[i].type);
  }
  function showNode(i) {
    const n = nodes[i];
    const ts = typeStyle(n.type);
    card.replaceChildren();
    card.dataset.kind = 'node';
    card.dataset.id = n.id;
    const badge = el('span', 'badge', n.type);
    badge.style.background = ts.fill;
    badge.style.borderColor = ts.border;
    card.append(el('h2', 'name', n.label), badge);
    card.append(el('div', 'meta', 'id: ' + n.id));
    if ((n.aliases || []).length) {
      const a = el('div', 'aliases');
      a.append(el('span', 'muted', 'aliases'));
      for (const alias of n.aliases) a.append(el('span', null, alias));
      card.append(a);
    }
    if (n.wikidata !== undefined && n.wikidata !== null) {
      const row = el('div', 'row');
      row.append(el('span', 'muted', 'Wikidata'));
      if (/^Q[1-9][0-9]{0,11}$/.test(String(n.wikidata))) {
        const a = el('a', null, n.wikidata);
        a.href = 'https://www.wikidata.org/wiki/' + n.wikidata;
        a.target = '_blank';
        a.rel = 'noopener noreferrer';
        row.append(a);
      } else {
        row.append(el('span', null, String(n.wikidata) + ' (not a Wikidata id)'));
      }
      card.append(row);
    }
    const b = el('div', 'buttons');
    b.append(button(null, 'Path from here', () => setPathEnd('from', i)),
      button(null, 'Path to here', () => setPathEnd('to', i)));
    card.append(b);
    const list = incident[i].map((k) => edges[k])
      .sort((x, y) => (x.s === i ? 0 : 1) - (y.s === i ? 0 : 1) || x.rel.localeCompare(y.rel) ||
        nodes[x.s === i ? x.t : x.s].label.localeCompare(nodes[y.s === i ? y.t : y.s].label));
    card.append(el('h2', null, 'Relations (' + list.length + ')'));
    const ul = el('ul', 'relations');
    const LIMIT = 100;
    const addRel = (e) => {
      const li = el('li');
      const head = el('div', 'rel-head');
      const out = e.s === i;
      const other = out ? e.t : e.s;
      const arrow = relStyle(e.rel).symmetric ? '—' : out ? '→' : '←';
      head.append(el('span', 'muted', arrow),
        button('linklike rel-name', e.rel, () => selectEdge(e.i, true), 'show this edge'),
        el('span', 'muted', arrow), nodeLink(other),
        el('span', 'conf', Number(e.confidence).toFixed(2)), ...edgeTags(e));
      if (!edgeShown[e.i]) head.append(el('span', 'tag', 'filtered out'));
      li.append(head, evidenceList(e, 1));
      ul.append(li);
    };
    list.slice(0, LIMIT).forEach(addRel);
    if (list.length > LIMIT) {
      const li = el('li', 'more');
      li.append(button('linklike', 'and ' + (list.length - LIMIT) + ' more relations', () => {
        li.remove();
        list.slice(LIMIT).forEach(addRel);
      }));
      ul.append(li);
    }
    card.append(ul);
  }
  function showEdge(k) {
    const e = edges[k];
    card.replaceChildren();
    card.dataset.kind = 'edge';
    card.dataset.id = String(k);
    const h = el('h2', 'name');
    h.append(nodeLink(e.s), el('span', 'muted', ' —' + e.rel + (relStyle(e.rel).symmetric ? '— ' : '→ ')), nodeLink(e.t));
    card.append(h);
    const meta = el('div', 'rel-head');
    meta.append(el('span', 'conf', 'confidence ' + Number(e.confidence).toFixed(2)),
      el('span', 'muted', e.evidence.length + ' sentence' + (e.evidence.length === 1 ? '' : 's')), ...edgeTags(e));
    card.append(meta);
    if (e.conflict) {
      card.append(el('p', 'reason', 'Conflict: ' + e.conflict.relations.join(' vs ') + ' — ' + e.conflict.reason));
    }
    card.append(el('h2', null, 'Evidence'), evidenceList(e, 50));
  }
  function selectNode(i, center) {
    cy.elements(':selected').unselect();
    const n = nodeEl(i);
    n.select();
    showNode(i);
    if (center) cy.animate({ center: { eles: n }, zoom: Math.max(cy.zoom(), 1) }, { duration: 250 });
  }
  function selectEdge(k, center) {
    cy.elements(':selected').unselect();
    const e = edgeEl(k);
    e.select();
    showEdge(k);
    if (center) cy.animate({ fit: { eles: e.connectedNodes(), padding: 120 } }, { duration: 250 });
  }
  cy.on('tap', 'node', (evt) => selectNode(evt.target.data('idx'), false));
  cy.on('tap', 'edge', (evt) => selectEdge(evt.target.data('idx'), false));

  // --- search --------------------------------------------------------------------------------
  const norm = (s) => String(s).normalize('NFKC').toLowerCase();
  const searchKeys = nodes.map((n, i) => namesOf(i).map((name) => [norm(name), name]));
  // Exact name first, then a name that starts with the query, then a word that does, then
  // any substring; ties go to the better-connected entity, then the label.
  function search(q) {
    const query = norm(q).trim();
    if (!query) return [];
    const hits = [];
    nodes.forEach((n, i) => {
      let best = 9, via = null;
      for (const [k, name] of searchKeys[i]) {
        let s = 9;
        if (k === query) s = 0;
        else if (k.startsWith(query)) s = 1;
        else if (k.includes(' ' + query) || k.includes('-' + query)) s = 2;
        else if (k.includes(query)) s = 3;
        if (s < best) { best = s; via = name; }
      }
      if (best < 9) hits.push({ i, score: best, via });
    });
    hits.sort((a, b) => a.score - b.score || degree[b.i] - degree[a.i] ||
      nodes[a.i].label.localeCompare(nodes[b.i].label));
    return hits;
  }
  const input = $('search'), results = $('search-results');
  let matched = cy.collection();
  let timer = null;
  function runSearch() {
    const hits = search(input.value);
    cy.batch(() => {
      matched.removeClass('match');
      matched = cy.collection(hits.slice(0, 500).map((h) => nodeEl(h.i)));
      matched.addClass('match');
    });
    results.replaceChildren();
    hits.slice(0, 12).forEach((h, rank) => {
      const li = el('li', rank === 0 ? 'best' : null);
      const b = button(null, nodes[h.i].label, () => { selectNode(h.i, true); results.hidden = true; });
      b.append(el('span', 'via', nodes[h.i].type + (h.via !== nodes[h.i].label ? ' · ' + h.via : '')));
      li.append(b);
      results.append(li);
    });
    if (hits.length > 12) results.append(el('li', 'hint', (hits.length - 12) + ' more matches highlighted'));
    if (!hits.length && input.value.trim()) results.append(el('li', 'hint', 'no entity matches'));
    results.hidden = !input.value.trim();
    if (hits.length) selectNode(hits[0].i, true);
  }
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(runSearch, 120); });
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') { clearTimeout(timer); runSearch(); results.hidden = true; }
    if (ev.key === 'Escape') { input.value = ''; clearTimeout(timer); runSearch(); }
  });
  document.addEventListener('click', (ev) => {
    if (!$('search-box').contains(ev.target)) results.hidden = true;
  });
  input.addEventListener('focus', () => { if (input.value.trim()) results.hidden = false; });

  // --- shortest path -------------------------------------------------------------------------
  const path = { from: null, to: null };
  function setPathEnd(which, i) {
    path[which] = i;
    const span = $('path-' + which);
    span.replaceChildren(nodeLink(i));
    findPath();
  }
  // Breadth-first over the edges now shown, both directions, neighbours in entity-id order
  // (the nodes are sorted by id), then relation: the same graph always gives the same path.
  function shortestPath(from, to) {
    const prev = new Map([[from, null]]);
    let frontier = [from];
    while (frontier.length && !prev.has(to)) {
      const next = [];
      for (const v of frontier) {
        const steps = incident[v].filter((k) => edgeShown[k]).map((k) => {
          const e = edges[k];
          return { k, w: e.s === v ? e.t : e.s, forward: e.s === v };
        }).sort((a, b) => a.w - b.w || edges[a.k].rel.localeCompare(edges[b.k].rel));
        for (const st of steps) {
          if (!prev.has(st.w)) { prev.set(st.w, { v, k: st.k, forward: st.forward }); next.push(st.w); }
        }
      }
      frontier = next;
    }
    if (!prev.has(to)) return null;
    const hops = [];
    for (let w = to; w !== from;) {
      const p = prev.get(w);
      hops.push({ from: p.v, to: w, edge: p.k, forward: p.forward });
      w = p.v;
    }
    return hops.reverse();
  }
  // What the last path lit and dimmed, so clearing it touches only those elements (restyling
  // every element of a 5,000-node graph takes seconds).
  let lit = cy.collection(), dimmed = cy.collection();
  function clearPathDrawing() {
    cy.batch(() => { lit.removeClass('path'); dimmed.removeClass('faded'); });
    lit = dimmed = cy.collection();
    $('path-hops').replaceChildren();
  }
  function findPath() {
    clearPathDrawing();
    const status = $('path-status');
    if (path.from === null || path.to === null) {
      status.textContent = path.from === null ? 'Choose where the path starts.' : 'Choose where it ends.';
      return;
    }
    if (!nodeShown[path.from] || !nodeShown[path.to]) {
      status.textContent = 'An end of the path is hidden by the type filter.';
      return;
    }
    const hops = shortestPath(path.from, path.to);
    if (!hops) {
      status.textContent = 'No path between them over the edges shown.';
      return;
    }
    status.textContent = hops.length === 0 ? 'Both ends are the same entity.'
      : hops.length + ' hop' + (hops.length === 1 ? '' : 's') + ', over the edges shown:';
    cy.batch(() => {
      const parts = [nodeEl(path.from)];
      for (const h of hops) parts.push(nodeEl(h.to), edgeEl(h.edge));
      lit = cy.collection(parts);
      // On a large graph the path's red stands out alone; dimming the rest would restyle it all.
      if (!big) dimmed = cy.elements().difference(lit).addClass('faded');
      lit.addClass('path');
    });
    const list = $('path-hops');
    for (const h of hops) {
      const e = edges[h.edge];
      const li = el('li');
      const head = el('div', 'rel-head');
      const sym = relStyle(e.rel).symmetric;
      head.append(nodeLink(h.from), el('span', 'muted', h.forward || sym ? '—' : '←'),
        button('linklike rel-name', e.rel, () => selectEdge(e.i, true), 'show this edge'),
        el('span', 'muted', h.forward && !sym ? '→' : '—'), nodeLink(h.to),
        el('span', 'conf', Number(e.confidence).toFixed(2)), ...edgeTags(e));
      li.append(head, evidenceList(e, 1));
      list.append(li);
    }
    cy.animate({ fit: { eles: lit, padding: 60 } }, { duration: 300 });
  }
  $('path-clear').addEventListener('click', () => {
    path.from = path.to = null;
    $('path-from').textContent = 'pick a node, then “Path from here”';
    $('path-to').textContent = 'pick a node, then “Path to here”';
    $('path-status').textContent = '';
    clearPathDrawing();
  });

  updateStats();
  const built = performance.now();
  window.kgViewer = {
    cy,
    ready: false,
    nodeIndex: (id) => byId.get(id),
    timings: { parseMs: parsed - started, cytoscapeMs: drawn - parsed, pageReadyMs: built - started },
  };
  cy.one('render', () => {
    window.kgViewer.timings.firstRenderMs = performance.now() - started;
    window.kgViewer.ready = true;
    document.body.dataset.ready = '1';
  });
  // An empty graph renders nothing; say ready anyway.
  if (!nodes.length) { window.kgViewer.ready = true; document.body.dataset.ready = '1'; }
})();
