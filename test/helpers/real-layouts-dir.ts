import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The real FlashLayout corpus lives in the reference folder beside the repository (../shared), which
 * CI lays next to every clone. It is third-party material under several licences, so it is read in
 * place, never copied into the repo. STM32MP_LAYOUT_CORPUS points elsewhere if needed.
 */
export function realLayoutsDir(): string {
  const dir =
    process.env.STM32MP_LAYOUT_CORPUS ??
    fileURLToPath(new URL('../../../shared/flashlayouts/real/', import.meta.url));
  if (!existsSync(dir)) {
    throw new Error(
      `The real FlashLayout corpus is missing at ${dir}: check out ../shared beside the repo or set STM32MP_LAYOUT_CORPUS.`,
    );
  }
  return dir.endsWith('/') ? dir : `${dir}/`;
}
