import type { DeclareChecks } from 'faultline/checks';

const checks: DeclareChecks = (check) => {
  check('item-not-found', { title: 'Unknown items answer 404', kind: 'functional' }, async (t) => {
    const known = await t.http('api').get('/items/1');
    t.expect(known.status, 200, 'GET /items/1');
    const unknown = await t.http('api').get('/items/999999');
    t.expect(unknown.status, 404, 'GET /items/999999');
    t.expect(unknown.body, { detail: 'item not found' }, 'the 404 body');
  });
};
export default checks;
