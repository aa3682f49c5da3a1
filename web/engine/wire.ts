// The WebAssembly boundary, JS half: a call's arguments go in, and its answer comes out, in the
// byte format of cpp/wasm/js_value.hpp, through the module's one entry point (cpg_request for
// the buffer, then cpg_call). On top of it, CpgModule: the Engine and Fig9GraphRun classes and
// the module's functions as engine.d.ts declares them, each method one request
// [handle, method, ...arguments] (handle 0 is the module; cpp/wasm/bindings.cpp dispatches).
//
// Numbers cross as float64, so nothing is rounded; typed arrays come back as copies JS owns.
import type {
  CpgModule,
  EngineConfig,
  Fallible,
  Fig9Graph,
  Fig9SetupInput,
  GraphInfo,
  Intervention,
  LossHistory,
  Metrics,
  ModelShape,
  ModuleExports,
  ProbeLawName,
  ProbeResult,
  RawEngine,
  RawFig9GraphRun,
  ResolvedConfig,
  Samples,
} from './engine.js';

// The tags of js_value.hpp's JsValue::Kind.
const Tag = { Undefined: 0, Null: 1, False: 2, True: 3, Number: 4, String: 5, Other: 6, Array: 7, Object: 8, F64: 9, F32: 10, I32: 11 } as const;
type Tag = (typeof Tag)[keyof typeof Tag];

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** A growing byte buffer that values are written to. */
class Writer {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  length = 0;

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const bytes = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    bytes.set(this.bytes.subarray(0, this.length));
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer);
  }
  tag(tag: Tag): void {
    this.reserve(1);
    this.bytes[this.length++] = tag;
  }
  count(count: number): void {
    this.reserve(4);
    this.view.setUint32(this.length, count, true);
    this.length += 4;
  }
  number(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }
  text(text: string): void {
    const bytes = textEncoder.encode(text);
    this.count(bytes.length);
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }
}

/** How an error message quotes a value the format has no place for: "a function", "a bigint". */
function describe(value: unknown): string {
  const type = typeof value;
  return `${type === 'object' ? 'an' : 'a'} ${type}`;
}

/** Appends `value` in the byte format; `depth` bounds nesting (and cycles) as the engine does. */
export function encodeValue(value: unknown, writer: Writer = new Writer(), depth = 0): Writer {
  if (depth > 64) throw new RangeError('a value nested more than 64 deep cannot be passed to the engine');
  if (value === undefined) writer.tag(Tag.Undefined);
  else if (value === null) writer.tag(Tag.Null);
  else if (value === false) writer.tag(Tag.False);
  else if (value === true) writer.tag(Tag.True);
  else if (typeof value === 'number') {
    writer.tag(Tag.Number);
    writer.number(value);
  } else if (typeof value === 'string') {
    writer.tag(Tag.String);
    writer.text(value);
  } else if (Array.isArray(value)) {
    writer.tag(Tag.Array);
    writer.count(value.length);
    for (const item of value) encodeValue(item, writer, depth + 1);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
    const numbers = value as unknown as ArrayLike<number>;
    writer.tag(Tag.F64);
    writer.count(numbers.length);
    for (let i = 0; i < numbers.length; ++i) writer.number(numbers[i]);
  } else if (typeof value === 'object') {
    const keys = Object.keys(value);
    writer.tag(Tag.Object);
    writer.count(keys.length);
    for (const key of keys) {
      writer.text(key);
      encodeValue((value as Record<string, unknown>)[key], writer, depth + 1);
    }
  } else {
    writer.tag(Tag.Other);
    writer.text(describe(value));
  }
  return writer;
}

/** Reads one value of the byte format from `bytes` at `offset`; returns it and where it ends. */
export function decodeValue(bytes: Uint8Array, offset = 0): { value: unknown; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = offset;
  const count = (): number => {
    const n = view.getUint32(at, true);
    at += 4;
    return n;
  };
  const text = (): string => {
    const n = count();
    const s = textDecoder.decode(bytes.subarray(at, at + n));
    at += n;
    return s;
  };
  // slice() copies the elements into a buffer of their own, aligned and owned by JS.
  const elements = (size: number): ArrayBuffer => {
    const n = count();
    const start = bytes.byteOffset + at;
    at += n * size;
    return bytes.buffer.slice(start, start + n * size) as ArrayBuffer;
  };
  const read = (): unknown => {
    const tag = bytes[at++];
    switch (tag) {
      case Tag.Undefined: return undefined;
      case Tag.Null: return null;
      case Tag.False: return false;
      case Tag.True: return true;
      case Tag.Number: {
        const n = view.getFloat64(at, true);
        at += 8;
        return n;
      }
      case Tag.String:
      case Tag.Other: return text();
      case Tag.Array: {
        const n = count();
        const items: unknown[] = [];
        for (let i = 0; i < n; ++i) items.push(read());
        return items;
      }
      case Tag.Object: {
        const n = count();
        const object: Record<string, unknown> = {};
        for (let i = 0; i < n; ++i) {
          const key = text();
          object[key] = read();
        }
        return object;
      }
      case Tag.F64: return new Float64Array(elements(8));
      case Tag.F32: return new Float32Array(elements(4));
      case Tag.I32: return new Int32Array(elements(4));
      default: throw new Error(`the engine answered with an unknown value tag ${String(tag)}`);
    }
  };
  const value = read();
  return { value, end: at };
}

