#!/usr/bin/env node
// Lifts FunctionFS's alternate-setting limit in an uncompressed usb_f_fs.ko, in place.
//
// Why: since Linux 6.8, ffs_func_set_alt() refuses SET_INTERFACE for alternates above
// MAX_ALT_SETTINGS (2), so an MP15 ROM (6 alternates) or a U-Boot partition list (a dozen) cannot be
// selected through FunctionFS. Debian's kernels ship no Raw Gadget, so the harness patches that one
// compare: `cmp $0x2,%edx` followed by `ja` inside ffs_func_set_alt becomes `cmp $0x7f,%edx`. The
// module signature is stripped (the kernel does not enforce signatures; it only taints).
//
// Usage: node patch-ffs-alt-limit.mjs <usb_f_fs.ko>. Exits non-zero, saying why, when the module does
// not look as expected: a silent no-op would show up much later as a mysterious STALL.
import { readFileSync, writeFileSync } from 'node:fs';

const SIGNATURE_MAGIC = Buffer.from('~Module signature appended~\n');
const NEW_LIMIT = 0x7f;

function fail(message) {
  process.stderr.write(`patch-ffs-alt-limit: ${message}\n`);
  process.exit(1);
}

function stripSignature(bytes) {
  const tail = bytes.subarray(bytes.length - SIGNATURE_MAGIC.length);
  if (!tail.equals(SIGNATURE_MAGIC)) return bytes;
  // struct module_signature (12 bytes) precedes the magic; its last field is sig_len, big-endian.
  const infoEnd = bytes.length - SIGNATURE_MAGIC.length;
  const sigLen = bytes.readUInt32BE(infoEnd - 4);
  return bytes.subarray(0, infoEnd - 12 - sigLen);
}

function findSymbol(elf, name) {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1)
    fail('not a 64-bit little-endian ELF');
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const section = (i) => {
    const o = shoff + i * shentsize;
    return {
      type: elf.readUInt32LE(o + 4),
      offset: Number(elf.readBigUInt64LE(o + 0x18)),
      size: Number(elf.readBigUInt64LE(o + 0x20)),
      link: elf.readUInt32LE(o + 0x28),
      entsize: Number(elf.readBigUInt64LE(o + 0x38)),
    };
  };
  for (let i = 0; i < shnum; i++) {
    const symtab = section(i);
    if (symtab.type !== 2 /* SHT_SYMTAB */) continue;
    const strtab = section(symtab.link);
    for (let o = symtab.offset; o + 24 <= symtab.offset + symtab.size; o += symtab.entsize || 24) {
      const nameOff = elf.readUInt32LE(o);
      const end = elf.indexOf(0, strtab.offset + nameOff);
      if (elf.toString('latin1', strtab.offset + nameOff, end) !== name) continue;
      const shndx = elf.readUInt16LE(o + 6);
      const value = Number(elf.readBigUInt64LE(o + 8));
      const size = Number(elf.readBigUInt64LE(o + 16));
      return { fileOffset: section(shndx).offset + value, size };
    }
  }
  return fail(`symbol ${name} not found`);
}

const file = process.argv[2];
if (!file) fail('usage: patch-ffs-alt-limit.mjs <usb_f_fs.ko>');
const elf = Buffer.from(stripSignature(readFileSync(file)));
const fn = findSymbol(elf, 'ffs_func_set_alt');
const body = elf.subarray(fn.fileOffset, fn.fileOffset + fn.size);

// cmp $imm8,%e?x (83 f8+r ib) directly followed by ja rel32 (0f 87) or ja rel8 (77).
const hits = [];
for (let i = 0; i + 4 < body.length; i++) {
  const isCmp = body[i] === 0x83 && body[i + 1] >= 0xf8 && body[i + 1] <= 0xff;
  const isJa = body[i + 3] === 0x77 || (body[i + 3] === 0x0f && body[i + 4] === 0x87);
  if (isCmp && isJa && (body[i + 2] === 0x02 || body[i + 2] === NEW_LIMIT)) hits.push(i);
}
if (hits.length !== 1) fail(`expected one "cmp $2 / ja" in ffs_func_set_alt, found ${hits.length}`);
const at = hits[0];
if (body[at + 2] === NEW_LIMIT) {
  process.stdout.write(`${file}: already patched\n`);
} else {
  body[at + 2] = NEW_LIMIT;
  process.stdout.write(
    `${file}: alternate limit 2 -> ${NEW_LIMIT} at ffs_func_set_alt+0x${at.toString(16)}\n`,
  );
}
writeFileSync(file, elf);
