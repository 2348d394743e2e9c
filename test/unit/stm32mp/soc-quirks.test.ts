import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../main/core/app-error.js';
import { getStageProfile, STAGE_PROFILES } from '../../../main/stm32mp/soc-quirks.js';

const FAMILIES = ['stm32mp15', 'stm32mp13', 'stm32mp2'] as const;
const STAGES = ['rom', 'tf-a', 'u-boot-layout', 'u-boot-partitions'] as const;

describe('stage profiles', () => {
  it('exist for every family × stage, once each', () => {
    for (const family of FAMILIES) {
      for (const stage of STAGES) {
        expect(
          STAGE_PROFILES.filter((p) => p.family === family && p.stage === stage && p.variant === 'current'),
        ).toHaveLength(1);
      }
    }
  });

  it('give a reason with a source for every field', () => {
    for (const profile of STAGE_PROFILES) {
      for (const key of Object.keys(profile.behaviour)) {
        const why = profile.why[key as keyof typeof profile.why];
        expect(why, `${profile.family}/${profile.stage}.${key}`).toMatch(/\S{3,}/);
      }
    }
  });

  it('encode the ROM differences of §1.2', () => {
    expect(getStageProfile('stm32mp15', 'rom').behaviour).toMatchObject({
      fsblAltIndex: 1,
      downloadEnd: 'manifest',
      handover: 'none-rom-jumps-after-manifest',
      nextStageReenumerates: false,
    });
    for (const family of ['stm32mp13', 'stm32mp2'] as const) {
      expect(getStageProfile(family, 'rom').behaviour).toMatchObject({
        fsblAltIndex: 0,
        downloadEnd: 'idle',
        handover: 'detach-after-fsbl',
        nextStageReenumerates: true,
        usbResetAfterDetach: 'starts-next-stage',
      });
    }
  });

  it('encode the TF-A phases and the MP2 DDR-FIP reconnect', () => {
    expect(getStageProfile('stm32mp15', 'tf-a').behaviour.expectedPhases).toEqual([0x03]);
    expect(getStageProfile('stm32mp15', 'tf-a', 'legacy-tf-a').behaviour.expectedPhases).toEqual([
      0x00, 0x03,
    ]);
    const mp2 = getStageProfile('stm32mp2', 'tf-a').behaviour;
    expect(mp2.expectedPhases).toEqual([0x02, 0x03]);
    expect(mp2.midStageReconnect).toMatchObject({ afterPhase: 0x02 });
    expect(getStageProfile('stm32mp13', 'tf-a').behaviour.midStageReconnect).toBeNull();
  });

  it('encode the U-Boot rules: DETACH only in dfuIDLE, USB reset reboots, 4096-byte transfers', () => {
    for (const family of FAMILIES) {
      for (const stage of ['u-boot-layout', 'u-boot-partitions'] as const) {
        expect(getStageProfile(family, stage).behaviour).toMatchObject({
          detachOnlyInIdle: true,
          usbResetAfterDetach: 'reboots-board',
          transferSizeBytes: 4096,
          downloadEnd: 'idle',
        });
      }
    }
    expect(getStageProfile('stm32mp15', 'u-boot-layout').behaviour.nextStageTimeoutMs).toBeGreaterThanOrEqual(
      30_000,
    );
  });

  it('throws unknown-stage for a combination that does not exist', () => {
    let caught: unknown = null;
    try {
      getStageProfile('stm32mp13', 'tf-a', 'legacy-tf-a');
    } catch (e) {
      caught = e;
    }
    expect(isAppError(caught, 'unknown-stage')).toBe(true);
  });
});
