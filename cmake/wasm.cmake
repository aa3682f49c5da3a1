# WebAssembly targets: filled in by the WASM issue.
