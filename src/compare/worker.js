// Worker-thread entry for compare(): loads the worker body from the bundle when it is fresh for the
// current sources, else through tsx (loaders do not cross into workers, so each thread registers it).
import { loadEntry } from '../build/start.js';

await loadEntry('worker', { rebuild: false });
