// The chat template: how a list of messages becomes one prompt for a base model. It is a small
// JSON file stored beside the weights (`chat_template.json`), with one format string per role and
// the text that opens the assistant's turn; a checkpoint without one uses DEFAULT_CHAT_TEMPLATE.
// (Hugging Face stores Jinja templates in tokenizer_config.json; fathom does not run Jinja.)
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseConfig } from '../config/index.js';
import { FathomError } from '../errors.js';

export const chatTemplateSchema = z.strictObject({
  /** Format of a system message; {content} is replaced by its text. */
  system: z.string().default('<|system|>\n{content}\n').describe('format of a system message ({content} is its text)'),
  user: z.string().default('<|user|>\n{content}\n').describe('format of a user message'),
  assistant: z.string().default('<|assistant|>\n{content}\n').describe('format of an earlier assistant message'),
  /** Appended after the messages: opens the turn the model writes. */
  generation: z.string().default('<|assistant|>\n').describe('text that opens the turn the model generates'),
  /** Stop strings added to every chat request (the start of the next turn). */
  stop: z.array(z.string()).default(['<|user|>', '<|system|>', '<|assistant|>']).describe('stop strings added to every chat request'),
});
export type ChatTemplate = z.output<typeof chatTemplateSchema>;

export const DEFAULT_CHAT_TEMPLATE: ChatTemplate = parseConfig(chatTemplateSchema, {});
export const CHAT_TEMPLATE_FILE = 'chat_template.json';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** The prompt for a conversation: every message in its role's format, then the generation prefix. */
export function renderChat(template: ChatTemplate, messages: readonly ChatMessage[]): string {
  return messages.map((m) => template[m.role].split('{content}').join(m.content)).join('') + template.generation;
}

/** Reads `chat_template.json` from a folder, or the default when there is none. */
export function readChatTemplate(dir: string): ChatTemplate {
  const path = `${dir}/${CHAT_TEMPLATE_FILE}`;
  if (!existsSync(path)) return DEFAULT_CHAT_TEMPLATE;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FathomError(`${path} is not JSON (${(err as Error).message})`, `fix or delete it to use the default template`);
  }
  return parseConfig(chatTemplateSchema, raw, path);
}
