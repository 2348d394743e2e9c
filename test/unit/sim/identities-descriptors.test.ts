import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../main/core/clock.js';
import { SimulatedBus, createSimulatedBoard, type SimSoc } from '../../../main/sim/index.js';
import { fipImage, fsblImage, tsv, wrapLayout } from './helpers/images.js';
import { IO, getDescriptor, getStringDescriptor, hexBytes } from './helpers/raw-dfu.js';
import { bringTo, type Driven } from './helpers/test-host.js';

let bus: SimulatedBus | null = null;
afterEach(async () => {
  await bus?.close();
  bus = null;
});

const SERIALS: Record<SimSoc, string> = {
  mp15: '003B00213439511334383734',
  mp13: '001E00363033510B37393935',
  mp25: '0029002A4C4250110038344D',
};

const LAYOUT = wrapLayout(
  tsv([
    ['-', '0x01', 'fsbl-boot', 'Binary', 'none', '0x0', 'f'],
    ['P', '0x04', 'fsbl1', 'Binary', 'mmc1', 'boot1', 'f'],
    ['P', '0x05', 'fsbl2', 'Binary', 'mmc1', 'boot2', 'f'],
    ['P', '0x10', 'fip-a', 'FIP', 'mmc1', '0x00080000', 'f'],
    ['PE', '0x11', 'u-boot-env', 'ENV', 'mmc1', '0x00480000', 'none'],
    ['P', '0x12', 'rootfs', 'FileSystem', 'mmc1', '0x00500000', 'r'],
    ['PE', '0x13', 'userfs', 'FileSystem', 'mmc1', '0x40500000', 'u'],
  ]),
);

async function drive(soc: SimSoc, target: 'rom' | 'tfa' | 'uboot-layout' | 'uboot-flash'): Promise<Driven> {
  const clock = new VirtualClock({ autoAdvance: true });
  bus = new SimulatedBus({ clock });
  const board = createSimulatedBoard({ soc, serial: SERIALS[soc] });
  return bringTo(bus, clock, board, target, {
    fsbl: fsblImage(soc),
    fip: fipImage(),
    ddrFip: fipImage(10_000, 9),
    layout: LAYOUT,
  });
}

