import { RuleViolation } from '@passerelle/platform';

/** What the hierarchy check needs to know of a partner. */
export interface HierarchyNode {
  country: string;
  parentId?: string | undefined;
  active: boolean;
}

/** Deeper than any real organisation chart; stops a walk over data that is already cyclic. */
export const MAX_DEPTH = 32;

/**
 * Checks that `parentId` may be the parent of `selfId` (undefined for a partner not yet registered): it exists, is in
 * the same country, and is neither the partner itself nor one of its descendants. Returns warnings, throws 422s.
 */
export async function checkParent(
  load: (id: string) => Promise<HierarchyNode | undefined>,
  self: { id?: string | undefined; country: string },
  parentId: string,
): Promise<string[]> {
  if (parentId === self.id) throw new RuleViolation('PARENT_CYCLE', 'a partner cannot be its own parent');
  const parent = await load(parentId);
  if (!parent) throw new RuleViolation('UNKNOWN_PARENT', `there is no partner ${parentId} to be the parent`);
  if (parent.country !== self.country) {
    throw new RuleViolation(
      'PARENT_IN_OTHER_COUNTRY',
      `the parent ${parentId} is in ${parent.country}, this partner in ${self.country}`,
    );
  }
  let ancestor: HierarchyNode | undefined = parent;
  for (let depth = 0; ancestor?.parentId !== undefined; depth++) {
    if (ancestor.parentId === self.id) {
      throw new RuleViolation(
        'PARENT_CYCLE',
        `partner ${parentId} is below this partner in the hierarchy; making it the parent would create a cycle`,
      );
    }
    if (depth >= MAX_DEPTH)
      throw new RuleViolation(
        'HIERARCHY_TOO_DEEP',
        `the hierarchy above ${parentId} is deeper than ${MAX_DEPTH} levels`,
      );
    ancestor = await load(ancestor.parentId);
  }
  return parent.active ? [] : [`the parent ${parentId} is deactivated`];
}
