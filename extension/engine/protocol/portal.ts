/**
 * The candidate portal's API and paths (served by `portal/server.ts`, shapes in `model/portal.ts`).
 * Every route is public: the portal serves only candidate-safe data and needs no token.
 */
import { Type } from '@sinclair/typebox';
import { PortalViewSchema } from '../model/portal';
import { route } from './rpc';

export const portalApi = {
  view: route({
    method: 'GET',
    path: '/api/view',
    description: 'Everything the candidate portal shows: brief, services, hints received, clock and phase.',
    public: true,
    request: Type.Null(),
    response: PortalViewSchema,
  }),
};

/** Paths of the portal server besides the API routes (the page and its live channel). */
export const PORTAL_PATHS = { page: '/', css: '/portal.css', script: '/portal.js', socket: '/ws' } as const;
