// The file layer: the one place that writes, renames, moves and deletes files for the client and the
// relay, safely on Windows (no folder fsync, retries while antivirus or care software holds a file,
// UNC and Japanese paths untouched, names compared without case) and privately (0600/0700, an
// owner-only ACL on Windows). One writer per spool: acquireLock. See docs/architecture.md.
export { fsPlatform, onWindows } from './os.js';
export { FolderNames, freeName, pathsFor, sameName, type FreeNameOptions } from './paths.js';
export {
  backoff,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_MAX_WAIT_SYNC_MS,
  FileBusyError,
  isHeldError,
  moveInto,
  moveIntoSync,
  renameWithRetry,
  renameWithRetrySync,
  retryHeld,
  retryHeldSync,
  unlinkWithRetry,
  unlinkWithRetrySync,
  type FileAction,
  type MoveOptions,
  type RenameOptions,
  type RetryOptions,
} from './retry.js';
export { cleanTmp, copyDurable, ORPHAN_TMP_AGE_MS, syncDirectory, syncDirectoryAsync, TMP_PREFIX, tmpPathFor, writeDurable, writeDurableAsync, writeDurableBatch, type DurableItem, type DurableOptions } from './durable.js';
export { ensurePrivateDir, ensurePrivateFile, fileLayerLog, icaclsArgs, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, restrictToOwner, windowsUser, type RestrictOptions } from './private.js';
export { acquireLock, LOCK_FILE, SpoolLockedError, type HeldLock, type LockOptions, type LockOwner, type LockProgram } from './lock.js';
