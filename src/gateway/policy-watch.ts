/**
 * Watches the policy's file or folder and calls back once per burst of changes.
 *
 * Editors and config-management tools save by writing a temporary file and renaming it over the old
 * one, which ends a watch on the file itself; so the folder that holds the policy is watched (the
 * policy folder itself when the policy is a folder) and events are filtered to policy files. The
 * watch is not recursive: a policy folder's files are its top-level *.yaml (policy/load.ts), and
 * Node's recursive watch on Linux loses track of a folder whose symlinks are swapped (below). A burst
 * of events (write, rename, chmod) is debounced into one reload.
 *
 * Kubernetes mounts a ConfigMap as a folder of symlinks into a timestamped folder:
 *
 *   policy.yaml -> ..data/policy.yaml
 *   ..data -> ..2026_01_31_10_00_00.123456789
 *
 * and updates it by writing a new timestamped folder, pointing a `..data_tmp` symlink at it and
 * renaming that over `..data` (one atomic rename), then removing the old folder. The policy file's own
 * name sees no event, so a change to `..data` counts as a change to every file of the folder. (A
 * ConfigMap mounted with subPath is never updated by Kubernetes at all: mount the folder.)
 */
import { watch, statSync, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface PolicyWatcher {
  close(): void;
}

export interface PolicyWatchOptions {
  /** Quiet time after the last event before reloading. Default 300 ms. */
  debounceMs?: number;
  /** Called when the watch itself fails (e.g. the folder was removed); the watcher stops. */
  onError?: (err: Error) => void;
}

const POLICY_FILE = /\.ya?ml$/i;
/** The symlink Kubernetes swaps atomically when a ConfigMap or Secret volume changes. */
const ATOMIC_SWAP_LINK = '..data';

export function watchPolicy(policyPath: string, onChange: () => void, options: PolicyWatchOptions = {}): PolicyWatcher {
  const debounceMs = options.debounceMs ?? 300;
  const isFolder = statSync(policyPath).isDirectory();
  const dir = isFolder ? policyPath : dirname(policyPath);
  const file = isFolder ? undefined : basename(policyPath);
  let timer: NodeJS.Timeout | undefined;

  const relevant = (name: string | null): boolean => {
    // Some platforms report no name: reload rather than miss a change.
    if (name === null) return true;
    if (name === ATOMIC_SWAP_LINK) return true;
    return file === undefined ? POLICY_FILE.test(name) : name === file;
  };

  const watcher: FSWatcher = watch(dir, { persistent: false }, (_event, name) => {
    if (!relevant(typeof name === 'string' ? name : null)) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  watcher.on('error', (err) => {
    clearTimeout(timer);
    watcher.close();
    options.onError?.(err);
  });

  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
