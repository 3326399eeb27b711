/** Resolves with the first SIGTERM or SIGINT; a second one while shutting down exits at once. */
export type ShutdownSignal = 'SIGTERM' | 'SIGINT';

export function waitForShutdownSignal(): Promise<ShutdownSignal> {
  return new Promise((resolve) => {
    const on = (signal: ShutdownSignal) => (): void => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      // An operator pressing Ctrl-C twice means "now": skip the drain.
      const force = (): void => process.exit(130);
      process.once('SIGTERM', force);
      process.once('SIGINT', force);
      resolve(signal);
    };
    const onTerm = on('SIGTERM');
    const onInt = on('SIGINT');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
  });
}
