// Imported first by every entry that runs the agent, the app's back end or the CLI (and by the bench
// that measures them), so it runs before anything uses libuv's thread pool: the pool's size is read
// once, when it starts. Its default of 4 threads is shared by every fsync, rename and read; a burst
// of hundreds of units (claims, spool group commits, filing into sent/, the relay's own fsyncs)
// queued behind them. A size the user set is kept.
process.env.UV_THREADPOOL_SIZE ??= '16';
export {};
