/**
 * Order routes: HTTP wiring only (validate, call the service, shape the
 * response). Express 5 forwards errors thrown by async handlers to the error
 * middleware, so there is no try/catch here.
 */
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { pathInt } from '../../../shared/validation';
import type { AppContext } from '../context';
import { parseIdempotencyKey, parseOrderCreate } from './schema';
import { createOrder, getOrder, listOrders } from './service';

export function ordersRouter(ctx: AppContext): Router {
  const router = Router();

  /**
   * POST /api/orders {"product_id": 3, "quantity": 2} -> 201 the order.
   * With an `Idempotency-Key` header a repeated request answers 200 with the
   * order the first one created. Without one, the request gets its own key
   * (so the service's own retries to the inventory stay safe).
   */
  router.post('/', async (req, res) => {
    const key = parseIdempotencyKey(req.get('idempotency-key'));
    const input = parseOrderCreate(req.body);
    const { order, created } = await createOrder(ctx, input, key ?? randomUUID());
    if (key !== null) res.set('Idempotency-Key', key);
    res.status(created ? 201 : 200).json(order);
  });

  /** GET /api/orders -> every order, newest first. */
  router.get('/', async (_req, res) => {
    res.json(await listOrders(ctx));
  });

  /** GET /api/orders/:order_id -> one order (404 if unknown). */
  router.get('/:order_id', async (req, res) => {
    res.json(await getOrder(ctx, pathInt(req.params.order_id, 'order_id')));
  });

  return router;
}
