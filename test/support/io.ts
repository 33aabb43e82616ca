// Test helper: an Io whose stdout and stderr are captured strings, with or without colours.
import type { Io } from '../../src/cli/terminal.js';

export function captureIo(options: { colors?: boolean; env?: NodeJS.ProcessEnv } = {}): Io & { out(): string; err(): string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t) => void (out += t), colors: options.colors ?? false, tty: false },
    stderr: { write: (t) => void (err += t), colors: false, tty: false },
    env: options.env ?? {},
    out: () => out,
    err: () => err,
  };
}
