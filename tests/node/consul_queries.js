// The npm `consul` client (2.x) against fake-consul: prepared queries as an application manages
// them (query.create, list, get, update, explain, execute, destroy) across two datacenters of
// one fake-consul process, failing over to dc2 once every dc1 instance is critical; refusals
// come back with Consul's status and text.
'use strict';
const Consul = require('consul');
const { tempDir, startBinary, check, expectReject, run } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-queries');
  const { ready } = await startBinary('fake-consul',
    ['--http', '127.0.0.1:0', '--node', 'node1', '--agent', 'east1=127.0.0.2:0,dc=dc2'], dir);
  const [host, port] = ready.http.split(':');
  const [eastHost, eastPort] = ready.agents.east1.split(':');
  const consul = new Consul({ host, port: Number(port) });
  const east = new Consul({ host: eastHost, port: Number(eastPort) });

  await consul.agent.service.register({ id: 'w1', name: 'web', address: '10.0.0.1', port: 80, tags: ['v1'],
    check: { ttl: '1h', status: 'passing' } });
  await east.agent.service.register({ id: 'w2', name: 'web', address: '10.0.0.2', port: 80, tags: ['v1'] });

  const { ID: id } = await consul.query.create({ name: 'webq',
    service: { service: 'web', failover: { nearestn: 1 }, onlypassing: true, tags: ['v1'] }, dns: { ttl: '10s' } });
  check('query.create answers a UUID', /^[0-9a-f-]{36}$/.test(id));
  check('query.list', (await consul.query.list()).map((q) => q.ID), [id]);
  const got = await consul.query.get(id);
  const q = Array.isArray(got) ? got[0] : got;
  check('query.get', [q.Name, q.Service.Service, q.Service.OnlyPassing, q.Service.Failover.NearestN, q.DNS.TTL],
    ['webq', 'web', true, 1, '10s']);

  let result = await consul.query.execute('webq');
  check('execute by name: dc1', [result.Datacenter, result.Failovers, result.Nodes.map((n) => n.Service.ID)],
    ['dc1', 0, ['w1']]);
  result = await consul.query.execute(id);
  check('execute by ID', result.Nodes.map((n) => n.Service.ID), ['w1']);
  // Consul answers explain with one object {"Query": ...}; this library takes the first item of
  // a list (bodyItem), so against Consul, as here, it resolves without a value.
  check('query.explain resolves', await consul.query.explain('webq'), undefined);

  await consul.agent.check.fail('service:w1');
  result = await consul.query.execute('webq');
  check('every dc1 instance critical: failover to dc2',
    [result.Datacenter, result.Failovers, result.Nodes.map((n) => n.Service.ID)], ['dc2', 1, ['w2']]);

  await consul.query.update({ query: id, name: 'webq', service: { service: 'web', tags: ['v2'] } });
  check('query.update replaced it', (await consul.query.list())[0].Service.Tags, ['v2']);

  await expectReject('a second query named webq', consul.query.create({ name: 'webq', service: { service: 'web' } }),
    500, "name 'webq' aliases an existing query name");
  await expectReject('a query without a name or session', consul.query.create({ service: { service: 'web' } }),
    500, 'Invalid prepared query: Must be bound to a session');
  await expectReject('execute of an unknown query', consul.query.execute('nothing'), 404, 'Query not found');
  check('the refusals changed nothing', (await consul.query.list()).map((x) => x.ID), [id]);

  await consul.query.destroy(id);
  check('query.destroy emptied the list', await consul.query.list(), []);
});
