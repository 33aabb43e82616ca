#!/usr/bin/env node
// The calendar-relay command: `serve` (the default) runs the relay.
import { serve } from './main.js';

const [command, ...rest] = process.argv.slice(2);
const usage = 'usage: calendar-relay [serve] [--config relay.yaml]';

if (command === undefined || command === 'serve' || command.startsWith('--config')) {
  const args = command === undefined || command === 'serve' ? rest : [command, ...rest];
  serve(args, process.env).catch((err: unknown) => {
    console.error('calendar-relay failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
} else if (command === '--help' || command === '-h' || command === 'help') {
  console.log(usage);
} else {
  console.error(`unknown command '${command}'\n${usage}`);
  process.exit(2);
}
