/**
 * Maps a key path in the parsed value back to a source position in the YAML document, so a message
 * about `rules[2].when` points at the line where that rule is written.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';

export interface Position {
  line: number;
  col: number;
}

/**
 * `key`: the position of the key that holds the value (for unknown or misspelled keys);
 * `value`: the value itself (for wrong types and bad values).
 */
export type Anchor = 'key' | 'value';

interface Found {
  /** The deepest node reached along the path. */
  node: Node | null;
  /** The key node of the last path segment, when the segment was a map key that exists. */
  keyNode: Node | null;
  /** True when every segment was found. */
  complete: boolean;
}

/**
 * Each map's pairs by key, built the first time a path goes through the map. A file with thousands of
 * problems in one map (10k unknown keys) is located in time linear in its size, not keys × problems.
 */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();

function pairIn(map: YAMLMap, key: string): Pair | undefined {
  let index = pairsByKey.get(map);
  if (index === undefined) {
    index = new Map();
    for (const p of map.items) {
      if (isPair(p) && isScalar(p.key)) {
        const k = String(p.key.value);
        if (!index.has(k)) index.set(k, p);
      }
    }
    pairsByKey.set(map, index);
  }
  return index.get(key);
}

function walk(doc: Document, path: readonly PropertyKey[]): Found {
  let node: Node | null = (doc.contents as Node | null) ?? null;
  let keyNode: Node | null = null;
  for (const seg of path) {
    if (node === null) return { node, keyNode, complete: false };
    if (isMap(node)) {
      const pair = pairIn(node, String(seg));
      if (!pair) return { node, keyNode: null, complete: false };
      keyNode = (pair.key as Node | null) ?? null;
      const value = (pair.value as Node | null) ?? null;
      // `key:` with no value: the value node is absent, the key is the best place to point.
      node = value ?? keyNode;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (item === undefined) return { node, keyNode: null, complete: false };
      keyNode = null;
      node = item;
    } else {
      return { node, keyNode: null, complete: false };
    }
  }
  return { node, keyNode, complete: true };
}

/** The 1-based line and column of the node at `path` (or of the nearest ancestor that exists). */
export function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  anchor: Anchor = 'value',
): Position {
  const found = walk(doc, path);
  const target = anchor === 'key' && found.keyNode ? found.keyNode : found.node;
  const offset = target?.range?.[0] ?? 0;
  const pos = lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/** The source position of the key `key` inside the map at `path`, when that key is written there. */
export function locateKey(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  key: string,
): Position {
  return locate(doc, lineCounter, [...path, key], 'key');
}
