// fake-consul's web UI in headless Chromium (playwright-core): a registration, a health change
// and a KV write made through the HTTP API appear on the open page without a reload (the page
// watches with blocking queries). Screenshots are kept in $REG_TEST_OUTPUT_DIR.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { tempDir, startBinary, check, run, launchChromium } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-ui');
  const { ready } = await startBinary('fake-consul', ['--http', '127.0.0.1:0', '--node', 'node1'], dir);
  const base = `http://${ready.http}`;
  const put = async (p, body) => {
    const r = await fetch(base + p, { method: 'PUT', body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`PUT ${p}: ${r.status} ${await r.text()}`);
  };
  const out = process.env.REG_TEST_OUTPUT_DIR || dir;
  fs.mkdirSync(out, { recursive: true });

  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
    await page.goto(`${base}/ui`);
    check('/ui redirects to /ui/', page.url(), `${base}/ui/`);
    await page.waitForSelector('table#services', { timeout: 10000 });
    check('the agent shows in the header', (await page.locator('#dc').innerText()).includes('dc1 · node1'));
    // A marker that only survives if the page is never reloaded.
    await page.evaluate(() => { window.loadedOnce = true; });

    await put('/v1/agent/service/register', {
      ID: 'web-1', Name: 'web', Address: '10.0.0.5', Port: 8080, Tags: ['blue'], Meta: { team: 'shop' },
      Check: { CheckID: 'web-1-ttl', Name: 'ttl', TTL: '60s', Status: 'passing' },
    });
    await put('/v1/agent/service/register', { ID: 'web-2', Name: 'web', Address: '10.0.0.6', Port: 8080 });
    const instances = page.locator('tr[data-service="web"] td.instances');
    await instances.waitFor({ timeout: 10000 });
    await page.waitForFunction(() => document.querySelector('tr[data-service="web"] td.instances')?.textContent === '2',
      null, { timeout: 10000 });
    check('a registration appears with its instance count, no reload', await instances.innerText(), '2');
    check('both instances are passing', (await page.locator('tr[data-service="web"]').innerText()).includes('2 passing'));

    await page.click('tr[data-service="web"] a');
    await page.waitForSelector('tr[data-instance="web-1"]', { timeout: 10000 });
    const row = await page.locator('tr[data-instance="web-1"]').innerText();
    check('instance row: node, address, port, tags, meta',
      ['node1', '10.0.0.5', '8080', 'blue', 'team=shop'].every((t) => row.includes(t)));
    check('the TTL check shows passing',
      await page.locator('[data-check="web-1-ttl"] [data-status]').getAttribute('data-status'), 'passing');

    await put('/v1/agent/check/fail/web-1-ttl?note=disk%20full');
    await page.waitForSelector('[data-check="web-1-ttl"] [data-status="critical"]', { timeout: 10000 });
    check('a failed check turns critical without a reload, with its output',
      (await page.locator('[data-check="web-1-ttl"]').innerText()).includes('disk full'));
    await page.screenshot({ path: path.join(out, 'consul-ui-service.png'), fullPage: true });

    await page.click('#nav-services');
    await page.waitForSelector('tr[data-service="web"] .critical', { timeout: 10000 });
    check('the services list counts the critical instance',
      (await page.locator('tr[data-service="web"]').innerText()).includes('1 critical'));

    await page.click('#nav-nodes');
    await page.waitForSelector('tr[data-node="node1"]', { timeout: 10000 });
    check('nodes view lists the agent node with its 2 services',
      (await page.locator('tr[data-node="node1"]').innerText()).includes('2'));

    await page.click('#nav-kv');
    await page.waitForSelector('table#kv', { timeout: 10000 });
    await put('/v1/kv/app/config', 'v=1');
    await page.waitForSelector('tr[data-key="app/"]', { timeout: 10000 });
    await page.click('tr[data-key="app/"] a');
    await page.waitForSelector('tr[data-key="app/config"]', { timeout: 10000 });
    check('KV browser shows the value', (await page.locator('tr[data-key="app/config"]').innerText()).includes('"v=1"'));
    await page.screenshot({ path: path.join(out, 'consul-ui-kv.png'), fullPage: true });
    check('no page reload happened', await page.evaluate(() => window.loadedOnce === true));
  } finally {
    await browser.close();
  }
});
