import { describe, expect, it } from 'vitest';
import { looksLikeFip, parseFipToc } from '../../../main/layout/fip-toc.js';
import { UUID_BL31, UUID_TRUSTED_KEY_CERT, fipImage } from './image-builders.js';

describe('parseFipToc', () => {
  it('reads the serial and the entries of a valid FIP', () => {
    const image = fipImage({ serial: 0x1234, entries: [{ uuid: UUID_BL31, sizeBytes: 100 }] });
    const result = parseFipToc(image, image.length);
    expect(looksLikeFip(image)).toBe(true);
    expect(result).toMatchObject({ ok: true, serialNumber: 0x1234, certificates: [], problem: null });
    expect(result.ok && result.entries).toEqual([
      { uuid: '47d4086d-4cfe-9846-9b95-2950cbbd5a00', offsetBytes: 96n, sizeBytes: 100n },
    ]);
  });

  it('refuses a wrong TOC name', () => {
    const image = fipImage({ name: 0xaa640002 });
    expect(looksLikeFip(image)).toBe(false);
    expect(parseFipToc(image, image.length)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/aa640002/) as unknown,
    });
  });

  it('refuses serial number 0, as TF-A and U-Boot do', () => {
    const image = fipImage({ serial: 0 });
    expect(parseFipToc(image, image.length)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/serial/) as unknown,
    });
  });

  it('tells a truncated FIP by an entry that ends past the file', () => {
    const image = fipImage({ entries: [{ uuid: UUID_BL31, sizeBytes: 4096 }], truncateBytes: 10 });
    const result = parseFipToc(image, image.length);
    expect(result.ok && result.problem).toMatch(/past the end/);
  });

  it('names trusted-board-boot certificates', () => {
    const image = fipImage({
      entries: [
        { uuid: UUID_TRUSTED_KEY_CERT, sizeBytes: 32 },
        { uuid: UUID_BL31, sizeBytes: 32 },
      ],
    });
    const result = parseFipToc(image, image.length);
    expect(result.ok && result.certificates).toEqual(['trusted key cert']);
  });

  it('refuses fewer than 16 bytes', () => {
    expect(parseFipToc(new Uint8Array(8), 8)).toMatchObject({ ok: false });
  });
});
