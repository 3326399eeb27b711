/**
 * Where a worker thread's entry module is, for `new Worker(entry, { eval })`: the `.js` beside the
 * caller in dist/. Run from sources (tests and benches under tsx), the worker registers tsx's loader
 * first and then imports the `.ts` entry, since a bare worker cannot load TypeScript.
 */
export function workerEntry(callerUrl: string, name: string): { entry: URL | string; eval: boolean } {
  if (!callerUrl.endsWith('.ts')) return { entry: new URL(`./${name}.js`, callerUrl), eval: false };
  const ts = new URL(`./${name}.ts`, callerUrl).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return { entry: `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(ts)}); })`, eval: true };
}
