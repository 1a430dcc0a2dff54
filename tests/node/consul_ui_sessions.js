// fake-consul's web UI in headless Chromium (playwright-core): sessions appear on the Nodes page
// per node, and a KV entry held as a lock names its holder session, both live (no reload) as a
// client creates a session, takes the lock, releases it and destroys the session.
// Screenshots are kept in $REG_TEST_OUTPUT_DIR.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { tempDir, startBinary, check, run, launchChromium } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-ui-sessions');
  const { ready } = await startBinary('fake-consul', ['--http', '127.0.0.1:0', '--node', 'node1'], dir);
  const base = `http://${ready.http}`;
  const put = async (p, body) => {
    const r = await fetch(base + p, { method: 'PUT', body });
    if (!r.ok) throw new Error(`PUT ${p}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  const out = process.env.REG_TEST_OUTPUT_DIR || dir;
  fs.mkdirSync(out, { recursive: true });

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${base}/ui/#/nodes`);
    await page.waitForSelector('table#sessions', { timeout: 10000 });
    check('no sessions at first', await page.locator('table#sessions').innerText().then((t) => t.includes('no sessions')));
    await page.evaluate(() => { window.loadedOnce = true; });

    const { ID: session } = await put('/v1/session/create', JSON.stringify({ Name: 'leader-election', TTL: '60s' }));
    const row = page.locator(`tr[data-session="${session}"]`);
    await row.waitFor({ timeout: 10000 });
    const text = await row.innerText();
    check('the session is listed under its node with name, behavior, TTL and checks',
      ['node1', session, 'leader-election', 'release', '60s', 'serfHealth'].every((t) => text.includes(t)));
    await page.waitForFunction(() => document.querySelector('tr[data-node="node1"] td.sessions')?.textContent === '1',
      null, { timeout: 10000 });
    check('the node counts its session', await page.locator('tr[data-node="node1"] td.sessions').innerText(), '1');
    await page.screenshot({ path: path.join(out, 'consul-ui-sessions.png'), fullPage: true });

    check('the lock is taken', await put(`/v1/kv/jobs/leader?acquire=${session}`, 'me'), true);
    await page.evaluate(() => { location.hash = '#/kv/jobs/'; });
    const lock = page.locator(`tr[data-key="jobs/leader"] td.lock [data-session="${session}"]`);
    await lock.waitFor({ timeout: 10000 });
    check('the KV entry names its lock holder', await lock.innerText(), 'held by leader-election on node1');
    check('and the session ID with the lock index',
      (await page.locator('tr[data-key="jobs/leader"] td.lock').innerText()).includes(`${session} · lock index 1`));
    await page.screenshot({ path: path.join(out, 'consul-ui-kv-lock.png'), fullPage: true });

    check('the lock is released', await put(`/v1/kv/jobs/leader?release=${session}`, 'me'), true);
    await page.waitForFunction(() => document.querySelector('tr[data-key="jobs/leader"] td.lock')?.textContent.includes('not locked'),
      null, { timeout: 10000 });
    check('the released entry shows no holder',
      await page.locator('tr[data-key="jobs/leader"] td.lock').innerText(), 'not locked');

    await put(`/v1/session/destroy/${session}`);
    await page.click('#nav-nodes');
    await page.waitForFunction(() => document.querySelector('table#sessions')?.textContent.includes('no sessions'),
      null, { timeout: 10000 });
    check('the destroyed session leaves the list', await page.locator(`tr[data-session="${session}"]`).count(), 0);
    check('no page reload happened', await page.evaluate(() => window.loadedOnce === true));
  } finally {
    await browser.close();
  }
});
