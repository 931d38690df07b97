// V8 settings of the service process, set before any other module of it runs (main.ts imports this
// module first). Here, not in `npm start`'s command line, so that they hold however the service is
// started (a unit file, a container, `node dist/src/main.js`): NODE_OPTIONS does not take V8 flags.
//
// No allocation-site pretenuring: V8 watches where objects are made, and when nearly all of one
// place's objects are still alive at a young-generation collection it makes that place's objects
// straight in the old generation from then on. A claim builds the issues of a bulk request together
// (ADF nodes, rows, request parts), and a collection that comes right after finds them all alive: V8
// then put every later issue's objects in the old generation, where they died unseen until a full
// collection (1.6 MB promoted per young collection, the heap growing by 3 MB a tenth of a second
// in a drain). Without it the drain cost 0.110–0.136 ms of CPU per issue against 0.132–0.143
// (docs/decisions/no-pretenuring.md).
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--no-allocation-site-pretenuring');
