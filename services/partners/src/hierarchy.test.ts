import { describe, expect, it } from 'vitest';
import { checkParent, type HierarchyNode } from './hierarchy.js';

const tree: Record<string, HierarchyNode> = {
  ministry: { country: 'MA', active: true },
  department: { country: 'MA', parentId: 'ministry', active: true },
  unit: { country: 'MA', parentId: 'department', active: true },
  closed: { country: 'MA', active: false },
  tunisian: { country: 'TN', active: true },
  loopA: { country: 'MA', parentId: 'loopB', active: true },
  loopB: { country: 'MA', parentId: 'loopA', active: true },
};
const load = async (id: string) => tree[id];

const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code: string }) => e.code,
  );

describe('parent checks', () => {
  it('accept an existing parent of the same country', async () => {
    expect(await checkParent(load, { country: 'MA' }, 'department')).toEqual([]);
    expect(await checkParent(load, { id: 'closed', country: 'MA' }, 'unit')).toEqual([]);
  });
  it('warn when the parent is deactivated', async () => {
    expect(await checkParent(load, { country: 'MA' }, 'closed')).toEqual(['the parent closed is deactivated']);
  });
  it('refuse itself, a descendant, an unknown parent and another country', async () => {
    expect(await code(checkParent(load, { id: 'ministry', country: 'MA' }, 'ministry'))).toBe('PARENT_CYCLE');
    expect(await code(checkParent(load, { id: 'ministry', country: 'MA' }, 'unit'))).toBe('PARENT_CYCLE');
    expect(await code(checkParent(load, { id: 'department', country: 'MA' }, 'unit'))).toBe('PARENT_CYCLE');
    expect(await code(checkParent(load, { country: 'MA' }, 'nobody'))).toBe('UNKNOWN_PARENT');
    expect(await code(checkParent(load, { country: 'MA' }, 'tunisian'))).toBe('PARENT_IN_OTHER_COUNTRY');
  });
  it('stop on data that is already cyclic', async () => {
    expect(await code(checkParent(load, { id: 'x', country: 'MA' }, 'loopA'))).toBe('HIERARCHY_TOO_DEEP');
  });
});
