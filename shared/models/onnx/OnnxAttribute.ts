/**
 * A node attribute with its ONNX type spelled out: a JS number alone cannot say whether it is an INT or a
 * FLOAT, and an empty array cannot say INTS from FLOATS, yet operators such as TreeEnsembleRegressor reject
 * an attribute of the wrong type. Build these with `attr.*`.
 */
export type OnnxAttribute =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'strings'; readonly value: readonly string[] };
