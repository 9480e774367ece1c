import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsTools } from '../../src/worker/tools/fs-tools.ts';
import { createToolRegistry } from '../../src/worker/tools/registry.ts';
import { z } from 'zod';
import type { ToolContext, ToolDefinition } from '../../src/worker/tools/types.ts';
import { capContent, parseToolArgs } from '../../src/worker/tools/types.ts';
import { fileToolContext } from '../helpers/tool-context.ts';

let ws: string;
let ctx: ToolContext;

beforeEach(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), 'clawdesk-registry-'));
  ctx = fileToolContext(ws);
});

afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

function fakeTool(name: string, run: ToolDefinition['run']): ToolDefinition {
  return {
    name,
    description: `the ${name} tool`,
    parameters: { type: 'object', properties: {} },
    policy: 'allow',
    run,
  };
}

describe('createToolRegistry', () => {
  it('offers every tool in OpenAI function format', () => {
    const defs = createToolRegistry(fsTools).definitions();
    expect(defs.map((d) => d.function.name)).toEqual([
      'read_file',
      'write_file',
      'list_directory',
      'create_directory',
    ]);
    for (const def of defs) {
      expect(def.type).toBe('function');
      expect(def.function.description.length).toBeGreaterThan(0);
      expect(def.function.parameters.type).toBe('object');
      // Every required field must be described, or the model cannot fill it in.
      for (const field of def.function.parameters.required ?? []) {
        expect(def.function.parameters.properties).toHaveProperty(field);
      }
    }
    // The request body is JSON; the definitions must survive the trip unchanged.
    expect(JSON.parse(JSON.stringify(defs))).toEqual(defs);
  });

  it('has the documented default policies and applies valid overrides only', () => {
    const registry = createToolRegistry(fsTools);
    expect(registry.policyOf('read_file')).toBe('allow');
    expect(registry.policyOf('list_directory')).toBe('allow');
    expect(registry.policyOf('write_file')).toBe('ask');
    expect(registry.policyOf('create_directory')).toBe('ask');
    const overrides = { write_file: 'allow', read_file: 'deny', create_directory: 'whatever' };
    expect(registry.policyOf('write_file', overrides)).toBe('allow');
    expect(registry.policyOf('read_file', overrides)).toBe('deny');
    expect(registry.policyOf('create_directory', overrides)).toBe('ask');
    expect(registry.policyOf('toString', {})).toBe('deny');
    expect(registry.policyOf('exec_command', { exec_command: 'allow' })).toBe('deny');
  });

  it('leaves denied tools out of the definitions offered to the model', () => {
    const registry = createToolRegistry(fsTools);
    const names = registry.definitions({ write_file: 'deny' }).map((d) => d.function.name);
    expect(names).toEqual(['read_file', 'list_directory', 'create_directory']);
  });

  it('looks tools up by name', () => {
    const registry = createToolRegistry(fsTools);
    expect(registry.get('read_file')?.name).toBe('read_file');
    expect(registry.get('rm_rf')).toBeUndefined();
    expect(registry.names()).toHaveLength(4);
  });

  it('rejects two tools with the same name', () => {
    const t = fakeTool('dup', () => Promise.resolve({ ok: true, content: '' }));
    expect(() => createToolRegistry([t, t])).toThrow(/duplicate tool name: dup/);
  });

  it('answers an unknown tool without throwing', async () => {
    const r = await createToolRegistry(fsTools).run('rm_rf', {}, ctx);
    expect(r).toEqual({ ok: false, content: 'unknown tool rm_rf' });
  });

  it('runs a call with arguments as the JSON string from the wire', async () => {
    const registry = createToolRegistry(fsTools);
    const w = await registry.run('write_file', '{"path":"a.txt","content":"hi"}', ctx);
    expect(w).toEqual({ ok: true, content: 'wrote 2 bytes to a.txt' });
    expect(await registry.run('read_file', { path: 'a.txt' }, ctx)).toEqual({
      ok: true,
      content: 'hi',
    });
    expect(await registry.run('list_directory', '', ctx)).toEqual({ ok: true, content: 'a.txt' });
  });

  it('turns invalid arguments into a result the model can read', async () => {
    const registry = createToolRegistry(fsTools);
    expect(await registry.run('read_file', '{not json', ctx)).toEqual({
      ok: false,
      content: 'invalid arguments: (arguments): not valid JSON',
    });
    const wrongType = await registry.run('write_file', { path: 'a.txt', content: 7 }, ctx);
    expect(wrongType.ok).toBe(false);
    expect(wrongType.content).toMatch(/^invalid arguments: content: /);
    const missing = await registry.run('create_directory', {}, ctx);
    expect(missing.content).toMatch(/^invalid arguments: path: /);
  });

  it('contains a tool that throws and caps a tool that talks too much', async () => {
    const registry = createToolRegistry([
      fakeTool('boom', () => Promise.reject(new Error('kaput'))),
      fakeTool('chatty', () => Promise.resolve({ ok: true, content: 'z'.repeat(100) })),
    ]);
    expect(await registry.run('boom', {}, ctx)).toEqual({
      ok: false,
      content: 'tool boom failed: kaput',
    });
    const r = await registry.run(
      'chatty',
      {},
      { ...ctx, limits: { ...ctx.limits, maxOutputBytes: 8 } },
    );
    expect(r).toEqual({
      ok: true,
      content: 'zzzzzzzz\n[truncated: showing 8 of 100 bytes]',
      truncated: true,
    });
  });
});

describe('shared tool helpers', () => {
  it('cuts on a UTF-8 character boundary and reports the sizes', () => {
    // 'é' is two bytes; a 4-byte cap would split the second one.
    expect(capContent('aéé', 4)).toEqual({
      content: 'aé\n[truncated: showing 3 of 5 bytes]',
      truncated: true,
    });
    expect(capContent('short', 100)).toEqual({ content: 'short', truncated: false });
  });

  it('names the first bad field, nested fields with dots', () => {
    const schema = z.object({ opts: z.object({ n: z.number() }) });
    const r = parseToolArgs(schema, { opts: { n: 'x' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.result.content).toMatch(/^invalid arguments: opts\.n: /);
    expect(parseToolArgs(schema, { opts: { n: 1 } })).toEqual({
      ok: true,
      value: { opts: { n: 1 } },
    });
  });
});
