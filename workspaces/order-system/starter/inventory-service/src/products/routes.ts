/**
 * Product routes: HTTP wiring only (validate, call the service, shape the
 * response). Express 5 forwards errors thrown by async handlers to the error
 * middleware, so there is no try/catch here.
 */
import { Router } from 'express';
import { pathInt } from '../../../shared/validation';
import type { AppContext } from '../context';
import { parseProductUpdate, parseReserveRequest, toProductResponse } from './schema';
import { getProduct, listProducts, reserveStock, updateProduct } from './service';

export function productsRouter(ctx: AppContext): Router {
  const router = Router();

  /** GET /api/products -> every product. */
  router.get('/', async (_req, res) => {
    const products = await listProducts(ctx.db);
    res.json(products.map(toProductResponse));
  });

  /** GET /api/products/:product_id -> one product (404 if unknown). */
  router.get('/:product_id', async (req, res) => {
    const product = await getProduct(ctx.db, pathInt(req.params.product_id, 'product_id'));
    res.json(toProductResponse(product));
  });

  /** PATCH /api/products/:product_id {"price": 54.99} -> the updated product. */
  router.patch('/:product_id', async (req, res) => {
    const id = pathInt(req.params.product_id, 'product_id');
    const update = parseProductUpdate(req.body);
    const product = await updateProduct(ctx.db, id, update);
    ctx.logger.info(`product ${id} updated`, { changes: Object.fromEntries(Object.entries(update).filter(([, v]) => v !== null)) });
    res.json(toProductResponse(product));
  });

  /** POST /api/products/:product_id/reserve {"quantity": 2} -> {product_id, quantity, remaining_stock}. */
  router.post('/:product_id/reserve', async (req, res) => {
    const id = pathInt(req.params.product_id, 'product_id');
    const { quantity } = parseReserveRequest(req.body);
    res.json(await reserveStock(ctx.db, id, quantity));
  });

  return router;
}
