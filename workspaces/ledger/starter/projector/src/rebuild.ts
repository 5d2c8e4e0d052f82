/**
 * `npm run rebuild-read-model`: rebuild the read model (READ_MODEL_PATH, default data/read-model.db)
 * from every event of the event store (read through COMMANDS_URL).
 *
 * TODO (task e): replay every event in order into an empty read model; running it twice must give
 * the same read model.
 */
console.error('rebuild-read-model is not implemented yet');
process.exit(1);
