// The engine part of `fathom doctor`: which tensor backend is active and why.
export interface EngineReport {
  ok: boolean;
  detail: string;
  enables: string;
  fix?: string;
  backend: string;
}

export async function engineReport(): Promise<EngineReport> {
  return { ok: false, detail: 'PENDING', enables: 'x', backend: 'reference' };
}
