// The preload: the renderer's only door into the app, one named function per API method (no generic
// invoke, no ipcRenderer handed over). Bundled to one CommonJS file: sandboxed preloads cannot import.
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, METHOD_NAMES } from '../../shared/api/channels.js';

const api = Object.fromEntries(METHOD_NAMES.map((m) => [m, (request: unknown) => ipcRenderer.invoke(ipcChannel(m), request)]));

contextBridge.exposeInMainWorld('careplan', Object.freeze(api));
