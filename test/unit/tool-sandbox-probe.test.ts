import { describe, expect, it } from 'vitest';
import { probeToolSandbox } from '../../src/main/core/tool-sandbox.ts';

/** The start-up check of which OS sandbox exists, with the programs it runs scripted. */
type Answer = { status: number | null; stdout?: string; stderr?: string; error?: Error };

function scripted(answers: Record<string, Answer>) {
  const calls: string[] = [];
  const exec = (command: string, args: readonly string[]) => {
    const key = `${command} ${args[0] ?? ''}`;
    calls.push(key);
    const answer = answers[key] ?? answers[command] ?? { status: 0 };
    return { stdout: '', stderr: '', ...answer };
  };
  return { exec, calls };
}

describe('which sandbox the exec tools get', () => {
  it('Linux: bubblewrap when it is installed and a trial sandbox runs', () => {
    const { exec, calls } = scripted({
      'bwrap --version': { status: 0, stdout: 'bubblewrap 0.8.0\n' },
    });
    expect(probeToolSandbox('linux', exec)).toEqual({
      kind: 'bubblewrap',
      detail: 'bubblewrap 0.8.0',
    });
    expect(calls).toEqual(['bwrap --version', 'bwrap --die-with-parent']);
  });

  it('Linux without bwrap: none, and says which package to install', () => {
    const missing = Object.assign(new Error('spawnSync bwrap ENOENT'), { code: 'ENOENT' });
    const { exec } = scripted({ bwrap: { status: null, error: missing } });
    expect(probeToolSandbox('linux', exec)).toEqual({
      kind: 'none',
      detail: 'bubblewrap (bwrap) is not installed; install the "bubblewrap" package',
    });
  });

  it('Linux where user namespaces are forbidden: none, with bwrap’s own words', () => {
    const { exec } = scripted({
      'bwrap --version': { status: 0, stdout: 'bubblewrap 0.8.0\n' },
      'bwrap --die-with-parent': {
        status: 1,
        stderr: 'bwrap: setting up uid map: Permission denied\n',
      },
    });
    const status = probeToolSandbox('linux', exec);
    expect(status.kind).toBe('none');
    expect(status.detail).toContain('setting up uid map: Permission denied');
    expect(status.detail).toContain('user namespaces');
  });

  it('macOS: sandbox-exec when a trial profile runs', () => {
    const { exec, calls } = scripted({});
    expect(probeToolSandbox('darwin', exec).kind).toBe('seatbelt');
    expect(calls).toEqual(['/usr/bin/sandbox-exec -p']);
  });

  it('Windows: none, said plainly', () => {
    const { exec, calls } = scripted({});
    expect(probeToolSandbox('win32', exec)).toEqual({
      kind: 'none',
      detail: 'ClawDesk has no OS sandbox for win32',
    });
    expect(calls).toEqual([]);
  });
});
