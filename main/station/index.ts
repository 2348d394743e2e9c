/**
 * Production operator mode: station profiles, the engine, the admin PIN lock, the per-unit records.
 * No Electron here: the kiosk GUI (main/app, main/ipc) and the CLI (`stm32mp-flash station`) compose it.
 */
export {
  StationEngine,
  SAME_UNIT_WINDOW_MS,
  type StationEngineDeps,
  type StartResult,
} from './station-engine.js';
export {
  loadStationProfile,
  resolveStationProfile,
  profileSummary,
  type LoadedStationProfile,
  type PinnedBinary,
} from './load-station-profile.js';
export {
  createStationProfile,
  type StationProfileRequest,
  type CreatedStationProfile,
} from './create-station-profile.js';
export {
  stationProfileSchema,
  formatProfileIssues,
  type StationProfile,
  type StationProfileInput,
} from './station-profile-schema.js';
export {
  verifyPinnedFiles,
  sha256OfFile,
  filesSentByPlan,
  type VerifiedPinnedFiles,
} from './pinned-files.js';
export {
  hashAdminPin,
  adminPinMatches,
  checkPinText,
  DEFAULT_SCRYPT_COST,
  type AdminPinHash,
  type ScryptCost,
} from './admin-pin.js';
export { PinLock, DEFAULT_PIN_LOCK_POLICY, type PinLockPolicy, type PinAttempt } from './pin-lock.js';
export { learnSlots, type LearnedSlot, type LearnStep, type LearnSlotsOptions } from './learn-slots.js';
export { runStationRounds, type RoundUnit, type StationRoundsOptions } from './station-rounds.js';
export {
  StationRecords,
  type OpenedStationRecords,
  type StationRecordsOptions,
} from './records/station-records.js';
export { readStationRecords, recordsFilePath, RECORDS_FILE_NAME } from './records/read-station-records.js';
export { exportRecordsCsv, CSV_COLUMNS } from './records/export-records-csv.js';
