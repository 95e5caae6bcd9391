import type { Command } from 'commander';

/** Subcommands beyond `run`, each registered by its own module. */
export function registerExtraCommands(program: Command, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): void {
  void program;
  void io;
}
