// regsim's --html report rendered in headless Chromium (playwright-core): the page a user opens
// after a run shows the verdict, the scenario table, a timeline and the lag histogram as inline
// SVG with a real size. A screenshot is kept in $REG_TEST_OUTPUT_DIR.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { tempDir, check, run, launchChromium } = require('./lib/harness');

run(async () => {
  const dir = tempDir('regsim-html');
  const report = path.join(dir, 'report.html');
  const bin = process.env.REG_BIN_DIR;
  const scenario = path.join(process.env.REG_SOURCE_DIR, 'scenarios', 'seed-single-host.json');
  execFileSync(path.join(bin, 'regsim'), ['run', scenario, '--bin-dir', bin, '--html', report], { stdio: 'pipe' });
  check('regsim wrote the report', fs.existsSync(report));

  const out = process.env.REG_TEST_OUTPUT_DIR || dir;
  fs.mkdirSync(out, { recursive: true });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests = [];
    page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
    await page.goto('file://' + report);
    const title = await page.locator('h1').innerText();
    check(`title says the run passed ("${title}")`, /PASS/.test(title));
    check('scenario table names the seed scenario',
      (await page.locator('table.summary').innerText()).includes('seed-single-host'));
    for (const cls of ['timeline', 'lag']) {
      const box = await page.locator(`svg.${cls}`).first().boundingBox();
      check(`svg.${cls} is rendered with a size (${box && Math.round(box.width)}x${box && Math.round(box.height)})`,
        box !== null && box.width > 100 && box.height > 20);
    }
    check('the report is self-contained (no request beyond the file)', requests.length === 0);
    await page.screenshot({ path: path.join(out, 'regsim-report.png'), fullPage: true });
    check('screenshot saved', fs.statSync(path.join(out, 'regsim-report.png')).size > 1000);
  } finally {
    await browser.close();
  }
});
