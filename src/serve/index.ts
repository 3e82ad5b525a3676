// fathom/serve: loading models to generate with, chat templates, and the OpenAI-compatible server.
export { loadLanguageModel, requireTokenizer } from './model.js';
export type { LanguageModel, LoadOptions } from './model.js';
export { renderChat, readChatTemplate, chatTemplateSchema, DEFAULT_CHAT_TEMPLATE, CHAT_TEMPLATE_FILE } from './chat.js';
export type { ChatTemplate, ChatMessage } from './chat.js';
export { serve, serveOptionsSchema } from './server.js';
export type { FathomServer, ServeOptions } from './server.js';
export { completionRequestSchema, chatRequestSchema } from './openai.js';
export { runGenerateBench } from './bench.js';
export type { GenerateBenchOptions, GenerateBenchResult, PeerSpeed, SpeedResult } from './bench.js';
export { loadGgufModel } from './gguf-model.js';
export type { GgufModel, GgufGenerateOptions, GgufGeneration } from './gguf-model.js';
