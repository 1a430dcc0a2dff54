// dockerode against fake-docker's scripted processes: exec (hijacked start, demuxed output,
// inspect's ExitCode) and logs (tail, follow ending when the container stops).
'use strict';
const Docker = require('dockerode');
const fs = require('node:fs');
const path = require('node:path');
const { PassThrough } = require('node:stream');
const { tempDir, startBinary, check, eventually, run } = require('./lib/harness');

// Collects a multiplexed stream's stdout and stderr apart, as a dockerode user does.
function demux(docker, stream) {
  const out = new PassThrough();
  const err = new PassThrough();
  const got = { out: '', err: '' };
  out.on('data', (d) => { got.out += d; });
  err.on('data', (d) => { got.err += d; });
  docker.modem.demuxStream(stream, out, err);
  const ended = new Promise((resolve) => stream.on('end', resolve));
  return { got, ended };
}

async function execIn(docker, container, cmd) {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const { got, ended } = demux(docker, stream);
  await ended;
  return { ...got, exitCode: (await exec.inspect()).ExitCode };
}

run(async () => {
  const dir = tempDir('dockerode-exec');
  const socketPath = path.join(dir, 'docker.sock');
  fs.writeFileSync(path.join(dir, 'images.json'), JSON.stringify({
    scripted: { FakeProcess: {
      Logs: ['starting', { stderr: 'no config' }, 'listening on :80'],
      Exec: { 'cat /etc/motd': { Stdout: 'hello\n' }, 'sh -c exit 3': { Stderr: 'bye\n', ExitCode: 3 } },
    } },
  }));
  await startBinary('fake-docker', ['--socket', socketPath, '--images', path.join(dir, 'images.json')], dir);
  const docker = new Docker({ socketPath });
  const web = await docker.createContainer({ name: 'web', Image: 'scripted' });
  await web.start();

  check('exec output', await execIn(docker, web, ['cat', '/etc/motd']), { out: 'hello\n', err: '', exitCode: 0 });
  check('exec stderr and exit code', await execIn(docker, web, ['sh', '-c', 'exit 3']), { out: '', err: 'bye\n', exitCode: 3 });
  const missing = await execIn(docker, web, ['nosuch']);
  check('unscripted exec: exit code 126 (API 1.47, as Docker 27)', missing.exitCode, 126);
  check('unscripted exec: the engine\'s words', missing.out.includes('executable file not found in $PATH'));

  const tail = await web.logs({ stdout: true, stderr: true, tail: 2 });
  const frames = [];
  for (let i = 0; i + 8 <= tail.length;) {
    const size = tail.readUInt32BE(i + 4);
    frames.push([tail[i], tail.subarray(i + 8, i + 8 + size).toString()]);
    i += 8 + size;
  }
  check('logs tail 2, framed per stream', frames, [[2, 'no config\n'], [1, 'listening on :80\n']]);

  const follow = await web.logs({ stdout: true, stderr: true, follow: true, tail: 0 });
  const followed = demux(docker, follow);
  const res = await fetchControl(socketPath, '/_fake/containers/web/logs?stream=stdout', 'GET / 200');
  check('control route prints a line', res, 204);
  await eventually(() => followed.got.out.includes('GET / 200'), 10000, 'the followed line');
  await web.stop({ t: 1 });
  await Promise.race([followed.ended, new Promise((_, rej) => setTimeout(() => rej(new Error('follow did not end')), 10000))]);
  check('follow carried the new line and ended at stop', followed.got, { out: 'GET / 200\n', err: '' });
});

// POST to fake-docker's control API over its unix socket; resolves to the status code.
function fetchControl(socketPath, target, body) {
  const http = require('node:http');
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: target, method: 'POST' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}
