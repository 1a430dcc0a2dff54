// The npm `consul` client (2.x) against fake-consul: sessions and KV locks as an application
// doing leader election sees them, with two clients: one holds the lock with a TTL session and
// stops renewing, the other watches the key (blocking queries) and takes the lock once the
// session has run out (Consul invalidates a TTL session after twice its TTL).
'use strict';
const Consul = require('consul');
const { tempDir, startBinary, check, expectReject, run } = require('./lib/harness');

run(async () => {
  const dir = tempDir('consul-locks');
  // session_ttl_min lowered from Consul's 10s so a TTL runs out within a second.
  const { ready } = await startBinary('fake-consul',
    ['--http', '127.0.0.1:0', '--node', 'node1', '--session-ttl-min', '100ms'], dir);
  const [host, port] = ready.http.split(':');
  const holder = new Consul({ host, port: Number(port) });
  const waiter = new Consul({ host, port: Number(port) });

  // The safety bug: a made-up session must not get a lock.
  await expectReject('acquire with a session that does not exist',
    holder.kv.set({ key: 'svc/leader', value: 'me', acquire: 'made-up' }), 500, 'invalid session "made-up"');
  check('nothing was written', await holder.kv.get('svc/leader'), undefined);

  // Sessions
  const { ID: a } = await holder.session.create({ name: 'holder', ttl: '500ms', lockdelay: '0s' });
  const info = await holder.session.info(a);
  check('session.info', [info.Name, info.Node, info.TTL, info.Behavior, info.LockDelay, info.NodeChecks],
    ['holder', 'node1', '500ms', 'release', 0, ['serfHealth']]);
  check('session.list', (await holder.session.list()).map((s) => s.ID), [a]);
  check('session.node', (await holder.session.node('node1')).map((s) => s.ID), [a]);
  const renewedAt = Date.now();  // the session can run out no sooner than 2 x TTL after this
  check('session.renew', (await holder.session.renew(a)).map((s) => s.ID), [a]);
  await expectReject('a TTL under session_ttl_min', holder.session.create({ ttl: '50ms' }), 500,
    "Invalid Session TTL '50000000', must be between [100ms=24h0m0s]");
  await expectReject('renew of an unknown session', holder.session.renew('made-up'), 404, "Session id 'made-up' not found");

  // The lock
  check('holder acquires', await holder.kv.set({ key: 'svc/leader', value: 'holder', acquire: a }), true);
  const held = await holder.kv.get('svc/leader');
  check('the entry names the holder', [held.Session, held.LockIndex, held.Value], [a, 1, 'holder']);

  const { ID: b } = await waiter.session.create({ name: 'waiter', lockdelay: '0s' });
  // The library resolves Consul's `false` to undefined: a user tests it for truth.
  check('the waiter cannot acquire a held lock', !(await waiter.kv.set({ key: 'svc/leader', value: 'waiter', acquire: b })));

  // The holder stops renewing. The waiter watches the key and acquires once it is free.
  const acquired = await new Promise((resolve, reject) => {
    const watch = waiter.watch({ method: waiter.kv.get, options: { key: 'svc/leader' } });
    const deadline = setTimeout(() => { watch.end(); reject(new Error('the waiter never got the lock')); }, 20000);
    watch.on('change', async (entry) => {
      if (!entry || entry.Session) return;
      if (await waiter.kv.set({ key: 'svc/leader', value: 'waiter', acquire: b })) {
        clearTimeout(deadline);
        watch.end();
        resolve(Date.now() - renewedAt);
      }
    });
    watch.on('error', (e) => { clearTimeout(deadline); watch.end(); reject(e); });
  });
  check(`the lock moved only after the TTL's grace (2 x 500ms after the renewal; took ${acquired} ms)`, acquired >= 1000);
  check('the holder\'s session is gone', await holder.session.info(a), undefined);
  const moved = await waiter.kv.get('svc/leader');
  check('the entry names the waiter', [moved.Session, moved.LockIndex, moved.Value], [b, 2, 'waiter']);

  // Lock-delay: after the waiter's successor session is destroyed, another client is kept out.
  const { ID: c } = await holder.session.create({ name: 'delayed', lockdelay: '10s' });
  check('release', await waiter.kv.set({ key: 'svc/leader', value: 'free', release: b }), true);
  check('acquire with a 10s lock-delay session', await holder.kv.set({ key: 'svc/leader', value: 'c', acquire: c }), true);
  await holder.session.destroy(c);  // resolves without a value in this library
  check('session.destroy ended the session', await holder.session.info(c), undefined);
  check('lock-delay keeps the other client out', !(await waiter.kv.set({ key: 'svc/leader', value: 'w', acquire: b })));
  await expectReject('the destroyed session cannot acquire',
    holder.kv.set({ key: 'other', value: 'x', acquire: c }), 500, `invalid session "${c}"`);
});
