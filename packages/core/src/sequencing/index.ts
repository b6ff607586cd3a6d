// Public surface of this folder; re-exported by ../index.ts.
export {};
