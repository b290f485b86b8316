import { z } from '@hono/zod-openapi';
import { createRouter, userRoute } from '../platform/openapi';
import { invoicePdf } from './invoices';

const pdfRoute = userRoute({
  method: 'get',
  path: '/invoices/{id}/pdf',
  tags: ['orders'],
  summary: 'Download an invoice or credit note as PDF',
  description: 'Your own invoices only (administrators: any). Someone else’s is a 404.',
  request: {
    params: z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) }),
  },
  responses: {
    200: {
      description: 'The PDF',
      content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
    },
  },
});

/** Invoice and credit-note PDFs. */
export const invoiceRoutes = createRouter().openapi(pdfRoute, async (c) => {
  const { id } = c.req.valid('param');
  const { bytes, number } = await invoicePdf(c.var.services, c.var.auth, id);
  return c.body(bytes, 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `inline; filename="webox-${number}.pdf"`,
    'Cache-Control': 'private, no-store',
  });
});
