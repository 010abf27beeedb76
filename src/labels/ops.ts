// The one shape in which label operations travel to create's apply, delete and
// recovery: by sandbox name. The label store (store.ts) is one; a dry run's does nothing.
export interface LabelOps {
  /** The sandbox exists now: its label stays held. */
  commit(name: string): Promise<void>;
  /** Free the sandbox's label (a reservation or a held one). */
  release(name: string): Promise<void>;
}

export const NO_LABEL_OPS: LabelOps = {
  commit: async () => {},
  release: async () => {},
};
