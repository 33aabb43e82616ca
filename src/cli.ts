#!/usr/bin/env node
// The calendar-relay command (the package's bin): serve (default), credentials, doctor, lookup.
import { runCli } from './cli/commands.js';
import { processIo, reportError } from './cli/terminal.js';
import { serve } from './main.js';

const io = processIo();
runCli(process.argv.slice(2), io, { serve }).then(
  (status) => {
    if (status !== undefined) process.exitCode = status;
  },
  (err: unknown) => {
    reportError(io.stderr, 'calendar-relay failed.', err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
