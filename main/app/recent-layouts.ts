import path from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';

const MAX_RECENT = 10;

/** The layouts opened lately, newest first, kept beside the settings. */
export class RecentLayouts {
  private constructor(
    private readonly filePath: string,
    private paths: string[],
  ) {}

  static async open(userDataDir: string): Promise<RecentLayouts> {
    const filePath = path.join(userDataDir, 'recent-layouts.json');
    const raw = await readJsonFile(filePath);
    const paths = Array.isArray(raw)
      ? raw.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT)
      : [];
    return new RecentLayouts(filePath, paths);
  }

  list(): string[] {
    return [...this.paths];
  }

  async add(layoutPath: string): Promise<string[]> {
    this.paths = [layoutPath, ...this.paths.filter((p) => p !== layoutPath)].slice(0, MAX_RECENT);
    try {
      await writeJsonFile(this.filePath, this.paths);
    } catch {
      // The list is a convenience: an unwritable data folder must not stop a layout from opening.
    }
    return this.list();
  }
}
