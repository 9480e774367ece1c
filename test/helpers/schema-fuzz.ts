import fc from 'fast-check';
import { z } from 'zod';

/**
 * fast-check arbitraries derived from a zod schema, through its JSON Schema (zod's own
 * `toJSONSchema`, so a field added to a schema is fuzzed without touching the tests): valid
 * samples, and those samples with one thing broken. The zod schema stays the oracle; the
 * JSON Schema only says where to aim (refinements it cannot express are found by the oracle).
 */

interface JsonSchema {
  type?: string;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
}

export type Path = readonly (string | number)[];

/** One broken payload and a line saying what was broken, for the failure report. */
export interface Mutant {
  params: unknown;
  mutation: string;
}

export interface FuzzHints {
  /** Values to prefer for fields of these names (real ids, so a lax check would act). */
  known?: Record<string, readonly string[]>;
}

function jsonSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as JsonSchema;
}

/** Valid params for the schema: every sample parses (the filter is the zod schema itself). */
export function validSample(schema: z.ZodType, hints: FuzzHints = {}): fc.Arbitrary<unknown> {
  return validOf(jsonSchemaOf(schema), hints, undefined).filter((v) => schema.safeParse(v).success);
}

function validOf(
  node: JsonSchema,
  hints: FuzzHints,
  name: string | undefined,
): fc.Arbitrary<unknown> {
  if (node.anyOf) return fc.oneof(...node.anyOf.map((n) => validOf(n, hints, name)));
  if (node.enum) return fc.constantFrom(...node.enum);
  switch (node.type) {
    case 'string': {
      const known = name === undefined ? undefined : hints.known?.[name];
      return known?.length
        ? fc.oneof(fc.constantFrom(...known), validString(node))
        : validString(node);
    }
    case 'integer':
      return fc.integer({ min: node.minimum ?? -1_000_000, max: node.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: node.minimum ?? -1e6, max: node.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const maxLength = Math.min(node.maxItems ?? 3, 3);
      const item = node.items ? validOf(node.items, hints, name) : fc.jsonValue();
      return fc.array(item, { minLength: node.minItems ?? 0, maxLength });
    }
    case 'object':
      return validObject(node, hints);
    default:
      return fc.jsonValue();
  }
}

function validString(node: JsonSchema): fc.Arbitrary<string> {
  const min = node.minLength ?? 0;
  const max = Math.min(node.maxLength ?? min + 20, min + 20);
  if (node.format === 'uri') return fc.webUrl();
  if (node.pattern) {
    const pattern = new RegExp(node.pattern);
    return fc.stringMatching(pattern).filter((s) => s.length >= min && s.length <= max);
  }
  return fc.string({ minLength: min, maxLength: max });
}

function validObject(node: JsonSchema, hints: FuzzHints): fc.Arbitrary<unknown> {
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    shape[key] = validOf(child, hints, key);
  }
  const fixed = fc.record(shape, { requiredKeys: node.required ?? [] });
  const extra = node.additionalProperties;
  if (typeof extra !== 'object') return fixed;
  // A record (z.record): keys from its key schema, values from its value schema.
  const keys = node.propertyNames ? validString(node.propertyNames) : fc.string();
  const entries = fc.dictionary(keys, validOf(extra, hints, undefined), { maxKeys: 3 });
  return fc.tuple(fixed, entries).map(([a, b]) => ({ ...b, ...a }));
}

/** Where a value can be broken: every field (and array item) the schema describes. */
interface Site {
  path: Path;
  node: JsonSchema;
}

function sitesOf(node: JsonSchema, path: Path = []): Site[] {
  const sites: Site[] = [{ path, node }];
  // A union's branches sit at the same path, each with its own bounds.
  for (const branch of node.anyOf ?? []) sites.push(...sitesOf(branch, path));
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    sites.push(...sitesOf(child, [...path, key]));
  }
  if (typeof node.additionalProperties === 'object') {
    sites.push(...sitesOf(node.additionalProperties, [...path, 'some_key']));
  }
  if (node.items) sites.push(...sitesOf(node.items, [...path, 0]));
  return sites;
}

