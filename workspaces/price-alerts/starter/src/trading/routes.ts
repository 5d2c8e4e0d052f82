import { Router } from 'express';
import { currentUser, requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { optionalQueryString, pathInt } from '../validation';
import { parseOrderCreate, toOrderResponse } from './schema';
import { cancelOrder, getOrder, getOrders, placeOrder } from './service';

export function tradingRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  /** POST /orders -> 201 the order (filled, pending or 400 if rejected). */
  router.post('/', auth, async (req, res) => {
    const input = parseOrderCreate(req.body);
    const order = await placeOrder(ctx.db, currentUser(req), input);
    res.status(201).json(toOrderResponse(order));
  });

  /** GET /orders?status=pending -> the user's orders, newest first. */
  router.get('/', auth, async (req, res) => {
    const orders = await getOrders(ctx.db, currentUser(req), optionalQueryString(req.query, 'status'));
    res.json(orders.map(toOrderResponse));
  });

  /** GET /orders/:order_id */
  router.get('/:order_id', auth, async (req, res) => {
    const order = await getOrder(ctx.db, currentUser(req), pathInt(req.params.order_id, 'order_id'));
    res.json(toOrderResponse(order));
  });

  /** DELETE /orders/:order_id -> cancels a pending order. */
  router.delete('/:order_id', auth, async (req, res) => {
    const order = await cancelOrder(ctx.db, currentUser(req), pathInt(req.params.order_id, 'order_id'));
    res.json(toOrderResponse(order));
  });

  return router;
}
