// The engine's settings as the page sees them: types derived from the generated copy of the
// engine's table (fields.generated.ts, written by `cpg fields --ts` from cpp/engine/config.cpp),
// so a setting's name, type, default, range and liveness are declared once, in C++.
import { ENGINE_FIELDS } from './fields.generated';

export { ENGINE_FIELDS };

/** One row of the engine's table. */
export type EngineField = (typeof ENGINE_FIELDS)[number];
/** Every engine setting's name (the engine config's keys). */
export type EngineKey = EngineField['name'];
/** The row of one engine setting. */
export type EngineFieldOf<K extends EngineKey> = Extract<EngineField, { name: K }>;

type NumberType = 'int' | 'int64' | 'uint32' | 'double';

/** The value of a field as the engine holds it: a number, one of an enum's choices, a list. */
export type EngineValue<F> = F extends { type: NumberType }
  ? number
  : F extends { type: 'enum'; choices: readonly (infer C)[] }
    ? C
    : F extends { type: 'string' }
      ? string
      : F extends { type: 'heads' }
        ? number[]
        : F extends { type: 'list' }
          ? string[]
          : never;

/** Every engine setting with its value type. */
export type EngineValues = { [K in EngineKey]: EngineValue<EngineFieldOf<K>> };

/** The names of the engine settings whose row has one of these types. */
export type EngineKeysOfType<T extends EngineField['type']> = Extract<EngineField, { type: T }>['name'];

const BY_NAME = new Map<string, EngineField>(ENGINE_FIELDS.map((field) => [field.name, field]));

/** The engine's row of a setting, or undefined when the engine has no such setting. */
export function engineField(name: string): EngineField | undefined {
  return BY_NAME.get(name);
}

/** Whether `name` is an engine setting. */
export function isEngineKey(name: string): name is EngineKey {
  return BY_NAME.has(name);
}

/** The settings that apply to a running run without a reset (the engine's `live` rows). */
export const LIVE_ENGINE_KEYS: readonly EngineKey[] = ENGINE_FIELDS.filter((field) => field.live).map((field) => field.name);

/** The engine's row of a setting the engine has (typed by its name). */
export function engineFieldOf<K extends EngineKey>(key: K): EngineFieldOf<K> {
  return BY_NAME.get(key) as EngineFieldOf<K>;
}
