import type { TargetPlatform } from './PackageOptions';

/**
 * Folders of a package that hold one platform's native binaries, by the layouts prebuilt packages use:
 * `bin/napi-v6/<os>/<arch>/` (onnxruntime-node) and `prebuilds/<os>-<arch>[...]/` (node-gyp-build).
 */
const PLATFORM_FOLDERS: RegExp[] = [
  /(?:^|\/)napi-v\d+\/([a-z0-9]+)\/([a-z0-9]+)\//,
  /(?:^|\/)prebuilds\/([a-z0-9]+)-([a-z0-9]+)[^/]*\//,
];

/**
 * Why a file of a package is left out of the target's package, or undefined to keep it: it lies in a folder of
 * another platform's binaries.
 */
export function foreignPlatformFolder(relPath: string, target: TargetPlatform): string | undefined {
  for (const layout of PLATFORM_FOLDERS) {
    const m = layout.exec(relPath);
    if (m && (m[1] !== target.os || m[2] !== target.cpu)) return `${m[1]}/${m[2]} binaries`;
  }
  return undefined;
}

/** A file the platform's loader runs: a Node addon or a shared library. */
export function isNativeBinaryName(name: string): boolean {
  return /\.(node|dll|dylib|exe)$/.test(name) || /\.so(\.\d+)*$/.test(name);
}

/** ELF e_machine values of the CPUs Node runs on. */
const ELF_MACHINES: Record<string, number> = {
  x64: 0x3e,
  arm64: 0xb7,
  arm: 0x28,
  ia32: 0x03,
  ppc64: 0x15,
  s390x: 0x16,
  riscv64: 0xf3,
};

/**
 * Whether a native binary's first bytes show it runs on the target: for Linux an ELF file for the target CPU.
 * (A Mach-O or PE file, or an ELF file for another CPU, cannot load there.)
 */
export function isTargetBinary(header: Buffer, target: TargetPlatform): boolean {
  if (target.os !== 'linux') return true;
  const elf = header.length >= 20 && header[0] === 0x7f && header.toString('latin1', 1, 4) === 'ELF';
  if (!elf) return false;
  const littleEndian = header[5] === 1;
  const machine = littleEndian ? header.readUInt16LE(18) : header.readUInt16BE(18);
  return machine === ELF_MACHINES[target.cpu];
}
