/**
 * The entry of the short-lived thread that builds the PERSON word table for the policy workers
 * (word-table-thread.ts): builds it, hands its shared cells to the main thread and ends, taking the
 * build's garbage and the name lexicon's module source with its isolate.
 */
import { parentPort } from 'node:worker_threads';
import { sharedWordTable } from '../policy/detect/lexicon/lexicon.js';

parentPort!.postMessage(sharedWordTable());