describe('identities per stage (§2.3, §2.4)', () => {
  it.each([
    [
      'mp15',
      'DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000',
      [
        '@Partition0 /0x00/1*256Ke',
        '@FSBL /0x01/1*1Me',
        '@Partition2 /0x02/1*1Me',
        '@Partition3 /0x03/1*16Me',
        '@Partition4 /0x04/1*16Me',
        '@virtual /0xF1/1*512Ba',
      ],
    ],
    [
      'mp13',
      'DFU in HS Mode @Device ID /0x501, @Revision ID /0x1003',
      ['@FSBL /0x01/1*128Ke', '@virtual /0xF1/1*512Ba'],
    ],
    [
      'mp25',
      'DFU in HS Mode @Device ID /0x505, @Revision ID /0x2000',
      ['@FSBL /0x01/1*256Ke', '@virtual /0xF1/1*512Ba'],
    ],
  ] as const)('ROM of %s', async (soc, product, alts) => {
    const { identity } = await drive(soc, 'rom');
    expect(identity).toMatchObject({
      vid: 0x0483,
      pid: 0xdf11,
      bcdDevice: 0x0200,
      manufacturer: 'STMicroelectronics',
      product,
      serial: SERIALS[soc],
      speed: 'high',
      portPath: '1-2',
      bus: 1,
      ports: [2],
    });
    expect(identity.alts.map((a) => a.name)).toEqual(alts);
  });

  it.each([
    [
      'mp13',
      'DFU @Device ID /0x501, @Revision ID /0x1003, @Name /STM32MP135FAF Rev.Y,',
      ['@SSBL /0x03/1*16Me', '@virtual /0xF1/1*512Ba'],
    ],
    [
      'mp25',
      'DFU @Device ID /0x505, @Revision ID /0x0011, @Name /STM32MP257FAI Rev.Y,',
      ['@DDR FIP /0x02/1*32Ke', '@FIP /0x03/1*16Me', '@virtual /0xF1/1*512Ba'],
    ],
  ] as const)('TF-A of %s re-enumerates with its own identity', async (soc, product, alts) => {
    const { identity, identities } = await drive(soc, 'tfa');
    expect(identities).toHaveLength(2);
    expect(identity.product).toBe(product);
    expect(identity.serial).toBe(SERIALS[soc]);
    expect(identity.alts.map((a) => a.name)).toEqual(alts);
    expect(identity.connectionId).not.toBe(identities[0]!.connectionId);
  });

  it('MP15 TF-A keeps the ROM enumeration but answers with its own strings (§9.2)', async () => {
    const { t, identities } = await drive('mp15', 'tfa');
    expect(identities).toHaveLength(1);
    expect(t.identity.product).toBe('DFU in HS Mode @Device ID /0x500, @Revision ID /0x0000');
    expect(await getStringDescriptor(t, 2)).toBe(
      'DFU @Device ID /0x500, @Revision ID /0x2000, @Name /STM32MP157CAA Rev.B,',
    );
  });

  it('U-Boot 1st enumeration: gadget product, FlashLayout/virtual/OTP/PMIC alts (§2.4)', async () => {
    const { identity } = await drive('mp15', 'uboot-layout');
    expect(identity.product).toBe(
      'USB download gadget@Device ID /0x500, @Revision ID /0x2000, @Name /STM32MP157CAA Rev.B,',
    );
    expect(identity.bcdDevice).toBe(0x0200);
    expect(identity.alts.map((a) => a.name)).toEqual([
      '@FlashLayout/0x00/1*256Ke',
      '@virtual/0xf1/1*512Be',
      '@OTP/0xf2/1*776Be',
      '@PMIC/0xf4/1*8Be',
    ]);
  });

  it('U-Boot 2nd enumeration: one alt per device line by ascending id, then virtual/OTP (§2.4)', async () => {
    const { identity } = await drive('mp25', 'uboot-flash');
    expect(identity.alts.map((a) => a.name)).toEqual([
      '@fsbl1/0x04/1*4Me',
      '@fsbl2/0x05/1*4Me',
      '@fip-a/0x10/1*4Me',
      '@u-boot-env/0x11/1*512Ka',
      '@rootfs/0x12/1*1024Me',
      '@userfs/0x13/1*6Ga',
      '@virtual/0xf1/1*512Be',
      '@OTP/0xf2/1*2952Be',
    ]);
  });
});

