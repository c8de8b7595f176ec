// Issue 15, deliver 5: the container image cannot be built on this machine (no container engine),
// so this reads relay/Dockerfile and compose.yaml and checks what a build would rely on: a non-root
// user, the entry point that runs the relay on PostgreSQL from the environment, the ports, a health
// check against /healthz on the admin port, a read-only root filesystem, and arguments the relay's
// CLI accepts.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './cli.js';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(s: string): unknown };

/** Dockerfile instructions of the last stage (the image that runs), continuation lines joined. */
function lastStage(text: string): { op: string; args: string }[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const all = lines.map((l) => ({ op: l.split(/\s+/)[0]!.toUpperCase(), args: l.slice(l.search(/\s/) + 1).trim() }));
  const from = all.map((i) => i.op).lastIndexOf('FROM');
  return all.slice(from);
}
const execForm = (args: string) => JSON.parse(args) as string[];

describe('relay/Dockerfile', () => {
  const stage = lastStage(readFileSync(join(ROOT, 'relay', 'Dockerfile'), 'utf8'));
  const one = (op: string) => stage.filter((i) => i.op === op).at(-1)?.args ?? '';

  it('runs the relay as a non-root user, from files it cannot change', () => {
    expect(one('USER')).toBeTruthy();
    expect(['root', '0', '0:0']).not.toContain(one('USER'));
    const copies = stage.filter((i) => i.op === 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(c.args).toContain('--chown=root:root');
    // USER comes before the entry point, after the files are in place.
    const ops = stage.map((i) => i.op);
    expect(ops.indexOf('USER')).toBeGreaterThan(ops.lastIndexOf('COPY'));
  });

  it('enters `careplan-link relay` with the database from the environment, operator enrollment and the admin port', () => {
    expect(execForm(one('ENTRYPOINT'))).toEqual(['node', 'bin/careplan-link.js', 'relay']);
    const cmd = execForm(one('CMD'));
    const opt = (name: string) => cmd[cmd.indexOf(name) + 1];
    expect(opt('--enrollment')).toBe('operator');
    expect(opt('--port')).toBe('8443');
    expect(opt('--admin-port')).toBe('9090');
    for (const f of ['--tls-cert', '--tls-key', '--client-ca']) expect(opt(f)).toMatch(/^\/etc\/careplan-link\/tls\//);
    // Never a URL with a password on the command line, never a data folder (nothing is written).
    expect(cmd).not.toContain('--database');
    expect(cmd).not.toContain('--data');
    // Every option is one the relay command knows.
    const known = readFileSync(join(ROOT, 'client', 'cli', 'relay.ts'), 'utf8');
    for (const o of cmd.filter((a) => a.startsWith('--'))) expect(known, o).toMatch(new RegExp(`\\s'?${o.slice(2)}'?: \\{ type: 'string'`));
  });

  it('exposes the HTTPS and admin ports and checks /healthz on the admin port', () => {
    expect(one('EXPOSE').split(/\s+/).sort()).toEqual(['8443', '9090']);
    const check = one('HEALTHCHECK');
    expect(check).toMatch(/--interval=\d+s/);
    expect(check).toContain('http://127.0.0.1:9090/healthz');
  });
});

describe('compose.yaml', () => {
  type Service = { image?: string; build?: { dockerfile: string }; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; read_only?: boolean; ports?: string[]; healthcheck?: { test: string[] }; volumes?: string[] };
  const compose = yaml.load(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, Service> };
  const { relay, postgres } = compose.services;

  it('runs PostgreSQL with a health check, and the relay after it, from relay/Dockerfile', () => {
    expect(postgres!.image).toMatch(/^postgres:1[5-9]/);
    expect(postgres!.healthcheck!.test.join(' ')).toContain('pg_isready');
    expect(relay!.build!.dockerfile).toBe('relay/Dockerfile');
    expect(relay!.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
  });

  it('gives the relay its database through CPL_RELAY_DATABASE_URL, a read-only root and the admin port on loopback only', () => {
    expect(relay!.environment!.CPL_RELAY_DATABASE_URL).toMatch(/^postgres:\/\/relay:\$\{CPL_DB_PASSWORD[^}]*\}@postgres:5432\//);
    expect(relay!.read_only).toBe(true);
    expect(relay!.ports).toContain('8443');
    expect(relay!.ports!.filter((p) => p.endsWith('9090'))).toEqual(['127.0.0.1::9090']);
    expect(relay!.volumes).toContain('./tls:/etc/careplan-link/tls:ro');
  });
});
