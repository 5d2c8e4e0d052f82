import express, { type Express } from 'express';

export interface Item {
  id: number;
  name: string;
  stock: number;
}

export const ITEMS: readonly Item[] = [
  { id: 1, name: 'keyboard', stock: 3 },
  { id: 2, name: 'mouse', stock: 0 },
];

/** The HTTP app. It does not listen, so tests can drive it on port 0. */
export function createApp(items: readonly Item[] = ITEMS): Express {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/items/:id', (req, res) => {
    const item = items.find((i) => i.id === Number(req.params.id));
    res.json(item ?? null);
  });
  return app;
}
