// The calendar-relay command line: parses arguments (node:util parseArgs) and runs one command.
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig } from '../config/load.js';
import { generateCredentials, renderCredentials } from './credentials.js';
import { renderReport } from './doctor/report.js';
import { runDoctor } from './doctor/run.js';
import { runLookup } from './lookup.js';
import { reportError, type Io } from './terminal.js';

export const USAGE = `usage: calendar-relay <command> [options]

commands:
  serve [--config relay.yaml]          run the relay (the default; what npm start runs)
  credentials [--url https://relay.example.com] [--json]
                                       generate a Google client id and secret and a token signing key
  doctor [--config relay.yaml] [--mailbox user@domain]... [--url https://relay.example.com] [--json]
                                       check a configuration end to end; with no configuration, the demo tenant
  lookup <email> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--tz Area/City] [--url URL --client-id ID --client-secret S]
                                       a mailbox's free/busy as a day grid, from a running relay (--url) or one
                                       built here from the configuration (the demo tenant without one)

Settings come from the YAML file (--config or RELAY_CONFIG) and the environment; see docs/configuration.md.
Exit status: 0 success, 1 a check or lookup failed, 2 a usage or configuration error.`;

export interface CliHooks {
  /** Runs the relay; only returns once it listens (the process then lives on). */
  serve(argv: string[], env: NodeJS.ProcessEnv): Promise<void>;
}

const configOption = { config: { type: 'string' } } as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, positionals = false) {
  return parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: positionals, strict: true });
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs one command; resolves to the exit status, or undefined when the relay now serves. */
export async function runCli(argv: readonly string[], io: Io, hooks: CliHooks): Promise<number | undefined> {
  const [first, ...rest] = argv;
  const command = first === undefined || first.startsWith('--config') ? 'serve' : first;
  const args = command === 'serve' && first !== 'serve' ? [...argv] : rest;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parse(args, configOption);
        if (values.help) return help(io);
        await hooks.serve(values.config ? ['--config', values.config] : [], io.env);
        return undefined;
      }
      case 'credentials': {
        const { values } = parse(args, { ...configOption, url: { type: 'string' }, json: { type: 'boolean' } });
        if (values.help) return help(io);
        const creds = generateCredentials();
        if (values.json) io.stdout.write(`${JSON.stringify(creds, null, 2)}\n`);
        else io.stdout.write(renderCredentials(creds, values.url ?? publicUrlOf(values.config, io.env), io.stdout));
        return 0;
      }
      case 'doctor': {
        const { values } = parse(args, { ...configOption, mailbox: { type: 'string', multiple: true }, url: { type: 'string' }, json: { type: 'boolean' } });
        if (values.help) return help(io);
        const report = await runDoctor({
          argv: values.config ? ['--config', values.config] : [],
          env: io.env,
          mailboxes: values.mailbox ?? [],
          url: values.url,
          progressTo: io.stderr,
        });
        io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report, io.stdout));
        return report.ok ? 0 : 1;
      }
      case 'lookup': {
        const { values, positionals } = parse(
          args,
          { ...configOption, from: { type: 'string' }, to: { type: 'string' }, tz: { type: 'string' }, url: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' }, json: { type: 'boolean' } },
          true,
        );
        if (values.help) return help(io);
        const [email, ...extra] = positionals;
        if (!email || extra.length > 0) return usageError(io, 'lookup takes exactly one email address.');
        return await runLookup(
          { email, from: values.from, to: values.to, tz: values.tz, url: values.url, clientId: values['client-id'], clientSecret: values['client-secret'], configArgv: values.config ? ['--config', values.config] : [], json: values.json },
          io,
        );
      }
      case 'help':
      case '--help':
      case '-h':
        return help(io);
      case '--version':
      case '-v':
        io.stdout.write(`${version()}\n`);
        return 0;
      default:
        return usageError(io, `Unknown command '${command}'.`);
    }
  } catch (err) {
    // parseArgs reports unknown or malformed options with codes ERR_PARSE_ARGS_*.
    const code = (err as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS')) return usageError(io, (err as Error).message);
    throw err;
  }
}

function publicUrlOf(config: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  try {
    return loadConfig({ argv: config ? ['--config', config] : [], env }).server.publicUrl;
  } catch {
    return undefined;
  }
}

function help(io: Io): number {
  io.stdout.write(`${USAGE}\n`);
  return 0;
}

function usageError(io: Io, sentence: string): number {
  reportError(io.stderr, sentence, 'Run `calendar-relay --help` for the commands and their options.');
  return 2;
}
