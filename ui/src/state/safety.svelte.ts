// The Checks view's state, kept across view switches: the last drift check and the last (or
// running) round-trip test with its live progress.
import { api, toApiError, type ApiError, type DriftReport, type RoundTripProgress, type RoundTripReport } from '../api';
import { app } from './app.svelte';

class SafetyState {
  drift = $state.raw<DriftReport | null>(null);
  driftError = $state.raw<ApiError | null>(null);
  checking = $state(false);
  /** The connection the drift result is about. */
  driftConnection = $state<string | null>(null);

  test = $state.raw<RoundTripReport | null>(null);
  testError = $state.raw<ApiError | null>(null);
  progress = $state.raw<RoundTripProgress | null>(null);
  testing = $state(false);
  testConnection = $state<string | null>(null);
  /** Run both checks once a connection is selected (`?view=checks&run`, for screenshots). */
  autorun = false;
  #runId: string | null = null;

  async checkDrift(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.driftError = null;
    const connection = app.db?.connection_id ?? null;
    try {
      this.drift = await api.checkDrift();
    } catch (e) {
      this.drift = null;
      this.driftError = toApiError(e);
    } finally {
      this.driftConnection = connection;
      this.checking = false;
    }
  }

  async runTest(): Promise<void> {
    if (this.testing) return;
    this.testing = true;
    this.test = null;
    this.testError = null;
    this.progress = null;
    const runId = `roundtrip-${Date.now().toString(36)}`;
    this.#runId = runId;
    this.testConnection = app.db?.connection_id ?? null;
    try {
      this.test = await api.runRoundtripTest(runId, (p) => (this.progress = p));
    } catch (e) {
      this.testError = toApiError(e);
    } finally {
      this.#runId = null;
      this.testing = false;
    }
  }

  async cancelTest(): Promise<void> {
    if (this.#runId) await api.cancelRun(this.#runId);
  }
}

export const safety = new SafetyState();
