#!/usr/bin/env node
import { tuneHeap } from './heap.js';
import { main } from './program.js';

tuneHeap();
await main();
