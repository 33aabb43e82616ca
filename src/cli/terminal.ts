// Terminal output for the commands: colours only where the stream has them, progress lines, one-sentence errors.

export interface Output {
  write(text: string): void;
  /** True for a terminal that shows colours (and NO_COLOR unset, or FORCE_COLOR set). */
  colors: boolean;
  /** True for an interactive terminal: progress may rewrite its line. */
  tty: boolean;
}

export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
}

// SGR codes written directly: node:util styleText decides on its own from process.stdout, not the stream given.
const SGR = { bold: [1, 22], dim: [2, 22], red: [31, 39], green: [32, 39], yellow: [33, 39], blue: [34, 39], magenta: [35, 39], cyan: [36, 39] } as const;
export type Style = keyof typeof SGR;

export function paint(out: Output, style: Style, text: string): string {
  if (!out.colors) return text;
  const [open, close] = SGR[style];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Colour decision: FORCE_COLOR wins, then NO_COLOR, then what the terminal says it supports. */
function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean {
  if (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0') return true;
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stream.isTTY === true && (stream.hasColors?.() ?? false);
}

export function processIo(): Io {
  const wrap = (stream: NodeJS.WriteStream): Output => ({
    write: (text) => void stream.write(text),
    colors: colorsFor(stream, process.env),
    tty: stream.isTTY === true,
  });
  return { stdout: wrap(process.stdout), stderr: wrap(process.stderr), env: process.env };
}

/** Progress for long steps, on stderr so stdout stays clean for --json: "… step" then "✓"/"✗". */
export function progress(out: Output): { step(label: string): (ok: boolean) => void } {
  return {
    step(label) {
      out.write(out.tty ? `${paint(out, 'dim', `… ${label}`)}` : `… ${label}\n`);
      return (ok) => {
        if (out.tty) out.write(`\r\x1b[2K`);
        else if (!ok) out.write(`  (failed)\n`);
      };
    },
  };
}

/** The one way commands report a failure: a sentence a person can act on, then the detail. */
export function reportError(out: Output, sentence: string, detail?: string): void {
  out.write(`${paint(out, 'red', 'error:')} ${sentence}\n`);
  if (detail) out.write(`${detail.split('\n').map((l) => `  ${l}`).join('\n')}\n`);
}
