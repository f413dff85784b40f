// The Troubleshoot view's state: the doctor's last findings, which checks to highlight (when a
// failure sent us here), and applying a fix (then the database's position and findings reload).
import { api, toApiError, type ApiError, type Finding, type Fix, type FixOutcome } from '../api';
import { changesScripts, sortFindings } from '../lib/doctor';
import { app } from './app.svelte';

class DoctorState {
  findings = $state.raw<Finding[] | null>(null);
  error = $state.raw<ApiError | null>(null);
  running = $state(false);
  /** Checks to highlight: the ones that can explain the failure that sent the user here. */
  highlight = $state.raw<string[]>([]);
  /** What the last fix applied here did (shown above the findings, which reload without it). */
  lastResult = $state.raw<{ fix: Fix; outcome: FixOutcome | null; error: ApiError | null } | null>(null);
  /** The connection the findings are about. */
  connectionId = $state<string | null>(null);
  #generation = 0;

  /** Runs every check (read-only) and keeps the findings, problems first. */
  async diagnose(): Promise<Finding[] | null> {
    const generation = ++this.#generation;
    this.running = true;
    const connectionId = app.db?.connection_id ?? null;
    try {
      const findings = sortFindings(await api.diagnose());
      if (generation === this.#generation) {
        this.findings = findings;
        this.connectionId = connectionId;
        this.error = null;
      }
      return findings;
    } catch (e) {
      if (generation === this.#generation) {
        this.error = toApiError(e);
        this.connectionId = connectionId;
      }
      return null;
    } finally {
      if (generation === this.#generation) this.running = false;
    }
  }

  /** Shows the Troubleshoot view, highlighting `checks`, and runs the checks. */
  open(checks: string[] = []) {
    this.highlight = checks;
    this.lastResult = null;
    app.dialog = null;
    app.view = 'troubleshoot';
    void this.diagnose();
  }

  /** Applies a fix; the database's position (and the scripts, after a merge) and the findings reload. */
  async apply(fix: Fix, confirmDatabase: string | null): Promise<FixOutcome> {
    try {
      const outcome = await api.applyFix(fix.id, confirmDatabase);
      this.lastResult = { fix, outcome, error: null };
      return outcome;
    } catch (e) {
      this.lastResult = { fix, outcome: null, error: toApiError(e) };
      throw e;
    } finally {
      if (changesScripts(fix)) await app.reloadProject();
      await app.afterRun();
      await this.diagnose();
    }
  }
}

export const doctor = new DoctorState();
