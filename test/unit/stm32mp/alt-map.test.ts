import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import {
  altForPhase,
  buildPhaseAltMap,
  requireAltForPhase,
  resolveAltNames,
} from '../../../main/stm32mp/alt-map.js';
import { FakeUsbTransport, step } from '../dfu/fake-usb-transport.js';
import {
  configDescriptor,
  openClient,
  ROM_FUNCTIONAL,
  stringDescriptor,
} from '../dfu/descriptor-fixtures.js';
import { ALTS } from './stage-fixtures.js';

const asInfo = (names: (string | null)[]) => names.map((name, index) => ({ index, name }));

describe('buildPhaseAltMap', () => {
  it('MP15 ROM: FSBL at alt 1, virtual at alt 5', () => {
    const map = buildPhaseAltMap(asInfo(ALTS.romMp15));
    expect(altForPhase(map, 0x01)).toBe(1);
    expect(altForPhase(map, 0x03)).toBe(3);
    expect(altForPhase(map, 0xf1)).toBe(5);
    expect(map.unparsed).toEqual([]);
  });

  it('MP13 / MP2 TF-A and U-Boot lists map by ID, not by position', () => {
    expect(altForPhase(buildPhaseAltMap(asInfo(ALTS.tfaMp13)), 0x03)).toBe(0);
    const mp2 = buildPhaseAltMap(asInfo(ALTS.tfaMp2));
    expect([altForPhase(mp2, 0x02), altForPhase(mp2, 0x03), altForPhase(mp2, 0xf1)]).toEqual([0, 1, 2]);
    const second = buildPhaseAltMap(asInfo(ALTS.ubootSecond));
    expect([
      altForPhase(second, 0x04),
      altForPhase(second, 0x21),
      altForPhase(second, 0xf1),
      altForPhase(second, 0xf4),
    ]).toEqual([1, 4, 5, 7]);
  });

  it('records duplicates (first wins) and unparsed alts', () => {
    const map = buildPhaseAltMap(asInfo(['@a/0x10/1*1Ke', '@b/0x10/1*1Ke', 'junk', null]));
    expect(altForPhase(map, 0x10)).toBe(0);
    expect(map.duplicates).toEqual([{ phaseId: 0x10, altIndexes: [0, 1] }]);
    expect(map.unparsed).toEqual([2, 3]);
  });

  it('requireAltForPhase names the missing ID and hints at unreadable strings (F3)', () => {
    const noNames = buildPhaseAltMap(asInfo([null, null]));
    let caught: unknown = null;
    try {
      requireAltForPhase(noNames, 0xf1);
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'alt-not-found') && caught.message).toMatch(/0xf1/);
    expect(isAppError(caught) && caught.hint).toMatch(/strings could not be read/);
    expect(requireAltForPhase(buildPhaseAltMap(asInfo(ALTS.ubootFirst)), 0xf1)).toBe(1);
  });
});

describe('resolveAltNames', () => {
  const config = configDescriptor({ altCount: 2, functional: ROM_FUNCTIONAL, iInterfaceBase: 6 });

  it('uses the bus snapshot when it has every name (no I/O)', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, config);
    expect(await resolveAltNames(client, asInfo(ALTS.tfaMp13))).toEqual(asInfo(ALTS.tfaMp13));
    fake.assertDone();
  });

  it('reads string descriptors when names are missing', async () => {
    const fake = new FakeUsbTransport();
    const { client } = await openClient(fake, config);
    fake.script(
      step.getDescriptor(3, 6, 255, stringDescriptor('@SSBL /0x03/1*16Me'), 0x0409),
      step.getDescriptor(3, 7, 255, stringDescriptor('@virtual /0xF1/1*512Ba'), 0x0409),
    );
    expect(await resolveAltNames(client, asInfo([null, null]))).toEqual(asInfo(ALTS.tfaMp13));
    fake.assertDone();
  });
});
