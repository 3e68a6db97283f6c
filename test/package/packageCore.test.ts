import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { entryPoints, globToRegExp, unresolvedRequires } from '../../local/tools/package/checkPackageContents';
import type { PackageEntry } from '../../local/tools/package/collectPackageFiles';
import { foreignPlatformFolder, isNativeBinaryName, isTargetBinary } from '../../local/tools/package/nativeBinaries';
import { FLEX_CONSUMPTION_TARGET } from '../../local/tools/package/PackageOptions';
import {
  admits,
  type Lockfile,
  resolveInLockfile,
  selectProductionPackages,
} from '../../local/tools/package/productionPackages';

const target = FLEX_CONSUMPTION_TARGET;

describe('production packages from the lockfile', () => {
  // A project with one dependency that has a nested copy of a shared package, a platform-specific optional
  // package per platform (one of which needs a runtime of its own), and a dev dependency.
  const lock: Lockfile = {
    lockfileVersion: 3,
    packages: {
      '': { dependencies: { app: '^1' }, devDependencies: { tool: '^1' } },
      'node_modules/app': {
        version: '1.0.0',
        dependencies: { shared: '^2' },
        optionalDependencies: { 'native-linux-x64': '1', 'native-darwin-arm64': '1', 'native-wasm': '1' },
      },
      'node_modules/app/node_modules/shared': { version: '2.0.0' },
      'node_modules/shared': { version: '1.0.0', dev: true },
      'node_modules/native-linux-x64': {
        version: '1.0.0',
        optional: true,
        os: ['linux'],
        cpu: ['x64'],
        libc: ['glibc'],
      },
      'node_modules/native-darwin-arm64': { version: '1.0.0', optional: true, os: ['darwin'], cpu: ['arm64'] },
      'node_modules/native-wasm': {
        version: '1.0.0',
        optional: true,
        cpu: ['wasm32'],
        dependencies: { 'wasm-runtime': '1' },
      },
      'node_modules/wasm-runtime': { version: '1.0.0', optional: true },
      'node_modules/tool': { version: '1.0.0', dev: true, dependencies: { shared: '^1' } },
    },
  };

  test('follows dependencies to where Node resolves them, for the target only', () => {
    const { packages, skipped } = selectProductionPackages(lock, target);
    assert.deepEqual(
      packages.map((p) => p.path),
      ['node_modules/app', 'node_modules/app/node_modules/shared', 'node_modules/native-linux-x64'],
    );
    assert.deepEqual(Object.fromEntries(skipped.map((s) => [s.path, s.reason])), {
      'node_modules/shared': 'dev',
      'node_modules/native-darwin-arm64': 'other platform',
      'node_modules/native-wasm': 'other platform',
      'node_modules/wasm-runtime': 'needed only by packages of other platforms',
      'node_modules/tool': 'dev',
    });
  });

  test('resolves like Node: the nearest node_modules up the tree', () => {
    assert.equal(resolveInLockfile(lock, 'node_modules/app', 'shared'), 'node_modules/app/node_modules/shared');
    assert.equal(resolveInLockfile(lock, 'node_modules/tool', 'shared'), 'node_modules/shared');
    assert.equal(resolveInLockfile(lock, '', 'missing'), undefined);
  });

  test('a required dependency missing from the lockfile is an error', () => {
    const broken: Lockfile = { lockfileVersion: 3, packages: { '': { dependencies: { gone: '1' } } } };
    assert.throws(() => selectProductionPackages(broken, target), /gone/);
    assert.throws(() => selectProductionPackages({ lockfileVersion: 1, packages: {} }, target), /lockfileVersion 1/);
  });

  const platformCases: [string[] | undefined, string, boolean][] = [
    [undefined, 'linux', true],
    [['linux'], 'linux', true],
    [['darwin', 'win32'], 'linux', false],
    [['!win32'], 'linux', true],
    [['!linux'], 'linux', false],
  ];
  for (const [list, value, expected] of platformCases) {
    test(`${JSON.stringify(list)} ${expected ? 'admits' : 'excludes'} ${value}`, () =>
      assert.equal(admits(list, value), expected));
  }
});

describe('native binaries', () => {
  const folders: [string, string | undefined][] = [
    ['bin/napi-v6/linux/x64/onnxruntime_binding.node', undefined],
    ['bin/napi-v6/linux/arm64/libonnxruntime.so.1', 'linux/arm64 binaries'],
    ['bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib', 'darwin/arm64 binaries'],
    ['bin/napi-v6/win32/x64/DirectML.dll', 'win32/x64 binaries'],
    ['prebuilds/linux-x64/node.napi.glibc.node', undefined],
    ['prebuilds/win32-ia32/node.napi.node', 'win32/ia32 binaries'],
    ['lib/index.js', undefined],
  ];
  for (const [path, reason] of folders) {
    test(`${path}: ${reason ?? 'kept'}`, () => assert.equal(foreignPlatformFolder(path, target), reason));
  }

  test('native files are told by name, and their platform by their first bytes', () => {
    assert.ok(
      isNativeBinaryName('lib/libvips-cpp.so.8.18.7') && isNativeBinaryName('a.node') && isNativeBinaryName('x.dll'),
    );
    assert.ok(!isNativeBinaryName('index.js') && !isNativeBinaryName('solib.json'));
    const elf = (machine: number) => {
      const b = Buffer.alloc(20);
      b.write('\x7fELF', 0, 'latin1');
      b[5] = 1;
      b.writeUInt16LE(machine, 18);
      return b;
    };
    assert.ok(isTargetBinary(elf(0x3e), target));
    assert.ok(!isTargetBinary(elf(0xb7), target), 'an arm64 ELF');
    assert.ok(
      !isTargetBinary(Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), target),
      'a Mach-O file',
    );
    assert.ok(!isTargetBinary(Buffer.from('MZ\x90\x00'.padEnd(20, '\x00'), 'latin1'), target), 'a PE file');
  });
});

describe('package contents', () => {
  test('main globs', () => {
    assert.ok(globToRegExp('dist/functions/*.js').test('dist/functions/health.js'));
    assert.ok(!globToRegExp('dist/functions/*.js').test('dist/functions/sub/health.js'));
    assert.ok(globToRegExp('dist/**/*.js').test('dist/functions/sub/health.js'));
    assert.deepEqual(entryPoints('dist/functions/*.js', ['dist/functions/a.js', 'dist/shared/b.js', 'host.json']), [
      'dist/functions/a.js',
    ]);
    assert.deepEqual(entryPoints(undefined, ['dist/functions/a.js']), []);
  });

  test('requires the packaged code cannot satisfy are named', () => {
    const files: Record<string, string> = {
      'dist/functions/a.js':
        'const x = require("../shared/b");\nconst y = require("../local/start");\nconst fs = require("node:fs");\nconst p = require("path");',
      'dist/shared/b.js':
        'const z = require("zod");\nconst t = require("typescript");\nconst c = require("@azure/cosmos/dist/x");',
    };
    const entries: PackageEntry[] = Object.keys(files).map((name) => ({ name, size: 0, mode: 0o644 }));
    const names = new Set([
      ...Object.keys(files),
      'node_modules/zod/package.json',
      'node_modules/@azure/cosmos/package.json',
    ]);
    assert.deepEqual(
      unresolvedRequires(entries, names, (e) => files[e.name] ?? ''),
      [
        'dist/functions/a.js: require("../local/start") is not in the package',
        'dist/shared/b.js: require("typescript") needs typescript, which is not a production dependency in the package',
      ],
    );
  });
});
