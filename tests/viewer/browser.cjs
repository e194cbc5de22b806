// Drives the kg HTML viewer in headless Debian Chromium through playwright-core and prints
// what it saw as one JSON object on stdout; tests/viewer.rs makes the assertions.
//
//   node browser.cjs '{"modules": DIR, "chromium": PATH, "page": FILE, "scenario": NAME,
//                      "shots": DIR, ...scenario options}'
//
// Scenarios: "sco" (search, node card, edge card, path, filters on the SCO graph), "hostile"
// (open every card of a graph of hostile names), "large" (a generated 5,000-node graph).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const cfg = JSON.parse(process.argv[2]);
const { chromium } = require(path.join(cfg.modules, 'playwright-core'));

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

async function main() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'kg-viewer-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: cfg.chromium,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 860 },
    deviceScaleFactor: 1,
  });
  const seen = { requests: [], console: [], pageErrors: [], dialogs: [] };
  context.on('request', (r) => seen.requests.push(r.url()));
  // Record policy violations and any script a hostile string could start.
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
    });
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') seen.console.push(m.type() + ': ' + m.text()); });
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.type() + ': ' + d.message()); await d.dismiss(); });
  // A served page (kg serve) or a file opened from disk.
  const url = cfg.url || ('file://' + path.resolve(cfg.page));
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForFunction(() => window.kgViewer && window.kgViewer.ready, null, { timeout: 120000 });
  const loadMs = Date.now() - t0;
  let result;
  try {
    result = await SCENARIOS[cfg.scenario](page);
  } finally {
    result = result || {};
  }
  result.loadMs = loadMs;
  result.timings = await page.evaluate(() => window.kgViewer.timings);
  result.requests = seen.requests.filter((u) => u !== url);
  result.console = seen.console;
  result.pageErrors = seen.pageErrors;
  result.dialogs = seen.dialogs;
  result.csp = await page.evaluate(() => window.__csp);
  result.pwned = await page.evaluate(() => window.__pwned === undefined ? null : String(window.__pwned));
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + '\n');
}

const shot = (page, name) => page.screenshot({ path: path.join(cfg.shots, name) });

async function counts(page) {
  return page.evaluate(() => {
    const s = document.getElementById('stats');
    return {
      nodes: window.kgViewer.cy.nodes().length,
      edges: window.kgViewer.cy.edges().length,
      shownNodes: Number(s.dataset.nodes),
      shownEdges: Number(s.dataset.edges),
      stats: s.textContent,
    };
  });
}

