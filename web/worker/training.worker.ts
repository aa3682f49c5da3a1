// The module worker that owns the engine. All logic is in host.ts; this file binds it to the
// worker global and makes sure nothing fails silently.
import { loadEngine } from '../engine/load';
import { describeError, TrainingHost, type Port } from './host';
import type { Request } from './protocol';

// The dedicated worker global, typed by what this file uses (the page's tsconfig has the DOM lib,
// whose `self` is a Window).
interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;

const port: Port = { postMessage: (message, transfer) => scope.postMessage(message, transfer ?? []) };
const host = new TrainingHost(port, (simd, kind) => loadEngine({ simd, kind }));

scope.onmessage = (event: MessageEvent<Request>) => void host.handle(event.data);
scope.addEventListener('error', (event) => {
  port.postMessage({ type: 'error', message: `the training worker crashed: ${event.message}`, fatal: true });
});
scope.addEventListener('unhandledrejection', (event) => {
  port.postMessage({ type: 'error', message: `the training worker crashed: ${describeError(event.reason)}`, fatal: true });
});
