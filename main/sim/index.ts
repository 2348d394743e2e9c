/**
 * Simulated STM32MP boards behind the UsbBus / UsbTransport interfaces, written from
 * docs/stm32mp-usb-protocol.md (never from main/dfu, main/stm32mp, main/layout or main/flash).
 */
export { SimulatedBus, type SimulatedBusOptions, type BusTransferLogEntry } from './simulated-bus.js';
export {
  SimulatedBoard,
  createSimulatedBoard,
  APP_TRANSFER_LOG_LIMIT,
  type SimulatedBoardOptions,
  type BoardStatus,
  type SimPartitionInfo,
} from './simulated-board.js';
export type { BoardStage, BoardEvent } from './board-context.js';
export type { SimStage, ReceivedImage } from './stage-types.js';
export { SOC_PROFILES, type SimSoc, type SocProfile } from './soc-profiles.js';
export {
  FAULT_SCENARIOS,
  faultScenarioMarkdownTable,
  resolveFaults,
  type FaultScenario,
  type FaultScenarioId,
  type FaultScenarioInfo,
  type ScenarioInput,
  type FaultPlan,
} from './fault-scenarios.js';
export {
  INVARIANT_RULES,
  type InvariantRule,
  type InvariantViolation,
  type InvariantQuery,
} from './invariants.js';
export type { TransferLogEntry, TransferKind, TransferOutcome } from './transfer-log.js';
export {
  DEFAULT_TIMING,
  resolveTiming,
  idealTransferMs,
  idealThroughputBytesPerSec,
  controlTransferMs,
  type TimingModel,
  type TimingOverrides,
  type MediaRates,
  type IdealTransferQuery,
  type SimStageKind,
} from './timing-model.js';
export {
  defaultStorageDevices,
  type StorageDeviceSpec,
  type MmcDeviceSpec,
  type MtdDeviceSpec,
  type RamDeviceSpec,
  type PartitionEntry,
  type StorageArea,
  type MediumKind,
  type StoredDevice,
} from './storage-devices.js';
export type { UbootVariant } from './uboot-stage.js';
export { simulatedHostFacts } from './host-facts.js';
