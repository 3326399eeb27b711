/**
 * Watches the policy's file or folder and calls back once per burst of changes.
 *
 * Editors and config-management tools save by writing a temporary file and renaming it over the old
 * one, which ends a watch on the file itself; so the folder that holds the policy is watched (the
 * policy folder itself, recursively, when the policy is a folder) and events are filtered to policy
 * files. A burst of events (write, rename, chmod) is debounced into one reload.
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

export function watchPolicy(policyPath: string, onChange: () => void, options: PolicyWatchOptions = {}): PolicyWatcher {
  const debounceMs = options.debounceMs ?? 300;
  const isFolder = statSync(policyPath).isDirectory();
  const dir = isFolder ? policyPath : dirname(policyPath);
  const file = isFolder ? undefined : basename(policyPath);
  let timer: NodeJS.Timeout | undefined;

  const relevant = (name: string | null): boolean => {
    // Some platforms report no name: reload rather than miss a change.
    if (name === null) return true;
    return file === undefined ? POLICY_FILE.test(name) : basename(name) === file;
  };

  const watcher: FSWatcher = watch(dir, { recursive: isFolder, persistent: false }, (_event, name) => {
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
