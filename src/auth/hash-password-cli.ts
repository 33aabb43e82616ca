// `npm run -s hash-password`: reads a password on stdin, prints its scrypt hash for domains[].basicAuth[].passwordHash.
import { hashPassword } from './password-hash.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (then Enter and Ctrl-D): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // One trailing newline is what echo and a terminal add; it is not part of the password.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

try {
  process.stdout.write(`${await hashPassword(await readStdin())}\n`);
} catch (err) {
  process.stderr.write(`hash-password: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
