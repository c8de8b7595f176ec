// The preload: the renderer's only door into the app, one named function per API method (no generic
// invoke, no ipcRenderer handed over). Each answers with the main process's Result envelope as it
// came; the renderer opens it (renderer/src/api.ts). Bundled to one CommonJS file: sandboxed
// preloads cannot import.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, METHOD_NAMES } from '../../shared/api/channels.js';
import type { EnvelopeApi } from '../../shared/api/methods.js';

const api = Object.fromEntries(METHOD_NAMES.map((m) => [m, (request: unknown) => ipcRenderer.invoke(ipcChannel(m), request)])) as EnvelopeApi;

contextBridge.exposeInMainWorld('careplan', Object.freeze(api));
