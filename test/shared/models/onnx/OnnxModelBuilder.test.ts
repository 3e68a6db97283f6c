import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { OnnxBuildError, type OnnxBuildErrorCode } from '../../../../shared/models/onnx/OnnxBuildError';
import { OnnxModelBuilder } from '../../../../shared/models/onnx/OnnxModelBuilder';
import { ML_DOMAIN } from '../../../../shared/models/onnx/OnnxModelOptions';
import { attr } from '../../../../shared/models/onnx/attr';
import { describeOnnxModel } from '../../../../shared/models/onnx/describeOnnxModel';
import { int64ToNumber } from '../../../../shared/models/onnx/int64ToNumber';

const AttributeType = onnx.AttributeProto.AttributeType;

describe('OnnxModelBuilder.toBytes', () => {
  const bytes = new OnnxModelBuilder({ mlOpsetVersion: 3, producerName: 'test', producerVersion: '9.9', irVersion: 8 })
    .input('x', 'float', ['N', 2])
    .node('Identity', ['x'], ['y'], {
      i: attr.int(-3),
      f: attr.float(0.25),
      s: attr.string('BRANCH_LEQ'),
      is: attr.ints([1, 2, 3]),
      fs: attr.floats([0.5, -1]),
      ss: attr.strings(['a', 'ü']),
    })
    .output('y', 'float', ['N', 2])
    .meta('model_id', 'm1')
    .meta('kind', 'test')
    .toBytes();
  const model = onnx.ModelProto.decode(bytes);

  it('writes IR version, producer and opset imports including ai.onnx.ml', () => {
    assert.equal(int64ToNumber(model.irVersion), 8);
    assert.equal(model.producerName, 'test');
    assert.equal(model.producerVersion, '9.9');
    const opsets = model.opsetImport.map((o) => [o.domain, int64ToNumber(o.version ?? 0)]);
    assert.deepEqual(opsets, [
      ['', 17],
      [ML_DOMAIN, 3],
    ]);
  });

  it('writes every attribute with its explicit type', () => {
    const attrs = model.graph?.node?.[0]?.attribute ?? [];
    const decoded: Record<string, onnx.IAttributeProto> = Object.fromEntries(attrs.map((a) => [a.name ?? '', a]));
    assert.equal(decoded['i']?.type, AttributeType.INT);
    assert.equal(int64ToNumber(decoded['i']?.i ?? 0), -3);
    assert.equal(decoded['f']?.type, AttributeType.FLOAT);
    assert.equal(decoded['f']?.f, 0.25);
    assert.equal(decoded['s']?.type, AttributeType.STRING);
    assert.equal(new TextDecoder().decode(decoded['s']?.s ?? undefined), 'BRANCH_LEQ');
    assert.equal(decoded['is']?.type, AttributeType.INTS);
    assert.deepEqual(decoded['is']?.ints?.map(int64ToNumber), [1, 2, 3]);
    assert.equal(decoded['fs']?.type, AttributeType.FLOATS);
    assert.deepEqual(decoded['fs']?.floats, [0.5, -1]);
    assert.equal(decoded['ss']?.type, AttributeType.STRINGS);
    assert.deepEqual(
      decoded['ss']?.strings?.map((s) => new TextDecoder().decode(s)),
      ['a', 'ü'],
    );
  });

  it('reads back metadata and a symbolic batch dimension', () => {
    const described = describeOnnxModel(bytes);
    assert.deepEqual(described.metadata, { model_id: 'm1', kind: 'test' });
    assert.deepEqual(described.inputs, [{ name: 'x', elemType: onnx.TensorProto.DataType.FLOAT, dims: ['N', 2] }]);
    assert.deepEqual(
      described.outputs.map((o) => o.dims),
      [['N', 2]],
    );
  });
});

describe('OnnxModelBuilder refuses inconsistent graphs', () => {
  const base = (): OnnxModelBuilder => new OnnxModelBuilder().input('x', 'float', ['N', 2]);
  const cases: { name: string; code: OnnxBuildErrorCode; message: RegExp; build: () => unknown }[] = [
    {
      name: 'a node reading an undefined tensor',
      code: 'UNKNOWN_TENSOR',
      message: /"Add_0" reads "w"/,
      build: () => base().node('Add', ['x', 'w'], ['y']),
    },
    {
      name: 'an output no node produces',
      code: 'UNKNOWN_TENSOR',
      message: /output "y"/,
      build: () => base().output('y', 'float', ['N', 2]).toBytes(),
    },
    { name: 'a graph without outputs', code: 'EMPTY_GRAPH', message: /no outputs/, build: () => base().toBytes() },
    {
      name: 'a tensor defined twice',
      code: 'DUPLICATE_NAME',
      message: /"x" is defined twice/,
      build: () => base().floatInitializer('x', [1], [1]),
    },
    {
      name: 'an ai.onnx.ml node without the ml opset',
      code: 'MISSING_OPSET',
      message: /mlOpsetVersion/,
      build: () => base().node('TreeEnsembleRegressor', ['x'], ['y'], {}, { domain: ML_DOMAIN }),
    },
    {
      name: 'a node in an unknown domain',
      code: 'MISSING_OPSET',
      message: /"com\.example"/,
      build: () => base().node('Custom', ['x'], ['y'], {}, { domain: 'com.example' }),
    },
    {
      name: 'an initializer whose values do not fill its shape',
      code: 'BAD_SHAPE',
      message: /\[2, 3\] needs 6 values, got 5/,
      build: () => base().floatInitializer('w', [2, 3], [1, 2, 3, 4, 5]),
    },
    {
      name: 'a negative dimension',
      code: 'BAD_SHAPE',
      message: /dimension -1/,
      build: () => base().input('z', 'float', ['N', -1]),
    },
    {
      name: 'a fractional int attribute',
      code: 'BAD_VALUE',
      message: /"axis": 1\.5/,
      build: () => base().node('Gather', ['x', 'x'], ['y'], { axis: attr.int(1.5) }),
    },
    {
      name: 'an int64 beyond 2^53 given as a number',
      code: 'BAD_VALUE',
      message: /pass a bigint/,
      build: () => base().int64Initializer('big', [1], [2 ** 60]),
    },
    {
      name: 'a bigint beyond int64',
      code: 'BAD_VALUE',
      message: /does not fit in int64/,
      build: () => base().int64Initializer('big', [1], [2n ** 63n]),
    },
  ];
  for (const c of cases) {
    it(`rejects ${c.name} with ${c.code}`, () => {
      assert.throws(c.build, (error: unknown) => {
        assert.ok(error instanceof OnnxBuildError);
        assert.equal(error.code, c.code);
        assert.match(error.message, c.message);
        return true;
      });
    });
  }
});
