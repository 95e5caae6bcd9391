import type { Command } from 'commander';
import { registerMockCommand } from './mock-command.js';
import { registerReportCommands } from './report-command.js';
import { registerFleetCommands } from './fleet-command.js';
import { registerInitCommand } from './init/init-command.js';
import { registerPlotCommand } from './plot-command.js';
import { registerExportCommand } from './export-command.js';

/** Subcommands beyond `run`, each registered by its own module. */
export function registerExtraCommands(program: Command, io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream }): void {
  registerMockCommand(program);
  registerReportCommands(program, io);
  registerFleetCommands(program, io);
  registerInitCommand(program, io);
  registerPlotCommand(program, io);
  registerExportCommand(program, io);
}
