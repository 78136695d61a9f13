// The benchmark's ceiling: a bare Express 5 app that parses JSON and answers POST /clients with 201 and the body plus an id.
// Plain JavaScript on purpose: started like the built athenty-fake (no TypeScript loader), so cold starts compare fairly.
import { randomUUID } from 'node:crypto';
import express from 'express';

const app = express();
app.use(express.json());
app.post('/clients', (req, res) => {
  res.status(201).json({ id: randomUUID(), ...req.body });
});

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  process.stdout.write(`bare-express listening on http://127.0.0.1:${port}\n`);
});

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
