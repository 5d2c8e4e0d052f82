import { test } from 'node:test';

// TODO(a): test the limiter (a fake clock: `new SlidingWindowLimiter(db, { limit, windowMs, now })`).
test.todo('100 requests at once pass, the 101st is rejected with an honest retryAfterSeconds');
test.todo('a rejected request does not count against the window');
test.todo('two limiters over the same database file share the limit');
