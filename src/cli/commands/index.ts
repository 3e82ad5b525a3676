// Every CLI command, registered by import. Add a command by adding its file here.
import './doctor.js';
import './runs.js';
import './reproduce.js';
import './eval.js';
import './bench.js';