/** Calls into one instance of the module. */
export class Wire {
  constructor(private readonly exports: ModuleExports) {}

  /** One request: `method` of the object `handle` (0: the module) with `args`; returns its answer. */
  call(handle: number, method: string, args: unknown[] = []): unknown {
    const request = encodeValue([handle, method, ...args]);
    const at = this.exports._cpg_request(request.length);
    // HEAPU8 is read after each call into the module: the memory may have grown (a new buffer).
    this.exports.HEAPU8.set(request.bytes.subarray(0, request.length), at);
    const answer = this.exports._cpg_call(request.length);
    const heap = this.exports.HEAPU8;
    const length = new DataView(heap.buffer, heap.byteOffset).getUint32(answer, true);
    return decodeValue(heap.subarray(answer + 4, answer + 4 + length)).value;
  }
}

/** An object the module holds for JS (an Engine, a Fig9GraphRun), by handle. */
class Remote {
  protected readonly handle: number;

  constructor(protected readonly wire: Wire, kind: 'Engine' | 'Fig9GraphRun') {
    const handle = wire.call(0, kind);
    if (typeof handle !== 'number') throw new Error(`the engine module could not make a ${kind}: ${JSON.stringify(handle)}`);
    this.handle = handle;
  }
  // The answers' shapes are engine.d.ts's, which the callers' return types declare.
  protected call(method: string, ...args: unknown[]): any {
    return this.wire.call(this.handle, method, args);
  }
  /** Frees the module's object; this one is unusable afterwards. */
  delete(): void {
    this.call('delete');
  }
}

class RemoteEngine extends Remote implements RawEngine {
  constructor(wire: Wire) {
    super(wire, 'Engine');
  }
  configure(config: EngineConfig): Fallible<undefined> { return this.call('configure', config); }
  step(n: number): number { return this.call('step', n); }
  metrics(): Metrics { return this.call('metrics'); }
  reset(seed: number): Fallible<undefined> { return this.call('reset', seed); }
  update(changes: EngineConfig): Fallible<undefined> { return this.call('update', changes); }
  intervene(action: string): Fallible<undefined> { return this.call('intervene', action); }
  interventions(): Intervention[] { return this.call('interventions'); }
  probe(law: ProbeLawName | number[][], lawAlpha: number, sequences: number, seed: number): Fallible<ProbeResult> {
    return this.call('probe', law, lawAlpha, sequences, seed);
  }
  currentStep(): number { return this.call('currentStep'); }
  diverged(): boolean { return this.call('diverged'); }
  config(): ResolvedConfig { return this.call('config'); }
  shape(): ModelShape { return this.call('shape'); }
  graph(): GraphInfo { return this.call('graph'); }
  sample(n: number, seed: number): Fallible<Samples> { return this.call('sample', n, seed); }
  attentionParameterView(head: number): Fallible<Float64Array> { return this.call('attentionParameterView', head); }
  attentionBatchView(layer: number, head: number): Fallible<Float64Array> { return this.call('attentionBatchView', layer, head); }
  sequenceAttention(tokens: ArrayLike<number>): Fallible<Float64Array[][]> { return this.call('sequenceAttention', tokens); }
  parametersA(layer: number, head: number): Fallible<Float32Array> { return this.call('parametersA', layer, head); }
  parametersW(): Float32Array { return this.call('parametersW'); }
  trainLossHistory(since: number): LossHistory { return this.call('trainLossHistory', since); }
  testLossHistory(since: number): LossHistory { return this.call('testLossHistory', since); }
}

class RemoteFig9GraphRun extends Remote implements RawFig9GraphRun {
  constructor(wire: Wire) {
    super(wire, 'Fig9GraphRun');
  }
  start(setup: Fig9SetupInput, index: number): Fallible<undefined> { return this.call('start', setup, index); }
  advance(n: number): number { return this.call('advance', n); }
  step(): number { return this.call('step'); }
  plannedSteps(): number { return this.call('plannedSteps'); }
  done(): boolean { return this.call('done'); }
  result(): Fallible<Fig9Graph> { return this.call('result'); }
}

/**
 * The module as engine.d.ts's CpgModule; `full` adds what only the full modules have (the lemma
 * view and Figure 9).
 */
export function wrapModule(exports: ModuleExports, full: boolean): CpgModule {
  const wire = new Wire(exports);
  const call = (method: string, ...args: unknown[]): any => wire.call(0, method, args);
  const module: CpgModule = {
    Engine: class extends RemoteEngine {
      constructor() {
        super(wire);
      }
    },
    fieldRanges: () => call('fieldRanges'),
    defaultConfig: () => call('defaultConfig'),
  };
  if (!full) return module;
  return {
    ...module,
    lemmaView: (config, settings) => call('lemmaView', config, settings),
    Fig9GraphRun: class extends RemoteFig9GraphRun {
      constructor() {
        super(wire);
      }
    },
    fig9Setup: (setup) => call('fig9Setup', setup),
    summarizeFig9: (setup, graphs, cancelled, seconds) => call('summarizeFig9', setup, graphs, cancelled, seconds),
  };
}