/** Keys that reach Object.prototype when a parser assigns them instead of defining them. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf'];

/** Values of every JSON shape, hostile ones included: the oracle keeps those that are invalid. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(), // NaN and ±Infinity travel as null
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(65, 201, 4097, 70_000).map((n) => 'x'.repeat(n)),
  fc.constantFrom(-1, 0, 0.5, -0.5, 1e308, -1e308, 2 ** 53 + 2),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.constantFrom(...PROTOTYPE_KEYS).map((key) => withKey({}, key, { polluted: true })),
);

/** Values just outside what the field allows, read from its bounds. */
function boundaryValues(node: JsonSchema): unknown[] {
  const out: unknown[] = [];
  if (node.maxLength !== undefined) out.push('y'.repeat(node.maxLength + 1));
  if (node.minLength) out.push('y'.repeat(node.minLength - 1));
  if (node.pattern || node.format) out.push('not valid: \u0000 ..//', 'javascript:alert(1)');
  if (node.enum) out.push(`${String(node.enum[0])}-not`, String(node.enum[0]).toUpperCase());
  if (node.minimum !== undefined) out.push(node.minimum - 1);
  if (node.maximum !== undefined) out.push(node.maximum + 1);
  if (node.type === 'integer') out.push((node.minimum ?? 0) + 0.5);
  if (node.maxItems !== undefined) out.push(Array.from({ length: node.maxItems + 1 }, () => 'x'));
  return out;
}

/**
 * A valid sample with exactly one thing broken: a field set to a wrong or out-of-range value,
 * a required field removed, an unknown (or prototype) key added, or params not an object.
 * Some mutants are still valid (e.g. a string swapped for another string): filter with the
 * oracle.
 */
export function mutants(schema: z.ZodType, hints: FuzzHints = {}): fc.Arbitrary<Mutant> {
  const root = jsonSchemaOf(schema);
  const sites = sitesOf(root);
  const objects = sites.filter((s) => s.node.type === 'object');
  const required = objects.flatMap((s) => (s.node.required ?? []).map((k) => [...s.path, k]));
  const kinds: fc.Arbitrary<(sample: unknown) => Mutant>[] = [
    fc.tuple(fc.constantFrom(...sites), hostileValue).map(([s, value]) => (sample: unknown) => ({
      params: setAt(sample, s.path, value),
      mutation: `${label(s.path)} = ${preview(value)}`,
    })),
  ];
  if (objects.length > 0) {
    kinds.push(
      fc
        .tuple(
          fc.constantFrom(...objects),
          fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), fc.string({ minLength: 1, maxLength: 12 })),
          hostileValue,
        )
        .map(([s, key, value]) => (sample: unknown) => ({
          params: setAt(sample, [...s.path, key], value),
          mutation: `extra key ${label([...s.path, key])}`,
        })),
    );
  }
  const bounded = sites.filter((s) => boundaryValues(s.node).length > 0);
  if (bounded.length > 0) {
    kinds.push(
      fc
        .constantFrom(...bounded)
        .chain((s) => fc.tuple(fc.constant(s), fc.constantFrom(...boundaryValues(s.node))))
        .map(([s, value]) => (sample: unknown) => ({
          params: setAt(sample, s.path, value),
          mutation: `${label(s.path)} = ${preview(value)} (out of bounds)`,
        })),
    );
  }
  if (required.length > 0) {
    kinds.push(
      fc.constantFrom(...required).map((path) => (sample: unknown) => ({
        params: removeAt(sample, path),
        mutation: `missing ${label(path)}`,
      })),
    );
  }
  return fc
    .tuple(validSample(schema, hints), fc.oneof(...kinds))
    .map(([sample, mutate]) => mutate(sample));
}

/** What the server will see: the value after a JSON round trip (undefined keys gone, NaN null). */
export function onTheWire(params: unknown): unknown {
  const text = JSON.stringify({ params });
  return (JSON.parse(text) as { params?: unknown }).params;
}

/** An own data property even for `__proto__`, as JSON.parse would make it. */
function withKey<T extends object>(target: T, key: string | number, value: unknown): T {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return target;
}

function setAt(sample: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = clone(sample);
  const [head, ...rest] = path as [string | number, ...Path];
  const base: object =
    copy !== null && typeof copy === 'object' ? copy : typeof head === 'number' ? [] : {};
  const child = (base as Record<string | number, unknown>)[head];
  // `child` may be Object.prototype for "__proto__" on a fresh object: never walk into it.
  const own = Object.hasOwn(base, head) ? child : undefined;
  return withKey(base, head, setAt(own, rest, value));
}

function removeAt(sample: unknown, path: Path): unknown {
  const copy = clone(sample);
  let node: unknown = copy;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return copy;
    node = (node as Record<string | number, unknown>)[key];
  }
  if (node !== null && typeof node === 'object') {
    delete (node as Record<string | number, unknown>)[path[path.length - 1]!];
  }
  return copy;
}

function clone(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

function label(path: Path): string {
  return path.length === 0 ? 'params' : path.join('.');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}… (${text.length} chars)` : text;
}
