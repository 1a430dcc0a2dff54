// The npm `consul` client (2.x) against fake-consul with ACLs on (default deny): its
// acl.bootstrap, then a management token and a scoped one (made through the HTTP API, which
// this client does not wrap) used through its `token` option; each refusal checked by its text.
'use strict';
const Consul = require('consul');
const { tempDir, startBinary, check, expectReject, run } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-acl');
  const { ready } = await startBinary('fake-consul', ['--http', '127.0.0.1:0', '--acl-default-policy', 'deny'], dir);
  const [host, port] = ready.http.split(':');
  const anonymous = new Consul({ host, port: Number(port) });

  const boot = await anonymous.acl.bootstrap();
  check('acl.bootstrap: a global-management token', boot.Policies.map((p) => p.Name), ['global-management']);
  await expectReject('a second bootstrap', anonymous.acl.bootstrap(), 403,
    `Permission denied: ACL bootstrap no longer allowed (reset index: ${boot.CreateIndex})`);
  await expectReject('replication is not modelled', anonymous.acl.replication(), 501,
    'fake-consul does not model /v1/acl/replication');

  const api = async (method, path, body, token) => {
    const r = await fetch(`http://${ready.http}/v1${path}`,
      { method, headers: { 'X-Consul-Token': token }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  await api('PUT', '/acl/policy', { Name: 'kv-app', Rules: 'key_prefix "app/" { policy = "write" }' }, boot.SecretID);
  const scoped = await api('PUT', '/acl/token', { Description: 'app', Policies: [{ Name: 'kv-app' }] }, boot.SecretID);

  const root = new Consul({ host, port: Number(port), defaults: { token: boot.SecretID } });
  const app = new Consul({ host, port: Number(port), defaults: { token: scoped.SecretID } });
  check('the scoped token writes under app/', await app.kv.set('app/config', 'v1'), true);
  await expectReject('the scoped token may not write elsewhere', app.kv.set('other/config', 'v1'), 403,
    `Permission denied: token with AccessorID '${scoped.AccessorID}' lacks permission 'key:write' on "other/config"`);
  check('root writes anywhere', await root.kv.set('other/config', 'v0'), true);
  check('a recursive read shows the scoped token only its keys',
    (await app.kv.get({ key: '', recurse: true })).map((e) => e.Key), ['app/config']);
  await expectReject('the anonymous token may not register', anonymous.agent.service.register({ name: 'web', port: 80 }), 403,
    "Permission denied: token with AccessorID '00000000-0000-0000-0000-000000000002' lacks permission 'service:write' on \"web\"");
  await expectReject('an unknown token', new Consul({ host, port: Number(port), defaults: { token: 'made-up' } }).kv.get('app/config'),
    403, 'ACL not found');
  check('root lists both keys', (await root.kv.keys('')).sort(), ['app/config', 'other/config']);
});
