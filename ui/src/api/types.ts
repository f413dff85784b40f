// The IPC contract's types: generated from the Rust types by ts-rs (src-tauri/src/bindings.rs)
// into ./bindings/, never edited here. Field names are the Rust ones (snake_case), as serde writes
// them; only command argument names are camelCase (see client.ts).
export type * from './bindings/_index';
