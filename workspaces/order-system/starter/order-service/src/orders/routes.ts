/**
 * Order routes: HTTP wiring only (validate, call the service, shape the
 * response). Express 5 forwards errors thrown by async handlers to the error
 * middleware, so there is no try/catch here.
 */
import { Router } from 'express';
import { pathInt } from '../../../shared/validation';
import type { AppContext } from '../context';
import { parseOrderCreate } from './schema';
import { createOrder, getOrder, listOrders } from './service';

export function ordersRouter(ctx: AppContext): Router {
  const router = Router();

  /** POST /api/orders {"product_id": 3, "quantity": 2} -> 201 the order. */
  router.post('/', async (req, res) => {
    const input = parseOrderCreate(req.body);
    res.status(201).json(await createOrder(ctx, input));
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
