import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPackage, type PackageReport } from '../../local/tools/package/buildPackage';
import { DEFAULT_PACKAGE_OPTIONS } from '../../local/tools/package/PackageOptions';
import { describeReport } from '../../local/tools/packageApp';
import { type ZipEntry, ZipFile } from './readZip';

// Builds the real deployment package from the compiled project (dist/ exists: `npm test` compiles first) into a
// temporary folder, then reads it back with our own zip reader and checks what Azure will run.

const ROOT = resolve(__dirname, '../../..');
const repoManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean }>;
};

let work: string;
let report: PackageReport;
let zip: ZipFile;
let names: string[];

function entry(name: string): ZipEntry {
  const e = zip.entries.find((x) => x.name === name);
  assert.ok(e, `${name} is not in the package`);
  return e;
}

/** package.json `main` (a glob: `*` within a path segment) as a regular expression. */
function mainPattern(main: string): RegExp {
  return new RegExp(`^${main.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
}

describe('the deployment package', { timeout: 600_000 }, () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'app-package-'));
    report = await buildPackage({ ...DEFAULT_PACKAGE_OPTIONS, root: ROOT, outFile: join(work, 'app.zip') });
    zip = ZipFile.open(report.zipFile);
    names = zip.entries.map((e) => e.name);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  test('reports its size and file count, and the zip holds that many files', () => {
    assert.equal(zip.entries.length, report.files);
    assert.ok(report.bytes > 0);
    const lines = describeReport(report, ROOT);
    assert.match(lines[0] ?? '', /app\.zip: \d+\.\d MB, \d+ files/);
  });

  test('package.json main names the compiled functions, and they are all in the zip', () => {
    const shipped = JSON.parse(zip.read(entry('package.json')).toString('utf8')) as Record<string, unknown>;
    assert.equal(shipped['main'], repoManifest.main);
    const mains = names.filter((n) => mainPattern(repoManifest.main).test(n));
    assert.ok(mains.length > 0, `main "${repoManifest.main}" matches no file of the zip`);
    const functions = readdirSync(join(ROOT, 'functions'))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => `dist/functions/${f.replace(/\.ts$/, '.js')}`);
    assert.deepEqual(mains.sort(), functions.sort());
  });

  test('holds host.json and the configuration the app reads by default', () => {
    assert.equal(zip.read(entry('host.json')).toString('utf8'), readFileSync(join(ROOT, 'host.json'), 'utf8'));
    entry('config/solar-park.json');
  });

  test('holds the compiled code the functions import, and nothing of local/, cli/ or test/', () => {
    assert.ok(names.some((n) => n.startsWith('dist/shared/')));
    assert.deepEqual(
      names.filter((n) => n.startsWith('dist/') && !/^dist\/(functions|shared)\//.test(n)),
      [],
    );
    assert.deepEqual(
      names.filter((n) => n.endsWith('.ts') || n.endsWith('.map')),
      [],
    );
  });

  test("holds onnxruntime-node's linux-x64 binding and library", () => {
    const binding = names.filter((n) =>
      /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/onnxruntime_binding\.node$/.test(n),
    );
    assert.equal(binding.length, 1, 'no linux/x64 onnxruntime_binding.node');
    assert.ok(
      names.some((n) => /^node_modules\/onnxruntime-node\/bin\/napi-v\d+\/linux\/x64\/libonnxruntime\.so/.test(n)),
    );
  });

  test("holds no other platform's binaries: every native file is an x86-64 ELF", () => {
    assert.deepEqual(
      names.filter((n) => /(^|\/)(darwin|win32|arm64|linuxmusl)([-/]|$)/.test(n)),
      [],
    );
    assert.deepEqual(
      names.filter((n) => /\.(dll|dylib|exe)$/.test(n)),
      [],
    );
    const native = zip.entries.filter((e) => /\.node$|\.so(\.\d+)*$/.test(e.name));
    assert.ok(native.length >= 3, 'expected the onnxruntime and sharp binaries');
    for (const e of native) {
      const head = zip.head(e, 20);
      assert.equal(head.toString('latin1', 0, 4), '\x7fELF', `${e.name} is not an ELF file`);
      assert.equal(head.readUInt16LE(18), 0x3e, `${e.name} is not for x86-64`);
    }
    // sharp's native packages: only the linux-x64 (glibc) ones.
    assert.deepEqual(
      [...new Set(names.filter((n) => n.startsWith('node_modules/@img/sharp-')).map((n) => n.split('/')[2]))].sort(),
      ['sharp-libvips-linux-x64', 'sharp-linux-x64'],
    );
  });

  test('holds production dependencies only, and a package.json without devDependencies or scripts', () => {
    const shipped = JSON.parse(zip.read(entry('package.json')).toString('utf8')) as Record<string, unknown>;
    assert.equal(shipped['devDependencies'], undefined);
    assert.equal(shipped['scripts'], undefined);
    assert.deepEqual(shipped['dependencies'], repoManifest.dependencies);
    for (const name of Object.keys(repoManifest.dependencies)) entry(`node_modules/${name}/package.json`);
    for (const name of ['azurite', 'typescript', '@vercel/cosmosdb-server', 'fast-check', 'archiver', 'ajv']) {
      assert.ok(
        !names.some((n) => n.startsWith(`node_modules/${name}/`)),
        `${name} (a devDependency) is in the package`,
      );
    }
    // Every package of the zip is a production package of the lockfile.
    const packages = new Set(
      names
        .filter((n) => /node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(n))
        .map((n) => n.slice(0, -'/package.json'.length)),
    );
    const dev = [...packages].filter((p) => lock.packages[p]?.dev);
    assert.deepEqual(dev, []);
  });

  test('unzipped, it loads on linux-x64: onnxruntime runs a model, sharp decodes, every function module loads', (t) => {
    if (process.platform !== 'linux' || process.arch !== 'x64')
      return t.skip(`built for linux-x64; this is ${process.platform}-${process.arch}`);
    const app = join(work, 'app');
    for (const e of zip.entries) {
      const file = join(app, e.name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, zip.read(e));
    }
    const model = join(ROOT, 'test/fixtures/models/persistence.onnx');
    const script = `
      const ort = require('onnxruntime-node');
      const sharp = require('sharp');
      (async () => {
        const session = await ort.InferenceSession.create(${JSON.stringify(model)});
        const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#808080' } }).png().toBuffer();
        const { width } = await sharp(png).metadata();
        const fns = require('fs').readdirSync('dist/functions').filter((f) => f.endsWith('.js'));
        for (const f of fns) require('./dist/functions/' + f);
        console.log(JSON.stringify({ inputs: session.inputNames.length, width, functions: fns.length }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    // The configuration's %SETTING% references need values to load (predict and ingest read it at module load).
    const config = readFileSync(join(app, 'config/solar-park.json'), 'utf8');
    const settings = Object.fromEntries(
      [...new Set(config.match(/%[A-Z0-9_]+%/g) ?? [])].map((ref) => {
        const name = ref.slice(1, -1);
        return [name, name.endsWith('_ENDPOINT') ? 'https://provider.example.invalid/' : 'placeholder'];
      }),
    );
    const out = execFileSync(process.execPath, ['-e', script], {
      cwd: app,
      env: { PATH: process.env['PATH'] ?? '', ...settings },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      inputs: number;
      width: number;
      functions: number;
    };
    assert.ok(result.inputs > 0);
    assert.equal(result.width, 2);
    assert.equal(result.functions, readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts')).length);
  });
});
