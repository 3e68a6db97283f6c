import type { OnnxAttribute } from './OnnxAttribute';

/** Constructors for typed node attributes, e.g. `{ axis: attr.int(1), nodes_modes: attr.strings(['LEAF']) }`. */
export const attr = {
  int: (value: number): OnnxAttribute => ({ type: 'int', value }),
  float: (value: number): OnnxAttribute => ({ type: 'float', value }),
  string: (value: string): OnnxAttribute => ({ type: 'string', value }),
  ints: (value: readonly number[]): OnnxAttribute => ({ type: 'ints', value: [...value] }),
  floats: (value: readonly number[]): OnnxAttribute => ({ type: 'floats', value: [...value] }),
  strings: (value: readonly string[]): OnnxAttribute => ({ type: 'strings', value: [...value] }),
} as const;
