// fathom/io: model exchange formats — safetensors (lazy reads, F32/F16/BF16) and the Hugging Face
// Llama layout (weight names and config.json).
export { SafetensorsReader, encodeSafetensors, decodeSafetensors, writeSafetensors, readSafetensors, floatToHalf, floatToBf16, MAX_HEADER_BYTES } from './safetensors.js';
export type { NamedTensor, SafetensorsFile, TensorInfo, WriteOptions, WriteDType } from './safetensors.js';
export { toHfConfig, fromHfConfig, toHfLlamaTensors, fromHfLlamaTensors, isHfLlamaLayout } from './hf-llama.js';
export type { HfLlamaConfig } from './hf-llama.js';
export { writeGguf, parseGgufHeader, readGgufHeader, GGUF_MAGIC, GGUF_VERSION, GgufType, GgmlType } from './gguf.js';
export type { GgufValue, GgufTensor, GgufHeader, GgufTensorInfo } from './gguf.js';
export { toGgufLlama, ggufTokenizer, permuteRotary } from './gguf-llama.js';
export type { GgufTokenizer } from './gguf-llama.js';
