/**
 * Deepest nesting a request body may have. Far beyond any body the API defines (a handful of
 * levels), far below what recursive walkers (`JSON.stringify`, Ajv, the redactor) survive.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * Whether `value` nests objects or arrays deeper than `limit` (the top level is depth 1). Walks
 * with its own stack, never recursion, and stops at the first level too deep: safe on any parsed
 * JSON however deep.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 1 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') stack.push({ node: child, depth: depth + 1 });
    }
  }
  return false;
}