// Brings a node into view as a user would (pan and zoom), then clicks it with the mouse.
async function clickNode(page, id) {
  const at = await page.evaluate((id) => {
    const v = window.kgViewer;
    const n = v.cy.getElementById('n' + v.nodeIndex(id));
    if (n.empty()) return null;
    v.cy.stop();
    v.cy.zoom(2.5);
    v.cy.center(n);
    const p = n.renderedPosition();
    const box = v.cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, id);
  if (!at) throw new Error('no node ' + id);
  await page.mouse.click(at.x, at.y);
  try {
    await page.waitForFunction((id) => document.getElementById('card').dataset.id === id, id, { timeout: 10000 });
  } catch (e) {
    await shot(page, 'viewer-failed-click.png');
    throw new Error('clicking ' + id + ' at ' + JSON.stringify(at) + ' did not open its card: ' + e.message);
  }
}

// Clicks the middle of an edge (a straight or curved edge passes its midpoint).
async function clickEdge(page, index) {
  const at = await page.evaluate((k) => {
    const cy = window.kgViewer.cy;
    const e = cy.getElementById('e' + k);
    cy.stop();
    cy.fit(e.connectedNodes(), 150);
    const p = e.renderedMidpoint();
    const box = cy.container().getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  }, index);
  await page.mouse.click(at.x, at.y);
  await page.waitForFunction((k) => document.getElementById('card').dataset.kind === 'edge' &&
    document.getElementById('card').dataset.id === String(k), index, { timeout: 10000 });
}

function cardText(page) {
  return page.evaluate(() => {
    const c = document.getElementById('card');
    return {
      kind: c.dataset.kind, id: c.dataset.id, text: c.textContent,
      sentences: [...c.querySelectorAll('.sentence')].map((p) => ({
        text: p.textContent,
        marks: [...p.querySelectorAll('mark')].map((m) => m.className + ':' + m.textContent),
      })),
      links: [...c.querySelectorAll('a')].map((a) => a.href),
    };
  });
}

const SCENARIOS = {
  async sco(page) {
    const out = {};
    out.counts = await counts(page);
    await shot(page, 'viewer-overview.png');

    await page.click('#search');
    await page.keyboard.type('SCO');
    await page.waitForFunction(() => document.getElementById('card').dataset.kind === 'node', null, { timeout: 10000 });
    await page.waitForTimeout(400);
    out.search = await page.evaluate(() => {
      const v = window.kgViewer;
      return {
        selected: v.cy.nodes(':selected').map((n) => n.data('label')),
        card: document.getElementById('card').dataset.id,
        results: [...document.querySelectorAll('#search-results li button')].map((b) => b.textContent),
      };
    });
    await shot(page, 'viewer-search.png');
    await page.keyboard.press('Escape');

    // CJK search: the Chinese alias finds the same organization.
    await page.fill('#search', '上海合作');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    out.cjkSearch = await page.evaluate(() => window.kgViewer.cy.nodes(':selected').map((n) => n.data('label')));
    // Full-width letters fold (NFKC) to the alias.
    await page.fill('#search', 'ＳＣＯ');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    out.fullWidthSearch = await page.evaluate(() => window.kgViewer.cy.nodes(':selected').map((n) => n.data('label')));
    await page.fill('#search', '');
    await page.keyboard.press('Escape');

    await clickNode(page, 'xi-jinping');
    out.xi = await cardText(page);
    await shot(page, 'viewer-node-card.png');

    await page.click('#card button:text-is("Path from here")');
    await clickNode(page, 'kazakhstan');
    out.kazakhstan = await cardText(page);
    await page.click('#card button:text-is("Path to here")');
    await page.waitForFunction(() => document.querySelectorAll('#path-hops > li').length > 0, null, { timeout: 10000 });
    await page.waitForTimeout(500);
    out.path = await page.evaluate(() => {
      const v = window.kgViewer;
      return {
        status: document.getElementById('path-status').textContent,
        hops: [...document.querySelectorAll('#path-hops > li')].map((li) => ({
          head: li.querySelector('.rel-head').textContent,
          sentences: [...li.querySelectorAll('.sentence')].map((p) => p.textContent),
          marks: li.querySelectorAll('mark').length,
        })),
        highlightedNodes: v.cy.nodes('.path').map((n) => n.data('label')),
        highlightedEdges: v.cy.edges('.path').length,
        fadedOthers: v.cy.elements('.faded').length,
      };
    });
    await shot(page, 'viewer-path.png');
    await page.click('#path-clear');

    // An edge: the first conflicting one, clicked on the canvas.
    const conflictEdge = await page.evaluate(() => {
      const e = window.kgViewer.cy.edges('.conflict').first();
      return e.empty() ? null : e.data('idx');
    });
    if (conflictEdge !== null) {
      await clickEdge(page, conflictEdge);
      out.edge = await cardText(page);
      await shot(page, 'viewer-edge-card.png');
    }

    // Filters: hiding persons hides their edges; a confidence floor hides weak edges.
    await page.uncheck('#legend-types input[data-value="person"]');
    out.withoutPersons = await counts(page);
    await page.check('#legend-types input[data-value="person"]');
    await page.fill('#min-confidence', '0.95');
    await page.dispatchEvent('#min-confidence', 'input');
    out.confident = await counts(page);
    await page.fill('#min-confidence', '0');
    await page.dispatchEvent('#min-confidence', 'input');
    await page.fill('#date-from', '2019');
    await page.dispatchEvent('#date-from', 'input');
    await page.uncheck('#date-undated');
    out.datedFrom2019 = await counts(page);
    out.after = await counts(page);
    return out;
  },

  async hostile(page) {
    const out = {};
    out.counts = await counts(page);
    const ids = await page.evaluate(() => window.kgViewer.cy.nodes().map((n) => n.data('idx')));
    out.cards = [];
    for (const idx of ids) {
      // Select through the search box: type the label.
      const label = await page.evaluate((i) => window.kgViewer.cy.getElementById('n' + i).data('label'), idx);
      await page.fill('#search', label);
      await page.keyboard.press('Enter');
      await page.waitForTimeout(200);
      out.cards.push(await cardText(page));
    }
    await shot(page, 'viewer-hostile-node.png');
    const edgeCount = await page.evaluate(() => window.kgViewer.cy.edges().length);
    for (let k = 0; k < edgeCount; k++) {
      await clickEdge(page, k);
      out.cards.push(await cardText(page));
    }
    // Walk a path too: its hops render sentences.
    await page.evaluate(() => window.kgViewer.cy.nodes().first().emit('tap'));
    await page.click('#card button:text-is("Path from here")');
    await page.evaluate(() => window.kgViewer.cy.nodes().last().emit('tap'));
    await page.click('#card button:text-is("Path to here")');
    await page.waitForTimeout(300);
    out.pathText = await page.evaluate(() => document.getElementById('path-panel').textContent);
    await shot(page, 'viewer-hostile-edge.png');
    out.dom = await page.evaluate(() => ({
      images: document.querySelectorAll('img').length,
      scripts: document.querySelectorAll('script').length,
      iframes: document.querySelectorAll('iframe').length,
      hrefs: [...document.querySelectorAll('a[href]')].map((a) => a.getAttribute('href')),
    }));
    return out;
  },

  async large(page) {
    const out = {};
    out.counts = await counts(page);
    await shot(page, 'viewer-large.png');
    let t = Date.now();
    await page.fill('#search', cfg.searchFor);
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.getElementById('card').dataset.kind === 'node', null, { timeout: 30000 });
    out.searchMs = Date.now() - t;
    out.searched = await page.evaluate(() => window.kgViewer.cy.nodes(':selected').map((n) => n.data('label')));
    t = Date.now();
    await page.uncheck('#legend-types input[data-value="person"]');
    out.filterMs = Date.now() - t;
    out.filtered = await counts(page);
    await page.check('#legend-types input[data-value="person"]');
    t = Date.now();
    await page.evaluate(() => { const cy = window.kgViewer.cy; cy.zoom(cy.zoom() * 2); cy.panBy({ x: 100, y: 50 }); });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    out.zoomPanMs = Date.now() - t;
    await clickNode(page, cfg.pathFrom);
    await page.click('#card button:text-is("Path from here")');
    await clickNode(page, cfg.pathTo);
    t = Date.now();
    await page.click('#card button:text-is("Path to here")');
    await page.waitForFunction(() => document.getElementById('path-status').textContent !== '', null, { timeout: 30000 });
    out.pathMs = Date.now() - t;
    out.pathStatus = await page.evaluate(() => document.getElementById('path-status').textContent);
    out.pathHops = await page.evaluate(() => document.querySelectorAll('#path-hops > li').length);
    await page.waitForTimeout(400);
    await shot(page, 'viewer-large-path.png');
    return out;
  },
};

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1); });
