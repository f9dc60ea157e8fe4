// The WASI 0.2 imports the component links (Rust's standard library for
// wasm32-wasip2 asks for them): a deny-by-default set, written here rather than
// taken from @bytecodealliance/preview2-shim, whose Node flavour starts a worker
// thread and blocks on Atomics.wait for every stdio call. The component needs
// none of that: it has no environment, no stdin, no exit, and writes to stdout
// or stderr only to explain a panic, which goes to the Forge function's log.

const symbolDispose = Symbol.dispose ?? Symbol.for('dispose');

/** WASI `closed` stream error, as jco expects it thrown. */
const closed = () => {
  throw { tag: 'closed' };
};

class IoError {
  /** @param {string} message */
  constructor(message) {
    this.message = message;
  }

  toDebugString() {
    return this.message;
  }
}

/** Always ready: every stream here is synchronous. */
class Pollable {
  ready() {
    return true;
  }

  block() {}

  [symbolDispose]() {}
}

class InputStream {
  read() {
    closed();
  }

  blockingRead() {
    closed();
  }

  skip() {
    closed();
  }

  blockingSkip() {
    closed();
  }

  subscribe() {
    return new Pollable();
  }

  [symbolDispose]() {}
}

/** An output stream that hands complete lines to `writeLine`. */
class OutputStream {
  /** @param {(line: string) => void} writeLine */
  constructor(writeLine) {
    this.writeLine = writeLine;
    this.decoder = new TextDecoder();
    this.pending = '';
  }

  checkWrite() {
    return 65536n;
  }

  /** @param {Uint8Array} bytes */
  write(bytes) {
    this.pending += this.decoder.decode(bytes, { stream: true });
    const lines = this.pending.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) this.writeLine(line);
  }

  /** @param {Uint8Array} bytes */
  blockingWriteAndFlush(bytes) {
    this.write(bytes);
    this.flush();
  }

  flush() {
    this.pending += this.decoder.decode();
    if (this.pending) this.writeLine(this.pending);
    this.pending = '';
  }

  blockingFlush() {
    this.flush();
  }

  subscribe() {
    return new Pollable();
  }

  [symbolDispose]() {
    this.flush();
  }
}

class TerminalInput {}
class TerminalOutput {}

/** A fresh import object for one component instance. */
export function wasiImports() {
  const stdin = new InputStream();
  const stdout = new OutputStream((line) => console.log(`[worklogs] ${line}`));
  const stderr = new OutputStream((line) => console.error(`[worklogs] ${line}`));
  const seed = () => {
    const words = new BigUint64Array(2);
    globalThis.crypto.getRandomValues(words);
    return [words[0], words[1]];
  };
  return {
    'wasi:cli/environment': { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
    'wasi:cli/exit': {
      exit(status) {
        throw new Error(`the component called exit (${status?.tag ?? status})`);
      },
    },
    'wasi:cli/stdin': { getStdin: () => stdin },
    'wasi:cli/stdout': { getStdout: () => stdout },
    'wasi:cli/stderr': { getStderr: () => stderr },
    'wasi:cli/terminal-input': { TerminalInput },
    'wasi:cli/terminal-output': { TerminalOutput },
    'wasi:cli/terminal-stdin': { getTerminalStdin: () => undefined },
    'wasi:cli/terminal-stdout': { getTerminalStdout: () => undefined },
    'wasi:cli/terminal-stderr': { getTerminalStderr: () => undefined },
    'wasi:io/error': { Error: IoError },
    'wasi:io/poll': { Pollable, poll: (list) => new Uint32Array(list.map((_, i) => i)) },
    'wasi:io/streams': { InputStream, OutputStream },
    'wasi:random/insecure-seed': { insecureSeed: seed },
    'wasi:random/insecure': {
      getInsecureRandomBytes: (n) => globalThis.crypto.getRandomValues(new Uint8Array(Number(n))),
      getInsecureRandomU64: () => seed()[0],
    },
  };
}
