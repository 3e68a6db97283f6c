import type { WorldSourceId } from '../world/WorldSource';
import type { ProviderBehaviour } from './ProviderBehaviour';

/** One simulated provider to start. */
export interface ProviderSpec {
  /** The source it serves. */
  id: WorldSourceId;
  /** TCP port; 0 picks a free one. */
  port: number;
  /** The key clients must send as `x-api-key`. */
  apiKey: string;
  /** Deviations from the ideal (faults); reliable when absent. */
  behaviour?: ProviderBehaviour;
}