describe('descriptors (§2.1, §2.2)', () => {
  it('ROM device descriptor and the 72-byte MP15 configuration with one functional descriptor', async () => {
    const { t } = await drive('mp15', 'rom');
    expect(hexBytes((await getDescriptor(t, 1, 0)) as Uint8Array)).toBe(
      '12 01 00 02 00 00 00 40 83 04 11 DF 00 02 01 02 03 01',
    );
    const config = (await getDescriptor(t, 2, 0, 1024)) as Uint8Array;
    expect(config).toHaveLength(72);
    expect(hexBytes(config.subarray(0, 9))).toBe('09 02 48 00 01 01 02 C0 32');
    for (let n = 0; n < 6; n++) {
      const iInterface = (6 + n).toString(16).toUpperCase().padStart(2, '0');
      expect(hexBytes(config.subarray(9 + 9 * n, 18 + 9 * n))).toBe(
        `09 04 00 0${n} 00 FE 01 02 ${iInterface}`,
      );
    }
    expect(hexBytes(config.subarray(63))).toBe('09 21 0F FF 00 00 04 10 01');
    expect(hexBytes((await getDescriptor(t, 2, 0, 9)) as Uint8Array)).toBe('09 02 48 00 01 01 02 C0 32');
  });

  it('TF-A MP25 configuration is 45 bytes, MP13 36 bytes', async () => {
    const mp25 = await drive('mp25', 'tfa');
    expect(((await getDescriptor(mp25.t, 2, 0, 1024)) as Uint8Array).length).toBe(45);
    await bus!.close();
    const mp13 = await drive('mp13', 'tfa');
    expect(((await getDescriptor(mp13.t, 2, 0, 1024)) as Uint8Array).length).toBe(36);
  });

  it('U-Boot functional descriptor, bMaxPower 1, iInterface 5 + n, class GET_DESCRIPTOR 0x21', async () => {
    const { t } = await drive('mp15', 'uboot-layout');
    const config = (await getDescriptor(t, 2, 0, 1024)) as Uint8Array;
    expect(config).toHaveLength(9 * 6);
    expect(config[8]).toBe(0x01);
    expect([...Array(4).keys()].map((n) => config[9 + 9 * n + 8])).toEqual([5, 6, 7, 8]);
    expect(hexBytes(config.subarray(45))).toBe('09 21 0F 00 00 00 10 10 01');
    const cls = await t.controlIn(
      { requestType: 'class', recipient: 'interface', request: 6, value: 0x2100, index: 0 },
      9,
      IO,
    );
    expect(cls.status === 'ok' && hexBytes(cls.data)).toBe('09 21 0F 00 00 00 10 10 01');
    const std = await t.controlIn(
      { requestType: 'standard', recipient: 'interface', request: 6, value: 0x2100, index: 0 },
      9,
      IO,
    );
    expect(std.status === 'ok' && hexBytes(std.data)).toBe('09 21 0F 00 00 00 10 10 01');
    expect(await getStringDescriptor(t, 4)).toBe('Device Firmware Upgrade');
    expect(await getStringDescriptor(t, 5)).toBe('@FlashLayout/0x00/1*256Ke');
  });

  it('strings are UTF-16LE with LANGID 0x0409; unknown indices stall', async () => {
    const { t } = await drive('mp13', 'rom');
    expect(hexBytes((await getDescriptor(t, 3, 0)) as Uint8Array)).toBe('04 03 09 04');
    const serial = (await getDescriptor(t, 3, 3)) as Uint8Array;
    expect(serial[0]).toBe(2 + 2 * 24);
    expect(serial[1]).toBe(3);
    expect(await getStringDescriptor(t, 1)).toBe('STMicroelectronics');
    expect(await getStringDescriptor(t, 3)).toBe(SERIALS.mp13);
    expect(await getStringDescriptor(t, 6)).toBe('@FSBL /0x01/1*128Ke');
    expect(await getStringDescriptor(t, 40)).toBeNull();
  });

  it('SET_INTERFACE stalls for an alternate that does not exist', async () => {
    const { t } = await drive('mp13', 'rom');
    expect(await t.selectAlternate(0, 1, IO)).toBe('ok');
    expect(await t.selectAlternate(0, 2, IO)).toBe('stall');
    const u = await drive('mp15', 'uboot-layout');
    expect(await u.t.selectAlternate(0, 3, IO)).toBe('ok');
    expect(await u.t.selectAlternate(0, 4, IO)).toBe('stall');
  });

  it('derives the serial from the UID words and keeps it on every stage', async () => {
    const clock = new VirtualClock({ autoAdvance: true });
    bus = new SimulatedBus({ clock });
    const board = createSimulatedBoard({ soc: 'mp25', uidWords: [0x0029002a, 0x4c425011, 0x0038344d] });
    expect(board.serial).toBe('0029002A4C4250110038344D');
    const d = await bringTo(bus, clock, board, 'uboot-flash', {
      fsbl: fsblImage('mp25'),
      fip: fipImage(),
      ddrFip: fipImage(),
      layout: LAYOUT,
    });
    expect(new Set(d.identities.map((i) => i.serial))).toEqual(new Set(['0029002A4C4250110038344D']));
    expect(d.identities).toHaveLength(5);
    // The UID words sit at OTP words 5..7 on MP2 (§2.3).
    const otp = new DataView(board.otpShadow().buffer);
    expect([otp.getUint32(20, true), otp.getUint32(24, true), otp.getUint32(28, true)]).toEqual([
      0x0029002a, 0x4c425011, 0x0038344d,
    ]);
  });
});
