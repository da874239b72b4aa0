/** Reading simulator config from a JSON file or a JSON string, with one-line errors. */
import { readFile } from 'node:fs/promises';
import { parseSimulatorInput, type SimulatorInput } from './config.js';

export function parseSimConfigJson(text: string, where: string): SimulatorInput {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`${where}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parseSimulatorInput(data, where);
}

export async function loadSimConfigFile(path: string): Promise<SimulatorInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`sim config ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseSimConfigJson(text, `sim config ${path}`);
}
