/**
 * Price Alerts routes — reference implementation.
 * Validate -> call the service with the authenticated user -> map to JSON.
 */
import { Router } from 'express';
import { currentUser, requireAuth } from '../auth/middleware';
import type { AppContext } from '../context';
import { parseAlertFilters, parseAlertId, parsePriceAlertCreate, toAlertResponse } from './schema';
import { checkAndTriggerAlerts, createAlert, deleteAlert, getAlert, getAlerts, type AlertWithPrice } from './service';

const toResponse = ({ alert, currentPrice }: AlertWithPrice) => toAlertResponse(alert, currentPrice);

export function alertsRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  /** POST /alerts -> 201 the created alert. */
  router.post('/', auth, async (req, res) => {
    const input = parsePriceAlertCreate(req.body);
    const created = await createAlert(ctx.db, currentUser(req), input);
    res.status(201).json(toResponse(created));
  });

  /** GET /alerts?active_only=true -> the user's alerts, newest first. */
  router.get('/', auth, async (req, res) => {
    const { activeOnly } = parseAlertFilters(req.query);
    const alerts = await getAlerts(ctx.db, currentUser(req), { activeOnly });
    res.json(alerts.map(toResponse));
  });

  /** POST /alerts/check -> the alerts triggered by this call. */
  router.post('/check', auth, async (req, res) => {
    const triggered = await checkAndTriggerAlerts(ctx.db, currentUser(req));
    res.json(triggered.map(toResponse));
  });

  /** GET /alerts/:alert_id */
  router.get('/:alert_id', auth, async (req, res) => {
    const alert = await getAlert(ctx.db, currentUser(req), parseAlertId(req.params.alert_id));
    res.json(toResponse(alert));
  });

  /** DELETE /alerts/:alert_id -> 204 */
  router.delete('/:alert_id', auth, async (req, res) => {
    await deleteAlert(ctx.db, currentUser(req), parseAlertId(req.params.alert_id));
    res.status(204).end();
  });

  return router;
}
