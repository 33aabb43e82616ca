// `npm pack` makes an installable package whose bin runs: pack, install into an empty project, run the commands.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'relay-pack-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack', () => {
  it('produces a package that installs and whose calendar-relay bin runs', { timeout: 180_000 }, async () => {
    // prepack builds dist/ with tsc; the tarball holds dist, README and docs.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('docs/configuration.md');
    expect(files.some((f) => f.includes('.test.') || f.startsWith('test/') || f.endsWith('test-support.js'))).toBe(false);

    const app = join(work, 'app');
    await run('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"pack-check","version":"1.0.0","private":true}');
    // --prefer-offline: what `npm ci` put in npm's cache is used as it is, and what it lacks (a fresh machine's cache
    // holds tarballs but no registry metadata) comes from the registry, as it would for a user installing the package.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, info!.filename)], { cwd: app, timeout: 150_000 });
    const bin = join(app, 'node_modules/.bin/calendar-relay');

    const help = await run(bin, ['--help'], { cwd: app });
    expect(help.stdout).toContain('usage: calendar-relay <command>');
    const creds = JSON.parse((await run(bin, ['credentials', '--json'], { cwd: app })).stdout) as { clientSecret: string };
    expect(Buffer.from(creds.clientSecret, 'base64url')).toHaveLength(32);
    // The installed package alone runs the demo tenant end to end.
    const doctor = await run(bin, ['doctor', '--json'], { cwd: app, env: { PATH: process.env.PATH } });
    expect((JSON.parse(doctor.stdout) as { ok: boolean }).ok).toBe(true);

    // The bin with no command serves the demo tenant; its log names the address, where /health-check answers.
    const server = spawn(bin, [], { cwd: app, env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let address: string | undefined;
      let banner = '';
      for await (const line of createInterface({ input: server.stdout })) {
        banner += `${line}\n`;
        const m = /"event":"relay\.listening","address":"([^"]+)"/.exec(line);
        if (m) address = m[1];
        if (address && banner.includes('Google client secret:')) break;
      }
      expect(address, banner).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const health = await fetch(`${address!}/health-check`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok' });
    } finally {
      const exited = once(server, 'exit');
      server.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    }
  });
});
