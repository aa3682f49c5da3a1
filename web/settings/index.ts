// The settings: the table (table.ts, over the engine's generated fields), the presets and the
// URL. One import for the controllers; the modules depend one way: fields <- table <- presets <- url.
export * from './fields';
export * from './presets';
export * from './table';
export * from './url';
