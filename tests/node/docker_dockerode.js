// dockerode (the Node.js Docker client) against fake-docker: what a Node tool that talks to the
// engine does, checked as its user would see it.
'use strict';
const Docker = require('dockerode');
const path = require('node:path');
const { tempDir, startBinary, check, expectReject, run } = require('./lib/harness');

run(async () => {
  const dir = tempDir('dockerode');
  const socketPath = path.join(dir, 'docker.sock');
  await startBinary('fake-docker', ['--socket', socketPath, '--seed', '7'], dir);
  const docker = new Docker({ socketPath });
  const since = (Date.now() / 1000).toFixed(3);

  const ping = await docker.ping();
  check('ping answers OK', String(ping), 'OK');
  const version = await docker.version();
  check('version has ApiVersion', typeof version.ApiVersion === 'string' && version.ApiVersion.length > 0);
  check('version Os is linux', version.Os, 'linux');
  const info = await docker.info();
  check('info counts no containers yet', info.Containers, 0);

  const web = await docker.createContainer({
    name: 'web1',
    Image: 'nginx:1.25',
    Env: ['SERVICE_NAME=web', 'SERVICE_TAGS=a,b'],
    Labels: { 'com.example.team': 'blue' },
    ExposedPorts: { '80/tcp': {}, '443/tcp': {} },
    HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] }, PublishAllPorts: true },
  });
  check('create returns a 64-hex id', /^[0-9a-f]{64}$/.test(web.id));
  await web.start();
  const inspected = await web.inspect();
  check('inspect Name has the leading slash', inspected.Name, '/web1');
  check('inspect State.Running', inspected.State.Running, true);
  check('inspect Config.Env keeps create order', inspected.Config.Env.slice(0, 2), ['SERVICE_NAME=web', 'SERVICE_TAGS=a,b']);
  check('inspect label', inspected.Config.Labels['com.example.team'], 'blue');
  const p80 = inspected.NetworkSettings.Ports['80/tcp'];
  check('port 80 published on 8080 (IPv4 and IPv6 bindings)', p80.map((b) => b.HostPort), ['8080', '8080']);
  const p443 = inspected.NetworkSettings.Ports['443/tcp'];
  const ephemeral = Number(p443[0].HostPort);
  check('-P gives 443 an ephemeral port', ephemeral >= 32768 && ephemeral <= 60999);
  check('bridge IP 172.17.0.2', inspected.NetworkSettings.Networks.bridge.IPAddress, '172.17.0.2');

  const db = await docker.createContainer({ name: 'db1', Image: 'postgres', Labels: { role: 'db' } });
  await db.start();

  const running = await docker.listContainers();
  check('list shows both running containers', running.map((c) => c.Names[0]).sort(), ['/db1', '/web1']);
  const blue = await docker.listContainers({ filters: { label: ['com.example.team=blue'] } });
  check('label filter', blue.map((c) => c.Names[0]), ['/web1']);
  const byName = await docker.listContainers({ filters: { name: ['db1'] } });
  check('name filter', byName.map((c) => c.Image), ['postgres']);
  const listed = running.find((c) => c.Names[0] === '/web1');
  check('list Ports has the 8080 binding', listed.Ports.some((p) => p.PrivatePort === 80 && p.PublicPort === 8080));

  await web.rename({ name: 'web2' });
  check('rename shows in inspect', (await docker.getContainer('web2').inspect()).Name, '/web2');
  await web.pause();
  check('pause', (await web.inspect()).State.Status, 'paused');
  await web.unpause();
  check('unpause', (await web.inspect()).State.Status, 'running');

  await db.kill({ signal: 'SIGKILL' });
  const dbState = (await db.inspect()).State;
  check('kill -9 exits 137', [dbState.Running, dbState.ExitCode], [false, 137]);
  await web.stop({ t: 1 });
  check('stop exits 143', (await web.inspect()).State.ExitCode, 143);

  const exited = await docker.listContainers({ all: true, filters: { status: ['exited'] } });
  check('status=exited filter', exited.map((c) => c.Names[0]).sort(), ['/db1', '/web2']);
  check('list without all hides exited ones', (await docker.listContainers()).length, 0);

  await expectReject('inspect of an unknown container', docker.getContainer('nosuch').inspect(), 404,
    'No such container: nosuch');
  await expectReject('a second container named web2', docker.createContainer({ name: 'web2', Image: 'x' }), 409,
    'Conflict');

  await docker.getContainer('db1').remove({ force: true });
  await docker.getContainer('web2').remove();
  check('remove leaves nothing', (await docker.listContainers({ all: true })).length, 0);

  // Events between `since` and now: an `until` in the past replays and ends the stream.
  const until = (Date.now() / 1000 + 0.001).toFixed(3);
  const stream = await docker.getEvents({ since, until, filters: { type: ['container'] } });
  const events = await new Promise((resolve, reject) => {
    let buf = '';
    stream.on('data', (d) => { buf += d.toString(); });
    stream.on('end', () => resolve(buf.split('\n').filter(Boolean).map((l) => JSON.parse(l))));
    stream.on('error', reject);
  });
  const webEvents = events.filter((e) => e.Actor.Attributes.image === 'nginx:1.25').map((e) => e.Action);
  check('events of web in engine order', webEvents,
    ['create', 'start', 'rename', 'pause', 'unpause', 'kill', 'die', 'stop', 'destroy']);
  const die = events.find((e) => e.Action === 'die' && e.Actor.Attributes.name === 'db1');
  check('die of db1 carries exitCode 137', die && die.Actor.Attributes.exitCode, '137');
  const rename = events.find((e) => e.Action === 'rename');
  check('rename carries oldName', rename && rename.Actor.Attributes.oldName, '/web1');
});
