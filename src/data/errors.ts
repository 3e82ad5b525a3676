// The data layer's error: a corpus, tokenizer file, token cache or sampler option that is wrong.
// Messages name the field and end with a hint that fixes it (CONVENTIONS.md 12).
import { FathomError } from '../errors.js';

/** A corpus, tokenizer, cache or sampler problem the user can fix. */
export class DataError extends FathomError {}
