// Every CLI command, registered by import. Add a command by adding its file here.
import './doctor.js';
import './runs.js';
import './reproduce.js';
import './eval.js';
import './bench.js';
import './plan.js';
import './tokenizer.js';
import './goldfish-mask.js';
import './refute.js';
import './bench-sandbox.js';
import './refute-run.js';
import './forecast.js';
import './bench-eval.js';
import './train.js';
import './eval-loss.js';
