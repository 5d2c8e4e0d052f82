/**
 * Price Alerts routes — TODO(candidate): implement the endpoints below.
 *
 * Every endpoint is already wired and protected by `requireAuth` (401 without
 * a valid token) and validates its input with the PROVIDED helpers from
 * ./schema (422 on bad input). What is missing is the actual work: each
 * handler currently answers 501 "Candidate must implement this endpoint".
 *
 * Use src/watchlist/routes.ts as the pattern: validate -> call the service
 * with `currentUser(req)` -> respond with `toAlertResponse(...)`.
 */
import { Router } from 'express';
import { requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { NotImplementedError } from '../errors';
import { parseAlertFilters, parseAlertId, parsePriceAlertCreate } from './schema';

export function alertsRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  /**
   * POST /alerts {"symbol": "AAPL", "target_price": 200, "condition": "above"}
   * -> 201 the created alert (including the stock's current_price).
   */
  router.post('/', auth, (req) => {
    parsePriceAlertCreate(req.body); // 422 on invalid input — keep the result when you implement this
    // TODO(candidate): call createAlert(...) and respond 201 with toAlertResponse(...).
    throw new NotImplementedError('POST /alerts');
  });

  /**
   * GET /alerts?active_only=true -> the user's alerts, newest first.
   */
  router.get('/', auth, (req) => {
    parseAlertFilters(req.query); // 422 on invalid active_only
    // TODO(candidate): call getAlerts(...) and respond 200 with a list of toAlertResponse(...).
    throw new NotImplementedError('GET /alerts');
  });

  /**
   * POST /alerts/check -> 200 the alerts triggered by this call.
   */
  router.post('/check', auth, () => {
    // TODO(candidate): call checkAndTriggerAlerts(...) and respond 200 with a list of toAlertResponse(...).
    throw new NotImplementedError('POST /alerts/check');
  });

  /**
   * GET /alerts/:alert_id -> the alert, or 404 "Alert not found".
   */
  router.get('/:alert_id', auth, (req) => {
    parseAlertId(req.params.alert_id); // 422 if not an integer
    // TODO(candidate): call getAlert(...) and respond 200 with toAlertResponse(...).
    throw new NotImplementedError('GET /alerts/:alert_id');
  });

  /**
   * DELETE /alerts/:alert_id -> 204 No Content, or 404 "Alert not found".
   */
  router.delete('/:alert_id', auth, (req) => {
    parseAlertId(req.params.alert_id); // 422 if not an integer
    // TODO(candidate): call deleteAlert(...) and respond 204.
    throw new NotImplementedError('DELETE /alerts/:alert_id');
  });

  return router;
}
