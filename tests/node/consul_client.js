// The npm `consul` client (2.x) against fake-consul: agent services and checks, catalog, health,
// KV, status and a blocking watch, each checked as a user of that library sees it.
'use strict';
const Consul = require('consul');
const { tempDir, startBinary, eventually, check, expectReject, run } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-client');
  const { ready } = await startBinary('fake-consul',
    ['--http', '127.0.0.1:0', '--node', 'node1', '--node-address', '127.0.0.1'], dir);
  const [host, port] = ready.http.split(':');
  const consul = new Consul({ host, port: Number(port) });

  // status
  check('status.leader', await consul.status.leader(), '127.0.0.1:8300');
  check('status.peers', await consul.status.peers(), ['127.0.0.1:8300']);

  // A watch on the web service's healthy instances, started before anything is registered.
  const seen = [];
  const watch = consul.watch({ method: consul.health.service, options: { service: 'web', passing: true } });
  watch.on('change', (data) => seen.push(data.map((e) => e.Service.ID).sort()));
  watch.on('error', (e) => seen.push(`error: ${e.message}`));
  await eventually(() => seen.length >= 1, 5000, 'the watch to deliver its first (empty) result');
  check('watch first result is empty', seen[0], []);

  // agent.service
  await consul.agent.service.register({
    id: 'web-1', name: 'web', address: '10.0.0.5', port: 8080, tags: ['blue', 'v1'], meta: { team: 'a' },
    check: { ttl: '30s', status: 'passing' },
  });
  await consul.agent.service.register({ id: 'web-2', name: 'web', address: '10.0.0.6', port: 8080 });
  const services = await consul.agent.service.list();
  check('agent.service.list has both', Object.keys(services).sort(), ['web-1', 'web-2']);
  check('agent service fields', [services['web-1'].Service, services['web-1'].Port, services['web-1'].Meta],
    ['web', 8080, { team: 'a' }]);

  await eventually(() => seen.some((s) => s.length === 2), 5000, 'the watch to see web-1 and web-2');
  check('watch saw both instances without polling', seen.find((s) => s.length === 2), ['web-1', 'web-2']);

  // agent.check on the service's TTL check
  const checks = await consul.agent.check.list();
  const ttlId = Object.keys(checks).find((id) => checks[id].ServiceID === 'web-1');
  check('agent.check.list has the TTL check of web-1', ttlId, 'service:web-1');
  await consul.agent.check.warn({ id: ttlId, note: 'slow' });
  check('check.warn', (await consul.agent.check.list())[ttlId].Status, 'warning');
  await consul.agent.check.fail({ id: ttlId, note: 'down' });
  const failed = (await consul.agent.check.list())[ttlId];
  check('check.fail with its note', [failed.Status, failed.Output], ['critical', 'down']);
  await expectReject('pass of an unknown check', consul.agent.check.pass({ id: 'nope' }), 404, 'Unknown check ID');

  // health
  const passing = await consul.health.service({ service: 'web', passing: true });
  check('health.service?passing hides the failed instance', passing.map((e) => e.Service.ID), ['web-2']);
  const all = await consul.health.service('web');
  check('health.service lists both with node checks', all.map((e) => [e.Service.ID, e.Checks.length]),
    [['web-1', 2], ['web-2', 1]]);
  check('health.checks(web)', (await consul.health.checks('web')).map((c) => c.CheckID), ['service:web-1']);
  check('health.state(critical)', (await consul.health.state('critical')).map((c) => c.CheckID), ['service:web-1']);
  check('health.node(node1) has serfHealth', (await consul.health.node('node1')).map((c) => c.CheckID).includes('serfHealth'));
  await consul.agent.check.pass({ id: ttlId });
  await eventually(() => seen.some((s) => s.length === 2 && seen.indexOf(s) > 1), 5000, 'the watch to see web-1 back');

  // maintenance
  await consul.agent.service.maintenance({ id: 'web-2', enable: true, reason: 'upgrade' });
  check('maintenance hides web-2 from ?passing',
    (await consul.health.service({ service: 'web', passing: true })).map((e) => e.Service.ID), ['web-1']);
  await consul.agent.service.maintenance({ id: 'web-2', enable: false });

  // catalog
  check('catalog.datacenters', await consul.catalog.datacenters(), ['dc1']);
  const catalogServices = await consul.catalog.service.list();
  check('catalog.service.list has web with its tags', catalogServices.web, ['blue', 'v1']);
  const nodes = await consul.catalog.service.nodes('web');
  check('catalog.service.nodes', nodes.map((n) => [n.Node, n.ServiceID, n.ServiceAddress]),
    [['node1', 'web-1', '10.0.0.5'], ['node1', 'web-2', '10.0.0.6']]);
  const tagged = await consul.catalog.service.nodes({ service: 'web', tag: 'blue' });
  check('catalog.service.nodes ?tag=blue', tagged.map((n) => n.ServiceID), ['web-1']);
  check('catalog.node.list', (await consul.catalog.node.list()).map((n) => n.Node), ['node1']);
  const nodeServices = await consul.catalog.node.services('node1');
  check('catalog.node.services', Object.keys(nodeServices.Services).sort(), ['web-1', 'web-2']);

  await consul.agent.service.deregister('web-2');
  check('deregister removes web-2', Object.keys(await consul.agent.service.list()), ['web-1']);
  await expectReject('deregister of an unknown ID', consul.agent.service.deregister('web-9'), 404, 'Unknown service ID');

  // catalog.register / catalog.deregister: an external node with a service and its check
  await consul.catalog.register({
    node: 'ext1', address: '10.0.0.9', nodemeta: { rack: 'r1' },
    service: { service: 'db', port: 5432, tags: ['primary'] },
    check: { name: 'db alive', serviceid: 'db', status: 'passing', definition: { tcp: '10.0.0.9:5432', intervalduration: '10s' } },
  });
  const db = await consul.catalog.service.nodes({ service: 'db', 'node-meta': ['rack:r1'] });
  check('catalog.register: db on ext1, found by ?node-meta', db.map((n) => [n.Node, n.ServiceID, n.ServicePort]),
    [['ext1', 'db', 5432]]);
  check('catalog.register check', (await consul.health.checks('db')).map((c) => [c.CheckID, c.Status]),
    [['db alive', 'passing']]);
  check('?node-meta that matches nothing', await consul.catalog.service.nodes({ service: 'db', 'node-meta': ['rack:r9'] }), []);
  await consul.catalog.deregister({ node: 'ext1', serviceid: 'db' });
  check('catalog.deregister of the service', await consul.catalog.service.nodes('db'), []);
  await consul.catalog.deregister('ext1');
  check('catalog.deregister of the node', (await consul.catalog.node.list()).map((n) => n.Node), ['node1']);

  // kv
  await consul.kv.set('app/config/a', 'one');
  await consul.kv.set({ key: 'app/config/b', value: 'two', flags: 42 });
  const a = await consul.kv.get('app/config/a');
  check('kv.get decodes the value', a.Value, 'one');
  check('kv flags', (await consul.kv.get('app/config/b')).Flags, 42);
  check('kv.keys with separator', await consul.kv.keys({ key: 'app/', separator: '/' }), ['app/config/']);
  check('kv.get recurse', (await consul.kv.get({ key: 'app/', recurse: true })).map((e) => [e.Key, e.Value]),
    [['app/config/a', 'one'], ['app/config/b', 'two']]);
  await consul.kv.set({ key: 'app/config/a', value: 'x', cas: a.ModifyIndex - 1 });
  check('kv cas with a stale index changes nothing', (await consul.kv.get('app/config/a')).Value, 'one');
  check('kv cas with the current index wins', await consul.kv.set({ key: 'app/config/a', value: 'x', cas: a.ModifyIndex }), true);
  await consul.kv.del({ key: 'app/', recurse: true });
  check('kv.del recurse leaves nothing', await consul.kv.get({ key: 'app/', recurse: true }), undefined);

  watch.end();
});
