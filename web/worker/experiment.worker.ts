// A module worker of the experiment pool: one engine, one job at a time. All logic is in
// experiment-host.ts; this file binds it to the worker global and makes sure nothing fails silently.
import { loadEngine } from '../engine/load';
import { ExperimentHost, type PoolPort } from './experiment-host';
import { describeError } from './host';
import type { PoolRequest } from './protocol';

interface WorkerScope {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent<PoolRequest>) => void) | null;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
}
const scope = self as unknown as WorkerScope;

const port: PoolPort = { postMessage: (message) => scope.postMessage(message) };
const host = new ExperimentHost(port, (simd) => loadEngine({ simd }));

scope.onmessage = (event: MessageEvent<PoolRequest>) => void host.handle(event.data);
// An uncaught error reaches the pool as the Worker's 'error' event; a lost promise would not.
scope.addEventListener('unhandledrejection', (event) => {
  port.postMessage({ type: 'error', message: `the experiment worker crashed: ${describeError(event.reason)}` });
});
