// Shared by the node client suites: start one of our binaries with a ready file, wait for it
// with a deadline (polling, no fixed sleeps), stop it on exit, and a tiny assertion runner that
// prints one line per check and exits non-zero when any failed.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const children = [];
process.on('exit', () => { for (const c of children) { try { c.kill('SIGKILL'); } catch (_) {} } });

function tempDir(tag) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${tag}-`));
}

async function eventually(condition, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20)); // polling interval, not a wait for an event
  }
}

// Starts REG_BIN_DIR/<name> with args plus --ready-file; resolves to the parsed ready JSON.
async function startBinary(name, args, dir) {
  const bin = path.join(process.env.REG_BIN_DIR || '', name);
  if (!fs.existsSync(bin)) throw new Error(`${bin} not found (is REG_BIN_DIR set?)`);
  const ready = path.join(dir, `${name}.ready`);
  const log = fs.openSync(path.join(dir, `${name}.log`), 'a');
  const child = spawn(bin, [...args, '--ready-file', ready], { stdio: ['ignore', log, log] });
  children.push(child);
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  await eventually(() => fs.existsSync(ready) || exited !== null, 20000, `${name} to become ready`);
  if (!fs.existsSync(ready)) {
    throw new Error(`${name} exited (${exited}): ${fs.readFileSync(path.join(dir, `${name}.log`), 'utf8')}`);
  }
  return { child, ready: JSON.parse(fs.readFileSync(ready, 'utf8')) };
}

// check('what a user sees', actual, expected) with deep equality, or check(name, boolean).
const results = [];
function check(name, actual, expected) {
  const ok = arguments.length === 2 ? Boolean(actual) : deepEqual(actual, expected);
  results.push(ok);
  const detail = ok || arguments.length === 2 ? '' : `: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail}`);
  return ok;
}

function deepEqual(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function expectReject(name, promise, statusCode, messagePart) {
  try {
    await promise;
    check(`${name} (should have failed)`, false);
  } catch (e) {
    const status = e.statusCode ?? e.response?.statusCode;
    // dockerode parses the engine's {"message"}; the consul client keeps Consul's plain-text body.
    const body = typeof e.response?.body === 'string' ? e.response.body : undefined;
    const text = String(e.json?.message ?? body ?? e.message ?? '');
    check(`${name}: status ${statusCode}`, status, statusCode);
    if (messagePart) check(`${name}: message has "${messagePart}" (${text.trim()})`, text.includes(messagePart));
  }
}

// Runs main(); prints the tally and exits 1 on any failure or exception.
function run(main) {
  main().then(() => {
    const failed = results.filter((r) => !r).length;
    console.log(`${results.length - failed}/${results.length} checks passed`);
    process.exit(failed === 0 && results.length > 0 ? 0 : 1);
  }, (e) => {
    console.log(`FAIL ${e.stack || e}`);
    process.exit(1);
  });
}

// Debian's Chromium, headless, with nothing that would reach off the machine.
async function launchChromium() {
  const { chromium } = require('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // launch() gives the browser a fresh temporary profile of its own.
  });
}

module.exports = { tempDir, eventually, startBinary, check, expectReject, run, launchChromium };
