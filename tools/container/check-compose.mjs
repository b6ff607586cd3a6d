#!/usr/bin/env node
// Static check of docker/compose.yaml (no registry here to pull the NATS image, so it is not started):
// a NATS service with JetStream and its config, at least two gateway replicas built from docker/Dockerfile,
// each with the mounted config, a healthcheck and a dependency on NATS, and every mounted file present.
//
//   node tools/container/check-compose.mjs [docker/compose.yaml]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const file = resolve(process.argv[2] ?? 'docker/compose.yaml');
const dir = dirname(file);
const problems = [];
const expect = (ok, message) => ok || problems.push(message);

const compose = parse(readFileSync(file, 'utf8'), { merge: true });
const services = compose?.services ?? {};
const named = new Set(Object.keys(compose?.volumes ?? {}));

/** Bind mounts must exist; named volumes must be declared. */
function checkVolumes(name, volumes = []) {
  for (const volume of volumes) {
    const [source] = String(volume).split(':');
    if (source.startsWith('.') || source.startsWith('/')) expect(existsSync(resolve(dir, source)), `${name}: mounted ${source} does not exist`);
    else expect(named.has(source), `${name}: volume ${source} is not declared under volumes`);
  }
}

const nats = services.nats;
expect(nats, 'no nats service');
if (nats) {
  checkVolumes('nats', nats.volumes);
  const conf = (nats.volumes ?? []).map(String).find((v) => v.includes('nats.conf'));
  expect(conf, 'nats: nats.conf is not mounted');
  if (conf) expect(/jetstream\s*{/.test(readFileSync(resolve(dir, conf.split(':')[0]), 'utf8')), 'nats.conf: no jetstream block');
  expect(nats.healthcheck?.test, 'nats: no healthcheck');
  if (conf) {
    const text = readFileSync(resolve(dir, conf.split(':')[0]), 'utf8');
    for (const [, included] of text.matchAll(/^\s*include\s+"([^"]+)"/gm)) {
      const target = `/etc/nats/${included}`;
      expect((nats.volumes ?? []).some((v) => String(v).split(':')[1] === target), `nats: nats.conf includes ${included}, which is not mounted at ${target}`);
      // a variable reference is an unquoted value: `password: $NAME`
      for (const [, variable] of readFileSync(resolve(dir, included), 'utf8').matchAll(/:\s*\$([A-Z_][A-Z0-9_]*)/g)) {
        expect(nats.environment?.[variable] !== undefined, `nats: ${included} reads $${variable}, which the service's environment does not set`);
      }
    }
  }
}

const gateways = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'docker/Dockerfile');
expect(gateways.length >= 2, `${gateways.length} gateway service(s) built from docker/Dockerfile, want at least 2 replicas`);
for (const [name, s] of gateways) {
  expect(existsSync(resolve(dir, s.build.context ?? '.', s.build.dockerfile)), `${name}: build context does not hold ${s.build.dockerfile}`);
  checkVolumes(name, s.volumes);
  expect((s.volumes ?? []).some((v) => String(v).includes(':/etc/tickgate/gateway.yaml')), `${name}: no config mounted at /etc/tickgate/gateway.yaml`);
  expect(JSON.stringify(s.healthcheck?.test ?? '').includes('healthcheck.mjs'), `${name}: no healthcheck running /app/healthcheck.mjs`);
  const dependsOn = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
  expect(dependsOn.includes('nats'), `${name}: does not depend on nats`);
  expect(s.environment?.TICKGATE_NATS_USER !== undefined && s.environment?.TICKGATE_NATS_PASS !== undefined, `${name}: no NATS login (TICKGATE_NATS_USER, TICKGATE_NATS_PASS)`);
}
const hostPorts = gateways.flatMap(([, s]) => (s.ports ?? []).map((p) => String(p).split(':')[0]));
expect(new Set(hostPorts).size === hostPorts.length, `gateway replicas publish the same host port: ${hostPorts.join(', ')}`);

if (problems.length > 0) {
  process.stderr.write(`check-compose: ${file}\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write(`check-compose: services ${Object.keys(services).join(', ')} (${gateways.length} gateway replicas) ok\n`);
