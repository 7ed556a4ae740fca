// Worker-thread entry for compare(): registers tsx's loader in this thread (loaders do not
// cross into workers), then loads the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
