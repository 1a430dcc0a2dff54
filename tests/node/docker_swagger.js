// fake-docker's response bodies validated against moby's swagger definition of the API version
// it advertises (../shared/docker-engine-api/v<version>.yaml): every value must have its declared
// type and enum, every required property must be there. Null is accepted where a real engine
// sends it too (Go's nil slices and maps). Properties the swagger file does not declare are
// listed, not failed: engines send some themselves.
'use strict';
const yaml = require('js-yaml');
const fs = require('node:fs');
const path = require('node:path');
const http = require('node:http');
const { tempDir, startBinary, check, run } = require('./lib/harness');

function specFor(version) {
  const file = path.join(process.env.REG_SOURCE_DIR, '..', 'shared', 'docker-engine-api', `v${version}.yaml`);
  const fallback = path.join('/work/shared/docker-engine-api', `v${version}.yaml`);
  return yaml.load(fs.readFileSync(fs.existsSync(file) ? file : fallback, 'utf8'));
}

// Returns a list of "path: problem" strings; `extras` collects undeclared properties.
function validate(spec, schema, value, where, extras, depth = 0) {
  const problems = [];
  if (!schema || depth > 40) return problems;
  if (schema.$ref) return validate(spec, spec.definitions[schema.$ref.split('/').pop()], value, where, extras, depth + 1);
  if (schema.allOf) {
    // Each member sees the whole object: a property is undeclared only if no member declares it.
    const perMember = schema.allOf.map((part) => {
      const mine = new Set();
      problems.push(...validate(spec, part, value, where, mine, depth + 1));
      return mine;
    });
    for (const e of perMember[0] || []) if (perMember.every((m) => m.has(e))) extras.add(e);
    return problems;
  }
  if (value === null) return problems;
  const type = schema.type;
  const actual = Array.isArray(value) ? 'array' : typeof value;
  if (type === 'integer' && !(typeof value === 'number' && Number.isInteger(value))) problems.push(`${where}: want integer, got ${JSON.stringify(value)}`);
  else if (type === 'number' && typeof value !== 'number') problems.push(`${where}: want number, got ${actual}`);
  else if (type === 'string' && typeof value !== 'string') problems.push(`${where}: want string, got ${actual}`);
  else if (type === 'boolean' && typeof value !== 'boolean') problems.push(`${where}: want boolean, got ${actual}`);
  else if (type === 'array' && !Array.isArray(value)) problems.push(`${where}: want array, got ${actual}`);
  else if (type === 'object' && (actual !== 'object')) problems.push(`${where}: want object, got ${actual}`);
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value)) && value !== '') problems.push(`${where}: ${JSON.stringify(value)} not in ${JSON.stringify(schema.enum)}`);
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => problems.push(...validate(spec, schema.items, v, `${where}[${i}]`, extras, depth + 1)));
  if (actual === 'object' && !Array.isArray(value)) {
    const props = schema.properties || {};
    for (const req of schema.required || []) if (!(req in value)) problems.push(`${where}: required property ${req} missing`);
    for (const [k, v] of Object.entries(value)) {
      if (props[k]) problems.push(...validate(spec, props[k], v, `${where}.${k}`, extras, depth + 1));
      else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') problems.push(...validate(spec, schema.additionalProperties, v, `${where}.${k}`, extras, depth + 1));
      else if (Object.keys(props).length > 0) extras.add(`${where}.${k}`.replace(/\[\d+\]/g, '[]'));
    }
  }
  return problems;
}

function get(socketPath, target) {
  return new Promise((resolve, reject) => {
    http.get({ socketPath, path: target }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

function send(socketPath, method, target, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: target, method, headers: { 'Content-Type': 'application/json' } }, (res) => {
      let data = '';
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('error', reject);
    req.end(body ? JSON.stringify(body) : undefined);
  });
}

run(async () => {
  for (const version of ['1.41', '1.47', '1.52']) {
    const spec = specFor(version);
    const dir = tempDir(`swagger-${version}`);
    const socketPath = path.join(dir, 'docker.sock');
    const images = path.join(dir, 'images.json');
    fs.writeFileSync(images, JSON.stringify({ 'nginx:1.25': { ExposedPorts: { '80/tcp': {} }, Env: ['PATH=/usr/bin'], Cmd: ['nginx'] } }));
    const { child } = await startBinary('fake-docker', ['--socket', socketPath, '--api-version', version, '--images', images], dir);
    const since = Math.floor(Date.now() / 1000) - 1;
    const v = `/v${version}`;
    await send(socketPath, 'POST', `${v}/containers/create?name=web1`, {
      Image: 'nginx:1.25', Env: ['SERVICE_NAME=web'], Labels: { team: 'blue' }, ExposedPorts: { '443/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostPort: '8080' }] } },
    });
    await send(socketPath, 'POST', `${v}/containers/web1/start`);
    await send(socketPath, 'POST', `${v}/containers/create?name=db1`, { Image: 'postgres' });
    await send(socketPath, 'POST', `${v}/containers/db1/start`);
    await send(socketPath, 'POST', `${v}/containers/db1/stop?t=1`);
    const until = Math.floor(Date.now() / 1000) + 1;

    const cases = [
      ['/version', `${v}/version`], ['/info', `${v}/info`], ['/containers/json', `${v}/containers/json?all=1`],
      ['/containers/{id}/json', `${v}/containers/web1/json`], ['/containers/{id}/json', `${v}/containers/db1/json`],
      ['/images/json', `${v}/images/json`], ['/images/{name}/json', `${v}/images/nginx:1.25/json`],
      ['/networks', `${v}/networks`],
    ];
    for (const [template, target] of cases) {
      const r = await get(socketPath, target);
      const schema = spec.paths[template]?.get?.responses?.['200']?.schema;
      if (!check(`${version} ${target}: 200 with a swagger schema`, r.status === 200 && schema !== undefined)) continue;
      const extras = new Set();
      const problems = validate(spec, schema, JSON.parse(r.body), template, extras);
      check(`${version} ${target} matches ${template}${problems.length ? ':\n    ' + problems.join('\n    ') : ''}`, problems.length === 0);
      if (extras.size) console.log(`     (not declared in v${version}.yaml: ${[...extras].slice(0, 8).join(', ')}${extras.size > 8 ? ', …' : ''})`);
    }
    // Events, one JSON message per line.
    const ev = await get(socketPath, `${v}/events?since=${since}&until=${until}`);
    const messages = ev.body.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    check(`${version} /events replays the run's events`, messages.length >= 8);
    const eventProblems = messages.flatMap((m, i) => validate(spec, spec.definitions.EventMessage, m, `/events[${i}]`, new Set()));
    check(`${version} every event matches EventMessage${eventProblems.length ? ':\n    ' + eventProblems.join('\n    ') : ''}`, eventProblems.length === 0);
    // Errors are ErrorResponse.
    const missing = await get(socketPath, `${v}/containers/nosuch/json`);
    const errProblems = validate(spec, spec.definitions.ErrorResponse, JSON.parse(missing.body), 'error', new Set());
    check(`${version} a 404 body matches ErrorResponse`, missing.status === 404 && errProblems.length === 0);
    child.kill('SIGTERM');
  }
});
